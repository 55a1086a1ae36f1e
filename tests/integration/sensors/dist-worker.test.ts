import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTools, startDisplay, type TestDisplay } from '../../support/display.js';

const dist = (path: string): string => fileURLToPath(new URL(`../../../dist/main/sensors/${path}`, import.meta.url));

/**
 * The installed agent runs from dist/ with plain node: there the worker is a .js file forked
 * without tsx. The README's commands build before they test, so dist/ must be there.
 */
describe('input worker from the compiled build', () => {
  let display: TestDisplay;
  beforeAll(async () => {
    requireTools(['xdotool']);
    display = await startDisplay({ windowManager: false });
  });
  afterAll(async () => {
    await display?.stop();
  });

  it('forks the .js worker with plain node and counts keys', async () => {
    const sensorJs = dist('input/uiohook-input-sensor.js');
    expect(existsSync(sensorJs), `${sensorJs} is missing: run npm run build`).toBe(true);
    const fixture = fileURLToPath(new URL('./fixtures/dist-input.mjs', import.meta.url));
    const child = spawn(process.execPath, [fixture, sensorJs, dist('environment.js'), '3'], { env: display.env, stdio: ['pipe', 'pipe', 'inherit'] });
    try {
      const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
      const first = JSON.parse(((await lines.next()).value as string) ?? '{}') as { state: { status: string }; cmdline: string[] };
      expect(first.state.status).toBe('ok');
      expect(first.cmdline.some((arg) => arg.endsWith('dist/main/sensors/input/uiohook-worker.js'))).toBe(true);
      expect(first.cmdline.join(' ')).not.toContain('tsx');

      display.run('xdotool', ['type', '--delay', '20', 'abc']);
      child.stdin!.write('go\n');
      const second = JSON.parse(((await lines.next()).value as string) ?? '{}') as { counts: { keyboard: number } };
      expect(second.counts.keyboard).toBe(3);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
