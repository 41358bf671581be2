/**
 * Progress reports of a rebuild: events replayed, rate and ETA, at most once per interval during the replay.
 */
import type { EventStore } from '@klantcentraal/event-store';
import type { RebuildOptions, RebuildProgress } from './projection-rebuild.types';

export class ProgressMeter {
  events = 0;
  phase: RebuildProgress['phase'] = 'replay';
  private head = 0;
  private lastReport = 0;
  private readonly interval: number;

  constructor(
    private readonly store: EventStore,
    private readonly projections: readonly string[],
    private readonly started: number,
    private readonly options: RebuildOptions,
  ) {
    this.interval = options.progressIntervalMs ?? 1000;
  }

  async batch(position: number, events: number): Promise<void> {
    this.events += events;
    if (Date.now() - this.lastReport >= this.interval) await this.report(position);
  }

  async report(position: number): Promise<void> {
    if (!this.options.onProgress) return;
    const phase = this.phase;
    this.head = await this.store.headPosition();
    this.lastReport = Date.now();
    const elapsedMs = Date.now() - this.started;
    const eventsPerSecond = this.events / Math.max(elapsedMs / 1000, 0.001);
    const remaining = Math.max(0, this.head - position);
    this.options.onProgress({
      phase,
      projections: this.projections,
      position,
      headPosition: Math.max(this.head, position),
      events: this.events,
      eventsPerSecond: Math.round(eventsPerSecond),
      etaSeconds: phase === 'done' ? 0 : eventsPerSecond > 0 ? Math.round(remaining / eventsPerSecond) : null,
      elapsedMs,
    });
  }
}
