import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startLeadsync, type LeadsyncProcess } from '../test/service/worker-process.js';

const COUNTER = path.resolve(import.meta.dirname, 'fleet-query-counter.js');
const TICKS_PER_SECOND = 100;

/** A `leadsync worker` process of the fleet bench, with its round trips counted. */
export interface FleetWorker {
  process: LeadsyncProcess;
  /** PostgreSQL round trips so far (written by fleet-query-counter.js). */
  roundTrips(): number;
  /** User + system CPU seconds so far. */
  cpuSeconds(): number;
  /** Resident set size now, in MB. */
  rssMb(): number;
}

export interface WorkerSettings {
  databaseUrl: string;
  googleBaseUrl: string;
  concurrency: number;
  quotaPerMinute: number;
  dir: string;
}

export async function startFleetWorker(settings: WorkerSettings, n: number): Promise<FleetWorker> {
  const countFile = path.join(settings.dir, `round-trips-${n}-${Date.now()}`);
  const proc = await startLeadsync(['worker'], {
    DATABASE_URL: settings.databaseUrl,
    GOOGLE_SHEETS_BASE_URL: settings.googleBaseUrl,
    LEADSYNC_ALLOW_HOSTS: '127.0.0.1',
    LEADSYNC_WORKER_CONCURRENCY: String(settings.concurrency),
    LEADSYNC_GOOGLE_PROJECT_RATE_PER_MINUTE: String(settings.quotaPerMinute),
    LEADSYNC_ADMIN_TOKEN: 'fleet-bench-admin-token-0123456789',
    NODE_OPTIONS: `--import=${COUNTER}`,
    FLEET_QUERY_COUNT_FILE: countFile,
  });
  const stat = () => readFileSync(`/proc/${proc.pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return {
    process: proc,
    roundTrips: () => {
      try {
        return Number(readFileSync(countFile, 'utf8')) || 0;
      } catch {
        return 0;
      }
    },
    cpuSeconds: () => {
      const fields = stat();
      // After "pid (comm) ": state is field 3, utime 14 and stime 15 of the whole line.
      return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
    },
    rssMb: () => {
      const line = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${proc.pid}/status`, 'utf8'));
      return line?.[1] ? Number(line[1]) / 1024 : 0;
    },
  };
}
