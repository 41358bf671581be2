import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Debian's chromium (CI installs it with apt), or CHROMIUM_PATH. */
export function findChromium(): string | null {
  for (const candidate of [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser']) {
    if (candidate && fs.existsSync(candidate)) return candidate;
  }
  return null;
}

// Quiet, reproducible, offline-friendly: no sandbox (containers), no GPU, nothing phoning home.
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export type ConsoleBrowser = {
  context: BrowserContext;
  /** A new tab (its own sessionStorage, so its own signed-in key) that records page errors and CSP violations. */
  newTab(): Promise<Tab>;
  close(): Promise<void>;
};
export type Tab = { page: Page; problems: string[] };

export async function launchConsoleBrowser(executablePath: string): Promise<ConsoleBrowser> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'kc-console-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    args: FLAGS,
    headless: true,
    viewport: { width: 1360, height: 900 },
    acceptDownloads: true,
  });
  return {
    context,
    async newTab() {
      const page = await context.newPage();
      const problems: string[] = [];
      page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
      page.on('console', (msg) => {
        // A CSP refusal is a console error; anything the console logs as an error is a defect too.
        if (msg.type() === 'error' && !/Failed to load resource/.test(msg.text())) problems.push(`console: ${msg.text()}`);
      });
      return { page, problems };
    },
    async close() {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** axe-core's serious and critical violations on the page as it is now ("rule: target" lines, empty when none). */
export async function seriousA11yViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}): ${n.target.join(' ')} — ${v.help}`));
}

/** Where the browser suite leaves a full-page screenshot of every page (README "Console" links it). */
export const SCREENSHOT_DIR = path.resolve(__dirname, '..', '..', 'tmp', 'console-screenshots');

export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

/**
 * Retries `assertion` until it passes or `timeoutMs` ran out (then throws its last failure): pages update
 * asynchronously, and this waits for them without asserting anything about speed.
 */
export async function eventually(assertion: () => Promise<unknown>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await assertion();
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
