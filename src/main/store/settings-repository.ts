import type { SqlDatabase, SqlStatement } from './sqlite/driver.js';

/** Small key/value facts the agent keeps between runs (last sync time, last error, chosen contract). */
export class SettingsRepository {
  private readonly read: SqlStatement<[string], { value: string }>;
  private readonly write: SqlStatement<[string, string]>;
  private readonly remove: SqlStatement<[string]>;

  constructor(db: SqlDatabase) {
    this.read = db.prepare('SELECT value FROM settings WHERE key = ?');
    this.write = db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
    this.remove = db.prepare('DELETE FROM settings WHERE key = ?');
  }

  get(key: string): string | null {
    return this.read.get(key)?.value ?? null;
  }

  set(key: string, value: string): void {
    this.write.run(key, value);
  }

  delete(key: string): void {
    this.remove.run(key);
  }
}
