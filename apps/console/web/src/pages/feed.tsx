import { fetchEventSource } from '@microsoft/fetch-event-source';
import { INSIGHT_TYPES } from '@klantcentraal/domain';
import { useEffect, useState } from 'preact/hooks';
import { query, storedKey } from '../api';
import { label, moment } from '../format';
import { Badge, Message, PageHeader } from '../ui';

const KEEP = 200;

type Insight = { id: string; type: string; subject: string; time: string; data: Record<string, unknown> };
type Status = 'connecting' | 'live' | 'retrying';

export function FeedPage() {
  const [accountManager, setAccountManager] = useState('');
  const [type, setType] = useState('');
  const [insights, setInsights] = useState<Insight[]>([]);
  const [status, setStatus] = useState<Status>('connecting');

  // Server-Sent Events over fetch, because EventSource cannot send the Authorization header.
  useEffect(() => {
    const abort = new AbortController();
    setStatus('connecting');
    setInsights([]);
    void fetchEventSource(`/v1/feed${query({ accountManager, types: type })}`, {
      signal: abort.signal,
      headers: { authorization: `Bearer ${storedKey() ?? ''}` },
      openWhenHidden: true,
      async onopen(response) {
        if (!response.ok) throw new Error(`feed answered ${response.status}`);
        setStatus('live');
      },
      onmessage(message) {
        if (!message.data) return;
        const event = JSON.parse(message.data) as Insight;
        setInsights((list) => (list.some((i) => i.id === event.id) ? list : [event, ...list].slice(0, KEEP)));
      },
      onerror() {
        setStatus('retrying');
        return 2000; // retry after 2 s; the library resumes with Last-Event-ID
      },
    });
    return () => abort.abort();
  }, [accountManager, type]);

  return (
    <section>
      <PageHeader title="Feed">
        <p class="muted">
          Insights as they happen.{' '}
          <span class={`live live-${status}`} role="status">
            {status === 'live' ? 'Live' : status === 'connecting' ? 'Connecting…' : 'Reconnecting…'}
          </span>
        </p>
      </PageHeader>
      <form class="filters card" onSubmit={(e) => e.preventDefault()} aria-label="Filter insights">
        <div class="field">
          <label for="feed-am">Account manager</label>
          <input id="feed-am" type="text" placeholder="employee id, e.g. u-3" value={accountManager} onChange={(e) => setAccountManager((e.target as HTMLInputElement).value.trim())} />
        </div>
        <div class="field">
          <label for="feed-type">Type</label>
          <select id="feed-type" value={type} onChange={(e) => setType((e.target as HTMLSelectElement).value)}>
            <option value="">All insights</option>
            {INSIGHT_TYPES.map((t) => (
              <option value={t}>{label(t)}</option>
            ))}
          </select>
        </div>
      </form>
      {insights.length === 0 ? <Message kind="info">Waiting for insights. New ones appear here without reloading.</Message> : null}
      <ol class="feed" aria-label="Insights, newest first" aria-live="polite">
        {insights.map((i) => {
          const kind = i.type.replace(/^insight\./, '');
          return (
            <li class="card insight">
              <Badge code={kind}>{label(kind)}</Badge>
              <a href={`/customers/${encodeURIComponent(i.subject)}`}>Customer {i.subject}</a>
              <span class="muted">{details(i.data)}</span>
              <time dateTime={i.time}>{moment(i.time)}</time>
            </li>
          );
        })}
      </ol>
    </section>
  );
}

function details(data: Record<string, unknown>): string {
  return Object.entries(data)
    .filter(([key, value]) => !['customerId', 'globalPosition'].includes(key) && value !== null && typeof value !== 'object')
    .map(([key, value]) => `${key}: ${String(value)}`)
    .concat(Object.entries(data).filter(([, v]) => Array.isArray(v)).map(([key, v]) => `${key}: ${(v as unknown[]).join(', ')}`))
    .join(' · ');
}
