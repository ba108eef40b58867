import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Three forks on two cores: the tests wait on signals, PostgreSQL and child processes for a
    // sixth of the run, which a third fork fills (2 forks: 90-92 s, 31 s of CPU idle; 3: 82 s, 10 s).
    maxWorkers: 3,
    // Test files share their worker's module cache instead of importing everything afresh: module
    // imports fell from 48 s to 10 s of a 165 s run (125 s now). Safe because every test makes its
    // own database, fake Google and app; nothing is shared through module state but id counters.
    isolate: false,
    // In CI also write a JSON report; .ci/run prints its totals as the closing line.
    reporters: process.env.CI ? ['default', 'json'] : ['default'],
    outputFile: { json: 'test-results/vitest.json' },
  },
});
