/**
 * The EventStoreDB adapter: the same contract suite as the PostgreSQL store, against a real server when one can be
 * had (EVENTSTORE_CONNECTION_STRING, else Testcontainers); otherwise the suite says why it did not run. The
 * fail-fast start needs no server and always runs.
 */
import { eventStoreDbSkipReason, freePorts, resolveEventStoreDb } from '@klantcentraal/testing';
import { openEventStore } from '../open-event-store';
import { describeEventStoreContract } from '../testing';
import { EventStoreDbEventStore, eventStoreDbHost } from './eventstoredb-event-store';

const noPool = null as never; // EventStoreDB needs no PostgreSQL pool

describe('EVENT_STORE=eventstoredb without a reachable server', () => {
  it('fails the start naming EventStoreDB and the host, never falling back to PostgreSQL', async () => {
    const [port] = await freePorts(1); // nothing listens there
    const connectionString = `esdb://127.0.0.1:${port}?tls=false`;
    const failure = await openEventStore({ eventStore: 'eventstoredb', eventStoreConnectionString: connectionString }, noPool, { connectTimeoutMs: 1500 }).then(
      () => null,
      (err: Error) => err.message,
    );
    expect(failure).toMatch(new RegExp(`^EventStoreDB at 127\\.0\\.0\\.1:${port} is not reachable`));
  });

  it('names the host, not the credentials, of a connection string', () => {
    expect(eventStoreDbHost('esdb://admin:changeit@es1.internal:2113,es2.internal:2113?tls=true')).toBe('es1.internal:2113,es2.internal:2113');
    expect(eventStoreDbHost('esdb+discover://cluster.internal:2113')).toBe('cluster.internal:2113');
  });
});

let server: Awaited<ReturnType<typeof resolveEventStoreDb>> | null = null;
const skipReason = eventStoreDbSkipReason();

// Without a server the contract suite is not registered (the fail-fast tests above still run), and says why.
if (skipReason) console.warn(`eventstoredb-event-store.int-spec: contract suite not run: ${skipReason}`);
else describeEventStoreContract(
  'EventStoreDbEventStore',
  async () => {
    server = await resolveEventStoreDb();
    if ('skipReason' in server) throw new Error(server.skipReason);
    const store = await EventStoreDbEventStore.connect(server.connectionString, { readPageSize: 50, pollIntervalMs: 100 });
    return {
      store,
      teardown: async () => {
        await store.close();
        if (server && !('skipReason' in server)) await server.stop();
      },
    };
  },
  { atomicAppendMany: false, densePositions: false },
);
