import { Gauge, Registry } from 'prom-client';
import type { ProjectionStatus } from './projection-runner.types';

/** Whatever can tell the status of its projections (a runner; several runners share one set of gauges). */
export type ProjectionStatusSource = Readonly<{ status(): Promise<ProjectionStatus[]> }>;

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

/**
 * The projection gauges, labelled by `projection`, in `registry` (the process's one registry). Each scrape asks
 * every source once; a source that cannot answer (database down) keeps its last values, so a scrape never fails.
 */
export function registerProjectionMetrics(registry: Registry, sources: readonly ProjectionStatusSource[]): void {
  let pending: Promise<ProjectionStatus[]> | null = null;
  // The four gauges are collected one after another in one scrape: read the statuses once for all of them.
  const statuses = () =>
    (pending ??= Promise.all(sources.map((s) => s.status().catch(() => null))).then((all) => {
      setImmediate(() => (pending = null));
      return all.flatMap((one) => one ?? []);
    }));
  for (const gauge of GAUGES) {
    new Gauge({
      name: gauge.name,
      help: gauge.help,
      labelNames: ['projection'],
      registers: [registry],
      async collect() {
        for (const s of await statuses()) this.set({ projection: s.projection }, gauge.value(s));
      },
    });
  }
}

/** Prometheus text exposition of `sources` alone (the projections CLI). */
export async function formatLagMetrics(sources: readonly ProjectionStatusSource[]): Promise<string> {
  const registry = new Registry();
  registerProjectionMetrics(registry, sources);
  return registry.metrics();
}
