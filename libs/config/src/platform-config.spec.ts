import { ConfigError, loadConfig } from './platform-config';

const failure = (env: NodeJS.ProcessEnv) => {
  try {
    loadConfig(env);
  } catch (err) {
    return err instanceof ConfigError ? err.message : `not a ConfigError: ${String(err)}`;
  }
  return null;
};

describe('loadConfig: distributed settings', () => {
  it('rejects an unknown EVENT_STORE naming the allowed values', () => {
    expect(failure({ EVENT_STORE: 'mongodb' })).toBe('EVENT_STORE: must be "postgres" or "eventstoredb", got "mongodb"');
  });

  it('requires EVENTSTORE_CONNECTION_STRING with EVENT_STORE=eventstoredb', () => {
    expect(failure({ EVENT_STORE: 'eventstoredb' })).toMatch(/^EVENTSTORE_CONNECTION_STRING: is required/);
    expect(loadConfig({ EVENT_STORE: 'eventstoredb', EVENTSTORE_CONNECTION_STRING: 'esdb://es.internal:2113?tls=false' }).eventStore).toBe('eventstoredb');
  });

  it('PROJECTION_PARTITIONS: 16 by default, an integer 1–1024 otherwise', () => {
    expect(loadConfig({}).projectionPartitions).toBe(16);
    expect(loadConfig({ PROJECTION_PARTITIONS: '64' }).projectionPartitions).toBe(64);
    for (const bad of ['0', '1025', '2.5', 'many', '-4']) expect(failure({ PROJECTION_PARTITIONS: bad })).toMatch(/^PROJECTION_PARTITIONS: must be an integer 1–1024/);
  });
});
