// typescript-eslint's recommended rules over the TypeScript sources and tests (`npm run lint`,
// run by scripts/test.sh). Formatting is prettier's (`npm run format:check`), not ESLint's.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'test/fixtures/', 'test/emerge-standin/'] },
  {
    files: ['**/*.ts'],
    extends: [js.configs.recommended, ...tseslint.configs.recommended],
    rules: {
      // Unused names are tsc's to report (noUnusedLocals, noUnusedParameters); `_`-prefixed
      // ones are deliberate (a destructured property left out).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      // `let [a, b] = ...` where only b changes reads better than two statements.
      'prefer-const': ['error', { destructuring: 'all' }],
      // demerge matches control characters on purpose: it sanitizes what reaches a terminal.
      'no-control-regex': 'off',
    },
  },
  {
    // run/ is built on typed stages: a non-null assertion there would hide a missing step.
    files: ['src/run/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'error' },
  },
);
