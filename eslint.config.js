// Lint, including the layering rules of STYLE.md: each layer may import only what its runtime has.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [
  'assert', 'buffer', 'child_process', 'cluster', 'crypto', 'dgram', 'dns', 'events', 'fs', 'fs/promises',
  'http', 'http2', 'https', 'net', 'os', 'path', 'process', 'readline', 'stream', 'tls', 'url', 'util',
  'worker_threads', 'zlib',
];
const noNode = [{ group: ['node:*'], message: 'This layer must not use Node.' }];
const onlyShared = [
  { group: ['**/main/**', '**/main', '../main/*'], message: 'Only src/shared may be imported here.' },
  { group: ['**/server/**'], message: 'The agent never imports the server.' },
];

export default tseslint.config(
  {
    ignores: ['.tmp/**', 'bench-results/**', 'dist/**', 'server/dist/**', 'native/build/**', 'node_modules/**', 'coverage/**', 'docs/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  {
    // Pure TypeScript: no Node, no Electron, no DOM globals, nothing of the agent or the server.
    files: ['src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [...nodeBuiltins, 'electron', 'better-sqlite3'].map((name) => ({ name, message: 'src/shared is pure.' })),
          patterns: [...noNode, ...onlyShared, { group: ['**/renderer/**', '**/preload/**'], message: 'src/shared is pure.' }],
        },
      ],
    },
  },
  {
    // The agent core runs under plain Node; Electron lives only in src/main/electron.
    files: ['src/main/**/*.ts'],
    ignores: ['src/main/electron/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'Import Electron only under src/main/electron.' }],
          patterns: [
            { group: ['**/renderer/**', '**/preload/**'], message: 'The core does not import UI code.' },
            { group: ['**/server/**'], message: 'The agent never imports the server.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/renderer/**/*.ts', 'src/renderer/**/*.tsx'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [...nodeBuiltins, 'electron'].map((name) => ({ name, message: 'The renderer is a web page.' })),
          patterns: [...noNode, ...onlyShared],
        },
      ],
    },
  },
  {
    files: ['src/preload/**/*.ts', 'src/preload/**/*.cts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({ name, message: 'The preload is sandboxed.' })),
          patterns: [...noNode, ...onlyShared],
        },
      ],
    },
  },
  {
    // The dashboard's browser code is a web page: no Node, nothing of the agent; the API schemas come from src/shared.
    files: ['server/src/dashboard/client/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [...nodeBuiltins, 'electron'].map((name) => ({ name, message: 'The dashboard runs in a browser.' })),
          patterns: [
            ...noNode,
            { group: ['**/src/main/**', '**/src/renderer/**', '**/src/preload/**'], message: 'The dashboard uses only the public API.' },
          ],
        },
      ],
    },
  },
  {
    // The server imports src/shared for the protocol and nothing of the agent.
    files: ['server/**/*.ts'],
    ignores: ['server/src/dashboard/client/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'The server is not an Electron app.' }],
          patterns: [
            { group: ['**/src/main/**', '**/src/renderer/**', '**/src/preload/**'], message: 'The server imports only src/shared of the agent.' },
          ],
        },
      ],
    },
  },
);
