/**
 * Test fixtures for the messaging suites: a local broker of the suite's own that can be stopped and started again
 * with its data (the outage test), and a reader that drains a topic up to its current end.
 */
import { execFile, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { findInfraKafka, freePorts, isExecutable, onPath } from '@klantcentraal/testing';

export type RestartableKafka = {
  brokers: string[];
  /** infra/kafka/start on the same port and data dir (topics and offsets survive: KAFKA_KEEP_DATA=1). */
  start(): Promise<void>;
  /** infra/kafka/stop: a clean broker shutdown. */
  stop(): Promise<void>;
  /** Stops the broker and deletes its data. */
  dispose(): Promise<void>;
};

/** Why this machine cannot run a broker of its own (java + the jars or mvn); undefined when it can. */
export function dedicatedKafkaUnavailableReason(): string | undefined {
  const dir = findInfraKafka();
  if (!dir) return 'infra/kafka/start not found';
  const javaHome = process.env.JAVA_HOME;
  if (!(javaHome && isExecutable(path.join(javaHome, 'bin', 'java'))) && !onPath('java')) return 'no `java` on PATH';
  if (!fs.existsSync(path.join(dir, '.kafka', 'lib', '.pom.sha256')) && !onPath('mvn')) return 'no `mvn` on PATH';
  return undefined;
}

/** A broker of this suite's own on free ports, whatever KAFKA_BROKERS says (an external broker cannot be stopped). */
export async function startRestartableKafka(): Promise<RestartableKafka> {
  const dir = findInfraKafka();
  if (!dir) throw new Error('infra/kafka/start not found');
  const [port, controllerPort] = await freePorts(2);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'klantcentraal-kafka-outage-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    KAFKA_PORT: String(port),
    KAFKA_CONTROLLER_PORT: String(controllerPort),
    KAFKA_DATA_DIR: dataDir,
    KAFKA_KEEP_DATA: '1',
    KAFKA_START_TIMEOUT: '120',
    // The start script's watchdog stops the broker once this (jest worker) process is gone.
    KAFKA_OWNER_PID: String(process.pid),
  };
  const script = (name: 'start' | 'stop', timeoutMs: number) =>
    new Promise<void>((resolve, reject) => {
      execFile(path.join(dir, name), [], { env, timeout: timeoutMs, maxBuffer: 4 << 20 }, (err, stdout, stderr) => {
        if (err) reject(new Error(`infra/kafka/${name} failed: ${err.message}\n${stdout}\n${stderr}`));
        else resolve();
      });
    });
  let disposed = false;
  const stopOnExit = () => {
    if (disposed) return;
    try {
      execFileSync(path.join(dir, 'stop'), [], { env, stdio: 'ignore', timeout: 40_000 });
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  };
  process.once('exit', stopOnExit);
  const kafka: RestartableKafka = {
    brokers: [`127.0.0.1:${port}`],
    start: () => script('start', 300_000),
    stop: () => script('stop', 60_000),
    async dispose() {
      if (disposed) return;
      disposed = true;
      process.removeListener('exit', stopOnExit);
      try {
        await script('stop', 60_000);
      } finally {
        fs.rmSync(dataDir, { recursive: true, force: true });
      }
    },
  };
  try {
    await kafka.start();
  } catch (err) {
    await kafka.dispose().catch(() => undefined);
    throw err;
  }
  return kafka;
}

export type ConsumedMessage = {
  partition: number;
  offset: number;
  key: string;
  value: string;
  headers: Record<string, string>;
};

/**
 * Every message of `topic` from the beginning up to its end as of the call (per-partition high watermarks), in
 * per-partition order.
 */
export async function readTopicToEnd(brokers: readonly string[], topic: string, timeoutMs = 60_000): Promise<ConsumedMessage[]> {
  const suffix = `${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  const kafka = new Kafka({ clientId: `reader-${suffix}`, brokers: [...brokers], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  let ends: Map<number, number>;
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    ends = new Map(offsets.filter((o) => Number(o.high) > Number(o.low)).map((o) => [o.partition, Number(o.high)]));
  } finally {
    await admin.disconnect();
  }
  const messages: ConsumedMessage[] = [];
  if (ends.size === 0) return messages;

  const consumer = kafka.consumer({ groupId: `reader-${suffix}` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    const pending = new Set(ends.keys());
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`read ${messages.length} messages of ${topic}; partitions ${[...pending]} not at their end`)),
        timeoutMs,
      );
      consumer
        .run({
          eachMessage: async ({ partition, message }) => {
            const end = ends.get(partition);
            if (end === undefined || Number(message.offset) >= end) return;
            const headers: Record<string, string> = {};
            for (const [name, value] of Object.entries(message.headers ?? {})) headers[name] = String(value);
            messages.push({
              partition,
              offset: Number(message.offset),
              key: message.key?.toString() ?? '',
              value: message.value?.toString() ?? '',
              headers,
            });
            if (Number(message.offset) >= end - 1) pending.delete(partition);
            if (pending.size === 0) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch((err) => {
          clearTimeout(timer);
          reject(err);
        });
    });
  } finally {
    await consumer.disconnect();
  }
  return messages;
}

export async function topicPartitionCount(brokers: readonly string[], topic: string): Promise<number> {
  const kafka = new Kafka({ clientId: `meta-${process.pid}`, brokers: [...brokers], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const meta = await admin.fetchTopicMetadata({ topics: [topic] });
    return meta.topics[0].partitions.length;
  } finally {
    await admin.disconnect();
  }
}
