import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { href } from './router.js';

export interface Notice {
  id: number;
  kind: 'error' | 'warning' | 'info';
  title: string;
  text: string;
  customerId?: string;
}

interface Notices {
  notices: Notice[];
  push(notice: Omit<Notice, 'id'>): void;
  dismiss(id: number): void;
}

const NoticeContext = createContext<Notices | null>(null);
/** Older notices are dropped past this many. */
const MAX_NOTICES = 20;
let nextId = 1;

export function NotificationsProvider({ children }: { children: ReactNode }) {
  const [notices, setNotices] = useState<Notice[]>([]);
  const push = useCallback((n: Omit<Notice, 'id'>) => {
    setNotices((list) => [{ ...n, id: nextId++ }, ...list].slice(0, MAX_NOTICES));
  }, []);
  const dismiss = useCallback((id: number) => setNotices((list) => list.filter((n) => n.id !== id)), []);
  const value = useMemo(() => ({ notices, push, dismiss }), [notices, push, dismiss]);
  return <NoticeContext.Provider value={value}>{children}</NoticeContext.Provider>;
}

export function useNotices(): Notices {
  const value = useContext(NoticeContext);
  if (!value) throw new Error('useNotices outside NotificationsProvider');
  return value;
}

/** The banners: failures and held deletes as they happen, announced to screen readers. */
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

/** The header badge: how many notices are waiting. */
export function NoticeBadge() {
  const { notices } = useNotices();
  if (notices.length === 0) return null;
  return (
    <span className="badge badge-alert" aria-label={`${notices.length} notifications`}>
      {notices.length}
    </span>
  );
}
