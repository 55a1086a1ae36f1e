import PDFDocument from 'pdfkit';
import { addTotals, NO_TIME, type DiaryTotals } from '../../../src/shared/diary/totals.js';
import type { WeekState } from '../../../src/shared/protocol/api/index.js';
import { addMoney, type Money } from '../domain/amount.js';
import type { Timesheet } from '../domain/timesheet.js';
import { timesheetFonts } from './fonts.js';
import { decimalAmount, hoursMinutesSeconds } from './format.js';

/**
 * A timesheet as a one-page A4 PDF a person can sign off: the contract, its parties and period, a table (a row
 * per day while the days fit, else a row per week: a year is 53 rows), each week's totals, state and amount, the
 * grand total, and two signature lines. One page always: the table's rows shrink to fit, and a sheet that would
 * still spill over is an error, never a second page.
 *
 *   ┌ Timesheet: <contract> ─────────────────────────────┐  header (parties, period, rate, when read)
 *   │ Date | Tracked | Billable | Idle | Removed | Amount | Memos
 *   │ day rows… / week row (state) …  / Total            │  table
 *   │ ______________________   ______________________    │  signatures
 *   └ approved by the client    submitted by the freelancer
 */
const MARGIN = 40;
const PAGE_HEIGHT = 841.89; // A4, points
const CONTENT_WIDTH = 595.28 - 2 * MARGIN;
const TABLE_TOP = 150;
const SIGNATURES_TOP = PAGE_HEIGHT - MARGIN - 80;
const TABLE_HEIGHT = SIGNATURES_TOP - 20 - TABLE_TOP;
const ROW_HEIGHT = 11;

const COLUMNS = [
  { title: 'Date', width: 92, align: 'left' },
  { title: 'Tracked', width: 50, align: 'right' },
  { title: 'Billable', width: 50, align: 'right' },
  { title: 'Idle', width: 46, align: 'right' },
  { title: 'Removed', width: 50, align: 'right' },
  { title: 'Amount', width: 72, align: 'right' },
  { title: 'Memos / state', width: CONTENT_WIDTH - 92 - 50 * 3 - 46 - 72, align: 'left' },
] as const;

const STATE_WORDS: Record<WeekState, string> = { open: 'open', in_review: 'in review', approved: 'approved' };
const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

type Cells = readonly [string, string, string, string, string, string, string];

const times = (t: DiaryTotals) =>
  [t.trackedSeconds, t.billableSeconds, t.idleSeconds, t.removedSeconds].map(hoursMinutesSeconds) as [string, string, string, string];
const money = (m: Money | null) => (m ? `${decimalAmount(m)} ${m.currency}` : '');

/**
 * The table's rows: days under each week while they fit on the page, else the weeks alone. Time that reached the
 * server after a week's approval (its `late`) is a row under that week with its days; with the weeks alone, one row
 * for all of it before the total, so a year still fits.
 */
function tableRows(sheet: Timesheet): { rows: Array<{ cells: Cells; total: boolean }>; withDays: boolean } {
  const lateWeeks = sheet.weeks.filter((w) => w.late !== null);
  const withDays = (sheet.weeks.length * 8 + lateWeeks.length + 2) * ROW_HEIGHT <= TABLE_HEIGHT;
  const rows: Array<{ cells: Cells; total: boolean }> = [];
  const lateState = (approved: boolean) => STATE_WORDS[approved ? 'approved' : 'in_review'];
  for (const week of sheet.weeks) {
    if (withDays) {
      for (const [i, day] of week.days.entries()) rows.push({ cells: [`${WEEKDAYS[i]} ${day.date}`, ...times(day.totals), '', day.memos], total: false });
    }
    rows.push({ cells: [`Week ${week.week}`, ...times(week.totals), money(week.amount), STATE_WORDS[week.state]], total: true });
    if (withDays && week.late) rows.push({ cells: ['After approval', ...times(week.late.totals), money(week.late.amount), lateState(week.late.approved)], total: false });
  }
  if (!withDays && lateWeeks.length > 0) {
    const late = lateWeeks.map((w) => w.late!);
    const amount = sheet.hourlyRate && late.map((l) => l.amount!).reduce(addMoney, { minor: 0, currency: sheet.hourlyRate.currency });
    const cells: Cells = [`After approval (${lateWeeks.length} wk)`, ...times(late.map((l) => l.totals).reduce(addTotals, NO_TIME)), money(amount), lateState(late.every((l) => l.approved))];
    rows.push({ cells, total: false });
  }
  rows.push({ cells: ['Total', ...times(sheet.totals), money(sheet.amount), `${sheet.weeks.length} week${sheet.weeks.length === 1 ? '' : 's'}`], total: true });
  return { rows, withDays };
}

