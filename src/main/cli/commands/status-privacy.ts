import { redactionWords, type RedactionReport } from '../../../shared/privacy/index.js';
import { redactionReport, type PrivateLists } from '../../privacy/index.js';
import type { ActiveWindowSensor, ScreenCapturer } from '../../sensors/index.js';

/** How private windows are kept out of screenshots on this machine, and the lists that are in force. */
export interface PrivacyReport extends RedactionReport {
  /** The freelancer's rules on this device; null when the list cannot be read (then no screenshots). Null lists when no database yet. */
  readonly lists: PrivateLists | null;
}

export function privacyReport(capturer: ScreenCapturer, window: ActiveWindowSensor, lists: PrivateLists | null): PrivacyReport {
  return { ...redactionReport(capturer, window), lists };
}

export function privacyLines(report: PrivacyReport): string[] {
  const lines = [redactionWords(report)];
  const lists = report.lists;
  if (!lists) return lines;
  if (lists.device === null) lines.push('  your list cannot be read: no screenshots until it is (`worktrace private list` names the damaged rule)');
  else lines.push(`  your list: ${lists.device.length} rule(s), this device only; titles recorded as "Private"${lists.keepAppNames ? ', application names kept' : ''}`);
  for (const c of lists.contracts) {
    lines.push(`  contract ${c.contractId}: ${c.rules === null ? 'its list cannot be read here: no screenshots for it' : `${c.rules.length} rule(s) set by the client`}`);
  }
  return lines;
}
