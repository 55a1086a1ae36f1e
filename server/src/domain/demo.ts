import { ulid } from 'ulid';
import type { Clock } from '../../../src/shared/clock.js';
import type { ScreenshotMode } from '../../../src/shared/protocol/index.js';
import { DEFAULT_AUTO_APPROVE_DAYS, DEFAULT_KEEP_SCREENSHOTS_AFTER_END_DAYS } from '../../../src/shared/protocol/api/index.js';
import { hashPassword } from '../auth/passwords.js';
import type { ContractRow, Repositories, UserRow } from '../repository/index.js';

/**
 * Creates an account unless one with that email exists; returns the stored account either way. For the demo seed and
 * the tests' fixtures: no password rules (the demo's passwords are printed on purpose).
 */
export async function ensureUser(repos: Repositories, clock: Clock, account: { email: string; password: string; name: string }): Promise<UserRow> {
  const existing = await repos.users.findByEmail(account.email);
  if (existing) return existing;
  const user: UserRow = {
    id: ulid(clock.now()),
    email: account.email.toLowerCase(),
    name: account.name,
    passwordHash: await hashPassword(account.password),
    createdAt: clock.now(),
    disabledAt: null,
  };
  await repos.users.create(user);
  return user;
}

export interface NewContract {
  readonly name: string;
  readonly clientId: string;
  readonly freelancerId: string;
  readonly segmentSeconds: number;
  readonly screenshots: ScreenshotMode;
  readonly retentionDays: number;
  /** When the contract starts: its first policy version is in force from then (default: now, never later). */
  readonly startsAt?: number;
}

/**
 * A contract between two accounts that is already running: its first policy version and its active state, in force
 * from its start (time from before it is never billed to it: domain/policy-history.ts). For the demo seed and the
 * tests' fixtures; over the API a contract starts invited and becomes active when the freelancer accepts
 * (domain/contracts.ts, invitations.ts).
 */
export async function createContract(repos: Repositories, clock: Clock, c: NewContract): Promise<ContractRow> {
  const id = ulid(clock.now());
  const now = clock.now();
  const startsAt = Math.min(c.startsAt ?? now, now);
  await repos.transaction(async (tx) => {
    await tx.contracts.create({
      id,
      name: c.name,
      clientId: c.clientId,
      freelancerId: c.freelancerId,
      segmentSeconds: c.segmentSeconds,
      createdAt: now,
      hourlyRateCents: null,
      currency: null,
      weeklyLimitHours: null,
      timeZone: 'UTC',
      keepScreenshotsAfterEndDays: DEFAULT_KEEP_SCREENSHOTS_AFTER_END_DAYS,
      autoApproveDays: DEFAULT_AUTO_APPROVE_DAYS,
      deleteScreenshotsOnApproval: false,
    });
    await tx.contracts.addPolicyVersion({ contractId: id, version: 1, screenshots: c.screenshots, retentionDays: c.retentionDays, effectiveFrom: startsAt });
    await tx.contracts.addState({ contractId: id, seq: 1, state: 'active', at: startsAt, bySide: null, byUserId: null });
  });
  const created = await repos.contracts.find(id);
  if (!created) throw new Error('contract vanished after creation');
  return created;
}

/** The demo's accounts: `label` says what each is in the demo contract (an account has no role of its own). */
export const DEMO_ACCOUNTS = [
  { email: 'client@demo.test', password: 'demo-client-pass', name: 'Demo Client', label: 'client' },
  { email: 'freelancer@demo.test', password: 'demo-freelancer-pass', name: 'Demo Freelancer', label: 'freelancer' },
  { email: 'other@demo.test', password: 'demo-other-pass', name: 'Other Freelancer', label: 'other' },
] as const satisfies readonly { email: string; password: string; name: string; label: string }[];

export const DEMO_CONTRACT_NAME = 'Demo contract';

/**
 * The demo contract starts this long before it is seeded, so that work an agent recorded before the demo
 * server first ran (offline, or the earlier days a test replays) lies inside it and is not refused as
 * time from before the contract.
 */
export const DEMO_CONTRACT_HEAD_START_MS = 30 * 86_400_000;

/**
 * The --demo data, idempotently: running it again finds what is there and adds nothing. An existing
 * demo contract keeps its segment length (segment length is fixed for a contract's life).
 */
export async function seedDemo(repos: Repositories, clock: Clock, options: { segmentSeconds: number; retentionDays: number }): Promise<ContractRow> {
  const [client, freelancer] = [await ensureUser(repos, clock, DEMO_ACCOUNTS[0]), await ensureUser(repos, clock, DEMO_ACCOUNTS[1])];
  await ensureUser(repos, clock, DEMO_ACCOUNTS[2]);
  const existing = await repos.contracts.findByName(client.id, DEMO_CONTRACT_NAME);
  if (existing) return existing;
  return createContract(repos, clock, {
    name: DEMO_CONTRACT_NAME,
    clientId: client.id,
    freelancerId: freelancer.id,
    segmentSeconds: options.segmentSeconds,
    screenshots: 'on',
    retentionDays: options.retentionDays,
    startsAt: clock.now() - DEMO_CONTRACT_HEAD_START_MS,
  });
}
