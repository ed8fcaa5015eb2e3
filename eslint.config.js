import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import boundaries from 'eslint-plugin-boundaries';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

// Test scaffolding lives in `testing/` folders (and is named `fake-*`): the shipped app never imports it.
const noTestScaffolding = [
  {
    group: ['**/testing/*', '**/testing', '**/fake-*'],
    message: 'Test scaffolding (testing/, fake-*) is for tests only: production code never imports it.',
  },
];
const electronPatterns = [{ group: ['electron/*'], message: 'Only app/main and app/preload may import electron.' }];
const electronPath = {
  name: 'electron',
  message: 'Only app/main and app/preload may import electron: keep the logic in app/core.',
};

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

// Layers (docs/architecture.md): imports point down only. Each app/core folder is a layer of its own, listed
// top to bottom; a folder imports the ones below it (and app/api), never one above. Tests and testing/ are exempt.
const coreLayers = [
  'snapshots',
  'lifecycle',
  'session',
  'storage',
  'apps',
  'remote',
  'host',
  'machine',
  'usb',
  'log',
  'secrets',
  'engine',
  'store',
  'guest-files',
  'frames',
];
const layerElements = [
  { type: 'renderer', pattern: 'renderer/**', partialMatch: false },
  { type: 'preload', pattern: 'app/preload/**', partialMatch: false },
  { type: 'main', pattern: 'app/main/**', partialMatch: false },
  { type: 'web', pattern: 'app/web/**', partialMatch: false },
  { type: 'cli', pattern: 'app/cli/**', partialMatch: false },
  { type: 'api', pattern: 'app/api/**', partialMatch: false },
  ...coreLayers.map((folder) => ({ type: `core-${folder}`, pattern: `app/core/${folder}/**`, partialMatch: false })),
  // Two kinds of file at app/core's top (file patterns: element patterns match folders). The backend's public types
  // (Backend, BackendEvent) sit under every core folder: the log writes its events. backend.ts wires the folders.
  { type: 'core-types', pattern: 'app/core/backend-types.ts', mode: 'file' },
  { type: 'core', pattern: 'app/core/*.ts', mode: 'file' },
];
const coreBelow = (index) => [...coreLayers.slice(index + 1).map((folder) => `core-${folder}`), 'core-types'];
const allCore = ['core', ...coreBelow(-1)];
const layerPolicies = [
  { from: 'renderer', to: ['renderer', 'api'] },
  { from: 'preload', to: ['preload', 'api'] },
  // The GUI entry runs the CLI in-process (app/main/index.ts).
  { from: 'main', to: ['main', 'cli', 'api', ...allCore] },
  { from: 'web', to: ['web', 'api', ...allCore] },
  { from: 'cli', to: ['cli', 'api', ...allCore] },
  { from: 'api', to: ['api'] },
  { from: 'core', to: ['api', ...allCore] },
  { from: 'core-types', to: ['api', 'core-types'] },
  ...coreLayers.map((folder, i) => ({ from: `core-${folder}`, to: ['api', `core-${folder}`, ...coreBelow(i)] })),
].map(({ from, to }) => ({ from: { element: { type: from } }, allow: { to: { element: { types: { anyOf: to } } } } }));
const sourceFiles = ['app/**/*.{ts,tsx}', 'renderer/**/*.{ts,tsx}'];
const tsProjects = ['tsconfig.node.json', 'tsconfig.web.json'];
const { 'import-x/resolver': _legacyResolver, ...importTsSettings } = importX.flatConfigs.typescript.settings;

export default tseslint.config(
  {
    ignores: [
      'out/**',
      'dist/**',
      'node_modules/**',
      'coverage/**',
      'test-results/**',
      'playwright-report/**',
      'e2e/guest/rootfs/**',
      'e2e/.artifacts/**',
    ],
  },
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
  {
    // Functions a reader can hold (issue 27): the shipped code's functions stay under 80 lines of code, blank lines
    // and comments not counted. Tests and their scaffolding are exempt (a test's table of cases may be long).
    files: ['app/**/*.{ts,tsx}', 'renderer/src/**/*.{ts,tsx}'],
    ignores: testFiles,
    rules: { 'max-lines-per-function': ['error', { max: 80, skipBlankLines: true, skipComments: true, IIFEs: true }] },
  },
  {
    // The layers, and no import circles, in the shipped code.
    files: sourceFiles,
    ignores: testFiles,
    plugins: { boundaries, 'import-x': importX },
    settings: {
      'boundaries/elements': layerElements,
      // `mode: 'file'` above is the only way to classify a single file as an element in v7 (deprecated, still supported).
      'boundaries/legacy-warnings': false,
      'import/resolver': { typescript: { project: tsProjects, noWarnOnMultipleProjects: true } },
      // import-x reads TypeScript files only with its TypeScript settings (extensions, parser); else no-cycle sees no imports.
      ...importTsSettings,
      'import-x/resolver-next': [
        createTypeScriptImportResolver({ project: tsProjects, noWarnOnMultipleProjects: true }),
      ],
    },
    rules: {
      'boundaries/dependencies': ['error', { default: 'disallow', policies: layerPolicies }],
      'import-x/no-cycle': 'error',
    },
  },
);
