import { memo, useState } from 'react';
import { LeadsApiError, type SyncStatus } from '../../client/index.js';
import { useApi } from '../auth.js';
import { errorWords } from '../format.js';
import { useLive } from '../live-status.js';

/** Sync now / Pause / Resume for one customer; the live status arrives through the events stream. */
export const SyncControls = memo(function SyncControls({
  status,
  name,
}: {
  status: SyncStatus;
  name: string;
}) {
  const api = useApi();
  const { store } = useLive();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const id = status.customerId;

  const act = async (action: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
      store.set(await api.getSyncStatus(id));
    } catch (caught) {
      const e = caught instanceof LeadsApiError ? caught : null;
      setError(e ? errorWords(e.code, e.message) : String(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="controls">
      {status.isPaused ? (
        <button
          type="button"
          disabled={busy}
          onClick={() => act(() => api.resumeSync(id))}
          aria-label={`Resume ${name}`}
        >
          Resume
        </button>
      ) : (
        <>
          <button
            type="button"
            className="primary"
            disabled={busy}
            onClick={() => act(() => api.triggerSync(id))}
            aria-label={`Sync now: ${name}`}
          >
            Sync now
          </button>
          <button
            type="button"
            disabled={busy}
            onClick={() => act(() => api.pauseSync(id))}
            aria-label={`Pause ${name}`}
          >
            Pause
          </button>
        </>
      )}
      {error && (
        <span className="error-text" role="alert">
          {error}
        </span>
      )}
    </div>
  );
});
