import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * WAL checkpoints off the main thread. SQLite checkpoints automatically on the connection that
 * commits, synchronously: after a 100,000-row sync that copied ~60 MB back into the database
 * file while the event loop stood still (a status request waited 0.8 s). So the writer's
 * automatic checkpoint is off, and this worker thread, with a connection of its own, runs a
 * PASSIVE checkpoint (never waits for readers or the writer) after each commit, coalesced.
 */
export class SqliteCheckpointer {
  private readonly worker: Worker;
  private busy = false;
  private again = false;
  private closed = false;

  constructor(file: string, onError: (message: string) => void = () => {}) {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file, driver } });
    this.worker.unref();
    this.worker.on('message', (message: { error?: string }) => {
      if (message.error) onError(message.error);
      this.busy = false;
      if (this.again) this.request();
    });
    // Checkpoints are housekeeping: a failed one is retried after the next commit.
    this.worker.on('error', (error) => onError(error.message));
  }

  /** Asks for a checkpoint; one runs at a time, and requests meanwhile make one more. */
  request(): void {
    if (this.closed) return;
    if (this.busy) {
      this.again = true;
      return;
    }
    this.busy = true;
    this.again = false;
    this.worker.postMessage('checkpoint');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.worker.terminate();
  }
}

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 1000');
parentPort.on('message', () => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
    parentPort.postMessage({});
  } catch (error) {
    parentPort.postMessage({ error: String(error && error.message || error) });
  }
});
`;
