import sharp from 'sharp';

// libvips keeps recent operations and their buffers (up to 50 MB) for reuse; every upload is other bytes,
// so in the server that cache would only hold on to decoded screenshots. This process uses sharp only here.
sharp.cache(false);

/**
 * Far more than any screenshot the agent sends (1280 px wide, however tall the screens stack), small enough
 * that a hostile file cannot make one decode long or large.
 */
const MAX_PIXELS = 16_000_000;

const SOI = 0xd8;
const EOI = 0xd9;
const SOS = 0xda;
/** Markers without a length: TEM and the restart markers inside scans. */
const standalone = (marker: number) => marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7);
/** Start-of-frame markers (C0-CF but DHT C4, JPG C8 and DAC CC): the image's size and sampling. */
const startOfFrame = (marker: number) => marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;

/**
 * Why these bytes are not laid out as one whole JPEG, or null when they are: SOI, marker segments whose
 * lengths fit, a frame header before the first scan, entropy-coded data, and EOI as the very last two
 * bytes. This is what decoders do not check for us: libjpeg stops at the first EOI and ignores what
 * follows, so anything could ride behind a real image.
 *
 *   FF D8 | FF xx len … | … | FF C0 len … | FF DA len … <scan: FF 00, FF D0-D7 inside> | … | FF D9 <end>
 */
export function jpegLayoutProblem(bytes: Buffer): string | null {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== SOI) return 'it does not start as a JPEG (FF D8)';
  let pos = 2;
  let framed = false;
  while (pos < bytes.length) {
    if (bytes[pos] !== 0xff) return `no marker where one must be (byte ${pos})`;
    while (bytes[pos] === 0xff) pos += 1; // fill bytes
    const marker = bytes[pos];
    if (marker === undefined) return 'it ends inside a marker';
    pos += 1;
    if (marker === EOI) return pos === bytes.length ? (framed ? null : 'it has no image frame') : `${bytes.length - pos} bytes follow the end of the image`;
    if (standalone(marker)) continue;
    if (pos + 2 > bytes.length) return 'it ends inside a marker segment';
    const length = bytes.readUInt16BE(pos);
    if (length < 2 || pos + length > bytes.length) return `a marker segment (FF ${marker.toString(16).toUpperCase()}) runs past the end`;
    pos += length;
    if (startOfFrame(marker)) framed = true;
    if (marker !== SOS) continue;
    if (!framed) return 'a scan comes before the image frame';
    // Entropy-coded data: FF is escaped as FF 00, and restart markers may appear; any other marker ends it.
    while (pos < bytes.length && !(bytes[pos] === 0xff && bytes[pos + 1] !== 0x00 && !standalone(bytes[pos + 1] ?? 0))) pos += 1;
  }
  return 'it has no end of image (FF D9)';
}

/**
 * Why these bytes are not a JPEG screenshot, or null when they are one: the layout above, then a decode by
 * libvips (sharp) with warnings treated as errors, so corrupt or cut image data is refused, not only a wrong
 * header. The decode is asked for the image's last pixel row, read sequentially: every coded block before it
 * must be decoded to reach it, while memory stays at a few rows (a shrunk decode is cheaper but lets libvips
 * skip the last rows, where a cut shows).
 */
export async function jpegProblem(bytes: Buffer): Promise<string | null> {
  const layout = jpegLayoutProblem(bytes);
  if (layout) return layout;
  try {
    const image = sharp(bytes, { failOn: 'warning', limitInputPixels: MAX_PIXELS, sequentialRead: true });
    const { format, width = 0, height = 0 } = await image.metadata();
    if (format !== 'jpeg') return `it decodes as ${format ?? 'nothing known'}, not JPEG`;
    await image.extract({ left: 0, top: height - 1, width, height: 1 }).raw().toBuffer();
    return null;
  } catch (error) {
    return `it does not decode: ${(error as Error).message.split('\n')[0]}`;
  }
}
