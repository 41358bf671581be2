import { ChartFigure, DataTable } from '../chart';
import { count, label, money, number, percent } from '../format';
import { ErrorMessage, Loading, PageHeader } from '../ui';
import { useApi } from '../use-api';

type TouchpointRow = { month: string; type: string; count: number; amount: number };
type Basket = { orders: number; rules: { antecedent: string[]; consequent: string[]; orders: number; support: number; confidence: number; lift: number }[] };
type CohortRow = { cohort: string; customers: number; period: number; active: number; retention: number };
type RfmRow = { customerId: string; recencyDays: number; frequency: number; monetary: number; r: number; f: number; m: number; segment: string };

export function WarehousePage() {
  const touchpoints = useApi<{ rows: TouchpointRow[] }>('/v1/warehouse/touchpoints?groupBy=month,type');
  const basket = useApi<Basket>('/v1/warehouse/basket?level=category');
  const cohorts = useApi<{ rows: CohortRow[] }>('/v1/warehouse/cohorts?by=month');
  const rfm = useApi<{ asOf: string; rows: RfmRow[] }>('/v1/warehouse/rfm');
  return (
    <section>
      <PageHeader title="Warehouse">
        <p class="muted">Analyses over the star schema: every touchpoint, order and purchase since the first event.</p>
      </PageHeader>
      <ErrorMessage error={touchpoints.error ?? basket.error ?? cohorts.error ?? rfm.error} />
      {touchpoints.data ? <TouchpointsChart rows={touchpoints.data.rows} /> : <Loading what="touchpoints" />}
      <div class="grid two">
        {basket.data ? <BasketRules basket={basket.data} /> : <Loading what="basket rules" />}
        {rfm.data ? <Rfm rows={rfm.data.rows} /> : <Loading what="RFM" />}
      </div>
      {cohorts.data ? <Cohorts rows={cohorts.data.rows} /> : <Loading what="cohorts" />}
    </section>
  );
}

function TouchpointsChart({ rows }: { rows: TouchpointRow[] }) {
  const months = [...new Set(rows.map((r) => r.month))].sort();
  const totals = new Map<string, number>();
  for (const r of rows) totals.set(r.type, (totals.get(r.type) ?? 0) + r.count);
  const types = [...totals.keys()].sort((a, b) => (totals.get(b) ?? 0) - (totals.get(a) ?? 0));
  const cell = new Map(rows.map((r) => [`${r.month} ${r.type}`, r.count]));
  const table = months.map((month) => ({ month, counts: types.map((t) => cell.get(`${month} ${t}`) ?? 0) }));
  return (
    <ChartFigure
      wide
      scroll
      height={340}
      caption="Touchpoints by month and type"
      option={{
        legend: { type: 'scroll', bottom: 0 },
        grid: { left: 56, right: 16, top: 16, bottom: 64 },
        xAxis: { type: 'category', data: months },
        yAxis: { type: 'value' },
        series: types.map((t) => ({ type: 'bar', stack: 'all', name: t, data: months.map((m) => cell.get(`${m} ${t}`) ?? 0) })),
      }}
      columns={[
        { header: 'Month', cell: (r) => r.month },
        ...types.map((t, i) => ({ header: t, cell: (r: (typeof table)[number]) => count(r.counts[i]), numeric: true })),
      ]}
      rows={table}
    />
  );
}

function BasketRules({ basket }: { basket: Basket }) {
  return (
    <div class="card">
      <DataTable
        caption="Basket rules"
        scroll
        columns={[
          { header: 'Antecedent', cell: (r) => r.antecedent.join(' + ') },
          { header: 'Consequent', cell: (r) => r.consequent.join(' + ') },
          { header: 'Support', cell: (r) => percent(r.support), numeric: true },
          { header: 'Confidence', cell: (r) => percent(r.confidence), numeric: true },
          { header: 'Lift', cell: (r) => number(r.lift), numeric: true },
        ]}
        rows={basket.rules.slice(0, 50)}
      />
      <p class="muted small">
        {count(basket.orders)} orders analysed; {count(basket.rules.length)} rules by product category, strongest lift first.
      </p>
    </div>
  );
}

function Rfm({ rows }: { rows: RfmRow[] }) {
  const segments = new Map<string, RfmRow[]>();
  for (const r of rows) segments.set(r.segment, [...(segments.get(r.segment) ?? []), r]);
  const summary = [...segments.entries()]
    .map(([segment, list]) => ({
      segment,
      customers: list.length,
      recency: list.reduce((a, r) => a + r.recencyDays, 0) / list.length,
      frequency: list.reduce((a, r) => a + r.frequency, 0) / list.length,
      monetary: list.reduce((a, r) => a + r.monetary, 0),
    }))
    .sort((a, b) => b.customers - a.customers);
  return (
    <ChartFigure
      caption="RFM"
      option={{
        grid: { left: 120, right: 24, top: 8, bottom: 24 },
        yAxis: { type: 'category', inverse: true, data: summary.map((s) => label(s.segment)) },
        xAxis: { type: 'value', minInterval: 1 },
        series: [{ type: 'bar', name: 'Customers', colorBy: 'data', data: summary.map((s) => s.customers) }],
      }}
      columns={[
        { header: 'Segment', cell: (s) => label(s.segment) },
        { header: 'Customers', cell: (s) => count(s.customers), numeric: true },
        { header: 'Mean recency (days)', cell: (s) => count(s.recency), numeric: true },
        { header: 'Mean frequency', cell: (s) => number(s.frequency), numeric: true },
        { header: 'Monetary', cell: (s) => money(s.monetary), numeric: true },
      ]}
      rows={summary}
    />
  );
}

function Cohorts({ rows }: { rows: CohortRow[] }) {
  const cohorts = [...new Set(rows.map((r) => r.cohort))].sort();
  const periods = Math.min(13, Math.max(0, ...rows.map((r) => r.period)) + 1);
  const byKey = new Map(rows.map((r) => [`${r.cohort} ${r.period}`, r]));
  const size = new Map(rows.map((r) => [r.cohort, r.customers]));
  const table = cohorts.map((cohort) => ({ cohort, customers: size.get(cohort) ?? 0, retention: Array.from({ length: periods }, (_, p) => byKey.get(`${cohort} ${p}`)?.retention ?? null) }));
  return (
    <ChartFigure
      wide
      scroll
      height={Math.max(220, cohorts.length * 18 + 60)}
      caption="Cohorts"
      option={{
        grid: { left: 72, right: 24, top: 8, bottom: 56 },
        xAxis: { type: 'category', name: 'months since first purchase', nameLocation: 'middle', nameGap: 28, data: Array.from({ length: periods }, (_, p) => String(p)) },
        yAxis: { type: 'category', inverse: true, data: cohorts },
        // Month 0 is always 100 %: the scale tops out lower so later months' differences show.
        visualMap: { min: 0, max: 60, show: false, inRange: { color: ['#eef3fc', '#1f55b8'] } },
        series: [
          {
            type: 'heatmap',
            name: 'Retention %',
            data: table.flatMap((row, y) => row.retention.flatMap((r, x) => (r === null ? [] : [[x, y, Math.round(r * 100)]]))),
          },
        ],
      }}
      columns={[
        { header: 'Cohort', cell: (r) => r.cohort },
        { header: 'Customers', cell: (r) => count(r.customers), numeric: true },
        ...Array.from({ length: periods }, (_, p) => ({ header: `Month ${p}`, cell: (r: (typeof table)[number]) => percent(r.retention[p]), numeric: true })),
      ]}
      rows={table}
    />
  );
}
