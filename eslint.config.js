import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import vue from 'eslint-plugin-vue';
import globals from 'globals';
import prettier from 'eslint-config-prettier';
import house from './scripts/eslint/import-boundaries.js';

/** Flat config: TypeScript everywhere, Vue in the renderer, house import boundaries. */
export default tseslint.config(
  { ignores: ['node_modules/', 'out/', 'dist/', 'coverage/', 'test-artifacts/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...vue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
  },
  {
    // TypeScript checks names itself (and knows DOM types such as BlobPart).
    files: ['**/*.ts', '**/*.vue'],
    rules: { 'no-undef': 'off' },
  },
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'vue/multi-word-component-names': 'off',
    },
  },
  {
    files: ['src/renderer/**/*'],
    languageOptions: { globals: { ...globals.browser } },
  },
  // Formatting is Prettier's job: turn off the stylistic rules that fight it.
  prettier,
  {
    // src/shared is pure: no Node, no Electron, no Vue (docs/DEVELOPMENT.md "Conventions").
    files: ['src/shared/**/*'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: ['node:*', 'electron', 'vue', 'pinia', 'fs', 'path', 'os', 'crypto', 'ws', 'werift'] },
      ],
    },
  },
  {
    // libwebrtc's description getters (@roamhq/wrtc) serialize a description its signaling
    // thread may be changing and segfault the process (node-webrtc #696): code that can hold a
    // wrtc PC keeps the descriptions it created or applied. werift (the SFU) and Chromium
    // (the browser engine) are safe.
    files: ['src/{lab,app,main,web,cli}/**/*.ts', 'test/node/**/*.ts', 'bench/**/*.ts', 'bench/**/*.mjs'],
    ignores: ['src/lab/server/sfu/**', 'src/lab/browser/**', 'test/node/browser/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector:
            'MemberExpression[property.name=/^(local|remote|currentLocal|currentRemote|pendingLocal|pendingRemote)Description$/]',
          message:
            'Do not read a peer connection description getter: it can segfault @roamhq/wrtc (node-webrtc #696). Keep the description you created or applied.',
        },
      ],
    },
  },
  {
    // Only the Electron shell (src/main) and the preloads may import Electron.
    files: ['src/{lab,app,web,cli}/**/*'],
    rules: { 'no-restricted-imports': ['error', { paths: ['electron'] }] },
  },
  {
    // One folder per runtime, imports pointing one way, one door into lab and app.
    files: ['src/**/*.{ts,vue}'],
    plugins: { house },
    rules: { 'house/import-boundaries': 'error' },
  },
);
