import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { LeadsyncError, isLeadsyncError } from '../errors.js';
import { limitBytes, peekBody, tooLarge } from './body-stream.js';
import { detectHtml } from './google-errors.js';
import { abortError } from './response-body.js';
import type { OpenOptions, SheetBody, SheetSource } from './types.js';

export interface FileSourceOptions {
  /** config.fetch.maxBytes (default 1 GiB). */
  maxBytes: number;
}

/** A local CSV file (the CLI's `--file`), streamed rather than read whole. */
export class FileSource implements SheetSource {
  readonly kind = 'file' as const;
  private readonly path: string;

  constructor(
    path: string,
    private readonly options: FileSourceOptions,
  ) {
    this.path = resolve(path);
  }

  describe(): string {
    return `file ${this.path}`;
  }

  async open(options: OpenOptions = {}): Promise<SheetBody> {
    const { signal } = options;
    if (signal?.aborted) throw abortError(signal);
    const info = await stat(this.path).catch((error: unknown) => {
      throw this.readFailed(error);
    });
    if (!info.isFile()) throw this.readFailed(undefined, 'it is not a regular file');
    if (info.size > this.options.maxBytes) throw tooLarge(this.options.maxBytes, info.size);
    const peeked = await peekBody(this.read(signal), 4096);
    // A web page saved as .csv is as wrong here as on the wire.
    if (detectHtml(peeked.head, undefined)) {
      await peeked.close();
      throw new LeadsyncError('SHEET_NOT_CSV', 'The file is a web page, not CSV data', {
        details: { path: this.path },
      });
    }
    return {
      kind: 'csv',
      chunks: limitBytes(peeked.chunks, this.options.maxBytes),
      contentLength: info.size,
    };
  }

  private async *read(signal: AbortSignal | undefined): AsyncGenerator<Uint8Array> {
    const stream = createReadStream(this.path);
    const onAbort = () => stream.destroy(abortError(signal));
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      for await (const chunk of stream as AsyncIterable<Buffer>) yield chunk;
    } catch (error) {
      if (signal?.aborted) throw abortError(signal);
      throw isLeadsyncError(error) ? error : this.readFailed(error);
    } finally {
      signal?.removeEventListener('abort', onAbort);
      stream.destroy();
    }
  }

  private readFailed(cause: unknown, reason?: string): LeadsyncError {
    const code = (cause as NodeJS.ErrnoException | undefined)?.code;
    const why = reason ?? (code === 'ENOENT' ? 'it does not exist' : (code ?? 'unknown error'));
    return new LeadsyncError('SHEET_READ_FAILED', `The file ${this.path} could not be read: ${why}`, {
      cause,
      details: { path: this.path },
    });
  }
}
