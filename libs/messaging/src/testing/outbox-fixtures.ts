import { randomUUID } from 'node:crypto';
import { runMigrations } from '@klantcentraal/postgres';
import { createTestDatabase, type TestDatabase } from '@klantcentraal/testing';
import { MESSAGING_MIGRATIONS } from '../messaging.migrations';
import type { OutboxInsight } from '../outbox';

/** A fresh test database with the outbox schema. */
export async function createOutboxDatabase(): Promise<TestDatabase> {
  const db = await createTestDatabase('kc_messaging');
  await runMigrations(db.url, MESSAGING_MIGRATIONS);
  return db;
}

const TYPES = ['customer-at-risk', 'customer-became-loyal', 'detractor-responded', 'complaint-sla-breached'] as const;

/**
 * Insight number `n` of a run: ids unique per run, spread over `customers` customers, the global position growing
 * with `n` (so per-customer order can be checked by position). Ids, codes and numbers only, like the real rules.
 */
export function insightFor(run: string, n: number, customers = 10): OutboxInsight {
  const customer = n % customers;
  return {
    id: `${run}-${n}`,
    type: TYPES[n % TYPES.length],
    customerId: `cust-${run}-${customer}`,
    time: new Date(Date.UTC(2026, 0, 1) + n * 1000).toISOString(),
    globalPosition: 1_000 + n,
    accountManager: customer % 3 === 0 ? null : `am-${customer % 3}`,
    data: { score: n % 11, reasonCode: `R${n % 7}` },
  };
}

export function newRun(): string {
  return randomUUID().slice(0, 8);
}
