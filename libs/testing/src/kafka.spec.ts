/**
 * When a Kafka suite may skip: only when no broker can exist on the machine (no KAFKA_BROKERS, no Docker endpoint,
 * no Java). Anything else — Maven missing, a broker that will not start — must run the suite and fail it.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { kafkaUnavailableReason, requireKafka } from './kafka';

const saved = { ...process.env };
let bin: string;

beforeEach(() => {
  bin = fs.mkdtempSync(path.join(os.tmpdir(), 'kc-kafka-path-'));
  for (const name of ['KAFKA_BROKERS', 'DOCKER_HOST', 'TESTCONTAINERS_HOST_OVERRIDE', 'TESTCONTAINERS_DOCKER_SOCKET_OVERRIDE', 'JAVA_HOME', 'XDG_RUNTIME_DIR']) {
    delete process.env[name];
  }
  process.env.HOME = bin; // no ~/.docker, no ~/.testcontainers.properties
  process.env.PATH = bin; // only what a test puts here
});
afterEach(() => {
  process.env = { ...saved };
  fs.rmSync(bin, { recursive: true, force: true });
});

const fakeTool = (name: string, script = 'exit 1') => fs.writeFileSync(path.join(bin, name), `#!/bin/sh\n${script}\n`, { mode: 0o755 });
const dockerSocketHere = fs.existsSync('/var/run/docker.sock');
describe('Kafka suites: skip or fail', () => {
  it('skip, saying why, only when there is no broker, no Docker endpoint and no Java', () => {
    // A machine with a Docker socket always has a path to a broker (Testcontainers): then nothing may skip.
    if (dockerSocketHere) expect(kafkaUnavailableReason()).toBeUndefined();
    else expect(kafkaUnavailableReason()).toMatch(/no `java`/);
  });

  it('run when Java exists even without Maven, so a broker that cannot be set up fails them loudly', async () => {
    fakeTool('java');
    expect(kafkaUnavailableReason()).toBeUndefined();
    const jarsResolved = fs.existsSync(path.resolve(__dirname, '../../../infra/kafka/.kafka/lib/.pom.sha256'));
    if (!jarsResolved) await expect(requireKafka()).rejects.toThrow(/none could be started: .*mvn/);
  });

  it('run against KAFKA_BROKERS as given', () => {
    process.env.KAFKA_BROKERS = '127.0.0.1:1';
    expect(kafkaUnavailableReason()).toBeUndefined();
  });
});
