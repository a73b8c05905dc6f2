// typescript-eslint's recommended type-aware rules over the whole project (types from tsconfig.json
// through the project service), and the layering of docs/architecture.md:
// http → channels → engine → menus → domain → db, each layer importing only the ones after it.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Import paths (as written, relative) that name one of these top-level folders of src/ (or menus/). */
const layer = (...names) => `^(\\.\\./)+(src/)?(${names.join('|')})(/|$)`;
/** The composition root: what builds the service from every layer. Nothing inside a layer imports it. */
const ROOT = '^(\\.\\./)+(src/)?(main|service|resources)$';
/**
 * The pure domain modules (no imports but each other's types) the console's browser code may import, so that
 * it offers what the domain allows: src/domain/<name>.ts.
 */
const BROWSER_DOMAIN = ['application-status', 'claim-status', 'query-status', 'vacancy-status', 'duty-types'];

/** `files` may not import the given layers (nor the composition root). */
function mayNotImport(files, names, why) {
  return {
    files,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: layer(...names), message: `Against the layering (docs/architecture.md): ${why}` },
            {
              regex: ROOT,
              message: 'The composition root (main, service, resources) imports the layers, not the reverse.',
            },
          ],
        },
      ],
    },
  };
}

export const LAYERING = [
  mayNotImport(['src/http/**'], [], 'http is the top layer.'),
  mayNotImport(['src/channels/**'], ['http'], 'channels may not import http.'),
  mayNotImport(['src/engine/**'], ['http', 'channels'], 'the engine may not import channels or http.'),
  mayNotImport(
    ['menus/**'],
    ['http', 'channels', 'engine', 'db'],
    'menus call domain services through menus/services.ts; they may not import the engine, channels, http or db.',
  ),
  mayNotImport(
    ['src/domain/**'],
    ['http', 'channels', 'engine', 'menus', 'metrics'],
    'the domain may not import menus, the engine, channels, http or metrics.',
  ),
  // The console's browser code runs in the browser: it reaches the service over HTTP, and imports only
  // its own files and the pure domain modules it shares (what each status allows, the lengths).
  {
    files: ['src/http/web/browser/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: `^\\.\\./(?!\\.\\./\\.\\./domain/(${BROWSER_DOMAIN.join('|')})$)`,
              message: `Browser code imports its own files and only these pure domain modules: ${BROWSER_DOMAIN.join(', ')} (docs/architecture.md).`,
            },
          ],
        },
      ],
    },
  },
  mayNotImport(
    ['src/db/**'],
    ['http', 'channels', 'engine', 'menus', 'domain', 'metrics'],
    'db is the bottom layer.',
  ),
];

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', '.data/', 'coverage/', '.stryker-tmp/', 'reports/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  { languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } } },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': ['error', { allow: ['error'] }],
      // Async functions without an await implement promise interfaces (session stores, gateways, knex's
      // migration source) and turn a throw into a rejection: dropping `async` would change that.
      '@typescript-eslint/require-await': 'off',
      // It calls XState's `types: { context: {} as Context }` idiom and knex's `(await query) as Row`
      // unnecessary; its fix deletes them and changes the inferred machine and row types.
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
    },
  },
  ...LAYERING,
  {
    files: ['scripts/**', 'tests/**'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['tests/**'],
    rules: {
      // Tests read rows straight from knex (typed `any`) to assert on them; typing each read adds nothing.
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
    },
  },
  { files: ['**/*.js', '**/*.mjs', '**/*.cjs'], extends: [tseslint.configs.disableTypeChecked] },
  {
    files: ['*.js'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly' } },
  },
  {
    // Jest plugins of the mutation runs (tests/support/mutation-*.cjs): CommonJS, loaded by jest itself.
    files: ['**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { module: 'writable', require: 'readonly', process: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
