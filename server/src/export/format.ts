import type { Money } from '../domain/amount.js';

/** 38:05:09: hours (as many as there are), minutes and seconds, as timesheets show a duration. */
export function hoursMinutesSeconds(totalSeconds: number): string {
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  return `${hours}:${String(minutes).padStart(2, '0')}:${String(seconds).padStart(2, '0')}`;
}

const fractionDigits = new Map<string, number>();

/** How many digits the currency's minor unit has (2 for EUR, 0 for JPY, 3 for BHD), as the runtime's ICU knows it. */
function minorDigits(currency: string): number {
  let digits = fractionDigits.get(currency);
  if (digits === undefined) {
    digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
    fractionDigits.set(currency, digits);
  }
  return digits;
}

/** 1234.50: an amount in its major unit, with a dot and no grouping, as spreadsheets read a number. */
export function decimalAmount(money: Money): string {
  const digits = minorDigits(money.currency);
  if (digits === 0) return String(money.minor);
  const text = String(money.minor).padStart(digits + 1, '0');
  return `${text.slice(0, -digits)}.${text.slice(-digits)}`;
}

// Controls (a line break in a memo would split a row for a careless reader) and the invisible marks that
// reorder text on screen (a memo could make another line read backwards): neither belongs in a timesheet.
const CONTROLS = /[\p{Cc}\u200e\u200f\u202a-\u202e\u2066-\u2069]+/gu;

/** Text as one plain line: controls and runs of white space become one space. */
export function plainLine(text: string): string {
  return text.replace(CONTROLS, ' ').replace(/\s+/gu, ' ').trim();
}
