import { describe, expect, it } from 'vitest';
import {
  clockTime,
  elapsed,
  hiddenWindowsWords,
  idleWords,
  parkedDetailWords,
  parkedTodoWords,
  parkedWords,
  policyChangeWords,
  policyWords,
  privateRuleWords,
  skippedWords,
  syncWords,
} from '../../../src/renderer/words.js';
import type { AppState } from '../../../src/shared/ipc/index.js';

/** The renderer's words are pure functions: what the freelancer reads, checked without a browser. */
describe('renderer words', () => {
  const at = new Date(2026, 10, 26, 14, 5).toISOString(); // 14:05 local time, whatever the machine's zone

  it('names each policy in plain words', () => {
    expect(policyWords('on')).toBe('Screenshots on');
    expect(policyWords('blurred')).toBe('Screenshots blurred');
    expect(policyWords('off')).toBe('Time only — no screenshots');
  });

  it('says when the client changed the policy, in local time', () => {
    expect(clockTime(at)).toBe('14:05');
    expect(policyChangeWords({ contractId: 'c', from: 'on', to: 'off', at })).toBe(
      'The client turned screenshots off for this contract at 14:05. Only time is recorded now.',
    );
    expect(policyChangeWords({ contractId: 'c', from: 'off', to: 'blurred', at })).toContain('set screenshots to blurred');
    expect(clockTime('not a time')).toBe('—');
  });

  it('asks about idle time in minutes', () => {
    const toAt = new Date(2026, 10, 26, 14, 17).toISOString();
    expect(idleWords({ fromAt: at, toAt, minutes: 12 })).toBe('You were idle for 12 minutes (14:05–14:17) — keep or discard?');
    expect(idleWords({ fromAt: at, toAt, minutes: 1 })).toMatch(/^You were idle for 1 minute \(/);
  });

  it('shows elapsed time in whole minutes, hours from 60 on', () => {
    expect(elapsed(0)).toBe('0 min');
    expect(elapsed(59_999)).toBe('0 min');
    expect(elapsed(42 * 60_000)).toBe('42 min');
    expect(elapsed(185 * 60_000 + 30_000)).toBe('3 h 05 min');
    expect(elapsed(-5)).toBe('0 min');
  });

  it('describes sync in sentences, including "sign in again"', () => {
    const sync: AppState['sync'] = { online: true, pendingSegments: 0, pendingScreenshots: 0, parked: [], lastSyncAt: at, lastError: null, signInAgain: false };
    const state = (s: Partial<AppState['sync']>) => ({ sync: { ...sync, ...s } }) as AppState;
    expect(syncWords(state({}))).toBe('Connected to the server. Everything is uploaded. Last sync at 14:05.');
    expect(syncWords(state({ online: false, pendingSegments: 3, pendingScreenshots: 1, lastSyncAt: null }))).toBe(
      'Offline: your work is kept here and sent later. 3 segments and 1 screenshot wait to upload. Not synced yet.',
    );
    expect(syncWords(state({ signInAgain: true }))).toMatch(/^Stopped: sign in again to upload\./);
    expect(syncWords(state({ waiting: [{ email: 'ana@example.com', serverUrl: 'https://diary.example.com', items: 12 }] }))).toBe(
      'Connected to the server. Everything is uploaded. 12 items wait for ana@example.com on https://diary.example.com: sign in as them to send them. Last sync at 14:05.',
    );
  });

  it('words a parked item by its kind, the server answer only as a detail', () => {
    const deletion = { kind: 'screenshot-deletion', error: 'the server refused it (HTTP 451).', detail: 'HTTP 451: no' };
    expect(parkedWords(deletion)).toBe('A screenshot deletion the server would not take: the server refused it (HTTP 451).');
    expect(parkedDetailWords(deletion)).toBe('The server said: HTTP 451: no');
    expect(parkedDetailWords({ kind: 'segment', error: 'the server refused it.' })).toBeNull();
    const retryAt = '2026-11-26T15:05:00.000Z';
    expect(parkedTodoWords({ ...deletion, todo: 'If it keeps failing, report it.', retryAt })).toBe(
      `If it keeps failing, report it. Tried again on its own at ${clockTime(retryAt)}; Retry tries now.`,
    );
    expect(parkedTodoWords({ ...deletion, retryAt: null })).toBe('Tried again at the next upload; Retry tries now.');
  });

  it('says how many private windows a screenshot hides, why one was skipped, and what a rule matches', () => {
    expect(hiddenWindowsWords(undefined)).toBeNull();
    expect(hiddenWindowsWords(0)).toBeNull();
    expect(hiddenWindowsWords(1)).toBe('1 private window hidden');
    expect(hiddenWindowsWords(2)).toBe('2 private windows hidden');
    expect(skippedWords('private-window')).toMatch(/^No screenshot in this segment: a private window was in front/);
    expect(skippedWords('private-list-unreadable')).toMatch(/list could not be read/);
    expect(privateRuleWords({ kind: 'title', pattern: '*Patient*' })).toBe('Window title “*Patient*”');
    expect(privateRuleWords({ kind: 'app', pattern: 'keepassxc' })).toBe('Application “keepassxc”');
  });
});
