import { ask } from './question.js';

/**
 * Asks once before every sign-in of the person ends: it reaches their other browsers and every computer running
 * Worktrace for them, so the question says so. `onConfirm` runs when they confirm.
 */
export function askSignOutEverywhere(email: string, onConfirm: () => Promise<void>): void {
  ask({
    id: 'sign-out-everywhere',
    title: 'Sign out everywhere?',
    text:
      `Every sign-in of ${email} ends: other browsers, and the Worktrace app or command line on every computer. ` +
      'They ask to sign in again; time they recorded meanwhile stays on them and is sent once they do.',
    yes: 'Sign out everywhere',
    no: 'Cancel',
    onConfirm,
  });
}
