// Preloaded into a fleet bench worker (`node --import`): counts the process's PostgreSQL round
// trips (every pg Client.query: statements, BEGIN/COMMIT, COPY, LISTEN/NOTIFY) and writes the
// count to $FLEET_QUERY_COUNT_FILE twice a second, so the bench can divide it by the syncs.
import { writeFileSync } from 'node:fs';
import { setInterval } from 'node:timers';
import pg from 'pg';

const file = process.env.FLEET_QUERY_COUNT_FILE;
let count = 0;
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function countedQuery(...args) {
  count++;
  return query.apply(this, args);
};
if (file) {
  const write = () => writeFileSync(file, String(count));
  setInterval(write, 500).unref();
  process.on('exit', write);
}
