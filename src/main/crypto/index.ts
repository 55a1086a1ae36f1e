export { CryptoError, type CryptoErrorCode } from './errors.js';
export { BLOB_VERSION, KEY_BYTES, decryptScreenshot, encryptScreenshot } from './screenshot-cipher.js';
export type { KeyStore } from './key-store.js';
export { FileKeyStore, KEY_FILE_NAME } from './file-key-store.js';
