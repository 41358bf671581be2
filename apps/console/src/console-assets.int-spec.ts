import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensureConsoleAssets, sourceFingerprint } from './console-assets';

describe('ensureConsoleAssets (the console bundle, built on demand)', () => {
  let outRoot: string;
  beforeAll(() => (outRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'kc-console-assets-'))));
  afterAll(() => fs.rmSync(outRoot, { recursive: true, force: true }));

  it('builds a bundle without inline scripts when none matches the sources, then reuses it', async () => {
    const messages: string[] = [];
    const dir = await ensureConsoleAssets({ outRoot, log: (m) => messages.push(m) });
    expect(path.basename(dir)).toBe(sourceFingerprint());
    const html = fs.readFileSync(path.join(dir, 'index.html'), 'utf8');
    // Every script and stylesheet is a file of our origin: the strict CSP (default-src 'self') needs no exception.
    expect(html).toMatch(/<script type="module" crossorigin src="\/assets\/[\w-]+\.js"><\/script>/);
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/<style/);
    expect(fs.readdirSync(path.join(dir, 'assets')).some((f) => f.endsWith('.css'))).toBe(true);
    expect(messages.some((m) => m.startsWith('web console built'))).toBe(true);

    const again: string[] = [];
    expect(await ensureConsoleAssets({ outRoot, log: (m) => again.push(m) })).toBe(dir);
    expect(again).toEqual([]); // current bundle: nothing rebuilt
    expect(fs.readdirSync(outRoot).filter((e) => e.startsWith('.build-'))).toEqual([]);
  });

  it('serves a prebuilt bundle named by CONSOLE_ASSETS_DIR as it is, and names the variable when it holds none', async () => {
    const built = await ensureConsoleAssets({ outRoot });
    const empty = fs.mkdtempSync(path.join(outRoot, 'empty-'));
    try {
      process.env.CONSOLE_ASSETS_DIR = built;
      expect(await ensureConsoleAssets({ outRoot: empty })).toBe(built);
      expect(fs.readdirSync(empty)).toEqual([]); // nothing built
      process.env.CONSOLE_ASSETS_DIR = empty;
      await expect(ensureConsoleAssets({ outRoot })).rejects.toThrow(/CONSOLE_ASSETS_DIR=.* holds no index\.html/);
    } finally {
      delete process.env.CONSOLE_ASSETS_DIR;
    }
  });
});
