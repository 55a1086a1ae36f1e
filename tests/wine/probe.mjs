/* global process, Buffer -- run by the Windows node.exe under Wine (tests/wine/support/probe-client.ts) */
// Answers a Linux test's calls with what the agent's own code (dist/, the same modules the agent runs) sees on
// Windows: the loader, the native sensors the chooser builds, the session, the recorder. One JSON line per call.
import { writeFileSync } from 'node:fs';
import { loadWin32Addon } from '../../dist/main/native/load.js';
import { createNativeSensors } from '../../dist/main/sensors/native/index.js';
import { createSensors, currentReport } from '../../dist/main/sensors/create-sensors.js';
import { lazyNativeBackends } from '../../dist/main/sensors/native-backends.js';
import { systemSensorEnvironment } from '../../dist/main/sensors/environment.js';
import { answerCalls } from './support/answer-calls.mjs';

let native = null;
const sensors = () => {
  native ??= createNativeSensors({ channels: 3, area: 'all', output: 'jpeg' });
  if (!native.ok) throw Object.assign(new Error(native.reason), { code: native.code });
  return native.sensors;
};

const handlers = {
  load: () => {
    const load = loadWin32Addon();
    return load.status === 'loaded' ? { status: load.status, path: load.path, abiVersion: load.addon.abiVersion } : load;
  },
  info: () => ({ platform: process.platform, arch: process.arch, execPath: process.execPath }),
  chooser: () => {
    const chosen = createSensors(systemSensorEnvironment(), {
      native: lazyNativeBackends(() => createNativeSensors({ channels: 3, area: 'all', output: 'jpeg' })),
    });
    return { report: chosen.report, current: currentReport(chosen) };
  },
  window: async () => ({ sample: await sensors().activeWindow.sample(), state: sensors().activeWindow.state() }),
  idle: () => ({ ms: sensors().idle.idleMs(), state: sensors().idle.state() }),
  'input.start': async () => {
    await sensors().input.start();
    return sensors().input.state();
  },
  'input.drain': () => sensors().input.drain(),
  'input.stop': async () => {
    await sensors().input.stop();
    return sensors().input.state();
  },
  /** Raw R,G,B pixels of every monitor's bounding box, written to `file` (a Windows path). */
  'capture.raw': ({ file }) => {
    const session = new (loadWin32Addon().addon.Win32Session)();
    const frame = session.captureComposite(3);
    writeFileSync(file, frame.data);
    return { width: frame.width, height: frame.height, x: frame.x, y: frame.y, monitors: session.monitors() };
  },
  /** The screenshot as the agent takes it (composite, downscaled, blurred when asked, JPEG from WIC). */
  'capture.jpeg': async ({ blur, file }) => {
    const image = await sensors().capturer.capture({ blur });
    writeFileSync(file, image.data);
    return { kind: image.kind, width: image.width, height: image.height, blurred: image.blurred, bytes: image.data.length, state: sensors().capturer.state() };
  },
  /** The shared encoder on given pixels (to compare the codecs on the same input). */
  encode: async ({ width, height, channels, fill, options }) => {
    const addon = loadWin32Addon();
    const pixels = Buffer.alloc(width * height * channels, fill);
    const image = await addon.addon.encodeJpeg(pixels, width, height, channels, options);
    return { width: image.width, height: image.height, bytes: image.data.length, head: image.data.subarray(0, 3).toString('hex') };
  },
  'encode.invalid': async () => {
    const addon = loadWin32Addon();
    try {
      await addon.addon.encodeJpeg(Buffer.alloc(10), 4, 4, 3);
      return { threw: false };
    } catch (error) {
      return { threw: true, code: error.code, message: error.message };
    }
  },
};

answerCalls(Number(process.argv[2]), handlers, async () => {
  if (native?.ok) {
    await native.sensors.input.stop();
    native.sensors.close();
  }
});
