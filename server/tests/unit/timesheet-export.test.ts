import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { amountOf } from '../../src/domain/amount.js';
import { timesheetWeeks } from '../../src/domain/timesheet.js';
import { neutraliseFormula } from '../../src/export/csv.js';
import { timesheetAttachment } from '../../src/export/filename.js';
import { timesheetFonts } from '../../src/export/fonts.js';
import { decimalAmount, hoursMinutesSeconds } from '../../src/export/format.js';
import { MEMO_DIGEST_CHARS, memoDigest } from '../../src/export/memo-digest.js';

describe('the timesheet amount', () => {
  it('rounds billable seconds × rate / 3600 half-up to the minor unit', () => {
    const rate = { cents: 4550, currency: 'EUR' };
    expect(amountOf(180, rate)).toEqual({ minor: 228, currency: 'EUR' }); // 227.5: half goes up
    expect(amountOf(179, rate)).toEqual({ minor: 226, currency: 'EUR' }); // 226.24
    expect(amountOf(0, rate).minor).toBe(0);
    expect(amountOf(169 * 3600, { cents: 100_000_000, currency: 'EUR' }).minor).toBe(169 * 100_000_000);
  });

  it('is exact against rational arithmetic for every week-sized time and every rate the schema allows', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 169 * 3600 }), fc.integer({ min: 0, max: 100_000_000 }), (seconds, cents) => {
        const product = BigInt(seconds) * BigInt(cents);
        const expected = (product * 2n + 3600n) / 7200n; // floor(product / 3600 + 1/2)
        expect(BigInt(amountOf(seconds, { cents, currency: 'EUR' }).minor)).toBe(expected);
      }),
    );
  });

  it("writes amounts in the currency's own minor unit", () => {
    expect(decimalAmount({ minor: 123_450, currency: 'EUR' })).toBe('1234.50');
    expect(decimalAmount({ minor: 5, currency: 'EUR' })).toBe('0.05');
    expect(decimalAmount({ minor: 1234, currency: 'JPY' })).toBe('1234');
    expect(decimalAmount({ minor: 1234, currency: 'BHD' })).toBe('1.234');
  });
});

describe('timesheet text', () => {
  it('writes durations as hours:minutes:seconds, hours unbounded', () => {
    expect(hoursMinutesSeconds(0)).toBe('0:00:00');
    expect(hoursMinutesSeconds(3723)).toBe('1:02:03');
    expect(hoursMinutesSeconds(169 * 3600 + 59)).toBe('169:00:59');
  });

  it('neutralises what a spreadsheet would run as a formula, and nothing else', () => {
    for (const text of ['=1+1', '+1', '-1', '@SUM(A1)', '\t=1', '\r=1']) expect(neutraliseFormula(text)).toBe(`'${text}`);
    for (const text of ['Landing page', '1-2', 'a=b', '', "'quoted"]) expect(neutraliseFormula(text)).toBe(text);
  });

  it('digests memos: distinct, on one line, without controls or reordering marks, capped in code points', () => {
    expect(memoDigest(['a', ' a ', 'b\r\nc', '\u202eevil\u202c', ''], false)).toBe('a | b c | evil');
    expect(memoDigest([], false)).toBe('');
    const long = memoDigest(['😀'.repeat(600)], false);
    expect([...long]).toHaveLength(MEMO_DIGEST_CHARS);
    expect(long.endsWith('😀…')).toBe(true);
    expect(memoDigest(['a', 'b'], true)).toBe('a | b…');
  });

  it("prints what the embedded font covers, and U+FFFD for each character it lacks", () => {
    const { printable } = timesheetFonts();
    expect(printable('Jürgen Müller, Ærøskøbing, Łódź')).toBe('Jürgen Müller, Ærøskøbing, Łódź');
    expect(printable('Алёна · Ιστοσελίδα · Հայերեն · ქართული · שלום')).toBe('Алёна · Ιστοσελίδα · Հայերեն · ქართული · שלום');
    expect(printable('山田 太郎, नमस्ते')).toBe('\ufffd\ufffd \ufffd\ufffd, \ufffd\ufffd\ufffd\ufffd\ufffd\ufffd');
    expect(printable('two\r\nlines\u202e')).toBe('two lines');
  });

  it('names the download after the contract, with nothing a file system or a reader would trip on', () => {
    const header = timesheetAttachment('../evil\u202egpj.exe\r\nX-Injected: 1', '2026-03-23', '2026-03-29', 'pdf');
    expect(header).not.toMatch(/[\r\n]/);
    expect(header).toContain('filename="timesheet-2026-03-23-2026-03-29.pdf"');
    const encoded = decodeURIComponent(/filename\*=UTF-8''(.*)$/.exec(header)![1]!);
    expect(encoded).toBe('_evil_gpj.exe_X-Injected_ 1 timesheet 2026-03-23 to 2026-03-29.pdf');
  });
});

describe('timesheet ranges', () => {
  it('takes whole weeks in the zone, at most 53, and says what is wrong otherwise', () => {
    expect(timesheetWeeks('Europe/Berlin', { from: '2026-03-23', to: '2026-03-29' }).map((w) => (w.end - w.start) / 3_600_000)).toEqual([167]);
    expect(timesheetWeeks('Europe/Berlin', { from: '2025-10-20', to: '2025-11-02' }).map((w) => (w.end - w.start) / 3_600_000)).toEqual([169, 168]); // summer time ends on Sunday 2025-10-26
    expect(timesheetWeeks('UTC', { from: '2025-03-31', to: '2026-04-05' })).toHaveLength(53);
    expect(() => timesheetWeeks('UTC', { from: '2025-03-24', to: '2026-04-05' })).toThrow(/at most 53 weeks/);
    expect(() => timesheetWeeks('UTC', { from: '2026-03-24', to: '2026-03-29' })).toThrow(/must be a Monday/);
    expect(() => timesheetWeeks('UTC', { from: '2026-03-23', to: '2026-03-28' })).toThrow(/must be a Sunday/);
    expect(() => timesheetWeeks('UTC', { from: '2026-03-30', to: '2026-03-29' })).toThrow(/comes before/);
  });
});
