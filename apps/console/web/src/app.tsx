import { useEffect, useState } from 'preact/hooks';
import { LocationProvider, Route, Router, useLocation } from 'preact-iso';
import { api, clearKey, storedKey, storeKey } from './api';
import { AuditPage } from './pages/audit';
import { CustomersPage } from './pages/customers';
import { FeedPage } from './pages/feed';
import { OverviewPage } from './pages/overview';
import { PrivacyPage } from './pages/privacy';
import { ProfilePage } from './pages/profile';
import { SignIn } from './pages/sign-in';
import { WarehousePage } from './pages/warehouse';
import { can, navFor, SessionContext, useSession as useContextSession, type Role, type Session } from './session';
import { Message } from './ui';

export function App() {
  const [session, setSession] = useState<Session | null>(null);
  const [checking, setChecking] = useState(storedKey() !== null);

  // A key kept in this tab's sessionStorage signs in again after a reload or a deep link.
  useEffect(() => {
    const key = storedKey();
    if (!key) return;
    api<Session>('/v1/session', { key })
      .then(setSession)
      .catch(() => clearKey())
      .finally(() => setChecking(false));
  }, []);

  if (checking) return <p class="loading-screen">Loading…</p>;
  if (!session) {
    return (
      <SignIn
        onSignIn={async (key) => {
          const who = await api<Session>('/v1/session', { key });
          storeKey(key);
          setSession(who);
        }}
      />
    );
  }
  return (
    <SessionContext.Provider value={session}>
      <LocationProvider>
        <Shell
          session={session}
          onSignOut={() => {
            clearKey();
            setSession(null);
          }}
        />
      </LocationProvider>
    </SessionContext.Provider>
  );
}

function Shell({ session, onSignOut }: { session: Session; onSignOut(): void }) {
  const { path } = useLocation();
  const nav = navFor(session);
  const active = (href: string) => (href === '/' ? path === '/' : path === href || path.startsWith(`${href}/`));
  return (
    <div class="layout">
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="topbar">
        <a class="brand" href={nav[0]?.href ?? '/'}>
          <img src="/favicon.svg" alt="" width={28} height={28} />
          <span>Klantcentraal</span>
        </a>
        <nav aria-label="Main">
          <ul>
            {nav.map((item) => (
              <li>
                <a href={item.href} aria-current={active(item.href) ? 'page' : undefined}>
                  {item.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div class="who">
          <span>
            {session.keyName} <span class="roles">({session.roles.join(', ')})</span>
          </span>
          <button type="button" class="secondary" onClick={onSignOut}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Router>
          <Route path="/" component={Home} />
          <Route path="/customers" component={guard(CustomersPage, ['analyst', 'sales'])} />
          <Route path="/customers/:id" component={guard(ProfilePage, ['analyst', 'sales'])} />
          <Route path="/feed" component={guard(FeedPage, ['sales'])} />
          <Route path="/warehouse" component={guard(WarehousePage, ['analyst'])} />
          <Route path="/audit" component={guard(AuditPage, ['auditor'])} />
          <Route path="/audit/:id" component={guard(AuditPage, ['auditor'])} />
          <Route path="/privacy" component={guard(PrivacyPage, ['admin'])} />
          <Route default component={NotFound} />
        </Router>
      </main>
    </div>
  );
}

function Home() {
  const session = useContextSession();
  const { route } = useLocation();
  const first = navFor(session)[0];
  useEffect(() => {
    if (first && first.href !== '/') route(first.href, true);
  }, [first?.href]);
  if (!first) return <Message kind="error">This API key has no role the console serves ({session.roles.join(', ')}).</Message>;
  return first.href === '/' ? <OverviewPage /> : null;
}

function guard<P extends object>(Page: (props: P) => preact.JSX.Element | null, roles: Role[]) {
  return function Guarded(props: P) {
    const session = useContextSession();
    if (!can(session, roles)) {
      return (
        <section>
          <h1>Not available</h1>
          <Message kind="error">This page needs one of the roles {roles.join(', ')}; your key has {session.roles.join(', ')}.</Message>
        </section>
      );
    }
    return <Page {...props} />;
  };
}

function NotFound() {
  return (
    <section>
      <h1>Page not found</h1>
      <p>
        <a href="/">Back to the start page</a>
      </p>
    </section>
  );
}
