import { describe, expect, it } from 'vitest';
import { NativeX11Error, toNativeX11Error } from '../../../../src/main/native/errors.js';

describe('toNativeX11Error', () => {
  it('keeps the code the addon threw with', () => {
    const thrown = Object.assign(new Error('cannot open X display :9'), { code: 'ERR_NO_DISPLAY' });
    const error = toNativeX11Error(thrown);
    expect(error).toBeInstanceOf(NativeX11Error);
    expect([error.name, error.code, error.message]).toEqual(['NativeX11Error', 'ERR_NO_DISPLAY', 'cannot open X display :9']);
    expect(error.cause).toBe(thrown);
  });

  it('maps codes it does not know, and non-errors, to ERR_NATIVE_UNKNOWN', () => {
    expect(toNativeX11Error(Object.assign(new Error('x'), { code: 'EACCES' })).code).toBe('ERR_NATIVE_UNKNOWN');
    expect(toNativeX11Error('boom')).toMatchObject({ code: 'ERR_NATIVE_UNKNOWN', message: 'boom' });
    expect(toNativeX11Error(null).code).toBe('ERR_NATIVE_UNKNOWN');
  });

  it('passes a NativeX11Error through unchanged', () => {
    const error = new NativeX11Error('ERR_CLOSED', 'closed');
    expect(toNativeX11Error(error)).toBe(error);
  });
});
