import type { SyncRun } from '../../client/index.js';

/** What each phase is called on the run page. */
const PHASE_WORDS: Record<string, string> = {
  queued: 'Started',
  fetching: 'Downloading the sheet',
  parsing: 'Reading rows',
  diffing: 'Comparing with the stored leads',
  applying: 'Writing changes',
  finishing: 'Finishing',
};

export interface TimelineStep {
  phase: string;
  label: string;
  at: string;
  /** Until the next step (or the run's end); null while it is the running step. */
  durationMs: number | null;
}

/** The run's phases as steps with durations, then its ending (when it finished). */
export function runTimeline(run: SyncRun): TimelineStep[] {
  const marks = run.phases ?? [{ phase: 'queued', at: run.startedAt }];
  const end = run.finishedAt ? Date.parse(run.finishedAt) : null;
  const steps: TimelineStep[] = marks.map((m, i) => {
    const next = marks[i + 1] ? Date.parse(marks[i + 1]!.at) : end;
    return {
      phase: m.phase,
      label: PHASE_WORDS[m.phase] ?? m.phase,
      at: m.at,
      durationMs: next === null ? null : Math.max(0, next - Date.parse(m.at)),
    };
  });
  if (run.finishedAt)
    steps.push({
      phase: 'finished',
      label: `Finished: ${run.outcome ?? ''}`,
      at: run.finishedAt,
      durationMs: null,
    });
  return steps;
}
