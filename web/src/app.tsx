import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useState } from 'react';
import { AuthProvider, useAuth } from './auth.js';
import { LiveStatusProvider, useLive } from './live-status.js';
import { NoticeArea, NoticeBadge, NotificationsProvider } from './notifications.js';
import { CustomerFormPage } from './pages/customer-form-page.js';
import { CustomerPage } from './pages/customer-page.js';
import { LeadsPage } from './pages/leads-page.js';
import { NotificationsPage } from './pages/notifications-page.js';
import { RunPage } from './pages/run-page.js';
import { OverviewPage } from './pages/overview-page.js';
import { SignInPage } from './pages/sign-in-page.js';
import { href, useRoute, type Route } from './router.js';

/** The dashboard: sign-in gate, then the live pages under one header. */
export interface AppProps {
  /** The service's origin; default the page's own. */
  baseUrl?: string | undefined;
  /** For tests; default the global fetch. */
  fetch?: typeof globalThis.fetch | undefined;
}

export function App({ baseUrl = '', fetch }: AppProps) {
  const [queryClient] = useState(
    () =>
      new QueryClient({ defaultOptions: { queries: { staleTime: 10_000, refetchOnWindowFocus: false } } }),
  );
  return (
    <QueryClientProvider client={queryClient}>
      <AuthProvider baseUrl={baseUrl} fetch={fetch}>
        <Gate baseUrl={baseUrl} fetch={fetch} />
      </AuthProvider>
    </QueryClientProvider>
  );
}

function Gate({ baseUrl, fetch }: AppProps) {
  const { api } = useAuth();
  if (!api) return <SignInPage baseUrl={baseUrl} fetch={fetch} />;
  return (
    <NotificationsProvider>
      <LiveStatusProvider>
        <Shell />
      </LiveStatusProvider>
    </NotificationsProvider>
  );
}

function Shell() {
  const { signOut } = useAuth();
  const { connected } = useLive();
  const route = useRoute();
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <a className="brand" href={href.overview()}>
          leadsync
        </a>
        <nav aria-label="Main">
          <a href={href.overview()}>Customers</a>
          <a href={href.newCustomer()}>Add customer</a>
        </nav>
        <span className="spacer" />
        <span className={connected ? 'live-dot on' : 'live-dot'} role="status">
          {connected ? 'Live' : 'Connecting…'}
        </span>
        <NoticeBadge />
        <button type="button" className="link" onClick={signOut}>
          Sign out
        </button>
      </header>
      <NoticeArea />
      <main id="main" tabIndex={-1}>
        <Page route={route} />
      </main>
    </>
  );
}

function Page({ route }: { route: Route }) {
  switch (route.page) {
    case 'overview':
      return <OverviewPage />;
    case 'new-customer':
      return <CustomerFormPage />;
    case 'edit-customer':
      return <CustomerFormPage key={route.id} id={route.id} />;
    case 'customer':
      return <CustomerPage key={route.id} id={route.id} />;
    case 'leads':
      return <LeadsPage key={route.id} id={route.id} />;
    case 'run':
      return <RunPage key={route.id} id={route.id} />;
    case 'notifications':
      return <NotificationsPage />;
    case 'not-found':
      return (
        <p>
          Nothing at {route.path}. <a href={href.overview()}>Go to all customers</a>.
        </p>
      );
  }
}
