/**
 * Finds a real Kafka broker for the Kafka test suites, in this order:
 *   1. `KAFKA_BROKERS` (comma-separated host:port list) when set: used as is, nothing to stop.
 *   2. Testcontainers (apache/kafka, KRaft) when a Docker engine answers.
 *   3. The local broker from infra/kafka (Maven artifacts + the machine's Java 17) when `java` is on PATH and
 *      `mvn` is too (or the jars were resolved already): started on free ports with a throwaway data dir.
 *   4. Otherwise `{ skipReason }`.
 * A Kafka suite is skipped (with a printed reason) only when no broker can exist here at all: no KAFKA_BROKERS, no
 * Docker endpoint and no Java (kafkaSuiteEnabled, at collection time; under CI=true that is an error too). Once a
 * suite runs, a broker that cannot be reached or started fails it loudly (requireKafka) — never a silent pass.
 * Starting a broker costs ~5–10 s (local) per call: a jest global setup can call resolveKafkaBrokers() once and
 * hand `brokers.join(',')` to the workers through process.env.KAFKA_BROKERS.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

export type KafkaSource = 'env' | 'testcontainers' | 'local';
export type ResolvedKafka = { brokers: string[]; source: KafkaSource; stop(): Promise<void> };
export type KafkaUnavailable = { skipReason: string };

export const KAFKA_TEST_IMAGE = 'apache/kafka:4.1.1';

const DOCKER_PROBE_TIMEOUT_MS = 5_000;
const LOCAL_START_TIMEOUT_S = 120; // broker readiness, after jar resolution (which has its own pace)
const LOCAL_SCRIPT_TIMEOUT_MS = 300_000; // whole start script, including a first Maven resolve on a fresh machine

export async function resolveKafkaBrokers(): Promise<ResolvedKafka | KafkaUnavailable> {
  const fromEnv = brokersFromEnv();
  if (fromEnv) return { brokers: fromEnv, source: 'env', stop: async () => undefined };

  const reasons: string[] = [];

  const docker = await dockerEngineAnswers();
  if (docker.ok) {
    try {
      return await startTestcontainersKafka();
    } catch (err) {
      reasons.push(`Testcontainers Kafka failed to start: ${message(err)}`);
    }
  } else {
    reasons.push(docker.reason);
  }

  const local = localBrokerPrerequisites();
  if (local.ok) {
    try {
      return await startLocalKafka(local.scriptDir);
    } catch (err) {
      reasons.push(`local broker (infra/kafka/start) failed: ${message(err)}`);
    }
  } else {
    reasons.push(local.reason);
  }

  return { skipReason: `no Kafka: KAFKA_BROKERS is not set; ${reasons.join('; ')}` };
}

/**
 * The broker for a Kafka suite that kafkaSuiteEnabled() let run: throws, naming every attempt, when none could be
 * reached or started (a failed start is a failure, not a skip).
 */
export async function requireKafka(): Promise<ResolvedKafka> {
  const resolved = await resolveKafkaBrokers();
  if ('skipReason' in resolved) throw new Error(`a Kafka broker was expected here but none could be started: ${resolved.skipReason}`);
  return resolved;
}

/**
 * Cheap synchronous pre-check for choosing `describe` or `describe.skip` at collection time: false (after a
 * console.warn) when no broker can exist here (no KAFKA_BROKERS, no Docker endpoint, no Java); throws under CI=true
 * instead. A true here needs requireKafka() in beforeAll, which starts the broker or fails the suite.
 */
export function kafkaSuiteEnabled(): boolean {
  const reason = kafkaUnavailableReason();
  if (reason === undefined) return true;
  onMissingKafka(reason);
  return false;
}

/**
 * Why no Kafka can be had here, judged without starting anything; undefined when some path exists. Only a missing
 * Java counts: with Java present, a missing Maven or a broker that will not start is something to fix, so the
 * suite runs and fails saying what went wrong.
 */
export function kafkaUnavailableReason(): string | undefined {
  if (brokersFromEnv()) return undefined;
  if (dockerEndpointCandidates().length > 0) return undefined;
  if (javaAvailable()) return undefined;
  return 'no Kafka: KAFKA_BROKERS is not set, no Docker endpoint found, and no `java` for the local broker (infra/kafka)';
}

