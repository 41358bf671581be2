import { createHash } from 'node:crypto';
import { canonicalJson } from '@klantcentraal/event-store';
import type { DemoCustomerHistory, DemoDataSet } from './demo-data.generator';

/**
 * SHA-256 (hex) over the canonical JSON of every customer in order: equal for equal data sets, so a benchmark or a
 * report can state exactly which data it ran on. Streams, so it also works on `generateCustomerHistories`.
 */
export function demoDataFingerprint(set: DemoDataSet | Iterable<DemoCustomerHistory>): string {
  const hash = createHash('sha256');
  const customers = 'customers' in set ? set.customers : set;
  for (const customer of customers) hash.update(canonicalJson(customer)).update('\n');
  return hash.digest('hex');
}
