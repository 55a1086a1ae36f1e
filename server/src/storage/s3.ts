import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  ListObjectsV2Command,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  type ListObjectsV2CommandOutput,
  type _Object as S3Object,
} from '@aws-sdk/client-s3';
import type { Readable } from 'node:stream';
import { newStorageKey, requireStorageKey, type ScreenshotStorage } from './types.js';

/** Where the bucket is and how to reach it. Credentials come from the SDK's usual chain (AWS_ACCESS_KEY_ID, …). */
export interface S3StorageOptions {
  readonly bucket: string;
  /** An S3-compatible endpoint (Ceph RGW, MinIO, Swift's s3api); undefined means AWS itself. */
  readonly endpoint?: string;
  readonly region: string;
  /** `https://endpoint/bucket/key` instead of `https://bucket.endpoint/key`: what most self-hosted stores need. */
  readonly forcePathStyle: boolean;
  /** Explicit credentials (tests); otherwise the SDK's default chain. */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** Every key goes under this prefix (one bucket shared by several deployments). */
  readonly prefix?: string;
  /** Keys per ListObjectsV2 page (MaxKeys); the store's own limit (1000 on S3, Ceph and Swift) when unset. */
  readonly listPageSize?: number;
}

export class S3StorageError extends Error {
  override readonly name = 'S3StorageError';
  readonly code = 'OBJECT_STORE_FAILED';
}

const REQUEST_TIMEOUT_MS = 30_000;

/**
 * Screenshot objects in an S3-compatible bucket (@aws-sdk/client-s3). The SDK's default request checksums send
 * aws-chunked uploads that Ceph RGW and Swift refuse, so checksums are computed only when an operation requires
 * them (the objects are sealed with GCM anyway: a changed byte fails to open). What a store keeps after DeleteObject
 * (Ceph keeps the freed blocks) cannot be opened: the object's key went with its row first (crypto-shredding).
 */
export class S3ScreenshotStorage implements ScreenshotStorage {
  readonly kind = 's3' as const;
  private readonly client: S3Client;
  /** For streamed puts: a stream is read once, so a failed attempt cannot be sent again (the agent retries the upload). */
  private readonly onceClient: S3Client;
  private readonly prefix: string;

  constructor(private readonly options: S3StorageOptions) {
    this.prefix = options.prefix ? `${options.prefix.replace(/\/+$/, '')}/` : '';
    const client = (maxAttempts: number) =>
      new S3Client({
        region: options.region,
        endpoint: options.endpoint,
        forcePathStyle: options.forcePathStyle,
        credentials: options.credentials,
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
        requestHandler: { requestTimeout: REQUEST_TIMEOUT_MS, connectionTimeout: 5_000 },
        maxAttempts,
      });
    this.client = client(3);
    this.onceClient = client(1);
  }

  get bucket(): string {
    return this.options.bucket;
  }

  private objectKey(key: string): string {
    return this.prefix + requireStorageKey(key);
  }

  async put(id: string, body: Buffer | Readable, length?: number): Promise<string> {
    const key = newStorageKey(id);
    await this.putAt(key, body, length);
    return key;
  }

  /**
   * One PutObject: a stream of known length is sent as it arrives (the object appears whole or not at all, so a
   * stream that fails leaves nothing). PutObject needs the length before the body; a stream without one (a chunked
   * upload: the agent always says its length) is read into memory first, which its caller bounds.
   */
  async putAt(key: string, body: Buffer | Readable, length?: number): Promise<void> {
    const known = Buffer.isBuffer(body) ? body.length : length;
    // A stream that fails on its way (the upload refused, its client gone) ends the request at once: no object.
    const abort = new AbortController();
    if (!Buffer.isBuffer(body)) body.once('error', (error) => abort.abort(error));
    const sent = known === undefined ? await readWhole(body as Readable) : body;
    await this.call('put', async () => {
      try {
        return await (Buffer.isBuffer(sent) ? this.client : this.onceClient).send(
          new PutObjectCommand({
            Bucket: this.options.bucket,
            Key: this.objectKey(key),
            Body: sent,
            ContentLength: known ?? (sent as Buffer).length,
            ContentType: 'application/octet-stream',
          }),
          { abortSignal: abort.signal },
        );
      } catch (error) {
        // The SDK does not always consume a stream it gave up on: end it, or whoever writes into it waits for ever.
        if (!Buffer.isBuffer(sent)) sent.destroy();
        throw error;
      }
    });
  }

