import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { LeadsyncError } from '../../src/errors.js';

describe('LEADSYNC_BATCH_SIZE', () => {
  it.each(['0', '-5', '1.5', 'abc', '100001'])(
    'refuses %s with CONFIG_INVALID naming the variable',
    (value) => {
      let caught: unknown;
      try {
        loadConfig({ LEADSYNC_BATCH_SIZE: value });
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(LeadsyncError);
      expect((caught as LeadsyncError).code).toBe('CONFIG_INVALID');
      expect((caught as LeadsyncError).message).toContain('LEADSYNC_BATCH_SIZE');
    },
  );

  it('accepts sizes past every bind-parameter limit (the stage splits its statements)', () => {
    expect(loadConfig({ LEADSYNC_BATCH_SIZE: '100000' }).batchSize).toBe(100_000);
    expect(loadConfig({}).batchSize).toBe(500);
  });
});
