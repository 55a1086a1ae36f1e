import { join } from 'node:path';
import { InvalidArgumentError } from 'commander';
import { loadServerKeyRing, type ServerKeyRing } from '../crypto/server-keys.js';
import { DiskScreenshotStorage } from '../storage/disk.js';
import { S3ScreenshotStorage, s3OptionsFrom } from '../storage/s3.js';
import type { ScreenshotStorage } from '../storage/types.js';

/** The flags that say where screenshots live and which keys seal them (serve, purge, storage, keys). */
export interface StorageFlags {
  /** `disk` (the default: `<data dir>/screenshots`) or `s3://bucket[/prefix]`. */
  storage?: string;
  s3PathStyle?: boolean;
  keyFile?: string;
}

export const parseStorage = (value: string): string => {
  if (value !== 'disk' && !/^s3:\/\/\S+$/.test(value)) throw new InvalidArgumentError('expected disk or s3://bucket[/prefix]');
  return value;
};

/** The store the flags name; S3's endpoint, region and credentials come from the environment (storage/s3.ts). */
export function openStorage(flags: StorageFlags, dataDir: string, env: NodeJS.ProcessEnv = process.env): ScreenshotStorage {
  const where = flags.storage ?? 'disk';
  if (where === 'disk') return new DiskScreenshotStorage(join(dataDir, 'screenshots'));
  return new S3ScreenshotStorage(s3OptionsFrom(where, env, { pathStyle: flags.s3PathStyle }));
}

/** The server keys: WORKTRACE_SERVER_KEYS, else --key-file / WORKTRACE_SERVER_KEY_FILE, else `<data dir>/server-keys`. */
export function openKeys(flags: StorageFlags, dataDir: string, env: NodeJS.ProcessEnv = process.env): { ring: ServerKeyRing; source: string } {
  return loadServerKeyRing({ env, keyFile: flags.keyFile, defaultFile: join(dataDir, 'server-keys') });
}

/** Lets go of what a store holds open (the S3 client's sockets). */
export function closeStorage(storage: ScreenshotStorage): void {
  if (storage instanceof S3ScreenshotStorage) storage.close();
}
