/* global URL -- a plain Node script */
// Input-accounting benchmark child, native path: the XRecord thread counts, JS drains once a second.
// Loads the addon the way src/main/native/load.ts does (node-gyp-build on native/).
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { startCounting } from './protocol.mjs';

const require = createRequire(import.meta.url);
const addon = require('node-gyp-build')(fileURLToPath(new URL('../../../native/', import.meta.url)));
const recorder = new addon.InputRecorder();
recorder.start();
startCounting({
  drain: () => {
    const c = recorder.drain();
    return { keyboard: c.keys, clicks: c.clicks, wheel: c.wheel, moves: c.moves };
  },
  stop: () => recorder.stop(),
});
