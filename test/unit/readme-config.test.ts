import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// Every option's one-line comment in src/config.ts ("NAME: meaning. Default X.") is the
// source of the README's configuration table; this keeps the two from drifting apart.
const config = readFileSync(new URL('../../src/config.ts', import.meta.url), 'utf8');
// Prettier pads table cells; compare with runs of spaces folded.
const fold = (text: string) => text.replace(/ +/g, ' ');
const readme = fold(readFileSync(new URL('../../README.md', import.meta.url), 'utf8'));
const OPTION = /\/\*\* ([A-Z_]+): (.*?) Default (.*?)\.? \*\//g;
const options = [...config.matchAll(OPTION)].map(([, name, meaning, def]) => ({ name, meaning, def }));

describe('README configuration table', () => {
  it('finds the documented options in src/config.ts', () => {
    expect(options.length).toBeGreaterThan(30);
  });

  it.each(options)('documents $name with its default and meaning', ({ name, meaning, def }) => {
    expect(readme).toContain(fold(`| \`${name}\` | ${def} | ${meaning} |`));
  });

  it('has no option in the schema without a documented default', () => {
    const schemaKeys = [...config.matchAll(/^ {2}([A-Z][A-Z_]+): /gm)].map(([, key]) => key);
    const documented = new Set(options.map((o) => o.name));
    expect(schemaKeys.filter((key) => !documented.has(key))).toEqual([]);
  });
});