function onMissingKafka(reason: string): void {
  if (process.env.CI === 'true') throw new Error(`Kafka is required under CI=true: ${reason}`);
  console.warn(`[kafka] skipping Kafka suite: ${reason}`);
}

function javaAvailable(): boolean {
  const fromHome = process.env.JAVA_HOME && isExecutable(path.join(process.env.JAVA_HOME, 'bin', 'java'));
  return Boolean(fromHome) || onPath('java');
}

// --- 1. KAFKA_BROKERS ------------------------------------------------------------------------------------------

function brokersFromEnv(): string[] | undefined {
  const raw = process.env.KAFKA_BROKERS?.trim();
  if (!raw) return undefined;
  const brokers = raw
    .split(',')
    .map((b) => b.trim())
    .filter((b) => b.length > 0);
  return brokers.length > 0 ? brokers : undefined;
}

// --- 2. Testcontainers -----------------------------------------------------------------------------------------

/** Places a Docker engine could be reached; empty means "do not even load testcontainers". */
export function dockerEndpointCandidates(): string[] {
  const found: string[] = [];
  if (process.env.DOCKER_HOST) found.push(`DOCKER_HOST=${process.env.DOCKER_HOST}`);
  if (process.env.TESTCONTAINERS_HOST_OVERRIDE || process.env.TESTCONTAINERS_DOCKER_SOCKET_OVERRIDE) {
    found.push('TESTCONTAINERS_* override');
  }
  const home = os.homedir();
  const sockets = [
    '/var/run/docker.sock',
    process.env.XDG_RUNTIME_DIR ? path.join(process.env.XDG_RUNTIME_DIR, 'docker.sock') : '',
    path.join(home, '.docker', 'run', 'docker.sock'),
    path.join(home, '.docker', 'desktop', 'docker.sock'),
    process.getuid ? `/run/user/${process.getuid()}/docker.sock` : '',
  ].filter((s) => s.length > 0);
  for (const s of sockets) {
    try {
      if (fs.statSync(s).isSocket()) found.push(s);
    } catch {
      // not there
    }
  }
  if (fs.existsSync(path.join(home, '.testcontainers.properties'))) found.push('~/.testcontainers.properties');
  return found;
}

export async function dockerEngineAnswers(): Promise<{ ok: true } | { ok: false; reason: string }> {
  if (dockerEndpointCandidates().length === 0) return { ok: false, reason: 'no Docker endpoint found' };
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await withTimeout(getContainerRuntimeClient(), DOCKER_PROBE_TIMEOUT_MS, 'Docker engine probe');
    return { ok: true };
  } catch (err) {
    return { ok: false, reason: `no Docker engine answers (${message(err)})` };
  }
}

async function startTestcontainersKafka(): Promise<ResolvedKafka> {
  const { GenericContainer, Wait, getContainerRuntimeClient } = await import('testcontainers');
  const client = await getContainerRuntimeClient();
  const host = client.info.containerRuntime.host;
  // The advertised address must be the one clients use from the host, known before the broker starts: bind
  // the client listener to a free host port chosen here. The broker itself talks over the internal listeners.
  const hostPort = (await freePorts(1))[0];
  const container = await new GenericContainer(KAFKA_TEST_IMAGE)
    .withExposedPorts({ container: 9092, host: hostPort })
    .withEnvironment({
      KAFKA_NODE_ID: '1',
      KAFKA_PROCESS_ROLES: 'broker,controller',
      KAFKA_LISTENERS: 'PLAINTEXT://0.0.0.0:9092,BROKER://localhost:9094,CONTROLLER://localhost:9093',
      KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://${host}:${hostPort},BROKER://localhost:9094`,
      KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'PLAINTEXT:PLAINTEXT,BROKER:PLAINTEXT,CONTROLLER:PLAINTEXT',
      KAFKA_INTER_BROKER_LISTENER_NAME: 'BROKER',
      KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
      KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
      KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
      KAFKA_MIN_INSYNC_REPLICAS: '1',
      KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR: '1',
      KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR: '1',
      KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
      KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'true',
      KAFKA_HEAP_OPTS: '-Xms256m -Xmx512m',
    })
    .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
    .withStartupTimeout(120_000)
    .start();
  return {
    brokers: [`${host}:${hostPort}`],
    source: 'testcontainers',
    stop: async () => {
      await container.stop();
    },
  };
}

