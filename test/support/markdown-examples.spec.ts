import { extractExamples, forPlatform, matchesOutput } from './markdown-examples';

const doc = [
  '# Title',
  '```bash',
  'echo not run',
  '```',
  '```bash exec',
  'curl -s localhost:3000/health/live',
  '```',
  'prose between',
  '```text output',
  '{"status":"ok"}',
  '```',
  '````bash exec',
  'echo "```"',
  '````',
].join('\n');

describe('executable Markdown examples', () => {
  it('extracts exec blocks with their line and the output block that follows; plain blocks are prose', () => {
    expect(extractExamples('README.md', doc)).toEqual([
      { file: 'README.md', line: 5, code: 'curl -s localhost:3000/health/live', expectedOutput: '{"status":"ok"}' },
      { file: 'README.md', line: 12, code: 'echo "```"', expectedOutput: null },
    ]);
  });

  it('collects file= blocks to save, in document order', () => {
    const md = '```python file=verify-chain.py\nprint(1)\n```\n```bash exec\npython3 verify-chain.py\n```';
    expect(extractExamples('a.md', md)).toEqual([
      { file: 'a.md', line: 1, code: 'print(1)\n', expectedOutput: null, saveAs: 'verify-chain.py' },
      { file: 'a.md', line: 4, code: 'python3 verify-chain.py', expectedOutput: null },
    ]);
    expect(() => extractExamples('a.md', '```bash file=../x\n```')).toThrow('must be a plain file name');
  });

  it('rejects an output block without an exec block before it, an exec block in another language, an open fence', () => {
    expect(() => extractExamples('a.md', '```text output\nx\n```')).toThrow('a.md:1: an output block must follow an exec block');
    expect(() => extractExamples('a.md', '```python exec\nx\n```')).toThrow('exec blocks are bash');
    expect(() => extractExamples('a.md', '```bash exec\nx\n')).toThrow('a.md:1: unclosed code fence');
  });

  it('points localhost:3000 and .data/ paths at the platform under test, and nothing else (not jq\'s .data)', () => {
    const code = [
      'curl -s localhost:3000/v1/x "http://localhost:3000/y"',
      "KEY=$(node -p \"require('./.data/dev-api-keys.json')\")",
      "cat .data/postgres.url; echo my.data/x localhost:30001; jq '{data: (.storedData // .data)}'",
    ].join('\n');
    expect(forPlatform(code, { port: 41234, dataDir: '/tmp/kc/.data' })).toBe(
      [
        'curl -s localhost:41234/v1/x "http://localhost:41234/y"',
        "KEY=$(node -p \"require('/tmp/kc/.data/dev-api-keys.json')\")",
        "cat /tmp/kc/.data/postgres.url; echo my.data/x localhost:30001; jq '{data: (.storedData // .data)}'",
      ].join('\n'),
    );
  });

  it('compares output line by line, with … for any text', () => {
    expect(matchesOutput('201\n', '201')).toBe(true);
    expect(matchesOutput('{"lastPosition":42117}', '{"lastPosition":…}')).toBe(true);
    expect(matchesOutput('404', '200')).toBe(false);
    expect(matchesOutput('a\nb', 'a')).toBe(false);
    expect(matchesOutput('a(b)', 'a(b)')).toBe(true);
  });
});
