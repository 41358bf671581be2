/**
 * The insights projection: the real-time feed's source (contract "Real-time insight feed"). It applies the pure
 * insight rules of libs/domain (`deriveInsights`, `dueInsights`, `nextDueAt`) per customer and writes what they find
 * to the outbox `feed.insight_outbox` in the runner's batch transaction, so an insight is stored exactly when the
 * checkpoint that produced it is (libs/messaging relays it to Kafka; apps/feed-gateway serves it as SSE).
 *
 * State: its own table `read_models.insight_watch`, one row per customer: the profile fold state as far as the
 * insight rules read it (`insightWatchState`: no contacts or touchpoint moments; personal data removed),
 * `checked_until`, `wake_at` and `last_recorded` (when its latest applied event was recorded; the timer's guard while
 * catching up). It does not read `customer_profiles`: that projection may run before or after this one in a batch,
 * its checkpoint may differ (a partial rebuild, a parked event), and a rebuild's scratch schema does not even hold it.
 *
 * Per batch: one query loads the touched customers' rows, each event is folded and compared as `deriveInsights`
 * does (with `checkedUntil`, so what the timer already reported is not reported again) by `LiveInsights`, which
 * looks at what the event changed instead of viewing the whole history twice; `checked_until` moves to the
 * evaluation instant and `wake_at` to `nextDueAt` (computed the same way, without a whole view); one upsert writes
 * the rows, one insert the insights (idempotent by their deterministic ids). `InsightTimer` (insight-timer.ts) covers what time alone makes true between events.
 *
 * Rebuild: the live schema holds one row in `insight_emission`, declared a shared table. A rebuild replays into a
 * scratch schema whose copy of it is empty: the replay folds and schedules but writes nothing to the outbox and does
 * not even derive (history is not emitted again), and carries over the live `checked_until` where that is later
 * (the live timer reported up to there). At the swap the runner first applies the tail in the live schema, where
 * this projection emits it; the live `insight_emission` is carried over.
 */
import {
  CUSTOMER_PROFILE_EVENT_TYPES,
  foldCustomerProfile,
  insightEvaluationInstant,
  LiveInsights,
  nextInsightDueAt,
  type Insight,
  type StoredCustomerEvent,
} from '@klantcentraal/domain';
import type { RecordedEvent } from '@klantcentraal/event-store';
import { writeInsights } from '@klantcentraal/messaging';
import type { Projection, ProjectionContext } from '@klantcentraal/projections';
import { activeCustomerDefinition, type CustomerDefinitionProvider } from '../customer-definition/customer-definition.store';
import { READ_MODEL_SCHEMA } from '../read-model-schema';
import { customerIdsOfStreams, toStoredCustomerEvents } from '../recorded-event';
import {
  checkedUntilOf,
  deleteWatchedCustomers,
  INSIGHT_EMISSION_TABLE,
  INSIGHT_WATCH_TABLE,
  loadWatchedCustomers,
  saveWatchedCustomers,
  type WatchedCustomer,
} from './insight-watch.store';

export const INSIGHTS_PROJECTION = 'insights';

export type InsightsProjectionOptions = Readonly<{
  /** Default: the active version in read_models.customer_definitions, read in the batch transaction. */
  definitionProvider?: CustomerDefinitionProvider;
}>;

export class InsightsProjection implements Projection {
  readonly name = INSIGHTS_PROJECTION;
  readonly tables = [INSIGHT_WATCH_TABLE] as const;
  readonly sharedTables = [INSIGHT_EMISSION_TABLE] as const;
  readonly eventTypes = CUSTOMER_PROFILE_EVENT_TYPES;
  private readonly definitionProvider: CustomerDefinitionProvider;

  constructor(options: InsightsProjectionOptions = {}) {
    this.definitionProvider = options.definitionProvider ?? activeCustomerDefinition;
  }

  async apply(events: readonly RecordedEvent[], { client, schema, traceparentOf }: ProjectionContext): Promise<void> {
    const byCustomer = groupByCustomer(toStoredCustomerEvents(events));
    if (byCustomer.size === 0) return;
    const customerIds = [...byCustomer.keys()];
    const definition = await this.definitionProvider(client);
    const { emits: emitting, watched } = await loadWatchedCustomers(client, schema, customerIds);
    // A replay (rebuild) starts from nothing; the live table knows up to when time-caused insights were reported.
    const reported = emitting || schema === READ_MODEL_SCHEMA ? new Map<string, string>() : await checkedUntilOf(client, READ_MODEL_SCHEMA, customerIds);

    const insights: Insight[] = [];
    const changed: WatchedCustomer[] = [];
    for (const [customerId, customerEvents] of byCustomer) {
      const stored = watched.get(customerId);
      let checkedUntil = stored?.checkedUntil ?? null;
      let lastRecorded = stored?.lastRecorded ?? null;
      // Emitting: each event's insights from what it changed (linear in the batch, not in the history). A replay
      // (rebuild) derives nothing, so it needs no state per event: one linear fold of the batch.
      const live = emitting ? new LiveInsights(stored?.state ?? null, definition, checkedUntil) : null;
      const before = stored?.state ?? null;
      let lastRevision = before?.lastStreamRevision ?? -1;
      for (const event of customerEvents) {
        if (event.streamRevision <= lastRevision) continue; // a redelivery: the fold ignores it
        lastRevision = event.streamRevision;
        if (live !== null) insights.push(...live.apply(event));
        else checkedUntil = insightEvaluationInstant(before, event, { checkedUntil });
        lastRecorded = latestOf(lastRecorded, event.recordedAt);
      }
      if (live !== null) checkedUntil = live.checkedUntil;
      const state = live !== null ? live.state : foldCustomerProfile(before, customerEvents, definition);
      if (state === null || state === before || checkedUntil === null || lastRecorded === null) continue;
      checkedUntil = latestOf(checkedUntil, reported.get(customerId) ?? null) as string;
      const wakeAt = live !== null ? live.nextDueAt(checkedUntil) : nextInsightDueAt(state, checkedUntil, definition);
      changed.push({ customerId, state, checkedUntil, wakeAt, lastRecorded });
    }
    await saveWatchedCustomers(client, schema, changed);
    // Traced events pass their projection span on to the relay's publish (contract v1.2 "Traces").
    if (emitting) await writeInsights(client, traceparentOf ? insights.map((i) => ({ ...i, traceparent: traceparentOf(i.globalPosition) })) : insights);
  }

  /**
   * Forget the customers of these streams; the runner then replays their streams in order (retry of parked events).
   * The replay re-derives their insights with the same ids: what was emitted is not emitted again, what the parked
   * event would have caused is.
   */
  async resetStreams(streams: readonly string[], { client, schema }: ProjectionContext): Promise<void> {
    await deleteWatchedCustomers(client, schema, customerIdsOfStreams(streams));
  }
}

const latestOf = (a: string | null, b: string | null): string | null =>
  a === null ? b : b === null ? a : Date.parse(a) >= Date.parse(b) ? a : b;

function groupByCustomer(events: readonly StoredCustomerEvent[]): Map<string, StoredCustomerEvent[]> {
  const byCustomer = new Map<string, StoredCustomerEvent[]>();
  for (const event of events) {
    const list = byCustomer.get(event.customerId);
    if (list) list.push(event);
    else byCustomer.set(event.customerId, [event]);
  }
  return byCustomer;
}
