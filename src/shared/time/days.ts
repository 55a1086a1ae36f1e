/**
 * Local midnight (epoch ms) of the calendar day containing `epochMs`, in the runtime's time zone.
 * Used only for "elapsed today" in a status line; records never depend on it. On a day whose
 * midnight does not exist (a DST jump at 00:00), it is the first moment of that day.
 */
export function localDayStartOf(epochMs: number): number {
  const d = new Date(epochMs);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}
