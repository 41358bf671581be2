import type { ComplaintSummary, FunnelSummary } from '@klantcentraal/domain';
import { ChartFigure } from '../chart';
import { count, label, percent } from '../format';
import { ErrorMessage, Loading, PageHeader, Stat } from '../ui';
import { useApi } from '../use-api';

type Lifecycle = { asOf: string; phases: Record<string, number> };
type Nps = { responses: number; promoters: number; passives: number; detractors: number; nps: number | null };
type Complaints = ComplaintSummary;
type Funnel = FunnelSummary;

export function OverviewPage() {
  const lifecycle = useApi<Lifecycle>('/v1/insights/lifecycle');
  const nps = useApi<Nps>('/v1/insights/nps');
  const complaints = useApi<Complaints>('/v1/insights/complaints');
  const funnel = useApi<Funnel>('/v1/insights/funnel');
  const error = lifecycle.error ?? nps.error ?? complaints.error ?? funnel.error;
  return (
    <section>
      <PageHeader title="Overview">
        <p class="muted">All customers, evaluated now; NPS, complaints and the funnel over all time.</p>
      </PageHeader>
      <ErrorMessage error={error} />
      {lifecycle.data && nps.data && complaints.data && funnel.data ? (
        <Dashboard lifecycle={lifecycle.data} nps={nps.data} complaints={complaints.data} funnel={funnel.data} />
      ) : error ? null : (
        <Loading what="the overview" />
      )}
    </section>
  );
}

function Dashboard({ lifecycle, nps, complaints, funnel }: { lifecycle: Lifecycle; nps: Nps; complaints: Complaints; funnel: Funnel }) {
  return (
    <>
      <div class="stats">
        <Stat label="Customers" value={count(Object.values(lifecycle.phases).reduce((a, b) => a + b, 0))} />
        <Stat label="Net Promoter Score" value={nps.nps === null ? '—' : count(nps.nps)} hint={`${count(nps.responses)} responses`} />
        <Stat label="Complaints within target" value={percent(complaints.share)} hint={`target ${percent(complaints.targetShare)} in ${complaints.targetHours} h`} />
        <Stat label="Won opportunities" value={count(funnel.stages.find((s) => s.stage === 'won')?.current ?? 0)} />
      </div>
      <div class="grid">
        <LifecycleChart data={lifecycle} />
        <NpsChart data={nps} />
        <ComplaintsChart data={complaints} />
        <FunnelChart data={funnel} />
      </div>
    </>
  );
}

function LifecycleChart({ data }: { data: Lifecycle }) {
  const rows = Object.entries(data.phases).map(([phase, n]) => ({ phase, n }));
  return (
    <ChartFigure
      caption="Customers by lifecycle phase"
      option={{
        grid: { left: 48, right: 16, top: 16, bottom: 32 },
        xAxis: { type: 'category', data: rows.map((r) => label(r.phase)) },
        yAxis: { type: 'value' },
        series: [{ type: 'bar', name: 'Customers', data: rows.map((r) => r.n), colorBy: 'data', barWidth: '55%', itemStyle: { borderRadius: [4, 4, 0, 0] } }],
      }}
      columns={[
        { header: 'Phase', cell: (r) => label(r.phase) },
        { header: 'Customers', cell: (r) => count(r.n), numeric: true },
      ]}
      rows={rows}
    />
  );
}

function NpsChart({ data }: { data: Nps }) {
  const parts = [
    { name: 'Promoters', value: data.promoters, color: '#1aa39a' },
    { name: 'Passives', value: data.passives, color: '#f2a93b' },
    { name: 'Detractors', value: data.detractors, color: '#e0575b' },
  ];
  const rows = [...parts.map((p) => ({ measure: p.name, value: count(p.value) })), { measure: 'NPS', value: data.nps === null ? '—' : count(data.nps) }];
  return (
    <ChartFigure
      caption="NPS"
      option={{
        legend: { bottom: 0 },
        // The score in the middle of the ring.
        title: {
          text: data.nps === null ? '—' : String(data.nps),
          subtext: data.nps === null ? 'no answers' : 'NPS',
          left: 'center',
          top: '34%',
          textStyle: { fontSize: 30, fontWeight: 700, color: '#1b2433' },
          subtextStyle: { fontSize: 13, color: '#556175' },
        },
        series: [
          {
            type: 'pie',
            name: 'NPS',
            radius: ['50%', '75%'],
            center: ['50%', '45%'],
            label: { show: false },
            data: parts.map((p) => ({ name: p.name, value: p.value, itemStyle: { color: p.color } })),
          },
        ],
      }}
      columns={[
        { header: 'Measure', cell: (r) => r.measure },
        { header: 'Value', cell: (r) => r.value, numeric: true },
      ]}
      rows={rows}
    />
  );
}

function ComplaintsChart({ data }: { data: Complaints }) {
  const rows: { measure: string; value: string }[] = [
    { measure: 'Filed', value: count(data.filed) },
    { measure: 'Resolved', value: count(data.resolved) },
    { measure: 'Open', value: count(data.open) },
    { measure: 'Resolved within target', value: count(data.resolvedWithinTarget) },
    { measure: 'Share within target', value: percent(data.share) },
    { measure: 'Target share', value: percent(data.targetShare) },
    { measure: 'Meets target', value: data.meetsTarget === null ? '—' : data.meetsTarget ? 'yes' : 'no' },
    { measure: 'Median hours to resolve', value: data.medianHoursToResolve === null ? '—' : data.medianHoursToResolve.toFixed(1) },
  ];
  return (
    <ChartFigure
      caption="Complaints within target"
      option={{
        series: [
          {
            type: 'gauge',
            name: 'Within target',
            min: 0,
            max: 100,
            radius: '90%',
            center: ['50%', '58%'],
            progress: { show: true, width: 14 },
            axisLine: { lineStyle: { width: 14, color: [[data.targetShare, '#f6d1d2'], [1, '#d5efe9']] } },
            axisTick: { show: false },
            splitLine: { length: 8 },
            pointer: { show: false },
            detail: { valueAnimation: false, formatter: '{value} %', fontSize: 22, offsetCenter: [0, '10%'] },
            data: [{ value: data.share === null ? 0 : Math.round(data.share * 1000) / 10, name: `target ${Math.round(data.targetShare * 100)} %` }],
          },
        ],
      }}
      columns={[
        { header: 'Measure', cell: (r) => r.measure },
        { header: 'Value', cell: (r) => r.value, numeric: true },
      ]}
      rows={rows}
    />
  );
}

function FunnelChart({ data }: { data: Funnel }) {
  const open = data.stages.filter((s) => s.stage !== 'lost');
  return (
    <ChartFigure
      caption="Sales funnel"
      option={{
        series: [
          {
            type: 'funnel',
            name: 'Reached',
            sort: 'none',
            left: '10%',
            width: '80%',
            gap: 2,
            label: { show: true, position: 'inside', formatter: '{b}: {c}' },
            data: open.map((s) => ({ name: label(s.stage), value: s.reached })),
          },
        ],
      }}
      columns={[
        { header: 'Stage', cell: (r) => label(r.stage) },
        { header: 'Entered', cell: (r) => count(r.entered), numeric: true },
        { header: 'Reached', cell: (r) => count(r.reached), numeric: true },
        { header: 'Current', cell: (r) => count(r.current), numeric: true },
      ]}
      rows={data.stages}
    />
  );
}
