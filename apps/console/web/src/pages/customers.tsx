import { useState } from 'preact/hooks';
import { query } from '../api';
import { count, day, label } from '../format';
import { LOYALTIES, PHASES, SIZES, type Profile } from '../profile-types';
import { Badge, ErrorMessage, Loading, PageHeader } from '../ui';
import { useApi } from '../use-api';

const PAGE_SIZE = 25;
type Filter = { phase: string; loyalty: string; size: string; accountManager: string };

export function CustomersPage() {
  const [filter, setFilter] = useState<Filter>({ phase: '', loyalty: '', size: '', accountManager: '' });
  // Cursors of the pages before the current one, so "Previous page" can go back.
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const cursor = cursors[cursors.length - 1];
  const page = useApi<{ items: Profile[]; nextCursor: string | null }>(`/v1/customers${query({ ...filter, limit: PAGE_SIZE, cursor })}`);
  const change = (name: keyof Filter) => (event: Event) => {
    setFilter({ ...filter, [name]: (event.target as HTMLInputElement).value.trim() });
    setCursors([null]);
  };
  return (
    <section>
      <PageHeader title="Customers">
        <p class="muted">Segments evaluated now. Choose a customer to open the profile.</p>
      </PageHeader>
      <form class="filters card" onSubmit={(e) => e.preventDefault()} aria-label="Filter customers">
        <Select id="f-phase" label="Phase" value={filter.phase} options={PHASES} onChange={change('phase')} />
        <Select id="f-loyalty" label="Loyalty" value={filter.loyalty} options={LOYALTIES} onChange={change('loyalty')} />
        <Select id="f-size" label="Size" value={filter.size} options={SIZES} onChange={change('size')} />
        <div class="field">
          <label for="f-am">Account manager</label>
          <input id="f-am" type="text" placeholder="employee id, e.g. u-3" value={filter.accountManager} onChange={change('accountManager')} />
        </div>
      </form>
      <ErrorMessage error={page.error} />
      {page.loading && !page.data ? <Loading what="customers" /> : null}
      {page.data ? (
        <div class="card">
          <table class="customers">
            <caption class="visually-hidden">Customers, page {cursors.length}</caption>
            <thead>
              <tr>
                <th scope="col">Customer</th>
                <th scope="col">ID</th>
                <th scope="col">Phase</th>
                <th scope="col">Loyalty</th>
                <th scope="col">Size</th>
                <th scope="col">Account manager</th>
                <th scope="col" class="num">
                  Touchpoints
                </th>
                <th scope="col">Last touchpoint</th>
              </tr>
            </thead>
            <tbody>
              {page.data.items.length === 0 ? (
                <tr>
                  <td colSpan={8} class="empty">
                    No customers match these filters.
                  </td>
                </tr>
              ) : (
                page.data.items.map((c) => (
                  <tr>
                    <th scope="row">
                      <a href={`/customers/${encodeURIComponent(c.customerId)}`}>{c.name ?? 'Erased'}</a>
                    </th>
                    <td>
                      <code>{c.customerId}</code>
                    </td>
                    <td>
                      <Badge code={c.lifecyclePhase}>{label(c.lifecyclePhase)}</Badge>
                    </td>
                    <td>
                      <Badge code={c.loyalty.status}>{label(c.loyalty.status)}</Badge>
                    </td>
                    <td>{label(c.size)}</td>
                    <td>{c.accountManager?.employeeId ?? '—'}</td>
                    <td class="num">{count(c.touchpoints.total)}</td>
                    <td>{day(c.lastTouchpointAt)}</td>
                  </tr>
                ))
              )}
            </tbody>
          </table>
          <div class="pager">
            <button type="button" class="secondary" disabled={cursors.length === 1} onClick={() => setCursors(cursors.slice(0, -1))}>
              Previous page
            </button>
            <span>Page {cursors.length}</span>
            <button type="button" class="secondary" disabled={!page.data.nextCursor} onClick={() => setCursors([...cursors, page.data?.nextCursor ?? null])}>
              Next page
            </button>
          </div>
        </div>
      ) : null}
    </section>
  );
}

function Select(props: { id: string; label: string; value: string; options: readonly string[]; onChange(e: Event): void }) {
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <select id={props.id} value={props.value} onChange={props.onChange}>
        <option value="">All</option>
        {props.options.map((o) => (
          <option value={o}>{label(o)}</option>
        ))}
      </select>
    </div>
  );
}
