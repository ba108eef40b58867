// Types for scripts/server-build.js, which stays plain JavaScript so that it runs before any build.
export function serverBuildIsCurrent(root?: string): boolean;
export function buildServer(root?: string): number;
export function buildServerIfNeeded(root?: string): number;
export function ensureServerBuild(root?: string): void;
