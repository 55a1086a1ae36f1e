import { z } from 'zod';
import type { SettingsRepository } from '../store/index.js';

/**
 * What `status` shows about past syncs, kept in the settings table: per contract, the last pass that ended
 * with its queue drained and the last error (with when it happened).
 */
const errorSchema = z.object({ at: z.number(), message: z.string() }).strict();
export type SyncErrorRecord = z.infer<typeof errorSchema>;

export interface ContractSyncState {
  /** Epoch ms of the last successful upload. */
  readonly lastSuccessAt: number | null;
  readonly lastError: SyncErrorRecord | null;
}

const successKey = (contractId: string) => `sync.${contractId}.lastSuccessAt`;
const errorKey = (contractId: string) => `sync.${contractId}.lastError`;
const GLOBAL = '*';

export class SyncStateRepository {
  constructor(private readonly settings: SettingsRepository) {}

  recordSuccess(contractId: string, at: number): void {
    this.settings.set(successKey(contractId), String(at));
  }

  /** `contractId` null: an error of the whole sync (signed out, server unreachable). */
  recordError(contractId: string | null, at: number, message: string): void {
    this.settings.set(errorKey(contractId ?? GLOBAL), JSON.stringify({ at, message }));
  }

  get(contractId: string | null): ContractSyncState {
    const key = contractId ?? GLOBAL;
    const success = Number(this.settings.get(successKey(key)));
    let lastError: SyncErrorRecord | null = null;
    const text = this.settings.get(errorKey(key));
    if (text) {
      try {
        lastError = errorSchema.parse(JSON.parse(text));
      } catch {
        lastError = null; // a damaged record is not worth failing `status` over
      }
    }
    return { lastSuccessAt: Number.isFinite(success) && success > 0 ? success : null, lastError };
  }
}
