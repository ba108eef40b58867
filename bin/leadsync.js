#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx, so the installed command and the
// code under test are always the same files (no stale build).
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
