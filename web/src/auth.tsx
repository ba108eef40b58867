import { createContext, useContext, useMemo, useState, type ReactNode } from 'react';
import { createLeadsApi, type LeadsApi } from '../client/index.js';

/** Where the token is remembered between visits. */
const TOKEN_KEY = 'leadsync.token';

interface Auth {
  api: LeadsApi | null;
  signIn(token: string): void;
  signOut(): void;
}

const AuthContext = createContext<Auth | null>(null);

function readToken(): string | null {
  try {
    return window.localStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

/** Holds the bearer token (localStorage) and the leadsApi client made with it. */
export function AuthProvider({
  children,
  baseUrl = '',
  fetch,
}: {
  children: ReactNode;
  baseUrl?: string | undefined;
  /** For tests; default the global fetch. */
  fetch?: typeof globalThis.fetch | undefined;
}) {
  const [token, setToken] = useState<string | null>(readToken);
  const value = useMemo<Auth>(
    () => ({
      api: token ? createLeadsApi({ baseUrl, token, fetch }) : null,
      signIn(next) {
        window.localStorage.setItem(TOKEN_KEY, next);
        setToken(next);
      },
      signOut() {
        window.localStorage.removeItem(TOKEN_KEY);
        setToken(null);
      },
    }),
    [token, baseUrl, fetch],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): Auth {
  const auth = useContext(AuthContext);
  if (!auth) throw new Error('useAuth outside AuthProvider');
  return auth;
}

/** The signed-in client (pages render only when signed in). */
export function useApi(): LeadsApi {
  const { api } = useAuth();
  if (!api) throw new Error('useApi while signed out');
  return api;
}
