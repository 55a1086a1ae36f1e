/* global URL, setTimeout -- a plain Node script */
// Input-accounting benchmark child, native path: the XRecord thread counts, JS drains once a second.
// Loads the addon the way src/main/native/load.ts does (node-gyp-build on native/).
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { startCounting } from './protocol.mjs';

const require = createRequire(import.meta.url);
const addon = require('node-gyp-build')(fileURLToPath(new URL('../../../native/', import.meta.url)));
const recorder = new addon.InputRecorder();
recorder.start();
// start() returns at once; the thread opens, enables and then records.
while (recorder.state().phase === 'starting') await new Promise((resolve) => setTimeout(resolve, 10));
if (!recorder.running()) throw new Error(`input recorder failed: ${recorder.failure()}`);
startCounting({
  drain: () => {
    const c = recorder.drain();
    return { keyboard: c.keys, clicks: c.clicks, wheel: c.wheel, moves: c.moves };
  },
  stop: () => recorder.stop(),
});
