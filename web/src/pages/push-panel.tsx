import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { LeadsApiError, type PushUrlCreated } from '../../client/index.js';
import { APPS_SCRIPT_STEPS, appsScriptSnippet } from '../apps-script.js';
import { useApi } from '../auth.js';
import { errorWords, relativeTime } from '../format.js';

/**
 * Push (issue 14): turning it on shows the push URL and the Apps Script that calls it, once:
 * the server keeps only the secret's hash, so after a reload the page can only say push is on
 * (and make a new URL, which stops the old one).
 */
export function PushPanel({ customerId }: { customerId: string }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const key = ['customer', customerId, 'push'];
  const state = useQuery({ queryKey: key, queryFn: () => api.getPushUrl(customerId) });
  const [debounce, setDebounce] = useState(10);
  const [created, setCreated] = useState<PushUrlCreated | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: key });
  const create = useMutation({
    mutationFn: () => api.createPushUrl(customerId, debounce),
    onSuccess: (result) => {
      setCreated(result);
      void refresh();
    },
  });
  const remove = useMutation({
    mutationFn: () => api.deletePushUrl(customerId),
    onSuccess: () => {
      setCreated(null);
      void refresh();
    },
  });
  const failure = create.error ?? remove.error;
  const error =
    failure instanceof LeadsApiError ? errorWords(failure.code, failure.message) : failure?.message;
  const push = state.data;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };

  return (
    <div className="card" aria-label="Push">
      <p>
        {push?.enabled
          ? `Push is on: a run starts ${push.debounceSeconds ?? 0} s after the sheet says it changed · ${push.pushCount} pushes, last ${relativeTime(push.lastPushAt)}.`
          : 'Push is off: the sheet is read on its schedule only.'}
      </p>
      <form className="form-grid" onSubmit={submit}>
        <label>
          Debounce (seconds)
          <input
            type="number"
            min={0}
            max={300}
            value={debounce}
            onChange={(e) => setDebounce(Number(e.target.value))}
          />
        </label>
        <div>
          <button type="submit" disabled={create.isPending}>
            {push?.enabled ? 'New push URL' : 'Turn on push'}
          </button>{' '}
          {push?.enabled && (
            <button type="button" disabled={remove.isPending} onClick={() => remove.mutate()}>
              Turn off push
            </button>
          )}
        </div>
      </form>
      {error && (
        <p className="error-text" role="alert">
          {error}
        </p>
      )}
      {created && (
        <div aria-label="New push URL">
          <p>
            <strong>Copy it now: it is shown only this once.</strong> Anyone with this URL can start a sync of
            this customer; making a new one stops it.
          </p>
          <label>
            Push URL
            <input readOnly size={90} value={created.pushUrl} onFocus={(e) => e.target.select()} />
          </label>
          <ol>
            {APPS_SCRIPT_STEPS.map((step) => (
              <li key={step}>{step}</li>
            ))}
          </ol>
          <pre aria-label="Apps Script">{appsScriptSnippet(created.pushUrl)}</pre>
        </div>
      )}
    </div>
  );
}
