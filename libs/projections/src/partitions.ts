import { createHash } from 'node:crypto';

/**
 * Partitions of the projections: customers are spread over `count` partitions by a hash of their id, so any number
 * of projector processes can share the work, each owning some partitions (partition-coordinator.ts). A customer's
 * events always land in the same partition, so every per-customer fold sees them in log order, whoever owns it.
 */
export type PartitionSet = Readonly<{
  count: number;
  /** The partitions this runner applies events of, ascending. */
  owned: readonly number[];
}>;

export const DEFAULT_PARTITIONS = 16;

const CUSTOMER_STREAM = 'customer-';

/** The customer id of a stream (`customer-<id>`); other streams are partitioned by their whole name. */
export function partitionKeyOf(stream: string): string {
  return stream.startsWith(CUSTOMER_STREAM) ? stream.slice(CUSTOMER_STREAM.length) : stream;
}

/** The partition of a customer id: the first 32 bits of its MD5 modulo `count` (SQL can compute the same from md5()). */
export function partitionOfKey(key: string, count: number): number {
  return parseInt(createHash('md5').update(key).digest('hex').slice(0, 8), 16) % count;
}

export const partitionOfStream = (stream: string, count: number): number => partitionOfKey(partitionKeyOf(stream), count);

/** All partitions: what a single process runs, and what a reader of the checkpoints waits for. */
export function allPartitions(count: number): PartitionSet {
  return { count, owned: Array.from({ length: count }, (_, i) => i) };
}

/**
 * The checkpoint row of one partition of a projection: `<projection>/<partition>of<count>`. The projection's own row
 * (`<projection>`) is kept at the lowest of its partitions, so readers that know nothing of partitions, and a
 * rebuild's swap, see a position every partition has reached (see checkpoints.ts).
 */
export function partitionCheckpoint(projection: string, partition: number, count: number): string {
  return `${projection}/${partition}of${count}`;
}

export function assertPartitionCount(count: number, variable = 'PROJECTION_PARTITIONS'): number {
  if (!Number.isInteger(count) || count < 1 || count > 1024) throw new RangeError(`${variable} must be an integer 1–1024, got ${count}`);
  return count;
}
