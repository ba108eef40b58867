/** A run outcome in words, with a symbol as well as a colour (colour is never the only cue). */
const OUTCOMES: Record<string, { word: string; mark: string; tone: string }> = {
  success: { word: 'Succeeded', mark: '✓', tone: 'success' },
  unchanged: { word: 'Unchanged', mark: '=', tone: 'unchanged' },
  failed: { word: 'Failed', mark: '✗', tone: 'error' },
  needs_review: { word: 'Needs review', mark: '!', tone: 'needs_review' },
  cancelled: { word: 'Cancelled', mark: '–', tone: 'paused' },
};

export function OutcomeWord({ outcome }: { outcome: string | null }) {
  if (outcome === null) return <span className="outcome outcome-running">… Running</span>;
  const o = OUTCOMES[outcome] ?? { word: outcome, mark: '', tone: 'never_synced' };
  return (
    <span className={`outcome outcome-${o.tone}`}>
      <span aria-hidden="true">{o.mark}</span> {o.word}
    </span>
  );
}
