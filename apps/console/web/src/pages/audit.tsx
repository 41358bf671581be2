import { useState } from 'preact/hooks';
import { useLocation, useRoute } from 'preact-iso';
import { api, query } from '../api';
import { DataTable } from '../chart';
import { moment } from '../format';
import { ProfileSummary } from '../profile-summary';
import type { Profile } from '../profile-types';
import { ErrorMessage, Loading, Message, PageHeader } from '../ui';
import { useApi } from '../use-api';

type AuditEvent = { streamRevision: number; globalPosition: number; type: string; occurredAt: string; recordedAt: string; recordedBy: { userId: string; department?: string } | null; hash: string | null };
type Verification = { valid: boolean; events: number; firstInvalidRevision?: number };

export function AuditPage() {
  const { params } = useRoute();
  const { route } = useLocation();
  const customerId = params.id ?? '';
  const [input, setInput] = useState(customerId);
  return (
    <section>
      <PageHeader title={customerId ? `Audit: ${customerId}` : 'Audit'}>
        <p class="muted">The customer's stream as stored: every event with both timestamps and its place in the hash chain.</p>
      </PageHeader>
      <form
        class="filters card"
        aria-label="Choose a customer"
        onSubmit={(e) => {
          e.preventDefault();
          if (input.trim()) route(`/audit/${encodeURIComponent(input.trim())}`);
        }}
      >
        <div class="field">
          <label for="audit-customer">Customer ID</label>
          <input id="audit-customer" type="text" required value={input} onInput={(e) => setInput((e.target as HTMLInputElement).value)} />
        </div>
        <button type="submit">Open history</button>
      </form>
      {customerId ? <AuditOf customerId={customerId} key={customerId} /> : null}
    </section>
  );
}

function AuditOf({ customerId }: { customerId: string }) {
  const history = useApi<{ customerId: string; events: AuditEvent[] }>(`/v1/audit/customers/${encodeURIComponent(customerId)}/events`);
  const [verification, setVerification] = useState<Verification | null>(null);
  const [verifyError, setVerifyError] = useState<Error | null>(null);
  const verify = async () => {
    setVerification(null);
    setVerifyError(null);
    try {
      setVerification(await api<Verification>(`/v1/audit/customers/${encodeURIComponent(customerId)}/verify`));
    } catch (err) {
      setVerifyError(err as Error);
    }
  };
  if (history.error) return <ErrorMessage error={history.error} />;
  if (!history.data) return <Loading what="the history" />;
  return (
    <>
      <div class="card verify">
        <button type="button" onClick={() => void verify()}>
          Verify
        </button>
        <span>Recomputes the hash chain of all {history.data.events.length} events.</span>
        {verification ? (
          <p role="status" class={`verdict ${verification.valid ? 'ok' : 'bad'}`}>
            {verification.valid ? 'valid' : `invalid at revision ${verification.firstInvalidRevision}`}
          </p>
        ) : null}
        <ErrorMessage error={verifyError} />
      </div>
      <StateAsOf customerId={customerId} />
      <div class="card">
        <DataTable
          caption="History"
          scroll
          columns={[
            { header: 'Revision', cell: (e) => e.streamRevision, numeric: true },
            { header: 'Type', cell: (e) => e.type },
            { header: 'Occurred at', cell: (e) => moment(e.occurredAt) },
            { header: 'Recorded at', cell: (e) => e.recordedAt },
            { header: 'Recorded by', cell: (e) => (e.recordedBy ? `${e.recordedBy.userId}${e.recordedBy.department ? ` (${e.recordedBy.department})` : ''}` : '—') },
            { header: 'Hash', cell: (e) => <code class="hash">{e.hash ?? '—'}</code> },
          ]}
          rows={history.data.events}
        />
      </div>
    </>
  );
}

function StateAsOf({ customerId }: { customerId: string }) {
  const [asOf, setAsOf] = useState(new Date().toISOString().slice(0, 19) + 'Z');
  const [basis, setBasis] = useState('recorded');
  const [state, setState] = useState<Profile | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const show = async (event: Event) => {
    event.preventDefault();
    setError(null);
    setState(null);
    try {
      setState(await api<Profile>(`/v1/audit/customers/${encodeURIComponent(customerId)}/state${query({ asOf: asOf.trim(), basis })}`));
    } catch (err) {
      setError(err as Error);
    }
  };
  return (
    <form class="card" onSubmit={show} aria-labelledby="state-heading">
      <h2 id="state-heading">State at a moment</h2>
      <div class="filters inline">
        <div class="field">
          <label for="as-of">As of</label>
          <input id="as-of" type="text" placeholder="2026-03-01T10:00:00Z" value={asOf} onInput={(e) => setAsOf((e.target as HTMLInputElement).value)} />
        </div>
        <div class="field">
          <label for="basis">Basis</label>
          <select id="basis" value={basis} onChange={(e) => setBasis((e.target as HTMLSelectElement).value)}>
            <option value="recorded">recorded</option>
            <option value="occurred">occurred</option>
          </select>
        </div>
        <button type="submit">Show state</button>
      </div>
      <p class="muted small">recorded: what the platform knew then; occurred: what had happened by then (late recordings included).</p>
      <ErrorMessage error={error} />
      {state ? (
        <section class="state" aria-label={`State at ${asOf}`}>
          <Message kind="info">
            {state.name ?? 'Erased'} as of {asOf} ({basis}): {state.touchpoints.total} touchpoints
          </Message>
          <ProfileSummary profile={state} />
        </section>
      ) : null}
    </form>
  );
}
