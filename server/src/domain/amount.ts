import type { HourlyRate } from '../../../src/shared/protocol/api/index.js';

/** An amount of money in the currency's minor unit (cents for EUR, yen for JPY), with its ISO 4217 code. */
export interface Money {
  readonly minor: number;
  readonly currency: string;
}

const SECONDS_PER_HOUR = 3600;

/**
 * What billable time costs at an hourly rate: seconds × rate / 3600, rounded half-up to the minor unit, once.
 * A timesheet rounds once per week (the unit a client approves) and its grand total adds the weeks' rounded
 * amounts, so every line of the sheet adds up as printed. Exact in integers: at most 169 h × 10⁸ cents an hour
 * is 6·10¹³, far below 2⁵³.
 */
export function amountOf(billableSeconds: number, rate: HourlyRate): Money {
  return { minor: Math.floor((billableSeconds * rate.cents + SECONDS_PER_HOUR / 2) / SECONDS_PER_HOUR), currency: rate.currency };
}

/** Amounts in one currency, added (a timesheet's weeks share the contract's currency). */
export function addMoney(a: Money, b: Money): Money {
  if (a.currency !== b.currency) throw new Error(`cannot add ${a.currency} to ${b.currency}`);
  return { minor: a.minor + b.minor, currency: a.currency };
}
