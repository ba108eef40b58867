import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * The layers of src/, lowest first (docs/ARCHITECTURE.md, "Layers"). A file may import its own
 * folder and lower layers, never a higher one nor a sibling of its own layer; src/*.ts (errors,
 * ids, config, …) sit below them all. test/unit/layers.test.ts proves the rule fires.
 */
export const LAYERS = [
  ['sheet'],
  ['sources'],
  ['db'],
  ['feed'],
  ['events'],
  ['sync', 'notify'],
  ['worker'],
  ['api'],
  ['service'],
  ['cli', 'demo'],
];

const above = (index, own) => [
  ...LAYERS.slice(index)
    .flat()
    .filter((f) => f !== own),
];
const upwardImports = (folders, prefix) => ({
  regex: `^${prefix}(${folders.join('|')})(/|$)`,
  message:
    'Imports point down the layers (LAYERS in eslint.config.js): move the shared type or function down.',
});
const layerRules = [
  ...LAYERS.flatMap((folders, index) =>
    folders.map((folder) => ({
      files: [`src/${folder}/**/*.ts`],
      rules: {
        'no-restricted-imports': ['error', { patterns: [upwardImports(above(index, folder), '(\\.\\./)+')] }],
      },
    })),
  ),
  {
    files: ['src/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [upwardImports(LAYERS.flat(), '\\./')] }] },
  },
];

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'coverage/', 'data/', 'test-results/', 'bench/.data/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  // Type-aware: floating and misused promises, exhaustive switches, unsafe `any` flows.
  ...tseslint.configs.recommendedTypeChecked.map((config) => ({ ...config, files: ['**/*.{ts,tsx,mts}'] })),
  {
    files: ['**/*.{ts,tsx,mts}'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        // A `default` that handles the rest on purpose is exhaustive; a switch without one must
        // name every member, so a new member of the union is a lint error there.
        { considerDefaultExhaustiveForUnions: true, requireDefaultForNonUnion: false },
      ],
      // Async functions without await are how our interfaces (Kysely's driver, Fastify hooks,
      // the stages' dispose) are implemented; the promise rules above catch the real mistakes.
      '@typescript-eslint/require-await': 'off',
      // Kysely's expression builder and our React contexts hand out functions to destructure
      // (`({ eb, refTuple }) =>`, `const { signOut } = useAuth()`); none of them uses `this`.
      '@typescript-eslint/unbound-method': 'off',
      // React event handlers may be async: React ignores what they return.
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
    },
  },
  {
    // Tests read JSON bodies (light-my-request's json() is `any`) and assert their shape.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
    },
  },
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/ban-ts-comment': [
        'error',
        { 'ts-nocheck': true, 'ts-expect-error': 'allow-with-description' },
      ],
    },
  },
  ...layerRules,
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
);
