import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { once } from 'node:events';
import type { SheetLead } from '../sheet/types.js';

/**
 * The leads a sync must write, gathered while the sheet downloads so that the database
 * transaction opens only once everything is known (a slow download never holds a write lock).
 * Small change sets stay in memory; past `memoryLimit` leads they spill to a temporary
 * NDJSON file, so a first sync of 500k rows runs in bounded memory.
 */
export class ChangeSet {
  private memory: SheetLead[] = [];
  private spillDir: string | null = null;
  private spill: WriteStream | null = null;
  private spilled = 0;

  constructor(private readonly memoryLimit = 20_000) {}

  get size(): number {
    return this.memory.length + this.spilled;
  }

  async add(lead: SheetLead): Promise<void> {
    if (this.spill === null && this.memory.length < this.memoryLimit) {
      this.memory.push(lead);
      return;
    }
    if (this.spill === null) await this.openSpill();
    this.spilled++;
    if (!this.spill!.write(JSON.stringify(lead) + '\n')) await once(this.spill!, 'drain');
  }

  /** Yields the leads in the order they were added, `batchSize` at a time. */
  async *batches(batchSize: number): AsyncGenerator<SheetLead[]> {
    for (let i = 0; i < this.memory.length; i += batchSize) yield this.memory.slice(i, i + batchSize);
    if (!this.spill || !this.spillDir) return;
    await new Promise<void>((resolve, reject) =>
      this.spill!.end((err?: Error | null) => (err ? reject(err) : resolve())),
    );
    const lines = createInterface({ input: createReadStream(this.file()), crlfDelay: Infinity });
    let batch: SheetLead[] = [];
    for await (const line of lines) {
      if (!line) continue;
      batch.push(JSON.parse(line) as SheetLead);
      if (batch.length >= batchSize) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
  }

  /** Removes the spill file; safe to call more than once. */
  async dispose(): Promise<void> {
    this.memory = [];
    if (this.spill && !this.spill.closed) this.spill.destroy();
    this.spill = null;
    if (this.spillDir) await rm(this.spillDir, { recursive: true, force: true });
    this.spillDir = null;
  }

  private async openSpill(): Promise<void> {
    this.spillDir = await mkdtemp(path.join(tmpdir(), 'leadsync-changes-'));
    this.spill = createWriteStream(this.file());
    await once(this.spill, 'open');
  }

  private file(): string {
    return path.join(this.spillDir ?? '', 'changes.ndjson');
  }
}