// --- 3. local broker (infra/kafka) -----------------------------------------------------------------------------

function localBrokerPrerequisites(): { ok: true; scriptDir: string } | { ok: false; reason: string } {
  const scriptDir = findInfraKafka();
  if (!scriptDir) return { ok: false, reason: 'infra/kafka/start not found' };
  if (!javaAvailable()) return { ok: false, reason: 'no `java` on PATH for the local broker (infra/kafka)' };
  const jarsResolved = fs.existsSync(path.join(scriptDir, '.kafka', 'lib', '.pom.sha256'));
  if (!jarsResolved && !onPath('mvn')) {
    return { ok: false, reason: 'no `mvn` on PATH to resolve the local broker (infra/kafka)' };
  }
  return { ok: true, scriptDir };
}

async function startLocalKafka(scriptDir: string): Promise<ResolvedKafka> {
  const [port, controllerPort] = await freePorts(2);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'klantcentraal-kafka-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    KAFKA_PORT: String(port),
    KAFKA_CONTROLLER_PORT: String(controllerPort),
    KAFKA_DATA_DIR: dataDir,
    KAFKA_START_TIMEOUT: process.env.KAFKA_START_TIMEOUT ?? String(LOCAL_START_TIMEOUT_S),
    // The start script's watchdog stops the broker within seconds once this process is gone (jest killed,
    // stop() never called), so no run leaves a broker behind.
    KAFKA_OWNER_PID: String(process.pid),
  };
  delete env.KAFKA_KEEP_DATA;

  const stopScript = path.join(scriptDir, 'stop');
  let stopped = false;
  const stopSync = (): void => {
    if (stopped) return;
    stopped = true;
    spawnSync(stopScript, [], { env, stdio: 'ignore', timeout: 40_000 });
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  // Safety net outside jest (whose sandboxed `process` does not see the real exit): stop on normal exit.
  process.once('exit', stopSync);

  try {
    await runScript(path.join(scriptDir, 'start'), env, LOCAL_SCRIPT_TIMEOUT_MS);
  } catch (err) {
    process.removeListener('exit', stopSync);
    stopSync();
    throw err;
  }

  return {
    brokers: [`127.0.0.1:${port}`],
    source: 'local',
    stop: async () => {
      process.removeListener('exit', stopSync);
      if (stopped) return;
      stopped = true;
      try {
        await runScript(stopScript, env, 60_000);
      } finally {
        fs.rmSync(dataDir, { recursive: true, force: true });
      }
    },
  };
}

/** The repo's infra/kafka folder (with executable start/stop), searched upwards from here and from the cwd. */
export function findInfraKafka(): string | undefined {
  const starts = [__dirname, process.cwd()];
  for (const start of starts) {
    let dir = path.resolve(start);
    for (;;) {
      const candidate = path.join(dir, 'infra', 'kafka');
      if (isExecutable(path.join(candidate, 'start')) && isExecutable(path.join(candidate, 'stop'))) return candidate;
      const parent = path.dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  return undefined;
}

/** Runs a script with its output collected (not inherited), rejecting with the output's tail on failure. */
function runScript(file: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, [], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const collect = (chunk: Buffer): void => {
      output += chunk.toString();
      if (output.length > 64_000) output = output.slice(-32_000);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const timer = setTimeout(() => {
      child.kill('SIGTERM'); // the start script stops a half-started broker on SIGTERM
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(output);
      else {
        const how = signal ? `signal ${signal}` : `exit code ${code}`;
        reject(new Error(`${path.basename(file)} failed (${how}):\n${output.split('\n').slice(-40).join('\n')}`));
      }
    });
  });
}

// --- helpers ---------------------------------------------------------------------------------------------------

/** `count` distinct free TCP ports on 127.0.0.1 (held together while chosen, then released). */
export async function freePorts(count: number): Promise<number[]> {
  const servers: net.Server[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const server = net.createServer();
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => resolve());
      });
    }
    return servers.map((s) => (s.address() as net.AddressInfo).port);
  } finally {
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }
}

export function onPath(command: string): boolean {
  return (process.env.PATH ?? '')
    .split(path.delimiter)
    .filter((d) => d.length > 0)
    .some((d) => isExecutable(path.join(d, command)));
}

export function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
