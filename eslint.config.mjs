import nx from '@nx/eslint-plugin';

// Module boundaries on two axes, enforced by `npm run lint` (a violation is an error; eslint-boundaries.spec.ts proves it).
//
// `type:*` is a layer; a project may import only its own layer and the layers below it:
//
//   type:domain      pure business rules (no framework, no I/O)
//   type:contracts   shapes of the public API (OpenAPI-annotated DTOs) that several services share
//   type:infra       adapters and shared infrastructure (event store, PostgreSQL, projections, read models, …)
//   type:app         one service (ingest-api, query-api, …): wiring + HTTP; never imports another service
//   type:composition apps/platform, the all-in-one `npm start`: the only project that combines services
//
// `type:testing` (libs/testing) is infrastructure that only tests and benchmarks use; `type:e2e` (test/, bench/)
// drives the whole platform. `scope:*` keeps one service's code out of another's.
const DOMAIN = ['type:domain'];
const CONTRACTS = [...DOMAIN, 'type:contracts'];
const INFRA = [...CONTRACTS, 'type:infra'];
const PRODUCTION = [
  { sourceTag: 'type:domain', onlyDependOnLibsWithTags: DOMAIN },
  { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: CONTRACTS },
  { sourceTag: 'type:infra', onlyDependOnLibsWithTags: INFRA },
  // Not `type:app`: a service never imports another service (its own files are not a dependency).
  { sourceTag: 'type:app', onlyDependOnLibsWithTags: INFRA },
  { sourceTag: 'type:composition', onlyDependOnLibsWithTags: [...INFRA, 'type:app'] },
  { sourceTag: 'type:testing', onlyDependOnLibsWithTags: [...INFRA, 'type:testing'] },
  { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: [...INFRA, 'type:app', 'type:composition', 'type:testing'] },
  // Scopes: a service's code stays in its scope; shared libs serve everyone.
  { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
  { sourceTag: 'scope:ingest', onlyDependOnLibsWithTags: ['scope:shared', 'scope:ingest'] },
  { sourceTag: 'scope:projection', onlyDependOnLibsWithTags: ['scope:shared', 'scope:projection'] },
  { sourceTag: 'scope:query', onlyDependOnLibsWithTags: ['scope:shared', 'scope:query'] },
  { sourceTag: 'scope:feed', onlyDependOnLibsWithTags: ['scope:shared', 'scope:feed'] },
  { sourceTag: 'scope:audit', onlyDependOnLibsWithTags: ['scope:shared', 'scope:audit'] },
  { sourceTag: 'scope:privacy', onlyDependOnLibsWithTags: ['scope:shared', 'scope:privacy'] },
  { sourceTag: 'scope:console', onlyDependOnLibsWithTags: ['scope:shared', 'scope:console'] },
  { sourceTag: 'scope:platform', onlyDependOnLibsWithTags: ['*'] },
];

/**
 * Specs and test fixtures may also use the testing lib. A service's integration spec may start the ingest API
 * beside it to record events the way a client does (over HTTP); nothing else crosses services, not even in tests.
 */
function withTests(constraint) {
  const { sourceTag, onlyDependOnLibsWithTags: allowed } = constraint;
  if (sourceTag === 'type:domain') return constraint;
  if (sourceTag === 'scope:audit' || sourceTag === 'scope:query' || sourceTag === 'scope:feed') {
    return { ...constraint, onlyDependOnLibsWithTags: [...allowed, 'scope:ingest'] };
  }
  if (!sourceTag.startsWith('type:')) return constraint;
  const extra = sourceTag === 'type:app' ? ['type:testing', 'type:app'] : ['type:testing'];
  return { ...constraint, onlyDependOnLibsWithTags: [...new Set([...allowed, ...extra])] };
}

function boundaries(depConstraints) {
  return { enforceBuildableLibDependency: false, allow: [], depConstraints };
}

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  { ignores: ['**/node_modules', '**/dist', '**/.data', '**/.nx', 'bench/results', 'infra/kafka/.kafka'] },
  {
    files: ['**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': ['error', boundaries(PRODUCTION)],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Specs and fixtures: see withTests.
    files: ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts', '**/testing/**/*.ts', 'libs/testing/**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': ['error', boundaries(PRODUCTION.map(withTests))],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
];
