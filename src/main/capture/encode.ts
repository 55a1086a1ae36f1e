import type sharpType from 'sharp';
import type { CapturedImage } from '../sensors/types.js';

export interface EncodeOptions {
  /** Blur on the device (policy `blurred`): strong enough that text cannot be read. */
  readonly blur: boolean;
  /** Largest output width in pixels; smaller images are never upscaled. Default 1280. */
  readonly maxWidth?: number;
  /** JPEG quality 1..100. Default 70. */
  readonly quality?: number;
}

export interface EncodedScreenshot {
  readonly jpeg: Buffer;
  readonly width: number;
  readonly height: number;
}

export const DEFAULT_MAX_WIDTH = 1280;
export const DEFAULT_QUALITY = 70;
/**
 * Gaussian sigma at the output size. At 1280 px wide, body text is ~8-12 px tall; sigma 12 spreads
 * each stroke over ~70 px, which leaves layout and colours visible but no readable glyph.
 */
export const BLUR_SIGMA = 12;

/**
 * Screenshot -> JPEG for storage: downscale to at most maxWidth, blur when asked, strip metadata.
 * Raw pixels are R,G,B(,A) in that order. Screens are opaque, so an alpha channel is dropped
 * rather than composited (X servers often leave it 0, which compositing would turn black).
 */
// sharp (libvips, its thread arenas and image buffers) costs the agent 25-50 MB of resident memory once it has
// encoded (measured with the headless agent): load it at the first screenshot that needs it, so a time-only agent,
// and one whose capturer encodes natively (kind 'jpeg'), never pays for it.
let sharpLoading: Promise<typeof sharpType> | null = null;
export function loadSharp(): Promise<typeof sharpType> {
  sharpLoading ??= import('sharp').then((module) => module.default);
  return sharpLoading;
}

export async function encodeScreenshot(image: CapturedImage, opts: EncodeOptions): Promise<EncodedScreenshot> {
  const maxWidth = opts.maxWidth ?? DEFAULT_MAX_WIDTH;
  const quality = opts.quality ?? DEFAULT_QUALITY;
  // A screenshot the capturer finished itself (the native encoder) is stored as it is, without loading
  // sharp, when it is what was asked for. One that is not blurred when blurring was asked goes through
  // sharp below, so a capturer that ignored the request can never store readable text.
  if (image.kind === 'jpeg' && image.width <= maxWidth && (image.blurred || !opts.blur)) {
    return { jpeg: image.data, width: image.width, height: image.height };
  }
  const sharp = await loadSharp();
  const input = image.kind === 'raw' ? await rawInput(sharp, image) : sharp(image.data).removeAlpha();

  // sharp resizes before it blurs, so the sigma applies at the output size.
  let pipeline = input.resize({ width: maxWidth, withoutEnlargement: true, fit: 'inside' });
  if (opts.blur) pipeline = pipeline.blur(BLUR_SIGMA);
  // sharp writes no metadata unless asked (no withMetadata/keepExif): EXIF, ICC and XMP are stripped.
  const { data, info } = await pipeline.jpeg({ quality }).toBuffer({ resolveWithObject: true });
  return { jpeg: data, width: info.width, height: info.height };
}

type RawImage = Extract<CapturedImage, { kind: 'raw' }>;

/**
 * Raw pixels go to sharp as they are (no copy in JS). Four channels need one more step: sharp
 * premultiplies by alpha before it resizes and drops the alpha band only at the end, so a screen
 * whose alpha bytes are 0 (usual for X's 32-bit pixels) would come out black. The alpha band is
 * removed first, in a pass without resizing (which does not premultiply).
 */
async function rawInput(sharp: typeof sharpType, image: RawImage): Promise<sharpType.Sharp> {
  const raw = { width: image.width, height: image.height, channels: image.channels };
  if (image.channels === 3) return sharp(image.data, { raw });
  const rgb = await sharp(image.data, { raw }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return sharp(rgb.data, { raw: { width: rgb.info.width, height: rgb.info.height, channels: 3 } });
}
