/**
 * docker-compose.yml as Docker Compose itself reads it (`config` needs the client only, no engine): valid, one
 * service per app with two projectors, images from the Dockerfile run as a non-root user with health checks and
 * restart policies, no database or broker port on the host, EventStoreDB and the observability stack under profiles.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';

const root = path.join(__dirname, '..', '..');

/** `docker compose` (v2 plugin) or `docker-compose`, whichever this machine has. */
function composeCommand(): string[] | null {
  for (const candidate of [['docker', 'compose'], ['docker-compose']]) {
    const probe = spawnSync(candidate[0], [...candidate.slice(1), 'version'], { encoding: 'utf8' });
    if (probe.status === 0) return candidate;
  }
  return null;
}

type ComposeService = {
  image?: string;
  build?: unknown;
  user?: string;
  restart?: string;
  healthcheck?: { test?: unknown };
  ports?: unknown[];
  profiles?: string[];
  command?: string[];
  volumes?: unknown[];
};

const compose = composeCommand();
if (!compose) {
  // CI installs a compose client (.ci/run); elsewhere say why nothing was checked.
  if (process.env.CI === 'true') throw new Error('no Docker Compose client (docker compose or docker-compose) to validate docker-compose.yml');
  console.warn('compose-config.spec: skipped, neither `docker compose` nor `docker-compose` is installed');
}
const describeWithCompose = compose ? describe : describe.skip;

describeWithCompose('docker-compose.yml', () => {
  const config = (...profiles: string[]) => {
    const [command, ...args] = compose!;
    const flags = profiles.flatMap((p) => ['--profile', p]);
    const text = execFileSync(command, [...args, '-f', path.join(root, 'docker-compose.yml'), ...flags, 'config'], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, SECRETS_ENV_FILE: '', METRICS_TOKEN_FILE: '', EVENT_STORE: '' },
    });
    return parse(text) as { services: Record<string, ComposeService> };
  };
  const apps = ['ingest', 'query', 'projector-1', 'projector-2', 'feed', 'audit'];

  it('is valid and runs one service per app (two projectors) next to PostgreSQL and Kafka', () => {
    const { services } = config();
    const always = Object.keys(services).filter((name) => !services[name].profiles?.length); // compose v1 lists all
    expect(always.sort()).toEqual([...apps, 'kafka', 'postgres'].sort());
  });

  it('builds every app from the Dockerfile, runs it as a non-root user with a health check and a restart policy', () => {
    const { services } = config();
    for (const name of apps) {
      const service = services[name];
      expect({ name, build: Boolean(service.build), user: service.user }).toEqual({ name, build: true, user: 'node' });
      expect(service.restart).toBe('unless-stopped');
      expect(service.healthcheck?.test).toBeDefined();
      expect(service.command?.join(' ')).toMatch(/^node dist\/apps\/[a-z-]+\/src\/main\.js$/);
    }
    for (const name of ['postgres', 'kafka']) {
      expect(services[name].restart).toBe('unless-stopped');
      expect(services[name].healthcheck?.test).toBeDefined();
    }
  });

  it('publishes no database or broker port to the host', () => {
    const { services } = config('eventstoredb');
    for (const name of ['postgres', 'kafka', 'eventstoredb']) expect({ name, ports: services[name].ports }).toEqual({ name, ports: undefined });
  });

  it('puts EventStoreDB under the profile `eventstoredb` and Prometheus + Grafana under `observability`', () => {
    const { services } = config('eventstoredb', 'observability');
    expect(services.eventstoredb.profiles).toEqual(['eventstoredb']);
    expect(services.prometheus.profiles).toEqual(['observability']);
    expect(services.grafana.profiles).toEqual(['observability']);
    const mounted = JSON.stringify([...(services.prometheus.volumes ?? []), ...(services.grafana.volumes ?? [])]);
    for (const file of ['prometheus.yml', 'alerts.yml', 'grafana-dashboard.json']) expect(mounted).toContain(`infra/observability/${file}`);
  });

  it('reads secrets from an env file whose example holds keys of at least 24 characters', () => {
    const example = fs.readFileSync(path.join(root, 'infra/compose/secrets.example.env'), 'utf8');
    const keys = Object.keys(JSON.parse(/^API_KEYS=(.*)$/m.exec(example)![1]) as Record<string, unknown>);
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) expect(key.length).toBeGreaterThanOrEqual(24);
  });
});

describe('Dockerfile', () => {
  const dockerfile = fs.readFileSync(path.join(root, 'Dockerfile'), 'utf8');

  it('is multi-stage and runs compiled JavaScript as a non-root user', () => {
    expect(dockerfile.match(/^FROM /gm)?.length).toBeGreaterThanOrEqual(2);
    const lastStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    expect(lastStage).toMatch(/^USER node$/m);
    expect(lastStage).toMatch(/^CMD \["node", "dist\/apps\/platform\/src\/main\.js"\]$/m);
    expect(lastStage).not.toMatch(/register\.js|\.ts"/);
  });
});
