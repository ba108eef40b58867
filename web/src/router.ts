import { useSyncExternalStore } from 'react';

/** The dashboard's pages, read from `location.hash` (no router package: a handful of routes). */
export type Route =
  | { page: 'overview' }
  | { page: 'new-customer' }
  | { page: 'customer'; id: string }
  | { page: 'edit-customer'; id: string }
  | { page: 'leads'; id: string }
  | { page: 'run'; id: string }
  | { page: 'notifications' }
  | { page: 'not-found'; path: string };

/**
 * `#/`, `#/customers/new`, `#/customers/:id`, `#/customers/:id/edit`, `#/customers/:id/leads`,
 * `#/runs/:id`, `#/notifications`.
 */
export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '') || '/';
  if (path === '/' || path === '') return { page: 'overview' };
  if (path === '/customers/new') return { page: 'new-customer' };
  if (path === '/notifications') return { page: 'notifications' };
  const run = /^\/runs\/([^/]+)$/.exec(path);
  if (run?.[1]) return { page: 'run', id: decodeURIComponent(run[1]) };
  const match = /^\/customers\/([^/]+)(\/edit|\/leads)?$/.exec(path);
  if (!match?.[1]) return { page: 'not-found', path };
  const id = decodeURIComponent(match[1]);
  if (match[2] === '/edit') return { page: 'edit-customer', id };
  if (match[2] === '/leads') return { page: 'leads', id };
  return { page: 'customer', id };
}

export const href = {
  overview: () => '#/',
  newCustomer: () => '#/customers/new',
  customer: (id: string) => `#/customers/${encodeURIComponent(id)}`,
  editCustomer: (id: string) => `#/customers/${encodeURIComponent(id)}/edit`,
  leads: (id: string) => `#/customers/${encodeURIComponent(id)}/leads`,
  run: (id: string) => `#/runs/${encodeURIComponent(id)}`,
  notifications: () => '#/notifications',
};

export function navigate(to: string): void {
  window.location.hash = to;
}

const subscribe = (onChange: () => void) => {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
};

/** The current route; re-renders on hash changes. */
export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribe, () => window.location.hash);
  return parseRoute(hash);
}
