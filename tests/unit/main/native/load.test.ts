import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultNativeDir, loadX11Addon } from '../../../../src/main/native/load.js';
import { openNativeX11 } from '../../../../src/main/native/x11.js';

describe('loadX11Addon', () => {
  const made: string[] = [];
  afterEach(() => {
    for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('says the addon is not built for macOS and Windows, without touching the disk', () => {
    expect(loadX11Addon({ platform: 'darwin' })).toEqual({ status: 'unavailable', reason: 'not built for this platform (darwin)' });
    expect(loadX11Addon({ platform: 'win32' })).toEqual({ status: 'unavailable', reason: 'not built for this platform (win32)' });
  });

  it('says how to build it when the folder holds no build', () => {
    const empty = mkdtempSync(join(tmpdir(), 'worktrace-native-'));
    made.push(empty);
    const load = loadX11Addon({ platform: 'linux', nativeDir: empty });
    expect(load).toEqual({ status: 'unavailable', reason: expect.stringContaining('npm run build:native') });
  });

  it('reports a missing folder instead of throwing', () => {
    const load = loadX11Addon({ platform: 'linux', nativeDir: join(tmpdir(), 'worktrace-no-such-folder') });
    expect(load).toEqual({ status: 'unavailable', reason: expect.stringContaining('folder missing') });
  });

  it('finds native/ of this checkout from source and from dist alike', () => {
    expect(defaultNativeDir()).toMatch(/[/\\]native[/\\]?$/);
  });
});

describe('openNativeX11', () => {
  it('turns an unavailable addon into ERR_NATIVE_UNAVAILABLE with the reason', () => {
    const opened = openNativeX11({ load: () => loadX11Addon({ platform: 'darwin' }) });
    expect(opened.ok).toBe(false);
    if (opened.ok) return;
    expect(opened.error.code).toBe('ERR_NATIVE_UNAVAILABLE');
    expect(opened.error.message).toBe('native X11 addon unavailable: not built for this platform (darwin)');
  });
});
