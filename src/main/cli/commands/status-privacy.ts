import type { PrivateLists } from '../../privacy/index.js';
import type { ScreenCapturer } from '../../sensors/index.js';

/** How private windows are kept out of screenshots on this machine, and the lists that are in force. */
export interface PrivacyReport {
  /** 'windows': every private window is painted out, on every monitor; 'focused-window': partial (see reason). */
  readonly redaction: 'windows' | 'focused-window';
  readonly backend: string;
  readonly reason: string;
  /** The freelancer's rules on this device; null when the list cannot be read (then no screenshots). Null lists when no database yet. */
  readonly lists: PrivateLists | null;
}

export function privacyReport(capturer: ScreenCapturer, backend: string, lists: PrivateLists | null): PrivacyReport {
  if (capturer.redactsWindows) {
    return {
      redaction: 'windows',
      backend,
      reason: 'every window’s frame is read with the pixels, so each private window is painted out on every monitor, focused or not',
      lists,
    };
  }
  return {
    redaction: 'focused-window',
    backend,
    reason: `${backend} hands back a picture of the screen and cannot tell where windows are: a screenshot is skipped while a private window is focused, but a private window in the background is not painted out`,
    lists,
  };
}

export function privacyLines(report: PrivacyReport): string[] {
  const lines = [`Private windows: ${report.redaction === 'windows' ? 'painted out' : 'redaction is PARTIAL here'} (${report.backend}): ${report.reason}.`];
  const lists = report.lists;
  if (!lists) return lines;
  if (lists.device === null) lines.push('  your list cannot be read: no screenshots until it is (`worktrace private list` names the damaged rule)');
  else lines.push(`  your list: ${lists.device.length} rule(s), this device only; titles recorded as "Private"${lists.keepAppNames ? ', application names kept' : ''}`);
  for (const c of lists.contracts) {
    lines.push(`  contract ${c.contractId}: ${c.rules === null ? 'its list cannot be read here: no screenshots for it' : `${c.rules.length} rule(s) set by the client`}`);
  }
  return lines;
}
