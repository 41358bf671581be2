import { ChartFigure } from './chart';
import { count, day, label } from './format';
import type { Profile } from './profile-types';
import { Badge, Stat } from './ui';

/** Phase, loyalty, NPS, complaints, experience and account manager of a profile (live or as of a moment). */
export function ProfileSummary({ profile }: { profile: Profile }) {
  return (
    <div class="stats">
      <Stat label="Phase" value={<Badge code={profile.lifecyclePhase}>{label(profile.lifecyclePhase)}</Badge>} hint={`cycle ${profile.cycle}`} />
      <Stat
        label="Loyalty"
        value={<Badge code={profile.loyalty.status}>{label(profile.loyalty.status)}</Badge>}
        hint={profile.loyalty.reasons.length ? `reasons: ${profile.loyalty.reasons.map(label).join(', ')}` : `${count(profile.loyalty.purchaseCount)} purchases, last ${day(profile.loyalty.lastPurchaseAt)}`}
      />
      <Stat
        label="NPS"
        value={profile.nps.lastScore === null ? '—' : `${profile.nps.lastScore} · ${label(profile.nps.category)}`}
        hint={profile.nps.lastImprovement ? `“${profile.nps.lastImprovement}”` : undefined}
      />
      <Stat label="Complaints" value={`${count(profile.complaints.open)} open`} hint={`${count(profile.complaints.resolved)} resolved`} />
      <Stat
        label="Experience"
        value={`${count(profile.experience.positive)} positive`}
        hint={`${count(profile.experience.asExpected)} as expected, ${count(profile.experience.negative)} negative`}
      />
      <Stat
        label="Account manager"
        value={profile.accountManager?.employeeId ?? '—'}
        hint={profile.accountManager ? label(profile.accountManager.salesRole) : undefined}
      />
    </div>
  );
}

export function TouchpointsByType({ profile }: { profile: Profile }) {
  const rows = Object.entries(profile.touchpoints.byType)
    .map(([type, n]) => ({ type, n: n ?? 0 }))
    .filter(({ n }) => n > 0)
    .sort((a, b) => b.n - a.n);
  return (
    <ChartFigure
      caption="Touchpoints by type"
      height={Math.max(160, rows.length * 26)}
      option={{
        grid: { left: 160, right: 24, top: 8, bottom: 24 },
        yAxis: { type: 'category', inverse: true, data: rows.map((r) => r.type) },
        xAxis: { type: 'value', minInterval: 1 },
        series: [{ type: 'bar', name: 'Touchpoints', data: rows.map((r) => r.n), itemStyle: { borderRadius: [0, 4, 4, 0] } }],
      }}
      columns={[
        { header: 'Type', cell: (r) => r.type },
        { header: 'Touchpoints', cell: (r) => count(r.n), numeric: true },
      ]}
      rows={rows}
    />
  );
}
