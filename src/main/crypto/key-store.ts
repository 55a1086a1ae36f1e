/**
 * Where the screenshot key lives. Headless agents keep it in a 0600 file (FileKeyStore); the Electron
 * app will add a KeyStore backed by the OS keychain (safeStorage). The key itself is never logged.
 */
export interface KeyStore {
  /** The 32-byte key, created on first use. */
  loadOrCreate(): Promise<Buffer>;
}
