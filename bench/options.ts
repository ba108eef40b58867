import path from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT } from './data.js';
import type { Dialect } from './databases.js';
import { SCENARIOS, type Scenario } from './scenarios.js';
import { defaultCli } from './sync-process.js';

export const HELP = `npm run bench -- [options]

  --quick                10,000 rows only, 2 runs: a smoke test in under a minute
  --write                write docs/BENCHMARKS.md even though the run is partial (--quick, --sizes, --dialects, --scenarios)
  --render FILE          only re-render docs/BENCHMARKS.md from a saved bench/results/*.json
  --sizes 500,10000      sheet sizes in rows (default 500,10000,100000,500000)
  --dialects sqlite,postgres   (default both)
  --runs N               runs per scenario (default 5, 3 for 500,000 rows)
  --scenarios LIST       any of full,unchanged,changed,service,startup (default all); service mode
                         runs once per dialect at the largest size
  --require-postgres     fail instead of skipping PostgreSQL when it is not reachable
  --pg-url URL           PostgreSQL server, no database (default $BENCH_POSTGRES_URL or postgres://postgres@127.0.0.1:5432)
  --cpu-prof             profile one extra run (largest size, first dialect) and print the top functions
  --prof-scenario S      which one: full, unchanged or changed (default full)
  --cli FILE             the leadsync entry point (default bin/leadsync.js)
`;

/** What --scenarios can pick: the three CLI scenarios, service mode and the start-up figure. */
export const PARTS = [...SCENARIOS, 'service', 'startup'] as const;
export type Part = (typeof PARTS)[number];

export interface Options {
  sizes: number[];
  dialects: Dialect[];
  runsFor: (rows: number) => number;
  runsLabel: string;
  quick: boolean;
  /** Only a run of the whole matrix replaces docs/BENCHMARKS.md, unless --write. */
  write: boolean;
  render: string | null;
  requirePostgres: boolean;
  pgUrl: string;
  cpuProf: Scenario | null;
  parts: ReadonlySet<Part>;
  /** The CLI scenarios among `parts`. */
  scenarios: ReadonlySet<Scenario>;
  cli: string;
  command: string;
}

export function parseOptions(argv: string[]): Options | 'help' {
  const { values: v } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      write: { type: 'boolean', default: false },
      render: { type: 'string' },
      sizes: { type: 'string' },
      dialects: { type: 'string' },
      runs: { type: 'string' },
      scenarios: { type: 'string' },
      'require-postgres': { type: 'boolean', default: false },
      'pg-url': {
        type: 'string',
        default: process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432',
      },
      'cpu-prof': { type: 'boolean', default: false },
      'prof-scenario': { type: 'string', default: 'full' },
      cli: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (v.help) return 'help';
  const sizes = (v.sizes ?? (v.quick ? '10000' : '500,10000,100000,500000'))
    .split(',')
    .map(positive('--sizes'));
  const dialects = (v.dialects ?? 'sqlite,postgres').split(',').map((d) => {
    if (d !== 'sqlite' && d !== 'postgres') throw new Error(`--dialects: unknown dialect ${d}`);
    return d;
  });
  const parts = new Set(
    (v.scenarios ?? PARTS.join(',')).split(',').map((p) => {
      const part = PARTS.find((x) => x === p.trim());
      if (!part) throw new Error(`--scenarios: ${p} is not one of ${PARTS.join(', ')}`);
      return part;
    }),
  );
  const fixedRuns = v.runs !== undefined ? positive('--runs')(v.runs) : v.quick ? 2 : null;
  const scenario = SCENARIOS.find((s) => s === v['prof-scenario']);
  if (!scenario) throw new Error(`--prof-scenario: one of ${SCENARIOS.join(', ')}`);
  return {
    sizes,
    dialects,
    runsFor: (rows) => fixedRuns ?? (rows >= 500_000 ? 3 : 5),
    runsLabel: fixedRuns ? `${fixedRuns} per scenario` : '5 per scenario (3 at 500,000 rows)',
    quick: v.quick,
    write:
      v.write || (!v.quick && v.sizes === undefined && v.dialects === undefined && v.scenarios === undefined),
    render: v.render ? path.resolve(v.render) : null,
    requirePostgres: v['require-postgres'],
    pgUrl: v['pg-url'].replace(/\/+$/, ''),
    cpuProf: v['cpu-prof'] ? scenario : null,
    parts,
    scenarios: new Set(SCENARIOS.filter((s) => parts.has(s))),
    cli: v.cli ? path.resolve(REPO_ROOT, v.cli) : defaultCli(),
    command: ['npm run bench', ...(argv.length ? ['--', ...argv] : [])].join(' '),
  };
}

const positive =
  (flag: string) =>
  (s: string): number => {
    const n = Number(s.replaceAll('_', ''));
    if (!Number.isInteger(n) || n <= 0) throw new Error(`${flag}: ${s} is not a positive whole number`);
    return n;
  };
