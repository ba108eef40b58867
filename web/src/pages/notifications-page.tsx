import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useApi } from '../auth.js';
import { useCustomerNames } from '../customer-names.js';
import { dateTime, relativeTime } from '../format.js';
import { notificationWords } from '../notification-words.js';
import { useNotificationList, useNotices } from '../notifications.js';
import { href } from '../router.js';

/** Every recent notification, newest first; unread ones say so in words, not colour alone. */
export function NotificationsPage() {
  const api = useApi();
  const queryClient = useQueryClient();
  const list = useNotificationList();
  const customers = useCustomerNames();
  const { setRead } = useNotices();
  const newest = list.data?.notifications[0]?.id;
  const markRead = useMutation({
    mutationFn: (upTo: string) => api.markNotificationsRead(upTo),
    onSuccess: async ({ unread }) => {
      setRead(unread);
      await queryClient.invalidateQueries({ queryKey: ['notifications'] });
    },
  });
  if (list.error) return <p role="alert">Could not load the notifications: {list.error.message}</p>;
  if (!list.data) return <p aria-busy="true">Loading notifications…</p>;
  const nameOf = (id: string | null) => (id && customers.data?.get(id)?.name) ?? id ?? 'all customers';
  return (
    <section aria-labelledby="notifications-title">
      <p className="crumbs">
        <a href={href.overview()}>All customers</a> /
      </p>
      <div className="page-head">
        <h1 id="notifications-title">Notifications</h1>
        <span className="muted">{list.data.unread} unread</span>
        <span className="spacer" />
        <button
          type="button"
          disabled={!newest || list.data.unread === 0 || markRead.isPending}
          onClick={() => newest && markRead.mutate(newest)}
        >
          Mark all as read
        </button>
      </div>
      {list.data.notifications.length === 0 ? (
        <p className="empty">Nothing yet. Failures, held deletes, pauses and recoveries appear here.</p>
      ) : (
        <ol className="notification-list" aria-label="Notifications, newest first">
          {list.data.notifications.map((n) => {
            const words = notificationWords(n, nameOf(n.customerId));
            return (
              <li
                key={n.id}
                data-id={n.id}
                className={`notification notice-${words.kind}${n.read ? '' : ' unread'}`}
              >
                {!n.read && <span className="tag">New</span>} <strong>{words.title}</strong> {words.text}{' '}
                <span className="muted" title={dateTime(n.createdAt)}>
                  {relativeTime(n.createdAt)}
                </span>{' '}
                {typeof n.payload.runId === 'string' && <a href={href.run(n.payload.runId)}>Open run</a>}{' '}
                {n.customerId && <a href={href.customer(n.customerId)}>Open customer</a>}
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}
