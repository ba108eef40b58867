import { useSyncExternalStore } from 'react';

/** How often relative times ("3 minutes ago") are refreshed: often enough for minutes, cheap for 1,000 rows. */
const TICK_MS = 30_000;

let now = Date.now();
const listeners = new Set<() => void>();
let timer: ReturnType<typeof setInterval> | null = null;

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  // One shared timer for every row, running only while something shows a relative time.
  timer ??= setInterval(() => {
    now = Date.now();
    for (const l of listeners) l();
  }, TICK_MS);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer !== null) {
      clearInterval(timer);
      timer = null;
    }
  };
}

/** The current time, updated every TICK_MS, so "x minutes ago" keeps counting on a screen left open. */
export function useNow(): number {
  return useSyncExternalStore(subscribe, () => now);
}
