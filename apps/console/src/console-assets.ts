import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';

const APP_DIR = path.resolve(__dirname, '..');
const WEB_DIR = path.join(APP_DIR, 'web');
const VITE_CONFIG = path.join(APP_DIR, 'vite.config.mjs');
/** The pure domain lib the console imports types and code lists from (vite.config.mjs aliases it). */
const DOMAIN_DIR = path.resolve(APP_DIR, '..', '..', 'libs', 'domain', 'src');
const DEFAULT_OUT_ROOT = path.resolve(APP_DIR, '..', '..', 'dist', 'console');
/** What the bundle is made of besides our sources: a new version of one of these makes the bundle stale. */
const BUILD_PACKAGES = ['vite', 'preact', 'preact-iso', 'echarts', '@microsoft/fetch-event-source'];

export type ConsoleAssetsOptions = Readonly<{
  /** Where bundles are kept, one folder per source fingerprint (default: dist/console of the repository). */
  outRoot?: string;
  log?: (message: string) => void;
}>;

/**
 * The folder holding the built console (index.html + assets/). The bundle is built on demand with Vite when none
 * matches the current sources, so a fresh clone needs nothing beyond `npm install`; a bundle is keyed by a
 * fingerprint of the sources and the bundled packages' versions, so a stale one is never served.
 * Concurrent starts each build into a private folder and the first rename wins.
 */
export async function ensureConsoleAssets(options: ConsoleAssetsOptions = {}): Promise<string> {
  // A prebuilt bundle (e.g. copied into a container image by `npm run build:console`) is served as it is.
  const prebuilt = process.env.CONSOLE_ASSETS_DIR;
  if (prebuilt) {
    if (!fs.existsSync(path.join(prebuilt, 'index.html'))) throw new Error(`CONSOLE_ASSETS_DIR=${prebuilt} holds no index.html`);
    return prebuilt;
  }
  const outRoot = options.outRoot ?? DEFAULT_OUT_ROOT;
  const target = path.join(outRoot, sourceFingerprint());
  if (fs.existsSync(path.join(target, 'index.html'))) return target;

  fs.mkdirSync(outRoot, { recursive: true });
  const started = Date.now();
  options.log?.('building the web console (first start, or its sources changed)');
  const scratch = fs.mkdtempSync(path.join(outRoot, '.build-'));
  try {
    const vite = path.join(path.dirname(require.resolve('vite/package.json')), 'bin', 'vite.js');
    await promisify(execFile)(process.execPath, [vite, 'build', '--config', VITE_CONFIG], {
      cwd: APP_DIR,
      env: { ...process.env, CONSOLE_OUT_DIR: scratch, NODE_ENV: 'production' },
      maxBuffer: 16 * 1024 * 1024,
    });
    if (!fs.existsSync(path.join(scratch, 'index.html'))) throw new Error('the Vite build wrote no index.html');
    try {
      fs.renameSync(scratch, target);
    } catch (err) {
      // Another process finished the same build first: use its bundle.
      if (!fs.existsSync(path.join(target, 'index.html'))) throw err;
    }
  } catch (err) {
    const e = err as Error & { stderr?: string };
    throw new Error(`building the web console failed: ${e.stderr?.trim() || e.message}`);
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  removeOtherBundles(outRoot, target);
  options.log?.(`web console built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return target;
}

/** sha256 over the console's sources (and the domain lib it imports), its build configuration and the bundled packages' versions. */
export function sourceFingerprint(): string {
  const hash = createHash('sha256');
  const files = [VITE_CONFIG, ...listFiles(WEB_DIR), ...listFiles(DOMAIN_DIR).filter((f) => !/\.(int-)?spec\.ts$/.test(f))].sort();
  for (const file of files) hash.update(path.relative(APP_DIR, file)).update('\0').update(fs.readFileSync(file)).update('\0');
  for (const name of BUILD_PACKAGES) hash.update(`${name}@${packageVersion(name)}\0`);
  return hash.digest('hex').slice(0, 16);
}

/** The installed version of a package (found from its entry point: not every package exports package.json). */
function packageVersion(name: string): string {
  for (let dir = path.dirname(require.resolve(name)); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (!fs.existsSync(file)) continue;
    const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string; version?: string };
    if (pkg.name === name && pkg.version) return pkg.version;
  }
  throw new Error(`cannot find the version of ${name}`);
}

function listFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? listFiles(full) : [full];
  });
}

/**
 * Old bundles go after a day: not at once, because a platform still running from this checkout may serve one
 * (e.g. `npm start` left running while the tests build the edited console).
 */
function removeOtherBundles(outRoot: string, keep: string): void {
  const dayAgo = Date.now() - 24 * 3600_000;
  for (const entry of fs.readdirSync(outRoot)) {
    const full = path.join(outRoot, entry);
    // Builds in progress (".build-*") belong to other processes.
    if (full === keep || entry.startsWith('.')) continue;
    if (fs.statSync(full).mtimeMs < dayAgo) fs.rmSync(full, { recursive: true, force: true });
  }
}
