import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { NATIVE_BACKENDS, openNativeCore } from '../../../../src/main/native/core.js';
import { loadWin32Addon } from '../../../../src/main/native/load.js';
import { openNativeWin32 } from '../../../../src/main/native/win32.js';

describe('the Windows addon loader (its loading itself: tests/integration/wine)', () => {
  const made: string[] = [];
  afterEach(() => {
    for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('is only for win32, and says so without touching the disk elsewhere', () => {
    expect(loadWin32Addon({ platform: 'linux' })).toEqual({ status: 'unavailable', reason: 'not built for this platform (linux)' });
  });

  it('says where a Windows build comes from when the folder has neither prebuild nor build', () => {
    const empty = mkdtempSync(join(tmpdir(), 'worktrace-native-win-'));
    made.push(empty);
    expect(loadWin32Addon({ platform: 'win32', nativeDir: empty })).toEqual({
      status: 'unavailable',
      reason: expect.stringContaining('prebuilds/win32-x64'),
    });
  });

  it('turns an unavailable addon into ERR_NATIVE_UNAVAILABLE with the reason', () => {
    const opened = openNativeWin32({ load: () => loadWin32Addon({ platform: 'darwin' }) });
    expect(opened).toMatchObject({ ok: false, error: { code: 'ERR_NATIVE_UNAVAILABLE', message: 'native Windows addon unavailable: not built for this platform (darwin)' } });
  });

  it('opens no core on macOS, and names the Windows backends apart from the X11 ones', () => {
    expect(openNativeCore({ platform: 'darwin' })).toMatchObject({ ok: false, error: { code: 'ERR_NATIVE_UNAVAILABLE' } });
    const windows = Object.values(NATIVE_BACKENDS.win32);
    expect(windows.filter((name) => (Object.values(NATIVE_BACKENDS.x11) as string[]).includes(name))).toEqual([]);
    expect(new Set(windows).size).toBe(4);
  });
});
