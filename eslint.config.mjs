import nx from '@nx/eslint-plugin';

// Module boundaries on two axes (style.md §6): `type:*` says what a project may depend on, `scope:*` keeps
// services from reaching into each other. These constraints really constrain: a violation fails `npm run lint`.
export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  { ignores: ['**/node_modules', '**/dist', '**/.data', '**/.nx', 'bench/results', 'infra/kafka/.kafka'] },
  {
    files: ['**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            // The domain is pure: it may import only the domain.
            { sourceTag: 'type:domain', onlyDependOnLibsWithTags: ['type:domain'] },
            // Adapters and shared infrastructure: domain and other infrastructure.
            { sourceTag: 'type:infra', onlyDependOnLibsWithTags: ['type:domain', 'type:infra'] },
            // A service wires domain and infrastructure; it never imports another service.
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:domain', 'type:infra'] },
            // The all-in-one start composes the services.
            { sourceTag: 'type:composition', onlyDependOnLibsWithTags: ['type:app', 'type:domain', 'type:infra'] },
            { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:domain', 'type:infra', 'type:testing'] },
            {
              sourceTag: 'type:e2e',
              onlyDependOnLibsWithTags: ['type:composition', 'type:app', 'type:domain', 'type:infra', 'type:testing'],
            },
            // Scopes: a service's code stays in its scope; shared libs serve everyone.
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:ingest', onlyDependOnLibsWithTags: ['scope:shared', 'scope:ingest'] },
            { sourceTag: 'scope:projection', onlyDependOnLibsWithTags: ['scope:shared', 'scope:projection'] },
            { sourceTag: 'scope:query', onlyDependOnLibsWithTags: ['scope:shared', 'scope:query'] },
            { sourceTag: 'scope:feed', onlyDependOnLibsWithTags: ['scope:shared', 'scope:feed'] },
            { sourceTag: 'scope:audit', onlyDependOnLibsWithTags: ['scope:shared', 'scope:audit'] },
            { sourceTag: 'scope:platform', onlyDependOnLibsWithTags: ['*'] },
          ],
        },
      ],
      // Tests and specs may use non-null assertions on fixtures; production code should not need them.
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
];
