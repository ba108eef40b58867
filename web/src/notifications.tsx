import { useQuery } from '@tanstack/react-query';
import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
  type ReactNode,
} from 'react';
import { useApi } from './auth.js';
import { useCustomerNames } from './customer-names.js';
import { notificationWords, stillFailing, type NoticeKind } from './notification-words.js';
import { href } from './router.js';

export interface Notice {
  id: number;
  kind: NoticeKind;
  title: string;
  text: string;
  customerId?: string;
}

interface Notices {
  notices: Notice[];
  /** Unread notifications: the server's count at load plus those that arrived live since. */
  unread: number;
  push(notice: Omit<Notice, 'id'>): void;
  dismiss(id: number): void;
  /** A customer synced again: its failure and held-delete banners are over. */
  clearCustomer(customerId: string): void;
  /** After "Mark all as read": the server's new count, and no live ones on top. */
  setRead(unread: number): void;
}

const NoticeContext = createContext<Notices | null>(null);
/** Older notices are dropped past this many. */
const MAX_NOTICES = 20;
/** Notifications read at start-up: enough to find every customer still failing in a fleet's day. */
const LOADED = 200;
let nextId = 1;

/** The recent notifications, also read by the notifications page (one request for both). */
export function useNotificationList() {
  const api = useApi();
  return useQuery({ queryKey: ['notifications'], queryFn: () => api.listNotifications({ limit: LOADED }) });
}

/**
 * Banners and the unread badge. On load it reads `GET /api/notifications`, so a customer that
 * failed before the page was opened has its banner and counts in the badge; later failures
 * arrive through the events stream (live-status.tsx) and are added on top.
 */
export function NotificationsProvider({ children }: { children: ReactNode }) {
  const [notices, setNotices] = useState<Notice[]>([]);
  const [live, setLive] = useState(0);
  const [readCount, setReadCount] = useState<number | null>(null);
  const list = useNotificationList();
  const customers = useCustomerNames();
  const shown = useRef(false);
  const push = useCallback((n: Omit<Notice, 'id'>) => {
    setNotices((all) => [{ ...n, id: nextId++ }, ...all].slice(0, MAX_NOTICES));
    setLive((c) => c + 1);
  }, []);
  const dismiss = useCallback((id: number) => setNotices((all) => all.filter((n) => n.id !== id)), []);
  const clearCustomer = useCallback(
    (customerId: string) => setNotices((all) => all.filter((n) => n.customerId !== customerId)),
    [],
  );
  const setRead = useCallback((unread: number) => {
    setReadCount(unread);
    setLive(0);
  }, []);

  useEffect(() => {
    if (shown.current || !list.data || !customers.data) return;
    shown.current = true;
    const nameOf = (id: string | null) => (id && customers.data.get(id)?.name) ?? id ?? 'all customers';
    const loaded = stillFailing(list.data.notifications).map((n) => ({
      ...notificationWords(n, nameOf(n.customerId)),
      id: nextId++,
      ...(n.customerId && { customerId: n.customerId }),
    }));
    setNotices((all) => [...all, ...loaded].slice(0, MAX_NOTICES));
  }, [list.data, customers.data]);

  // A fresh list already counts what arrived live before it (the outbox row commits with the run).
  useEffect(() => {
    setLive(0);
    setReadCount(null);
  }, [list.dataUpdatedAt]);

  const unread = (readCount ?? list.data?.unread ?? 0) + live;
  const value = useMemo(
    () => ({ notices, unread, push, dismiss, clearCustomer, setRead }),
    [notices, unread, push, dismiss, clearCustomer, setRead],
  );
  return <NoticeContext.Provider value={value}>{children}</NoticeContext.Provider>;
}

export function useNotices(): Notices {
  const value = useContext(NoticeContext);
  if (!value) throw new Error('useNotices outside NotificationsProvider');
  return value;
}

/** The banners: failures and held deletes, announced to screen readers. */
export function NoticeArea() {
  const { notices, dismiss } = useNotices();
  return (
    <section className="notices" aria-live="assertive" aria-label="Notifications">
      {notices.slice(0, 3).map((n) => (
        <div key={n.id} className={`notice notice-${n.kind}`} role="alert">
          <div>
            <strong>{n.title}</strong> <span>{n.text}</span>{' '}
            {n.customerId && <a href={href.customer(n.customerId)}>Open customer</a>}
          </div>
          <button
            type="button"
            className="link"
            onClick={() => dismiss(n.id)}
            aria-label={`Dismiss: ${n.title}`}
          >
            Dismiss
          </button>
        </div>
      ))}
    </section>
  );
}

/** The header's link to the notifications page, with the unread count (in words for screen readers). */
export function NoticeBadge() {
  const { unread } = useNotices();
  return (
    <a
      href={href.notifications()}
      className="notifications-link"
      aria-label={`Notifications, ${unread} unread`}
    >
      Notifications{' '}
      {unread > 0 && (
        <span className="badge badge-alert" aria-hidden="true">
          {unread}
        </span>
      )}
    </a>
  );
}
