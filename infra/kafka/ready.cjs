#!/usr/bin/env node
// Readiness probe used by infra/kafka/start: exits 0 once the broker at 127.0.0.1:$KAFKA_PORT answers a real
// metadata round trip (describeCluster + listTopics) through kafkajs, non-zero otherwise. One attempt per run;
// the start script does the polling. kafkajs is taken from the repo's node_modules (path in KAFKAJS_PATH).
// With the argument `warmup` it instead brings up, once, what a fresh broker creates lazily on first use: the
// group coordinator (__consumer_offsets, via FindCoordinator) and the producer-id allocation an idempotent
// producer needs (InitProducerId), so the first test does not meet "coordinator is loading" retries.
'use strict';

const kafkajsPath = process.env.KAFKAJS_PATH || 'kafkajs';
const port = Number(process.env.KAFKA_PORT || 9092);
const { Kafka, logLevel } = require(kafkajsPath);

const kafka = new Kafka({
  clientId: 'infra-kafka-ready',
  brokers: [`127.0.0.1:${port}`],
  logLevel: logLevel.NOTHING,
  connectionTimeout: 2000,
  requestTimeout: 4000,
  retry: { retries: 0 },
});

async function warmup() {
  const timer = setTimeout(() => {
    process.stderr.write('warm-up timed out\n');
    process.exit(2);
  }, 30000);
  const warm = new Kafka({
    clientId: 'infra-kafka-warmup',
    brokers: [`127.0.0.1:${port}`],
    logLevel: logLevel.NOTHING,
    retry: { retries: 10, initialRetryTime: 100, maxRetryTime: 2000 },
  });
  const admin = warm.admin();
  const producer = warm.producer({ idempotent: true, maxInFlightRequests: 1 });
  try {
    await admin.connect();
    await admin.describeGroups(['infra-kafka-warmup']);
    await producer.connect();
  } finally {
    clearTimeout(timer);
    await producer.disconnect().catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
  }
}

async function main() {
  const admin = kafka.admin();
  const timer = setTimeout(() => {
    process.stderr.write('ready check timed out\n');
    process.exit(2);
  }, 8000);
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    if (!cluster.brokers || cluster.brokers.length === 0) throw new Error('no brokers in metadata yet');
    await admin.listTopics();
    process.stdout.write(`cluster ${cluster.clusterId}, controller ${cluster.controller}, brokers ${cluster.brokers.length}\n`);
  } finally {
    clearTimeout(timer);
    await admin.disconnect().catch(() => undefined);
  }
}

(process.argv[2] === 'warmup' ? warmup() : main()).then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`not ready: ${err && err.message ? err.message : err}\n`);
    process.exit(1);
  },
);
