// Lint rules, including the import bans that make DESIGN.md's dependency arrows real:
// gateways -> services -> domain and ports; adapters implement ports; only main.ts
// composes. A violation here is a design error, not a style nit.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const banned = (patterns, message) => ['error', { patterns: patterns.map((group) => ({ group: [group], message })) }];

export default tseslint.config(
  { ignores: ['node_modules/**', 'data/**', 'coverage/**', '.tmp/**', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-console': 'error',
    },
  },
  {
    files: ['packages/protocol/src/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': banned(
        ['node:*', '@parley/*', 'ws', 'fastify'],
        'protocol has no I/O and depends on nothing of ours',
      ),
    },
  },
  {
    files: ['packages/server/src/domain/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': banned(
        ['node:*', '**/services/**', '**/store/**', '**/bus/**', '**/gateways/**', '**/realtime/**', '**/ports/**'],
        'domain is pure rules: no I/O, no services, no adapters',
      ),
    },
  },
  {
    files: ['packages/server/src/services/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': banned(
        [
          '**/store/**',
          '**/bus/**',
          '**/gateways/**',
          '**/realtime/**',
          'kysely',
          'better-sqlite3',
          'pg',
          'ws',
          'fastify',
        ],
        'services depend on domain and ports only; adapters are injected by main.ts',
      ),
    },
  },
  {
    files: ['packages/server/src/gateways/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': banned(
        ['**/store/**', '**/bus/**', 'kysely', 'better-sqlite3', 'pg'],
        'gateways call services; they never touch the store or the bus',
      ),
    },
  },
  {
    files: [
      'packages/server/src/store/**/*.ts',
      'packages/server/src/bus/**/*.ts',
      'packages/server/src/rate-limit/**/*.ts',
      'packages/server/src/net/**/*.ts',
      'packages/server/src/sfu/**/*.ts',
    ],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': banned(
        ['**/services/**', '**/gateways/**', '**/realtime/**'],
        'adapters implement ports; they know nothing of services or gateways',
      ),
    },
  },
  {
    files: ['packages/server/src/events/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': banned(
        ['**/services/**', '**/gateways/**', '**/realtime/**', '**/store/**', '**/bus/**'],
        'the event path joins ports (store outbox, bus); it knows no adapter, service or gateway',
      ),
    },
  },
  {
    files: ['packages/sdk/src/**/*.ts'],
    ignores: ['**/*.test.ts', 'packages/sdk/src/node.ts', 'packages/sdk/src/e2ee/keystore-file.ts'],
    rules: {
      'no-restricted-imports': banned(
        ['node:*', '@parley/server', 'ws'],
        'the SDK runs in browsers: Node-only code goes in node.ts',
      ),
    },
  },
  {
    files: ['packages/web/src/**/*.ts', 'packages/web/src/**/*.tsx'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': banned(
        ['node:*', '@parley/server', '@parley/server/*', '@parley/cli', '@parley/sdk/node', 'ws', 'fastify'],
        'the web app runs in browsers: it builds on @parley/sdk and @parley/protocol only',
      ),
    },
  },
  {
    files: ['**/*.test.ts', 'test/**/*.ts', 'packages/web/e2e/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
    },
  },
);
