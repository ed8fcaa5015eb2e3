import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

// Test scaffolding lives in `testing/` folders (and is named `fake-*`): the shipped app never imports it.
const noTestScaffolding = [
  { group: ['**/testing/*', '**/testing', '**/fake-*'], message: 'Test scaffolding (testing/, fake-*) is for tests only: production code never imports it.' },
];
const electronPatterns = [{ group: ['electron/*'], message: 'Only app/main and app/preload may import electron.' }];
const electronPath = { name: 'electron', message: 'Only app/main and app/preload may import electron: keep the logic in app/core.' };

const restrictImports = ({ electron }) => ({
  'no-restricted-imports': [
    'error',
    {
      paths: electron ? [electronPath] : [],
      patterns: [...(electron ? electronPatterns : []), ...noTestScaffolding],
    },
  ],
});
const testFiles = ['**/*.test.ts', '**/*.test.tsx', '**/testing/**', '**/*.spec.ts'];

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'coverage/**', 'test-results/**', 'playwright-report/**', 'e2e/guest/rootfs/**', 'e2e/.artifacts/**'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: { ...reactHooks.configs.recommended.rules },
  },
  {
    files: ['app/main/**', 'app/preload/**'],
    ignores: testFiles,
    rules: restrictImports({ electron: false }),
  },
  {
    files: ['app/core/**', 'app/api/**', 'app/web/**', 'app/cli/**', 'renderer/**'],
    ignores: testFiles,
    rules: restrictImports({ electron: true }),
  },
  {
    // Tests may use the scaffolding, but still never Electron outside the shell.
    files: testFiles.map((glob) => `{app/core,app/api,app/web,app/cli,renderer}/${glob}`),
    rules: {
      'no-restricted-imports': ['error', { paths: [electronPath], patterns: electronPatterns }],
    },
  },
);
