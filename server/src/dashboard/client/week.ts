/** Weeks run Monday to Monday in the viewer's time zone, as a timesheet does. */
const DAY_MS = 86_400_000;

export function startOfDay(at: Date): Date {
  return new Date(at.getFullYear(), at.getMonth(), at.getDate());
}

export function addDays(at: Date, days: number): Date {
  // Calendar arithmetic, not +24 h: a DST change makes one day 23 or 25 hours long.
  return new Date(at.getFullYear(), at.getMonth(), at.getDate() + days);
}

export function startOfWeek(at: Date): Date {
  const day = startOfDay(at);
  return addDays(day, -((day.getDay() + 6) % 7));
}

/** "2026-11-23" for a local date: the week's key in the address bar. */
export function dateKey(at: Date): string {
  return `${at.getFullYear()}-${String(at.getMonth() + 1).padStart(2, '0')}-${String(at.getDate()).padStart(2, '0')}`;
}

export function parseDateKey(key: string | null): Date | undefined {
  const match = key ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(key) : null;
  if (!match) return undefined;
  return new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
}

export const isSameDay = (a: Date, b: Date): boolean => Math.abs(startOfDay(a).getTime() - startOfDay(b).getTime()) < DAY_MS / 2;
