/** What the tray icon says at a glance. */
export type TrayIconState = 'tracking' | 'paused' | 'offline';

export const TRAY_ICON_SIZE = 16;

/** BGRA colours (the byte order of nativeImage.createFromBitmap). */
const COLOURS: Readonly<Record<TrayIconState, readonly [number, number, number]>> = {
  tracking: [0x3c, 0xa8, 0x2e], // green
  paused: [0x80, 0x80, 0x80], // grey
  offline: [0x1e, 0x8c, 0xe6], // orange
};

/**
 * The icon drawn in code as a 16×16 BGRA bitmap, so the app ships no image files that could go missing from the
 * package: a filled dot while tracking or paused, a ring (hollow) while offline — shape as well as colour, for
 * people who do not tell green from orange.
 */
export function trayIconBitmap(state: TrayIconState): Buffer {
  const size = TRAY_ICON_SIZE;
  const bitmap = Buffer.alloc(size * size * 4);
  const [b, g, r] = [COLOURS[state][0], COLOURS[state][1], COLOURS[state][2]];
  const centre = (size - 1) / 2;
  for (let y = 0; y < size; y += 1) {
    for (let x = 0; x < size; x += 1) {
      const distance = Math.hypot(x - centre, y - centre);
      const inside = distance <= 6.5 && (state !== 'offline' || distance >= 4);
      if (!inside) continue;
      const offset = (y * size + x) * 4;
      bitmap[offset] = b;
      bitmap[offset + 1] = g;
      bitmap[offset + 2] = r;
      bitmap[offset + 3] = 0xff;
    }
  }
  return bitmap;
}
