import type { ProjectionStatus } from './projection-runner';

const escapeLabel = (value: string) => value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

const GAUGES: readonly { name: string; help: string; value(s: ProjectionStatus): number }[] = [
  {
    name: 'klantcentraal_projection_lag_events',
    help: 'Events in the global log the projection has not processed yet.',
    value: (s) => s.lagEvents,
  },
  {
    name: 'klantcentraal_projection_lag_seconds',
    help: 'Age of the oldest event the projection has not processed yet (0 when caught up).',
    value: (s) => s.lagMs / 1000,
  },
  {
    name: 'klantcentraal_projection_parked_events',
    help: 'Events the projection parked because applying them failed (poison events).',
    value: (s) => s.parked,
  },
  {
    name: 'klantcentraal_projection_checkpoint_position',
    help: 'Global position up to which the projection has processed the log.',
    value: (s) => s.position,
  },
];

/** Prometheus text exposition format (version 0.0.4) of the runner's status. */
export function formatLagMetrics(statuses: readonly ProjectionStatus[]): string {
  const lines: string[] = [];
  for (const gauge of GAUGES) {
    lines.push(`# HELP ${gauge.name} ${gauge.help}`, `# TYPE ${gauge.name} gauge`);
    for (const s of statuses) lines.push(`${gauge.name}{projection="${escapeLabel(s.projection)}"} ${gauge.value(s)}`);
  }
  return `${lines.join('\n')}\n`;
}
