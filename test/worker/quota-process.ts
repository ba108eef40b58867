// A process that asks the shared Google limiter for slots as fast as it is given them, with
// several requests in flight (as a worker's concurrent syncs would), and prints when each was let
// through (epoch ms, the database's clock) as JSON. Used by shared-quota.test.ts:
//   node bin/run-ts.js test/worker/quota-process.ts URL PER_WINDOW WINDOW_MS RUN_MS IN_FLIGHT
// It says `ready` on stderr once connected and starts asking when its stdin closes, so the test
// can start two of them at the same moment whatever their start-up took.
import { openDatabase } from '../../src/db/connection.js';
import { SharedPacedLimiter } from '../../src/worker/shared-rate-limit.js';

const [url = '', perWindow = '0', windowMs = '0', runMs = '0', inFlight = '1'] = process.argv.slice(2);
const handle = await openDatabase(url, { migrate: false });
const limiter = new SharedPacedLimiter(handle.db, 'project', Number(perWindow), Number(windowMs));
process.stderr.write('ready\n');
await new Promise((resolve) => process.stdin.on('end', resolve).resume());
const sent: number[] = [];
const end = Date.now() + Number(runMs);
await Promise.all(
  Array.from({ length: Number(inFlight) }, async () => {
    while (Date.now() < end) sent.push(await limiter.reserve());
  }),
);
await handle.close();
process.stdout.write(JSON.stringify(sent));
