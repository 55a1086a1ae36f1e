import type { SqlDatabase, SqlStatement } from './sqlite/driver.js';
import type { Clock } from '../../shared/clock.js';
import { MAX_PRIVATE_RULES, foldCase, privateWindowRuleSchema, type PrivateWindowRule } from '../../shared/privacy/index.js';
import { StoreError } from './errors.js';

interface RuleRow {
  kind: string;
  pattern: string;
}

/**
 * The freelancer's own private-window list. It stays on this device: nothing here is ever queued for upload.
 * Rows are checked again when read: one that is not a rule makes the whole list unreadable, and an unreadable list
 * means no screenshots (never screenshots without the rule that was damaged).
 */
export class PrivateWindowsRepository {
  private readonly all: SqlStatement<[], RuleRow>;
  private readonly insert: SqlStatement<[string, string, string, number]>;
  private readonly deleteRule: SqlStatement<[string, string]>;
  private readonly count: SqlStatement<[], { n: number }>;

  constructor(
    private readonly db: SqlDatabase,
    private readonly clock: Pick<Clock, 'now'>,
  ) {
    this.all = db.prepare('SELECT kind, pattern FROM private_windows ORDER BY id');
    this.insert = db.prepare('INSERT INTO private_windows (kind, pattern, folded, added_at) VALUES (?, ?, ?, ?) ON CONFLICT (kind, folded) DO NOTHING');
    this.deleteRule = db.prepare('DELETE FROM private_windows WHERE kind = ? AND folded = ?');
    this.count = db.prepare('SELECT count(*) AS n FROM private_windows');
  }

  /** The rules in the order they were added. Throws PRIVATE_LIST_UNREADABLE for a row that is not a rule. */
  list(): PrivateWindowRule[] {
    return this.all.all().map((row, index) => {
      const parsed = privateWindowRuleSchema.safeParse(row);
      if (!parsed.success) {
        throw new StoreError('PRIVATE_LIST_UNREADABLE', `Private window rule ${index + 1} is damaged (${parsed.error.issues[0]?.message ?? 'not a rule'}): remove it and add it again.`);
      }
      return parsed.data;
    });
  }

  /** Adds a rule (validated by the caller's schema); false when the same rule (in any letter case) is there already. */
  add(rule: PrivateWindowRule): boolean {
    const checked = privateWindowRuleSchema.parse(rule);
    return this.db.transaction(() => {
      if (this.count.get()!.n >= MAX_PRIVATE_RULES) {
        throw new StoreError('PRIVATE_LIST_FULL', `The private-window list holds ${MAX_PRIVATE_RULES} rules already: remove one first.`);
      }
      return this.insert.run(checked.kind, checked.pattern, foldCase(checked.pattern), this.clock.now()).changes === 1;
    })();
  }

  /** Removes a rule, matched like add() (kind and pattern in any letter case); false when it was not there. */
  remove(rule: PrivateWindowRule): boolean {
    return this.deleteRule.run(rule.kind, foldCase(rule.pattern.trim())).changes === 1;
  }
}
