/**
 * The event-store port's contract, as a jest suite every adapter runs (uses jest globals: test code only).
 *
 *   describeEventStoreContract('PostgresEventStore', async () => ({ store, teardown }));
 *
 * The factory is called once for the suite; tests use their own random stream names, so they share one store and
 * never assume the log is empty (positions are compared relative to what each test appended).
 */
import type { EventStore } from '../event-store.port';
import { describeAppendContract } from './contract-append';
import { describeGlobalLogContract } from './contract-global-log';
import { describeIdempotencyContract } from './contract-idempotency';
import { collect, type ContractContext, type EventStoreContractFactory, type EventStoreContractOptions } from './contract-support';

// Re-exported: adapters' specs import the helpers and types from here (and from ../testing).
export { contractEvent, contractStream, type EventStoreContractFactory, type EventStoreContractOptions } from './contract-support';

export function describeEventStoreContract(name: string, factory: EventStoreContractFactory, contractOptions: EventStoreContractOptions = {}): void {
  describe(`EventStore contract: ${name}`, () => {
    let teardown: () => Promise<void>;
    const ctx: ContractContext = {
      store: undefined as unknown as EventStore,
      readStream: (stream, options) => collect(ctx.store.readStream(stream, options)),
      deliveryTimeoutMs: contractOptions.deliveryTimeoutMs ?? 10_000,
      dense: contractOptions.densePositions ?? true,
      contractOptions,
    };

    beforeAll(async () => {
      let store: EventStore;
      ({ store, teardown } = await factory());
      ctx.store = store;
    });
    afterAll(async () => {
      await teardown?.();
    });

    describeAppendContract(ctx);
    describeIdempotencyContract(ctx);
    describeGlobalLogContract(ctx);
  });
}
