import { useEffect, useState } from 'preact/hooks';
import { useLocation, useRoute } from 'preact-iso';
import { api, query } from '../api';
import { moment } from '../format';
import { ProfileSummary, TouchpointsByType } from '../profile-summary';
import type { Profile } from '../profile-types';
import { useSession } from '../session';
import { ErrorMessage, Loading, PageHeader } from '../ui';
import { useApi } from '../use-api';

type Touchpoint = { streamRevision: number; globalPosition: number; type: string; occurredAt: string; recordedAt: string; data: Record<string, unknown> };
type TouchpointPage = { items: Touchpoint[]; nextCursor: string | null };

export function ProfilePage() {
  const { params } = useRoute();
  const { query: search } = useLocation();
  const id = params.id;
  const { contactsMasked } = useSession();
  // After an erasure the privacy page links here with the erasure's position: read our own write.
  const headers = search.minPosition ? { 'x-min-position': search.minPosition } : undefined;
  const profile = useApi<Profile>(`/v1/customers/${encodeURIComponent(id)}`, headers);
  if (profile.error) {
    return (
      <section>
        <PageHeader title={`Customer ${id}`} />
        <ErrorMessage error={profile.error} />
      </section>
    );
  }
  if (!profile.data) return <Loading what={`customer ${id}`} />;
  const p = profile.data;
  return (
    <section>
      <PageHeader title={p.name ?? 'Erased'}>
        <p class="muted">
          <code>{p.customerId}</code> · {p.size} · last touchpoint {moment(p.lastTouchpointAt)} · {p.touchpoints.total} touchpoints
        </p>
      </PageHeader>
      <ProfileSummary profile={p} />
      <div class="grid two">
        <section class="card" aria-labelledby="contacts-heading">
          <h2 id="contacts-heading">Contacts</h2>
          {contactsMasked && p.contacts.some((c) => c.name === null) ? <p class="muted small">Names and e-mail addresses of contacts are not shown to analysts.</p> : null}
          {p.contacts.length === 0 ? (
            <p class="muted">No contacts recorded.</p>
          ) : (
            <ul class="contacts">
              {p.contacts.map((c) => (
                <li>
                  <span class="contact-name">{c.name ?? (contactsMasked ? 'Name withheld' : 'Erased')}</span>
                  <span class="muted">
                    {c.dmuRole} · <code>{c.contactId}</code>
                    {c.email ? <> · {c.email}</> : null}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </section>
        <TouchpointsByType profile={p} />
      </div>
      <Timeline customerId={p.customerId} headers={headers} masked={contactsMasked} />
    </section>
  );
}

function Timeline({ customerId, headers, masked }: { customerId: string; headers?: Record<string, string>; masked: boolean }) {
  const [items, setItems] = useState<Touchpoint[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [loading, setLoading] = useState(true);
  const load = async (cursor: string | null) => {
    setLoading(true);
    try {
      const page = await api<TouchpointPage>(`/v1/customers/${encodeURIComponent(customerId)}/touchpoints${query({ limit: 20, cursor })}`, { headers });
      setItems((before) => (cursor ? [...before, ...page.items] : page.items));
      setNext(page.nextCursor);
    } catch (err) {
      setError(err as Error);
    } finally {
      setLoading(false);
    }
  };
  useEffect(() => {
    void load(null);
  }, [customerId]);
  return (
    <section class="card" aria-labelledby="touchpoints-heading">
      <h2 id="touchpoints-heading">Touchpoints</h2>
      <ErrorMessage error={error} />
      <ol class="timeline">
        {items.map((t) => (
          <li>
            <time dateTime={t.occurredAt}>{moment(t.occurredAt)}</time>
            <span class={`dot dot-${category(t.type)}`} aria-hidden="true" />
            <div>
              <strong>{t.type}</strong>
              <span class="muted"> {summary(t.data, masked && t.type === 'ContactAdded' ? 'withheld' : 'erased')}</span>
            </div>
          </li>
        ))}
      </ol>
      {loading ? <Loading what="touchpoints" /> : null}
      {next && !loading ? (
        <button type="button" class="secondary" onClick={() => void load(next)}>
          Show older touchpoints
        </button>
      ) : null}
    </section>
  );
}

/** The event's data in one line; a null personal value reads "erased" (or "withheld" when masked for the role). */
function summary(data: Record<string, unknown>, nullAs: string): string {
  return Object.entries(data)
    .map(([key, value]) => {
      if (value === null) return `${key}: ${nullAs}`;
      if (Array.isArray(value)) return `${key}: ${value.length}`;
      if (typeof value === 'object') return null;
      return `${key}: ${String(value)}`;
    })
    .filter(Boolean)
    .join(' · ');
}

function category(type: string): string {
  if (/Purchase|Quote|Opportunity/.test(type)) return 'sales';
  if (/Complaint|Relationship/.test(type)) return 'risk';
  if (/Mail|Website/.test(type)) return 'marketing';
  return 'contact';
}
