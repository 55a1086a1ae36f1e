// Input-accounting benchmark child, library path: uiohook-napi calls a JS listener for every event
// (what the uiohook backend does), and the listener counts.
import { uIOhook } from 'uiohook-napi';
import { startCounting } from './protocol.mjs';

const counts = { keyboard: 0, clicks: 0, wheel: 0, moves: 0 };
uIOhook.on('keydown', () => (counts.keyboard += 1));
uIOhook.on('mousedown', () => (counts.clicks += 1));
uIOhook.on('wheel', () => (counts.wheel += 1));
uIOhook.on('mousemove', () => (counts.moves += 1));
uIOhook.start();
startCounting({
  drain: () => {
    const batch = { ...counts };
    counts.keyboard = counts.clicks = counts.wheel = counts.moves = 0;
    return batch;
  },
  stop: () => uIOhook.stop(),
});
