/**
 * Polls `probe` until `ok` holds, every `everyMs`, failing after `ms` with the last value seen.
 * Tests wait for conditions this way instead of sleeping for a guessed time.
 */
export async function until<T>(
  probe: () => Promise<T>,
  ok: (value: T) => boolean,
  ms = 10_000,
  everyMs = 20,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (ok(value)) return value;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms; last value ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
