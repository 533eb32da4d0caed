// One linter for every file: JavaScript, TypeScript and Svelte. Formatting is
// Prettier's job (eslint-config-prettier turns off the rules it owns).
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';

export default ts.config(
  {
    ignores: ['node_modules/', 'out/', 'build/', 'dist/', '.bench/', 'test-results/', 'playwright-report/', 'tests/parity/golden/', 'tests/layering/fixture/'],
  },
  js.configs.recommended,
  ...ts.configs.recommended,
  ...svelte.configs['flat/recommended'],
  prettier,
  ...svelte.configs['flat/prettier'],
  {
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
        extraFileExtensions: ['.svelte'],
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      eqeqeq: ['error', 'always'],
      // A string in braces is how Svelte writes an escape (`\n`) in an attribute.
      'svelte/no-useless-mustaches': ['error', { ignoreStringEscape: true }],
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: {
      parserOptions: { parser: ts.parser, svelteFeatures: { experimentalGenerics: true } },
      globals: globals.browser,
    },
  },
  {
    files: ['src/renderer/**/*.ts'],
    languageOptions: { globals: globals.browser },
  },
  {
    files: ['src/main/**', 'scripts/**', 'tests/**', 'e2e/**', 'bin/**', '*.ts', '*.mts', '*.mjs'],
    languageOptions: { globals: globals.node },
  },
  {
    files: ['**/*.mjs', '**/*.cjs', 'bin/lockstep'],
    ...ts.configs.disableTypeChecked,
  },
  {
    files: ['bin/lockstep', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: globals.node },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
