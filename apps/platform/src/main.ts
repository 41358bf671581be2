/**
 * `npm start`: the whole platform on http://localhost:$PORT. Ctrl-C / SIGTERM stops everything, the embedded
 * PostgreSQL included.
 */
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ConfigError, loadConfig } from '@klantcentraal/config';
import { defaultLogFormat } from '@klantcentraal/observability';
import { startPlatform } from './platform';
import { startBanner } from './start-banner';

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

  // With JSON logs stdout holds only log objects: the banner for the person who started it goes to stderr then.
  const jsonLogs = (config.logFormat ?? defaultLogFormat()) === 'json';
  (jsonLogs ? process.stderr : process.stdout).write(`${startBanner(platform)}
`);
}

main().catch((err: unknown) => {
  console.error(`start-up failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exit(1);
});
