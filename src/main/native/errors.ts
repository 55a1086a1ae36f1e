/** Codes the native addons throw with (native/src, native/src/win), plus the facade's own. */
export type NativeX11ErrorCode =
  | 'ERR_NATIVE_UNAVAILABLE'
  | 'ERR_NO_DISPLAY'
  | 'ERR_NO_EXTENSION'
  | 'ERR_RECORD'
  | 'ERR_CAPTURE'
  | 'ERR_UNSUPPORTED_VISUAL'
  | 'ERR_IDLE'
  | 'ERR_CONNECTION_LOST'
  | 'ERR_CLOSED'
  | 'ERR_ALREADY_STARTED'
  | 'ERR_INVALID_ARG'
  | 'ERR_NO_MEMORY'
  | 'ERR_ENCODE'
  | 'ERR_HOOK'
  | 'ERR_NATIVE_UNKNOWN';

const KNOWN: ReadonlySet<string> = new Set<NativeX11ErrorCode>([
  'ERR_NATIVE_UNAVAILABLE',
  'ERR_NO_DISPLAY',
  'ERR_NO_EXTENSION',
  'ERR_RECORD',
  'ERR_CAPTURE',
  'ERR_UNSUPPORTED_VISUAL',
  'ERR_IDLE',
  'ERR_CONNECTION_LOST',
  'ERR_CLOSED',
  'ERR_ALREADY_STARTED',
  'ERR_INVALID_ARG',
  'ERR_NO_MEMORY',
  'ERR_ENCODE',
  'ERR_HOOK',
]);

/** A native failure with a stable code; the message is written for a person. */
export class NativeX11Error extends Error {
  override readonly name = 'NativeX11Error';
  constructor(
    readonly code: NativeX11ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Wraps whatever the addon threw; its `code` survives, anything unexpected becomes ERR_NATIVE_UNKNOWN. */
export function toNativeX11Error(error: unknown): NativeX11Error {
  if (error instanceof NativeX11Error) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  const known = typeof code === 'string' && KNOWN.has(code) ? (code as NativeX11ErrorCode) : 'ERR_NATIVE_UNKNOWN';
  return new NativeX11Error(known, message, { cause: error });
}
