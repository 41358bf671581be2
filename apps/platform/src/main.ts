/**
 * `npm start`: the whole platform on http://localhost:$PORT. Ctrl-C / SIGTERM stops everything, the embedded
 * PostgreSQL included.
 */
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ConfigError, loadConfig } from '@klantcentraal/config';
import { defaultLogFormat } from '@klantcentraal/observability';
import { startPlatform } from './platform';

async function main(): Promise<void> {
  const logger = new Logger('platform');
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`configuration error: ${err.message}`);
      process.exit(2);
    }
    throw err;
  }
  const platform = await startPlatform(config);
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal}: stopping`);
    platform
      .stop()
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        console.error(err);
        process.exit(1);
      });
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));

  const u = platform.url;
  const lines = [
    '',
    `Klantcentraal is running on ${u}`,
    `  API docs      ${u}/docs   (OpenAPI: ${u}/openapi.json)`,
    `  health        ${u}/health/ready`,
    `  ingest        POST ${u}/v1/customers/{customerId}/events   POST ${u}/v1/events`,
    `  profiles      GET  ${u}/v1/customers/c-00001   GET ${u}/v1/customers?phase=loyal-customer`,
    `  insights      GET  ${u}/v1/insights/nps   …/complaints   …/lifecycle   …/funnel`,
    `  live feed     GET  ${u}/v1/feed?accountManager=u-3   (Server-Sent Events; or: npm run feed -- --account-manager u-3)`,
    `  audit         GET  ${u}/v1/audit/customers/c-00001/events   …/state?asOf=…&basis=recorded   …/verify`,
    `  metrics       GET  ${u}/metrics`,
    '',
    platform.keysFile ? `API keys (generated; kept in ${platform.keysFile}):` : 'API keys: from API_KEYS',
    ...(platform.keysFile ? platform.keys.map((k) => `  ${k.roles.join(',').padEnd(8)} ${k.key}`) : []),
    '',
    'Press Ctrl-C to stop.',
  ];
  // With JSON logs stdout holds only log objects: the banner for the person who started it goes to stderr then.
  const jsonLogs = (config.logFormat ?? defaultLogFormat()) === 'json';
  (jsonLogs ? process.stderr : process.stdout).write(`${lines.join('\n')}\n`);
}

main().catch((err: unknown) => {
  console.error(`start-up failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exit(1);
});