export async function timesheetPdf(sheet: Timesheet): Promise<Buffer> {
  const fonts = timesheetFonts();
  const text = fonts.printable;
  const { contract } = sheet;
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    bufferPages: true,
    // Dated by the server's clock, not the machine's: the same sheet read at the same moment is the same file.
    info: { Title: text(`Timesheet: ${contract.name}`), Author: 'Worktrace', Subject: `${sheet.from} to ${sheet.to}`, CreationDate: new Date(sheet.readAt) },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise<void>((resolve, reject) => {
    doc.on('end', resolve);
    doc.on('error', reject);
  });
  doc.registerFont('regular', fonts.regular);
  doc.registerFont('bold', fonts.bold);
  const line = (s: string, x: number, y: number, width: number, align: 'left' | 'right' = 'left') =>
    doc.text(s, x, y, { width, height: doc.currentLineHeight(true), lineBreak: false, ellipsis: true, align });

  doc.font('bold').fontSize(15);
  line(text(`Timesheet: ${contract.name}`), MARGIN, MARGIN, CONTENT_WIDTH);
  doc.font('regular').fontSize(9.5);
  const rate = sheet.hourlyRate ? `Hourly rate: ${money({ minor: sheet.hourlyRate.cents, currency: sheet.hourlyRate.currency })}` : 'No hourly rate: no amounts';
  const freelancer = contract.freelancerName === null ? '(nobody accepted the invitation)' : text(contract.freelancerName);
  const header = [
    `Client: ${text(contract.clientName)}`,
    `Freelancer: ${freelancer}`,
    `Period: Monday ${sheet.from} to Sunday ${sheet.to}, days in ${contract.timeZone}`,
    `${rate}; amounts: billable time × rate, rounded half-up once per week.`,
    `Read ${new Date(sheet.readAt).toISOString().replace('.000Z', 'Z')}: week states as of then. Contract ${contract.id}.`,
  ];
  header.forEach((s, i) => line(s, MARGIN, MARGIN + 26 + i * 14, CONTENT_WIDTH));

  const { rows, withDays } = tableRows(sheet);
  const rowHeight = Math.min(ROW_HEIGHT, TABLE_HEIGHT / (rows.length + 1));
  const drawRow = (cells: readonly string[], y: number, bold: boolean) => {
    doc.font(bold ? 'bold' : 'regular').fontSize(rowHeight * 0.72);
    let x = MARGIN;
    COLUMNS.forEach((column, i) => {
      // Text columns start well clear of the right-aligned figures before them.
      const pad = column.align === 'left' && i > 0 ? 10 : 2;
      line(cells[i]!, x + pad, y + rowHeight * 0.14, column.width - pad - 2, column.align);
      x += column.width;
    });
  };
  drawRow(COLUMNS.map((c) => c.title), TABLE_TOP, true);
  doc.moveTo(MARGIN, TABLE_TOP + rowHeight).lineTo(MARGIN + CONTENT_WIDTH, TABLE_TOP + rowHeight).lineWidth(0.6).stroke();
  rows.forEach((row, i) => {
    const y = TABLE_TOP + (i + 1) * rowHeight;
    if (row.total) doc.rect(MARGIN, y, CONTENT_WIDTH, rowHeight).fill('#ececec').fillColor('black');
    drawRow(row.cells.map((cell, c) => (c === 6 ? text(cell) : cell)), y, row.total);
  });
  if (!withDays) {
    doc.font('regular').fontSize(8);
    line(`${sheet.weeks.length} weeks: one row per week here; the CSV download lists every day.`, MARGIN, TABLE_TOP + (rows.length + 1) * rowHeight + 4, CONTENT_WIDTH);
  }

  const half = (CONTENT_WIDTH - 30) / 2;
  for (const [i, caption, name] of [
    [0, 'approved by the client', text(contract.clientName)],
    [1, 'submitted by the freelancer', freelancer],
  ] as const) {
    const x = MARGIN + i * (half + 30);
    doc.moveTo(x, SIGNATURES_TOP + 36).lineTo(x + half, SIGNATURES_TOP + 36).lineWidth(0.8).stroke();
    doc.font('regular').fontSize(9);
    line(`Signature and date: ${caption}`, x, SIGNATURES_TOP + 42, half);
    line(name, x, SIGNATURES_TOP + 56, half);
  }

  // bufferPages keeps every page until end(): a sheet that grew a second page is a bug here, not a download.
  const pages = doc.bufferedPageRange().count;
  if (pages !== 1) throw new Error(`the timesheet took ${pages} pages`);
  doc.end();
  await ended;
  return Buffer.concat(chunks);
}
