import type { FeedItem } from './feed-filter';

export type FeedLogger = Readonly<{ log(message: string): void; warn(message: string): void; error(message: string): void }>;

/**
 * Where live insights come from: Kafka `customer-insights` (kafka-live.source.ts) or the outbox itself
 * (outbox-live.source.ts). A source hands out each insight once, in outbox `seq` order.
 */
export interface LiveSource {
  /** For the start-up log: which mode the gateway is in. */
  readonly description: string;
  readonly mode: 'kafka' | 'outbox';
  /** Insights delivered so far, by where their content came from. */
  readonly delivered: { fromBroker: number; fromOutbox: number };
  /** Resolves once insights written from now on will be delivered (the first attempt; it keeps retrying after). */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export type Deliver = (items: readonly FeedItem[]) => void;

export const errorMessage = (err: unknown): string => (err instanceof Error ? err.message : String(err));
