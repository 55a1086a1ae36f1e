import { describe, expect, it } from 'vitest';
import { permissionNoticeWords } from '../../../src/renderer/words.js';

/** What the person reads when the OS withholds something: what is missing, what it stops, where to allow it. */
describe('permission notice words', () => {
  it('macOS Screen Recording: screenshots cannot be taken until allowed, and where; a button to that pane', () => {
    for (const status of ['denied', 'not-determined', 'restricted', 'unknown'] as const) {
      const words = permissionNoticeWords({ kind: 'screen-recording', status });
      expect(words.text, status).toContain('screenshots cannot be taken until you allow it');
      expect(words.text, status).toContain('System Settings > Privacy & Security > Screen Recording');
      expect(words.action, status).toEqual({ label: 'Open Screen Recording settings', pane: 'screen-recording' });
    }
    expect(permissionNoticeWords({ kind: 'screen-recording', status: 'not-determined' }).text).toMatch(/^macOS has not been asked/);
    expect(permissionNoticeWords({ kind: 'screen-recording', status: 'restricted' }).title).toBe('Screen Recording is blocked on this Mac');
  });

  it('macOS Accessibility: activity is not counted until allowed, and where; a button to that pane', () => {
    const words = permissionNoticeWords({ kind: 'accessibility' });
    expect(words.text).toContain('System Settings > Privacy & Security > Accessibility');
    expect(words.text).toContain('every minute shows as inactive until you allow it');
    expect(words.action).toEqual({ label: 'Open Accessibility settings', pane: 'accessibility' });
  });

  it('Linux Wayland: window and activity unavailable, screenshots through the portal, all of it in X11; nothing to open', () => {
    const words = permissionNoticeWords({ kind: 'wayland-session' });
    expect(words.title).toBe('This is a Wayland session');
    expect(words.text).toContain('show as unavailable here, never guessed');
    expect(words.text).toContain("Screenshots go through the system's screen-sharing dialog: allow Worktrace when it asks");
    expect(words.text).toContain('pick an X11 session');
    expect(words.action).toBeNull();
  });
});
