/** Helpers for the insights specs: a database with everything the projector writes, the outbox as rows, a reference. */
import type { Pool } from 'pg';
import {
  deriveInsights,
  evolveCustomerProfile,
  insightEvaluationInstant,
  type CustomerDefinition,
  type CustomerProfileState,
  type Insight,
  type StoredCustomerEvent,
} from '@klantcentraal/domain';
import { EVENT_STORE_MIGRATIONS, PostgresEventStore } from '@klantcentraal/event-store';
import { MESSAGING_MIGRATIONS } from '@klantcentraal/messaging';
import { runMigrations } from '@klantcentraal/postgres';
import { PROJECTION_RUNNER_MIGRATIONS } from '@klantcentraal/projections';
import { createTestDatabase, type TestDatabase } from '@klantcentraal/testing';
import { READ_MODEL_MIGRATIONS } from '../../read-models.migrations';

export type InsightsDatabase = TestDatabase & { store: PostgresEventStore };

/** A fresh database with the event store, the runner's bookkeeping, the read models and the outbox. */
export async function createInsightsDatabase(prefix = 'kc_insights'): Promise<InsightsDatabase> {
  const db = await createTestDatabase(prefix);
  await runMigrations(db.url, [...EVENT_STORE_MIGRATIONS, ...PROJECTION_RUNNER_MIGRATIONS, ...READ_MODEL_MIGRATIONS, ...MESSAGING_MIGRATIONS]);
  const store = new PostgresEventStore(db.pool);
  return {
    ...db,
    store,
    async drop() {
      await store.close();
      await db.drop();
    },
  };
}

export type StoredInsight = Omit<Insight, 'accountManager'> & { seq: number; accountManager: string | null };

/** The outbox in `seq` order, as insights. */
export async function outboxInsights(pool: Pool): Promise<StoredInsight[]> {
  const { rows } = await pool.query<{
    seq: string;
    id: string;
    type: Insight['type'];
    customer_id: string;
    time: Date;
    global_position: string;
    account_manager: string | null;
    data: Insight['data'];
  }>(`SELECT seq, id, type, customer_id, time, global_position, account_manager, data FROM feed.insight_outbox ORDER BY seq`);
  return rows.map((r) => ({
    seq: Number(r.seq),
    id: r.id,
    type: r.type,
    customerId: r.customer_id,
    time: r.time.toISOString(),
    globalPosition: Number(r.global_position),
    accountManager: r.account_manager,
    data: r.data,
  }));
}

/** The domain's recipe, in memory, for events only (no timer): what the projection must write, per customer in order. */
export function referenceInsights(events: readonly StoredCustomerEvent[], definition: CustomerDefinition): Insight[] {
  const states = new Map<string, { state: CustomerProfileState | null; checkedUntil: string | null }>();
  const found: Insight[] = [];
  for (const event of events) {
    const current = states.get(event.customerId) ?? { state: null, checkedUntil: null };
    const after = evolveCustomerProfile(current.state, event, definition);
    if (after === current.state) continue;
    found.push(...deriveInsights(current.state, after, event, definition, { checkedUntil: current.checkedUntil }));
    states.set(event.customerId, { state: after, checkedUntil: insightEvaluationInstant(current.state, event, { checkedUntil: current.checkedUntil }) });
  }
  return found;
}

/** Insights as the outbox returns them (no seq, account manager null rather than undefined), for comparing. */
export const comparable = (insights: readonly (Insight | StoredInsight)[]) =>
  insights.map(({ id, type, customerId, time, globalPosition, accountManager, data }) => ({
    id,
    type,
    customerId,
    time,
    globalPosition,
    accountManager: accountManager ?? null,
    data,
  }));

/** Strings an insight payload must never contain: every name, e-mail address and free text of the events. */
export function personalTexts(events: readonly StoredCustomerEvent[]): string[] {
  const texts: string[] = [];
  for (const event of events) {
    if (event.type === 'ProspectRegistered') texts.push(event.data.name);
    if (event.type === 'ContactAdded') texts.push(event.data.name, ...(event.data.email ? [event.data.email] : []));
    if (event.type === 'NpsResponded' && event.data.improvement) texts.push(event.data.improvement);
  }
  return texts.filter((text) => text.trim().length > 3);
}
