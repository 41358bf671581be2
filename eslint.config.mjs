import nx from '@nx/eslint-plugin';

// Module boundaries on two axes (style.md §6): `type:*` says what a project may depend on, `scope:*` keeps
// services from reaching into each other. These constraints really constrain: a violation fails `npm run lint`.
const PRODUCTION = [
  // The domain is pure: it may import only the domain.
  { sourceTag: 'type:domain', onlyDependOnLibsWithTags: ['type:domain'] },
  // Adapters and shared infrastructure: domain and other infrastructure.
  { sourceTag: 'type:infra', onlyDependOnLibsWithTags: ['type:domain', 'type:infra'] },
  // A service wires domain and infrastructure; it never imports another service.
  { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:domain', 'type:infra'] },
  // The all-in-one start composes the services.
  { sourceTag: 'type:composition', onlyDependOnLibsWithTags: ['type:app', 'type:domain', 'type:infra'] },
  { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:domain', 'type:infra', 'type:testing'] },
  { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:composition', 'type:app', 'type:domain', 'type:infra', 'type:testing'] },
  // Scopes: a service's code stays in its scope; shared libs serve everyone.
  { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
  { sourceTag: 'scope:ingest', onlyDependOnLibsWithTags: ['scope:shared', 'scope:ingest'] },
  { sourceTag: 'scope:projection', onlyDependOnLibsWithTags: ['scope:shared', 'scope:projection'] },
  { sourceTag: 'scope:query', onlyDependOnLibsWithTags: ['scope:shared', 'scope:query'] },
  { sourceTag: 'scope:feed', onlyDependOnLibsWithTags: ['scope:shared', 'scope:feed'] },
  { sourceTag: 'scope:audit', onlyDependOnLibsWithTags: ['scope:shared', 'scope:audit'] },
  { sourceTag: 'scope:warehouse', onlyDependOnLibsWithTags: ['scope:shared', 'scope:warehouse'] },
  { sourceTag: 'scope:privacy', onlyDependOnLibsWithTags: ['scope:shared', 'scope:privacy'] },
  { sourceTag: 'scope:platform', onlyDependOnLibsWithTags: ['*'] },
];

/** In tests, every type may also use the testing lib, and a service's specs may start other services. */
function withTests(constraint) {
  if (!constraint.sourceTag.startsWith('type:') || constraint.sourceTag === 'type:domain') {
    return constraint.sourceTag.startsWith('scope:') && constraint.sourceTag !== 'scope:platform'
      ? { ...constraint, onlyDependOnLibsWithTags: ['*'] }
      : constraint;
  }
  const extra = constraint.sourceTag === 'type:app' ? ['type:testing', 'type:app'] : ['type:testing'];
  return { ...constraint, onlyDependOnLibsWithTags: [...new Set([...constraint.onlyDependOnLibsWithTags, ...extra])] };
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
    // Tests may also use the testing lib, and a service's integration spec may drive another service over HTTP
    // (ingest → project → query); production code may not.
    files: ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts', '**/testing/**/*.ts', 'libs/testing/**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': ['error', boundaries(PRODUCTION.map(withTests))],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
];
