import { describe, expect, it } from 'vitest';
import { isId, newId } from '../../src/ids.js';

describe('newId', () => {
  it('makes UUIDv7 strings that isId accepts', () => {
    const id = newId();
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(isId(id)).toBe(true);
  });

  it('sorts ids by the time they were made', () => {
    const ids = [newId(1_700_000_000_000), newId(1_700_000_000_001), newId(1_800_000_000_000)];
    expect([...ids].sort()).toEqual(ids);
  });

  it('keeps ids made in the same millisecond in the order they were made', () => {
    const ids = Array.from({ length: 10_000 }, () => newId(1_900_000_000_000));
    expect([...ids].sort()).toEqual(ids);
  });

  it('never goes back when the clock does', () => {
    const later = newId(1_950_000_000_000);
    const earlier = newId(1_949_999_999_000);
    expect(earlier > later).toBe(true);
  });

  it('never repeats across many ids (the random pool refills)', () => {
    const ids = new Set(Array.from({ length: 10_000 }, () => newId(1_700_000_000_000)));
    expect(ids.size).toBe(10_000);
  });

  it('rejects strings that are not ids', () => {
    expect(isId('1; drop table leads')).toBe(false);
    expect(isId('')).toBe(false);
  });
});
