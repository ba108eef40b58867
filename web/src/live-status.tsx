import { useQueryClient } from '@tanstack/react-query';
import {
  createContext,
  useContext,
  useEffect,
  useMemo,
  useState,
  useSyncExternalStore,
  type ReactNode,
} from 'react';
import type { SyncEvent, SyncStatus } from '../client/index.js';
import { useApi } from './auth.js';
import { errorWords } from './format.js';
import { useNotices } from './notifications.js';
import { StatusStore } from './status-store.js';

interface Live {
  store: StatusStore;
  loaded: boolean;
  loadError: Error | null;
  connected: boolean;
}

const LiveContext = createContext<Live | null>(null);

export { useCustomerNames } from './customer-names.js';

/**
 * Loads every status once, then keeps the StatusStore current from the events stream: progress
 * events patch in place; state changes re-read that one customer's status. Failures and held
 * mass deletes become notices; finished runs refresh the queries that show them.
 */
export function LiveStatusProvider({ children }: { children: ReactNode }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const { push, clearCustomer } = useNotices();
  const [store] = useState(() => new StatusStore());
  const [state, setState] = useState({ loaded: false, loadError: null as Error | null, connected: false });

  useEffect(() => {
    let live = true;
    api.getAllSyncStatuses().then(
      (statuses) => {
        if (!live) return;
        store.load(statuses);
        setState((s) => ({ ...s, loaded: true, loadError: null }));
      },
      (error: Error) => live && setState((s) => ({ ...s, loadError: error })),
    );
    const refresh = (customerId: string) =>
      api.getSyncStatus(customerId).then(
        (s) => {
          store.set(s);
          return s;
        },
        () => undefined,
      );
    const onEvent = (event: SyncEvent) => {
      const id = event.customerId;
      switch (event.type) {
        case 'status':
          return store.set(event.status);
        case 'progress':
          return store.progress(id, event.progress);
        case 'customer-deleted':
          store.remove(id);
          return void queryClient.invalidateQueries({ queryKey: ['customers'] });
        case 'leads-changed':
          return void queryClient.invalidateQueries({ queryKey: ['leads', id] });
        case 'run-finished':
          void queryClient.invalidateQueries({ queryKey: ['customer', id] });
          void queryClient.invalidateQueries({ queryKey: ['leads', id] });
          if (event.outcome === 'success' || event.outcome === 'unchanged') clearCustomer(id);
          void refresh(id).then((s) => notifyOutcome(s, event.outcome));
          return;
        default:
          if (!store.get(id)) void queryClient.invalidateQueries({ queryKey: ['customers'] });
          void queryClient.invalidateQueries({ queryKey: ['customer', id, 'runs'] });
          void refresh(id);
      }
    };
    const nameOf = async (customerId: string) => {
      const cached = queryClient.getQueryData<Map<string, { name: string }>>(['customers'])?.get(customerId);
      return cached?.name ?? (await api.getCustomer(customerId).catch(() => null))?.name ?? customerId;
    };
    const notifyOutcome = async (status: SyncStatus | undefined, outcome: string) => {
      if (!status || (outcome !== 'failed' && outcome !== 'needs_review')) return;
      const who = await nameOf(status.customerId);
      // The notifications page (and the badge, once it answers) include this one too.
      void queryClient.invalidateQueries({ queryKey: ['notifications'] });
      if (outcome === 'failed') {
        const code = status.lastErrorCode;
        push({
          kind: 'error',
          title: `Sync failed: ${who}.`,
          text: code ? `${code}: ${errorWords(code, status.lastError ?? '')}` : 'See the run history.',
          customerId: status.customerId,
        });
      } else if (outcome === 'needs_review') {
        push({
          kind: 'warning',
          title: `Mass delete held: ${who}.`,
          text: 'Review the run and approve it if the deletions are intended.',
          customerId: status.customerId,
        });
      }
    };
    const subscription = api.subscribeToEvents(undefined, onEvent, {
      onOpen: () => setState((s) => ({ ...s, connected: true })),
      onError: () => setState((s) => ({ ...s, connected: false })),
    });
    return () => {
      live = false;
      subscription.close();
    };
  }, [api, store, queryClient, push, clearCustomer]);

  // Memoised: a new notice re-renders this provider, which must not re-render every row.
  const value = useMemo(() => ({ store, ...state }), [store, state]);
  return <LiveContext.Provider value={value}>{children}</LiveContext.Provider>;
}

export function useLive(): Live {
  const live = useContext(LiveContext);
  if (!live) throw new Error('useLive outside LiveStatusProvider');
  return live;
}

/** One customer's live status; re-renders only when that customer changes. */
export function useStatus(customerId: string): SyncStatus | undefined {
  const { store } = useLive();
  return useSyncExternalStore(
    (l) => store.subscribe(customerId, l),
    () => store.get(customerId),
  );
}

/** A number that changes when any status word changes (not on progress): the table's filter key. */
export function useStatusListVersion(): number {
  const { store } = useLive();
  return useSyncExternalStore(store.subscribeList, store.version);
}
