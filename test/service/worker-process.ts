import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/leadsync.js', import.meta.url));

/** A `leadsync worker` (or `serve`) running as a real child process. */
export interface LeadsyncProcess {
  child: ChildProcess;
  pid: number;
  /** The id it claims with (`<host>:<pid>:<random>`); '' for an API-only process. */
  workerId: string;
  /** `http://host:port` for a process that serves the API. */
  url: string | null;
  /** stdout and stderr so far, for failure messages. */
  output(): string;
  /** Resolves with the exit code (or signal) once the process is gone. */
  exited: Promise<number | NodeJS.Signals | null>;
  /** SIGTERM and wait (SIGKILL after `graceMs`). */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Starts `node bin/leadsync.js <args>` with `env` on top of this process's PATH and waits until
 * it prints that its worker (or API) is up.
 */
export async function startLeadsync(
  args: string[],
  env: Record<string, string>,
  readyMs = 20_000,
): Promise<LeadsyncProcess> {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) =>
    child.once('exit', (code, signal) => resolve(signal ?? code)),
  );
  const wantsWorker = args[0] === 'worker' || (args[0] === 'serve' && !args.includes('--no-worker'));
  const wantsApi = args[0] === 'serve';
  const ready = await new Promise<{ workerId: string; url: string | null }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`leadsync did not start:\n${text}`)), readyMs);
    const check = () => {
      const worker = /leadsync worker (\S+)/.exec(text);
      const api = /leadsync API on (http:\/\/\S+)/.exec(text);
      if ((!wantsWorker || worker) && (!wantsApi || api)) {
        clearTimeout(timer);
        resolve({ workerId: worker?.[1] ?? '', url: api?.[1] ?? null });
      }
    };
    // Start-up lines go to stderr (stdout is for command output).
    child.stdout?.on('data', check);
    child.stderr?.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`leadsync exited (${String(code)}) before it was ready:\n${text}`));
    });
  });
  return {
    child,
    pid: child.pid ?? -1,
    ...ready,
    output: () => text,
    exited,
    async stop(graceMs = 5_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
