import { describe, expect, it } from 'vitest';
import { describeWorkerExit, TailBuffer } from '../../../../../src/main/sensors/input/worker-failure.js';
import { parseWorkerMessage } from '../../../../../src/main/sensors/input/worker-protocol.js';

describe('input worker messages', () => {
  it('accepts well-formed counts and nothing else', () => {
    expect(parseWorkerMessage({ type: 'counts', counts: { keyboard: 3, clicks: 1, wheel: 0, moves: 9 } })).toEqual({
      type: 'counts',
      counts: { keyboard: 3, clicks: 1, wheel: 0, moves: 9 },
    });
    expect(parseWorkerMessage({ type: 'ready' })).toEqual({ type: 'ready' });
    expect(parseWorkerMessage({ type: 'counts', counts: { keyboard: -1, clicks: 0, wheel: 0, moves: 0 } })).toBeNull();
    expect(parseWorkerMessage({ type: 'counts', counts: { keyboard: 1.5, clicks: 0, wheel: 0, moves: 0 } })).toBeNull();
    expect(parseWorkerMessage({ type: 'counts' })).toBeNull();
    expect(parseWorkerMessage('ready')).toBeNull();
    expect(parseWorkerMessage(null)).toBeNull();
  });
});

describe('describeWorkerExit', () => {
  it('reads libuiohook’s last words', () => {
    expect(
      describeWorkerExit({ code: null, signal: 'SIGABRT', display: ':5', stderr: 'Xlib:  extension "RECORD" missing on display ":5".\nxrecord_query [953]: XRecord is not currently available!\n' }),
    ).toBe('the X server has no RECORD extension (input worker exited with signal SIGABRT)');
    expect(describeWorkerExit({ code: null, signal: 'SIGABRT', display: ':999', stderr: 'xrecord_start [1024]: XOpenDisplay failure!' })).toBe(
      'cannot open the X display :999 (input worker exited with signal SIGABRT)',
    );
  });

  it('falls back to the exit code or signal', () => {
    expect(describeWorkerExit({ code: null, signal: 'SIGKILL', display: ':0', stderr: '' })).toBe('input worker exited with signal SIGKILL');
    expect(describeWorkerExit({ code: 3, signal: null, display: ':0', stderr: 'something else' })).toBe('input worker exited with code 3');
  });

  it('keeps only the tail of stderr', () => {
    const tail = new TailBuffer(10);
    tail.push('0123456789');
    tail.push(Buffer.from('abc'));
    expect(tail.toString()).toBe('3456789abc');
  });
});
