// Preloaded into a fleet bench worker (`node --import`): counts the process's PostgreSQL round
// trips (every pg Client.query: statements, BEGIN/COMMIT, COPY, LISTEN/NOTIFY) and writes the
// count to $FLEET_QUERY_COUNT_FILE twice a second, so the bench can divide it by the syncs.
import { renameSync, writeFileSync } from 'node:fs';
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
  // Written aside and renamed: a reader never sees the file empty halfway through a write.
  const write = () => {
    writeFileSync(`${file}.tmp`, String(count));
    renameSync(`${file}.tmp`, file);
  };
  setInterval(write, 500).unref();
  process.on('exit', write);
}
