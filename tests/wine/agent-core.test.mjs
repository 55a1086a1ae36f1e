/* global process -- run with node --test by the Windows node.exe under Wine (tests/integration/wine) */
// The agent's core as it runs for a freelancer on Windows: the screenshot key file (no POSIX modes; the
// data directory's ACL protects it), AES-GCM screenshots, the default data directory under %LOCALAPPDATA%, and
// a screenshot from the native capturer, encrypted. The store is in store-probe.mjs, under the Windows node 22 on
// node:sqlite: better-sqlite3 has no win32 binary in the npm registry and cannot be cross-built with MinGW
// (native/README.md says why).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, win32 } from 'node:path';
import { test } from 'node:test';
import { FileKeyStore, KEY_FILE_NAME, decryptScreenshot, encryptScreenshot } from '../../dist/main/crypto/index.js';
import { resolveDataDir } from '../../dist/main/config/data-dir.js';
import { createNativeSensors } from '../../dist/main/sensors/native/index.js';

const scratch = mkdtempSync(join(tmpdir(), 'worktrace-agent-'));
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));

test('runs as Windows: win32 paths under the user profile', () => {
  assert.equal(process.platform, 'win32');
  assert.match(scratch, /^[A-Z]:\\/);
});

test('the default data directory is %LOCALAPPDATA%\\worktrace\\Data, created on first use', () => {
  const dir = resolveDataDir(undefined, {});
  assert.equal(dir, win32.join(process.env.LOCALAPPDATA, 'worktrace', 'Data'));
  assert.ok(readdirSync(dir));
});

test('the screenshot key is made once (exclusive create + link on NTFS) and read back the same', async () => {
  const dir = join(scratch, 'keys');
  mkdirSync(dir); // the data directory exists before the key is made (resolveDataDir creates the default one)
  const first = await new FileKeyStore(dir).loadOrCreate();
  const again = await new FileKeyStore(dir).loadOrCreate();
  assert.equal(first.length, 32);
  assert.deepEqual(again, first);
  assert.deepEqual(readdirSync(dir), [KEY_FILE_NAME]); // no temporary file left behind
  assert.deepEqual(readFileSync(join(dir, KEY_FILE_NAME)), first);
});

test('a native screenshot is sealed with AES-256-GCM and opens only under its own id', async () => {
  const opened = createNativeSensors({ channels: 3, area: 'all', output: 'jpeg' });
  assert.ok(opened.ok, opened.ok ? '' : opened.reason);
  try {
    const shot = await opened.sensors.capturer.capture({ blur: true });
    assert.equal(shot.kind, 'jpeg');
    assert.deepEqual([...shot.data.subarray(0, 3)], [0xff, 0xd8, 0xff]);
    mkdirSync(join(scratch, 'seal'));
    const key = await new FileKeyStore(join(scratch, 'seal')).loadOrCreate();
    const blob = encryptScreenshot(key, '01J0WINE', shot.data);
    assert.equal(blob.includes(shot.data.subarray(0, 64)), false);
    assert.deepEqual(decryptScreenshot(key, '01J0WINE', blob), shot.data);
    assert.throws(() => decryptScreenshot(key, '01J0OTHER', blob), { code: 'DECRYPT_FAILED' });
  } finally {
    opened.sensors.close();
  }
});

test('input counting starts and stops cleanly in the agent process (hooks on their own thread)', async () => {
  const opened = createNativeSensors();
  assert.ok(opened.ok);
  await opened.sensors.input.start();
  assert.equal(opened.sensors.input.state().backend, 'native-win32-hooks');
  assert.equal(opened.sensors.input.state().status, 'ok');
  assert.deepEqual(Object.keys(opened.sensors.input.drain()).sort(), ['clicks', 'keyboard', 'moves', 'wheel']);
  await opened.sensors.input.stop();
  // A sensor that recorded stays ok once stopped: the tracker's last tick still drains what stopping read.
  assert.deepEqual(opened.sensors.input.state(), { status: 'ok', backend: 'native-win32-hooks', detail: 'stopped' });
  opened.sensors.close();
});
