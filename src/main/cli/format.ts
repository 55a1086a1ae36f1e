/** Small formatting helpers for the CLI's human output (times in the person's local zone). */

export function clockTime(epochMs: number): string {
  const d = new Date(epochMs);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function clockTimeSeconds(epochMs: number): string {
  return `${clockTime(epochMs)}:${pad(new Date(epochMs).getSeconds())}`;
}

/** 3725000 -> "1:02:05". */
export function duration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return `${h}:${pad(m)}:${pad(s)}`;
}

export function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
