/**
 * The layer rules in eslint.config.mjs really constrain: each case lints one small in-memory file placed (by its
 * path) inside a project and expects `@nx/enforce-module-boundaries` to reject, or accept, its import. Cheap: one
 * eslint instance, a handful of one-line files, no second lint of the whole repository.
 */
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..');

// eslint loads its flat config with a dynamic import, which jest's module sandbox refuses: lint in one child process.
const LINT_PROBES = `
const { ESLint } = require('eslint');
(async () => {
  const eslint = new ESLint({ cwd: process.cwd() });
  const out = [];
  for (const [filePath, code] of JSON.parse(process.argv[1])) {
    const [result] = await eslint.lintText(code, { filePath });
    out.push(result.messages.filter((m) => m.ruleId === '@nx/enforce-module-boundaries' && m.severity === 2).map((m) => m.message));
  }
  process.stdout.write(JSON.stringify(out));
})().catch((err) => { console.error(err); process.exit(1); });
`;

type Probe = readonly [caseName: string, file: string, importPath: string];

function lint(probes: readonly Probe[]): string[][] {
  // The rule reads Nx's project graph from its cache; `npm run lint` builds it the same way before eslint runs.
  execFileSync(process.execPath, [require.resolve('nx/bin/nx.js'), 'show', 'projects'], { cwd: ROOT, stdio: 'ignore' });
  const files = probes.map(([, file, importPath]) => [
    path.join(ROOT, file),
    `import * as m from '${importPath}';\nexport const probe = m;\n`,
  ]);
  const out = execFileSync(process.execPath, ['-e', LINT_PROBES, JSON.stringify(files)], { cwd: ROOT, encoding: 'utf8' });
  return JSON.parse(out);
}

// Each probe's target does not import the probe's project, so the error is the layer rule, not a cycle (an import
// that closes a cycle is an error too, reported as such).
const REJECTED: readonly Probe[] = [
  ['the domain imports infrastructure', 'libs/domain/src/probe.ts', '@klantcentraal/event-store'],
  ['a contract imports infrastructure', 'libs/contracts/src/probe.ts', '@klantcentraal/http'],
  ['infrastructure imports a service', 'libs/warehouse/src/probe.ts', '@klantcentraal/feed-gateway'],
  ['a service imports another service', 'apps/query-api/src/probe.ts', '@klantcentraal/audit-api'],
  ['production code imports the testing lib', 'libs/event-store/src/probe.ts', '@klantcentraal/testing'],
  ["a service's spec imports a service other than ingest", 'apps/audit-api/src/probe.int-spec.ts', '@klantcentraal/query-api'],
];

const ACCEPTED: readonly Probe[] = [
  ['a contract imports the domain', 'libs/contracts/src/probe.ts', '@klantcentraal/domain'],
  ['infrastructure imports a contract', 'libs/http/src/probe.ts', '@klantcentraal/contracts'],
  ['a service imports infrastructure', 'apps/audit-api/src/probe.ts', '@klantcentraal/read-models'],
  ['the composition root imports the services', 'apps/platform/src/probe.ts', '@klantcentraal/query-api'],
  ["a service's spec starts the ingest API beside it", 'apps/query-api/src/probe.int-spec.ts', '@klantcentraal/ingest-api'],
  ['a spec uses the testing lib', 'libs/event-store/src/probe.int-spec.ts', '@klantcentraal/testing'],
];

let results: Map<Probe, string[]>;

beforeAll(() => {
  const all = [...REJECTED, ...ACCEPTED];
  const errors = lint(all);
  results = new Map(all.map((probe, i) => [probe, errors[i]]));
});

describe('module boundaries (npm run lint)', () => {
  it.each(REJECTED)('rejects: %s', (...probe) => {
    const errors = results.get(REJECTED.find((p) => p[1] === probe[1] && p[2] === probe[2])!)!;
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/tagged with|can only depend on/);
  });

  it.each(ACCEPTED)('accepts: %s', (...probe) => {
    expect(results.get(ACCEPTED.find((p) => p[1] === probe[1] && p[2] === probe[2])!)).toEqual([]);
  });
});
