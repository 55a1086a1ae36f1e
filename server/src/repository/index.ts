import { join } from 'node:path';
import { ContractsRepository } from './contracts.js';
import { DisputesRepository } from './disputes.js';
import { InvitationsRepository } from './invitations.js';
import { PostgresDatabase } from './postgres/database.js';
import { postgresMigrations } from './postgres/migrations/index.js';
import { ScreenshotsRepository } from './screenshots.js';
import { SegmentsRepository } from './segments.js';
import { SignInLimitsRepository } from './sign-in-limits.js';
import { migrate, type SqlDatabase, type SqlExecutor } from './sql.js';
import { SqliteDatabase } from './sqlite/database.js';
import { sqliteMigrations } from './sqlite/migrations/index.js';
import { TokensRepository } from './tokens.js';
import { UsersRepository } from './users.js';
import { WeekApprovalsRepository } from './week-approvals.js';

/** The repositories over one executor: the database itself, or one open transaction. */
export interface RepositorySet {
  readonly users: UsersRepository;
  readonly tokens: TokensRepository;
  readonly contracts: ContractsRepository;
  readonly invitations: InvitationsRepository;
  readonly segments: SegmentsRepository;
  readonly screenshots: ScreenshotsRepository;
  readonly signInLimits: SignInLimitsRepository;
  readonly weekApprovals: WeekApprovalsRepository;
  readonly disputes: DisputesRepository;
}

export interface Repositories extends RepositorySet {
  readonly dialect: SqlDatabase['dialect'];
  /** Cross-process messages, where the database offers them (PostgreSQL). */
  readonly notifications?: SqlDatabase['notifications'];
  /** One logical write: every repository used inside `work` shares the transaction. */
  transaction<T>(work: (tx: RepositorySet) => Promise<T>): Promise<T>;
  /** Runs `work` unless another process holds the lock `name` (PostgreSQL advisory lock; SQLite is one process). */
  exclusively: SqlDatabase['exclusively'];
  /** Answers when the database answers (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

function repositorySet(sql: SqlExecutor, dialect: SqlDatabase['dialect']): RepositorySet {
  return {
    users: new UsersRepository(sql, dialect),
    tokens: new TokensRepository(sql),
    contracts: new ContractsRepository(sql, dialect),
    invitations: new InvitationsRepository(sql),
    segments: new SegmentsRepository(sql),
    screenshots: new ScreenshotsRepository(sql),
    signInLimits: new SignInLimitsRepository(sql, dialect),
    weekApprovals: new WeekApprovalsRepository(sql),
    disputes: new DisputesRepository(sql),
  };
}

export function repositoriesOver(db: SqlDatabase): Repositories {
  return {
    ...repositorySet(db, db.dialect),
    dialect: db.dialect,
    notifications: db.notifications,
    transaction: (work) => db.transaction((tx) => work(repositorySet(tx, db.dialect))),
    exclusively: (name, work) => db.exclusively(name, work),
    ping: () => db.ping(),
    close: () => db.close(),
  };
}

/**
 * Opens the database the configuration names and brings its schema up to date: a postgres:// URL,
 * or else the embedded SQLite file in the data directory.
 */
export async function openRepositories(options: { databaseUrl?: string; dataDir: string; now: number }): Promise<Repositories> {
  const url = options.databaseUrl;
  const isPostgres = url !== undefined && /^postgres(ql)?:\/\//.test(url);
  const db: SqlDatabase = isPostgres ? new PostgresDatabase(url) : new SqliteDatabase(url ?? join(options.dataDir, 'worktrace.db'));
  try {
    await migrate(db, isPostgres ? postgresMigrations : sqliteMigrations, options.now);
  } catch (error) {
    await db.close().catch(() => undefined);
    throw error;
  }
  return repositoriesOver(db);
}

export type { ApprovalSettingsRow, ContractRow, ContractStateRow, InvitationRow, NewContractRow, NewPolicyVersion, PolicyVersionRow, ScreenshotRow, SegmentRow, UserRow, WeekApprovalRow } from './types.js';
export type { DisputeRow, DisputedSegmentRow } from './disputes.js';
