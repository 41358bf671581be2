/**
 * Executable examples in Markdown (the convention is documented in docs/contributing.md):
 *
 *   ```bash exec            a shell example the test suite runs (bash, `set -euo pipefail`, from the repository root)
 *   ```text output          directly after an exec block: its expected stdout, compared line by line; `…` in a line
 *                           stands for any text (install-dependent values such as positions or times)
 *   ```python file=x.py     a file the reader saves (any language): the harness writes it to x.py, in the order
 *                           written, so later exec blocks can run it
 *
 * Every other fenced block is prose to the harness. Examples are written for a reader's own `npm start`
 * (http://localhost:3000, data in .data); the harness runs them against a fresh platform on another port and data
 * folder, and only rewrites those two spellings (`localhost:3000` and paths starting `.data/` or `./.data/`).
 */
export type MarkdownExample = Readonly<{
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  code: string;
  /** The `text output` block that follows, if any. */
  expectedOutput: string | null;
  /** Set for a `file=<name>` block: save `code` under this name instead of running it. */
  saveAs?: string;
}>;

const FENCE = /^(`{3,}|~{3,})\s*(\S*)\s*(.*)$/;

export function extractExamples(file: string, markdown: string): MarkdownExample[] {
  const lines = markdown.split('\n');
  const blocks: { line: number; lang: string; flags: string[]; body: string }[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]);
    if (!open) continue;
    const [, fence, lang, rest] = open;
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && !lines[j].startsWith(fence)) body.push(lines[j++]);
    if (j === lines.length) throw new Error(`${file}:${i + 1}: unclosed code fence`);
    blocks.push({ line: i + 1, lang, flags: rest.split(/\s+/).filter(Boolean), body: body.join('\n') });
    i = j;
  }
  const examples: MarkdownExample[] = [];
  blocks.forEach((block, k) => {
    if (block.flags.includes('output')) {
      const previous = blocks[k - 1];
      if (!previous?.flags.includes('exec')) throw new Error(`${file}:${block.line}: an output block must follow an exec block`);
      return;
    }
    const saveAs = block.flags.find((f) => f.startsWith('file='))?.slice('file='.length);
    if (saveAs !== undefined) {
      if (!/^[\w.-]+$/.test(saveAs)) throw new Error(`${file}:${block.line}: file=${saveAs} must be a plain file name`);
      examples.push({ file, line: block.line, code: `${block.body}\n`, expectedOutput: null, saveAs });
      return;
    }
    if (!block.flags.includes('exec')) return;
    if (block.lang !== 'bash' && block.lang !== 'sh') throw new Error(`${file}:${block.line}: exec blocks are bash, not "${block.lang}"`);
    const next = blocks[k + 1];
    examples.push({ file, line: block.line, code: block.body, expectedOutput: next?.flags.includes('output') ? next.body : null });
  });
  return examples;
}

/** Points an example written for `npm start` defaults at the platform under test. */
export function forPlatform(code: string, target: Readonly<{ port: number; dataDir: string }>): string {
  return code
    .replace(/localhost:3000\b/g, `localhost:${target.port}`)
    // `.data/…` as a path (not jq's `.data` field): preceded by a word boundary of the shell, followed by a slash.
    .replace(/(^|[\s"'(=])(?:\.\/)?\.data(?=\/)/gm, (_m, before: string) => `${before}${target.dataDir}`);
}

/** Whether `actual` stdout matches the shown output: line by line, trailing blanks ignored, `…` = any text. */
export function matchesOutput(actual: string, expected: string): boolean {
  const trim = (text: string) => text.replace(/\s+$/, '').split('\n').map((l) => l.replace(/\s+$/, ''));
  const want = trim(expected);
  const got = trim(actual);
  if (want.length !== got.length) return false;
  return want.every((line, i) => {
    const pattern = line.split('…').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*?');
    return new RegExp(`^${pattern}$`).test(got[i]);
  });
}
