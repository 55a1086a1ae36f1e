import { describe, expect, it } from 'vitest';
import { lateApprovalAt, lateAutoApprovalAt } from '../../src/domain/late-approval.js';
import type { ApprovalSettingsRow } from '../../src/repository/index.js';

const at = (iso: string) => Date.parse(iso);
const setting = (seq: number, effectiveFrom: string, autoApproveDays: number): ApprovalSettingsRow => ({
  contractId: 'c',
  seq,
  effectiveFrom: at(effectiveFrom),
  autoApproveDays,
  deleteScreenshotsOnApproval: false,
});
const HISTORY = [setting(1, '2026-01-01T00:00:00Z', 1), setting(2, '2026-03-29T12:00:00Z', 3)];

describe('the automatic approval date of late time', () => {
  it('is local midnight at the end of the arrival day plus the days in force at the arrival, across the DST change', () => {
    // Saturday 28 March, 23:30 in Berlin (CET): the end of the 28th plus one day is 30 March 00:00, CEST by then.
    expect(lateAutoApprovalAt(at('2026-03-28T22:30:00Z'), HISTORY, 'Europe/Berlin')).toBe(at('2026-03-29T22:00:00Z'));
    // An hour later it is already Sunday the 29th in Berlin: a day later.
    expect(lateAutoApprovalAt(at('2026-03-28T23:30:00Z'), HISTORY, 'Europe/Berlin')).toBe(at('2026-03-30T22:00:00Z'));
    // In UTC the same instant is still the 28th.
    expect(lateAutoApprovalAt(at('2026-03-28T23:30:00Z'), HISTORY, 'UTC')).toBe(at('2026-03-30T00:00:00Z'));
    // After the change to three days, arrivals take three; the change reaches no earlier arrival.
    expect(lateAutoApprovalAt(at('2026-03-29T12:00:00Z'), HISTORY, 'UTC')).toBe(at('2026-04-02T00:00:00Z'));
    expect(lateAutoApprovalAt(at('2026-03-29T11:59:59Z'), HISTORY, 'UTC')).toBe(at('2026-03-31T00:00:00Z'));
  });

  it("is the server's approval from that moment, unless recorded before or held back by an open dispute", () => {
    const row = { id: 's', arrivedAt: at('2026-03-28T10:00:00Z'), approvedAt: null, approvedBy: null, disputed: false };
    expect(lateApprovalAt(row, HISTORY, 'UTC', at('2026-03-29T23:59:59Z'))).toBeNull();
    expect(lateApprovalAt(row, HISTORY, 'UTC', at('2026-03-30T00:00:00Z'))).toEqual({ at: at('2026-03-30T00:00:00Z'), by: 'server' });
    expect(lateApprovalAt({ ...row, disputed: true }, HISTORY, 'UTC', at('2026-04-30T00:00:00Z'))).toBeNull();
    const byClient = { ...row, approvedAt: at('2026-03-28T11:00:00Z'), approvedBy: 'client-id' };
    expect(lateApprovalAt(byClient, HISTORY, 'UTC', at('2026-03-28T12:00:00Z'))).toEqual({ at: at('2026-03-28T11:00:00Z'), by: 'client' });
  });
});
