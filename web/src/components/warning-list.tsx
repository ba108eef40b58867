import type { SyncRun } from '../../client/index.js';

type Warning = SyncRun['warnings'][number];

/** What was wrong with a sheet's data: one line per kind, its samples (values or row numbers) after. */
export function WarningList({ warnings, label }: { warnings: Warning[]; label: string }) {
  if (warnings.length === 0) return null;
  return (
    <ul className="warnings" aria-label={label}>
      {warnings.map((w) => (
        <li key={`${w.code}:${w.column ?? ''}`}>
          <code>{w.code}</code> {w.message}
          {w.samples && w.samples.length > 0 && (
            <span className="muted"> (e.g. {w.samples.map((s) => String(s)).join(', ')})</span>
          )}
        </li>
      ))}
    </ul>
  );
}
