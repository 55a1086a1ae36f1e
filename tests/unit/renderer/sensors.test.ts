import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppState, SensorRow } from '../../../src/shared/ipc/index.js';
import { seriousViolations } from '../../support/axe.js';
import { quietState } from './support/app-state.js';
import { openStubPage, type StubPage } from './support/stub-page.js';

/**
 * "On this computer" in real Chromium over a stand-in bridge: which backend records each sensor and why, as
 * `worktrace status` prints it (issue 16: the app's state names the backend and why, on each platform).
 */
const MAC_ROWS: SensorRow[] = [
  { sensor: 'input', backend: 'uiohook-napi', status: 'ok', reason: 'the native core is not built for darwin' },
  { sensor: 'window', backend: 'active-win', status: 'ok', reason: 'ok' },
  {
    sensor: 'screenshots',
    backend: 'electron-desktop-capturer',
    status: 'unavailable',
    reason: 'macOS does not let Worktrace record the screen (Screen Recording is off)',
  },
];
const LINUX_ROWS: SensorRow[] = [
  { sensor: 'input', backend: 'native-xrecord', status: 'ok', reason: 'native-xrecord first at start, uiohook-napi if it cannot run' },
  { sensor: 'window', backend: 'native-x11', status: 'ok', reason: 'ok' },
  { sensor: 'screenshots', backend: 'native-x11', status: 'ok', reason: 'ok' },
];

function state(sensors: SensorRow[] | undefined, signedIn = true): AppState {
  return quietState(sensors === undefined ? {} : { sensors }, signedIn);
}

describe('the sensors in the page (real Chromium)', () => {
  let stub: StubPage;
  let page: Page;

  beforeAll(async () => {
    stub = await openStubPage(state(MAC_ROWS));
    page = stub.page;
    await page.getByRole('heading', { name: 'On this computer' }).waitFor();
  });
  afterAll(async () => {
    await stub?.close();
  });

  it('names the backend of each sensor, says which one cannot record and why', async () => {
    const rows = page.locator('#sensors-list > li');
    expect(await rows.allInnerTexts()).toEqual([
      'Keyboard and mouse activity: through uiohook-napi\nthe native core is not built for darwin',
      'Active window: through active-win',
      'Screenshots: not available\nmacOS does not let Worktrace record the screen (Screen Recording is off)',
    ]);
    expect(await page.locator('li[data-sensor="screenshots"]').getAttribute('data-status')).toBe('unavailable');
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('follows the state: another platform’s backends replace the rows; none known (before a first start) or signed out hides the section', async () => {
    await stub.push(state(LINUX_ROWS));
    await expect.poll(() => page.locator('li[data-sensor="screenshots"]').innerText()).toBe('Screenshots: through native-x11');
    await stub.push(state([]));
    await expect.poll(() => page.locator('#sensors').isVisible()).toBe(false);
    await stub.push(state(LINUX_ROWS));
    await expect.poll(() => page.locator('#sensors').isVisible()).toBe(true);
    await stub.push(state(LINUX_ROWS, false));
    await expect.poll(() => page.locator('#sensors').isVisible()).toBe(false);
    expect(stub.problems).toEqual([]);
  });
});
