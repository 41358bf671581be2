import { ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');

export type PlatformProcess = {
  child: ChildProcess;
  url: string;
  output: () => string;
  /** stdout alone (with LOG_FORMAT=json: the log, one JSON object per line). */
  stdout: () => string;
  /** Keys printed at start, by role. */
  keys: Record<string, string>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
};

/** Runs the platform exactly as `npm start` does (same entry point and loader) and waits until it is ready. */
export async function startPlatformProcess(env: Record<string, string>, timeoutMs = 120_000): Promise<PlatformProcess> {
  const child = spawn(process.execPath, ['-r', './infra/scripts/register.js', 'apps/platform/src/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let stdout = '';
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
    stdout += d.toString();
  });
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const deadline = Date.now() + timeoutMs;
  const url = `http://localhost:${env.PORT}`;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`platform exited with ${child.exitCode}:\n${out}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`platform not ready within ${timeoutMs} ms:\n${out}`);
    }
    const ready = await fetch(`${url}/health/ready`).then((r) => r.ok).catch(() => false);
    if (ready && out.includes('Press Ctrl-C to stop.')) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  const keys: Record<string, string> = {};
  for (const m of out.matchAll(/^ {2}(ingest|analyst|sales|auditor|admin) +(\S+)$/gm)) keys[m[1]] = m[2];
  return {
    child,
    url,
    output: () => out,
    stdout: () => stdout,
    keys,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}
