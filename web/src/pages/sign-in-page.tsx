import { useEffect, useState, type FormEvent } from 'react';
import { createLeadsApi, LeadsApiError } from '../../client/index.js';
import { useAuth } from '../auth.js';
import { errorWords } from '../format.js';

/** Asks for a bearer token and checks it against the API before keeping it. */
export function SignInPage({
  baseUrl = '',
  fetch,
}: {
  baseUrl?: string | undefined;
  fetch?: typeof globalThis.fetch | undefined;
}) {
  const { signIn } = useAuth();
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [demoToken, setDemoToken] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    // Public: only `npm run demo` names a token here; any failure just leaves the hint out.
    createLeadsApi({ baseUrl, token: '', fetch })
      .getDashboardInfo()
      .then((info) => live && setDemoToken(info.demoToken))
      .catch(() => {});
    return () => {
      live = false;
    };
  }, [baseUrl, fetch]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await createLeadsApi({ baseUrl, token: token.trim(), fetch }).listCustomers({ limit: 1 });
      signIn(token.trim());
    } catch (caught) {
      setError(caught instanceof LeadsApiError ? errorWords(caught.code, caught.message) : String(caught));
      setBusy(false);
    }
  };

  return (
    <main className="sign-in">
      <h1>leadsync</h1>
      <form onSubmit={submit} aria-labelledby="sign-in-title">
        <h2 id="sign-in-title">Sign in</h2>
        {demoToken && (
          <div className="card demo-hint" role="note" aria-label="Demo">
            <p>
              This is the demo. Its admin token is <code>{demoToken}</code>.
            </p>
            <button type="button" onClick={() => setToken(demoToken)}>
              Use the demo token
            </button>
          </div>
        )}
        <label>
          API token
          <input
            type="password"
            required
            value={token}
            onChange={(e) => setToken(e.target.value)}
            autoComplete="current-password"
          />
        </label>
        <p className="muted">
          Use the admin token (LEADSYNC_ADMIN_TOKEN, or the one printed when the service first started) or a
          token from <code>leadsync token create</code>. It is remembered in this browser until you sign out.
        </p>
        <button type="submit" className="primary" disabled={busy || !token.trim()}>
          {busy ? 'Checking…' : 'Sign in'}
        </button>
        {error && (
          <p role="alert" className="error-text">
            {error}
          </p>
        )}
      </form>
    </main>
  );
}
