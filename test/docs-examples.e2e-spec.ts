/**
 * Every executable example of README.md and docs/*.md (fenced `bash exec`, see docs/contributing.md) runs, in the
 * order written, against a freshly started platform with its demo data — exactly as a reader would paste it after
 * `npm start`. A block fails the test when it exits non-zero (examples use `curl --fail-with-body`, so an HTTP
 * error fails too) or when its stdout differs from the `text output` block shown under it.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort } from '@klantcentraal/postgres';
import { extractExamples, forPlatform, matchesOutput, type MarkdownExample } from './support/markdown-examples';
import { startPlatformProcess, type PlatformProcess } from './support/platform-process';

const ROOT = path.resolve(__dirname, '..');
const DOCS = [
  'README.md',
  ...fs
    .readdirSync(path.join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => `docs/${f}`),
];
const EXAMPLES = DOCS.map((file) => [file, extractExamples(file, fs.readFileSync(path.join(ROOT, file), 'utf8'))] as const).filter(
  ([, examples]) => examples.length > 0, // a page may be prose only (architecture)
);

let parent: string;
let dataDir: string;
let port: number;
let platform: PlatformProcess | undefined;
// Examples save files where a reader's terminal is (the repository root): remove what they leave there.
const rootEntries = new Set(fs.readdirSync(ROOT));

beforeAll(async () => {
  // Readable by PostgreSQL's own user when the suite runs as root, so the cluster stays inside this folder.
  parent = fs.mkdtempSync(path.join(os.tmpdir(), 'kc-docs-'));
  fs.chmodSync(parent, 0o755);
  dataDir = path.join(parent, '.data');
  port = await freePort();
  platform = await startPlatformProcess({ DATA_DIR: dataDir, PORT: String(port), API_KEYS: '', DATABASE_URL: '', DEMO_DATA: '1' });
}, 180_000);

afterAll(async () => {
  if (platform) expect(await platform.stop('SIGTERM')).toBe(0);
  if (parent) fs.rmSync(parent, { recursive: true, force: true });
  for (const entry of fs.readdirSync(ROOT)) if (!rootEntries.has(entry)) fs.rmSync(path.join(ROOT, entry), { recursive: true, force: true });
}, 60_000);

function run(example: MarkdownExample, stateFile: string): { status: number | null; stdout: string; stderr: string } {
  // Variables an example sets (KEY=…) stay set for the next example of the same document, as in one terminal.
  const script = `set -euo pipefail\nset -a\nsource ${JSON.stringify(stateFile)}\n${forPlatform(example.code, { port, dataDir })}\nexport -p > ${JSON.stringify(stateFile)}\n`;
  const result = spawnSync('bash', ['-c', script], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 170_000,
    env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), DATABASE_URL: '', FORCE_COLOR: '0', NO_COLOR: '1' },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

it('finds the examples: the README runs its API walk-through', () => {
  const readme = EXAMPLES.find(([file]) => file === 'README.md')![1];
  expect(readme.filter((e) => !e.saveAs).length).toBeGreaterThanOrEqual(15);
});

describe.each(EXAMPLES)('examples in %s', (file, examples) => {
  let stateFile: string;
  beforeAll(() => {
    stateFile = path.join(parent, `${file.replace(/\W/g, '_')}.env`);
    fs.writeFileSync(stateFile, '');
  });

  it.each(examples.map((e) => [`${e.file}:${e.line}`, e] as const))('%s runs as written', (_where, example) => {
    if (example.saveAs) {
      fs.writeFileSync(path.join(ROOT, example.saveAs), example.code, { mode: 0o755 });
      return;
    }
    const { status, stdout, stderr } = run(example, stateFile);
    if (status !== 0) {
      throw new Error(`${example.file}:${example.line} exited ${status}\n--- stdout\n${stdout}\n--- stderr\n${stderr}`);
    }
    if (example.expectedOutput !== null && !matchesOutput(stdout, example.expectedOutput)) {
      expect(stdout).toBe(example.expectedOutput);
    }
  }, 180_000);
});
