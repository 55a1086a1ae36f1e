import type { PrivateWindowRule } from './private-windows.js';
import type { RedactionReport } from './redaction.js';

/**
 * The words every UI uses for private windows (the app, the dashboard, the CLI), so a rule reads the same wherever
 * the freelancer or the client meets it.
 */

/** "Window title “*Patient*”", "Application “keepassxc”". */
export function privateRuleWords(rule: PrivateWindowRule): string {
  return `${rule.kind === 'app' ? 'Application' : 'Window title'} “${rule.pattern}”`;
}

/** "1 private window hidden", "2 private windows hidden"; null when none was. */
export function hiddenWindowsWords(count: number | undefined): string | null {
  if (!count || count <= 0) return null;
  return `${count} private window${count === 1 ? '' : 's'} hidden`;
}

/** "Private windows: redaction is PARTIAL here (electron-desktop-capturer): … ." — the status line and the app's. */
export function redactionWords(report: RedactionReport): string {
  const how = {
    windows: 'painted out',
    'focused-window': 'redaction is PARTIAL here',
    'while-any-rule': 'no screenshot while you have any',
    'no-screenshots': 'no screenshots here',
  }[report.redaction];
  return `Private windows: ${how} (${report.backend}): ${report.reason}.`;
}