  async get(key: string): Promise<Buffer | undefined> {
    try {
      const object = await this.client.send(new GetObjectCommand({ Bucket: this.options.bucket, Key: this.objectKey(key) }));
      if (!object.Body) return undefined;
      return Buffer.from(await object.Body.transformToByteArray());
    } catch (error) {
      // Only a missing object is "nothing stored": a missing bucket (also a 404) is a misconfigured store, and answering
      // undefined for it would tell the parties their screenshots are gone.
      if (error instanceof NoSuchKey || (error instanceof S3ServiceException && error.$metadata.httpStatusCode === 404 && error.name !== 'NoSuchBucket')) return undefined;
      throw this.failed('get', error);
    }
  }

  async delete(key: string): Promise<void> {
    // S3 answers 204 for a key that is not there: deleting twice is fine.
    await this.call('delete', () => this.client.send(new DeleteObjectCommand({ Bucket: this.options.bucket, Key: this.objectKey(key) })));
  }

  async *list(): AsyncIterable<string> {
    for await (const page of this.pages()) for (const object of page) yield object.key;
  }

  /** The sweep of objects whose row never committed: a store has no temporaries, so nothing else goes. */
  async *keysWrittenBefore(before: number, batchSize: number): AsyncIterable<string[]> {
    let batch: string[] = [];
    for await (const page of this.pages()) {
      for (const object of page) {
        if (object.modifiedAt >= before) continue;
        batch.push(object.key);
        if (batch.length >= batchSize) {
          yield batch;
          batch = [];
        }
      }
    }
    if (batch.length > 0) yield batch;
  }

  /** ListObjectsV2 a page at a time, keys without the prefix. */
  private async *pages(): AsyncIterable<{ key: string; modifiedAt: number }[]> {
    let token: string | undefined;
    do {
      const page: ListObjectsV2CommandOutput = await this.call('list', () =>
        this.client.send(new ListObjectsV2Command({ Bucket: this.options.bucket, Prefix: this.prefix || undefined, ContinuationToken: token, MaxKeys: this.options.listPageSize })),
      );
      yield (page.Contents ?? []).flatMap((o: S3Object) => (o.Key ? [{ key: o.Key.slice(this.prefix.length), modifiedAt: o.LastModified?.getTime() ?? 0 }] : []));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async check(): Promise<void> {
    await this.call('check', () => this.client.send(new HeadBucketCommand({ Bucket: this.options.bucket })));
  }

  close(): void {
    this.client.destroy();
    this.onceClient.destroy();
  }

  private async call<T>(what: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw this.failed(what, error);
    }
  }

  private failed(what: string, error: unknown): S3StorageError {
    const service: S3ServiceException | undefined = error instanceof S3ServiceException ? error : undefined;
    const status = service ? ` (${service.name}, HTTP ${service.$metadata.httpStatusCode ?? '?'})` : ` (${(error as Error).name})`;
    return new S3StorageError(`object store ${what} failed in bucket ${this.options.bucket}${status}`, { cause: error });
  }
}

async function readWhole(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * `--storage s3://bucket[/prefix]` with the rest from the environment: WORKTRACE_S3_ENDPOINT (an S3-compatible
 * endpoint; AWS itself when unset), WORKTRACE_S3_REGION or AWS_REGION (default us-east-1), WORKTRACE_S3_PATH_STYLE=1
 * (or the --s3-path-style flag), credentials by the SDK's chain (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, profiles,
 * instance roles).
 */
export function s3OptionsFrom(url: string, env: NodeJS.ProcessEnv, flags: { pathStyle?: boolean } = {}): S3StorageOptions {
  const match = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/([A-Za-z0-9/_-]*))?$/.exec(url);
  if (!match?.[1]) throw new S3StorageError(`expected s3://bucket[/prefix], got ${JSON.stringify(url)}`);
  const endpoint = env.WORKTRACE_S3_ENDPOINT || undefined;
  if (endpoint !== undefined && !/^https?:\/\/\S+$/.test(endpoint)) throw new S3StorageError('WORKTRACE_S3_ENDPOINT must be an http(s):// URL');
  return {
    bucket: match[1],
    prefix: match[2] || undefined,
    endpoint,
    region: env.WORKTRACE_S3_REGION || env.AWS_REGION || 'us-east-1',
    forcePathStyle: flags.pathStyle === true || env.WORKTRACE_S3_PATH_STYLE === '1' || env.WORKTRACE_S3_PATH_STYLE === 'true',
  };
}
