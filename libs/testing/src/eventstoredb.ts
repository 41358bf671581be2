/**
 * An EventStoreDB server for the EventStoreDB suites: EVENTSTORE_CONNECTION_STRING when set, else a Testcontainers
 * node (eventstore/eventstore, insecure, single node) when a Docker engine answers, else a reason to skip that the
 * suite prints (this tool chain has no other way to run the server).
 */
import { dockerEndpointCandidates, dockerEngineAnswers } from './kafka';

export const EVENTSTORE_TEST_IMAGE = 'eventstore/eventstore:24.10';

export type ResolvedEventStoreDb = { connectionString: string; source: 'env' | 'testcontainers'; stop(): Promise<void> };

export async function resolveEventStoreDb(): Promise<ResolvedEventStoreDb | { skipReason: string }> {
  const fromEnv = process.env.EVENTSTORE_CONNECTION_STRING?.trim();
  if (fromEnv) return { connectionString: fromEnv, source: 'env', stop: async () => undefined };
  const docker = await dockerEngineAnswers();
  if (!docker.ok) return { skipReason: `no EventStoreDB: EVENTSTORE_CONNECTION_STRING is not set and ${docker.reason}` };
  try {
    const { GenericContainer, Wait } = await import('testcontainers');
    const container = await new GenericContainer(EVENTSTORE_TEST_IMAGE)
      .withExposedPorts(2113)
      .withEnvironment({ EVENTSTORE_CLUSTER_SIZE: '1', EVENTSTORE_RUN_PROJECTIONS: 'None', EVENTSTORE_INSECURE: 'true' })
      .withWaitStrategy(Wait.forHttp('/health/live', 2113).forStatusCode(204))
      .withStartupTimeout(120_000)
      .start();
    return {
      connectionString: `esdb://${container.getHost()}:${container.getMappedPort(2113)}?tls=false`,
      source: 'testcontainers',
      stop: async () => void (await container.stop()),
    };
  } catch (err) {
    return { skipReason: `no EventStoreDB: Testcontainers could not start ${EVENTSTORE_TEST_IMAGE} (${err instanceof Error ? err.message : String(err)})` };
  }
}

/**
 * Decided before the suite is declared (jest declares synchronously): null when a server can be had — the connection
 * string is set, or a Docker endpoint exists (then a container that does not start fails the suite) — else why not.
 */
export function eventStoreDbSkipReason(): string | null {
  if (process.env.EVENTSTORE_CONNECTION_STRING?.trim()) return null;
  if (dockerEndpointCandidates().length > 0) return null;
  return 'EVENTSTORE_CONNECTION_STRING is not set and no Docker endpoint exists for Testcontainers (no EventStoreDB server can run here)';
}
