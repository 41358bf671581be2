/**
 * A clone is all a user has: no file of the repository may point at design notes or folders outside it, and every
 * relative link in the Markdown must resolve inside the repository.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
const tracked = execFileSync('git', ['ls-files'], { cwd: ROOT, encoding: 'utf8' })
  .split('\n')
  .filter((f) => f && !f.endsWith('.png') && !f.endsWith('package-lock.json') && fs.existsSync(path.join(ROOT, f)));

describe('the repository stands alone', () => {
  it('refers to no sibling folder of the checkout (the design notes a clone does not have)', () => {
    const sibling = ['..', 'shared', ''].join('/'); // spelled in pieces so this file does not match itself
    const offenders = tracked.filter((f) => fs.readFileSync(path.join(ROOT, f), 'utf8').includes(sibling));
    expect(offenders).toEqual([]);
  });

  it('links from README.md and docs/ only to files that exist in the repository (or to web pages)', () => {
    const broken: string[] = [];
    for (const file of tracked.filter((f) => f === 'README.md' || (f.startsWith('docs/') && f.endsWith('.md')))) {
      const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
      for (const [, target] of text.matchAll(/\]\(([^)\s#]+)(?:#[^)]*)?\)/g)) {
        if (/^[a-z]+:/.test(target)) continue; // http:, https:, mailto:
        const resolved = path.resolve(ROOT, path.dirname(file), target);
        if (!resolved.startsWith(ROOT + path.sep) || !fs.existsSync(resolved)) broken.push(`${file} → ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });
});
