import { ulid } from 'ulid';
import type { Clock } from '../../../src/shared/clock.js';
import type { ScreenshotMode } from '../../../src/shared/protocol/index.js';
import type { UserRole } from '../../../src/shared/protocol/api/index.js';
import { hashPassword } from '../auth/passwords.js';
import type { ContractRow, Repositories, UserRow } from '../repository/index.js';

/** Creates a user unless one with that email exists; returns the stored user either way. */
export async function ensureUser(repos: Repositories, clock: Clock, email: string, password: string, role: UserRole): Promise<UserRow> {
  const existing = await repos.users.findByEmail(email);
  if (existing) return existing;
  const user: UserRow = { id: ulid(clock.now()), email: email.toLowerCase(), role, passwordHash: await hashPassword(password), createdAt: clock.now() };
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
 * A contract with its first policy version. The contract starts when that version takes effect: time
 * from before it is never billed to the contract (domain/policy-history.ts).
 */
export async function createContract(repos: Repositories, clock: Clock, c: NewContract): Promise<ContractRow> {
  const id = ulid(clock.now());
  const now = clock.now();
  const startsAt = Math.min(c.startsAt ?? now, now);
  await repos.transaction(async (tx) => {
    await tx.contracts.create({ id, name: c.name, clientId: c.clientId, freelancerId: c.freelancerId, segmentSeconds: c.segmentSeconds, createdAt: now });
    await tx.contracts.addPolicyVersion({ contractId: id, version: 1, screenshots: c.screenshots, retentionDays: c.retentionDays, effectiveFrom: startsAt });
  });
  const created = await repos.contracts.find(id);
  if (!created) throw new Error('contract vanished after creation');
  return created;
}

export const DEMO_ACCOUNTS = [
  { email: 'client@demo.test', password: 'demo-client-pass', role: 'client' },
  { email: 'freelancer@demo.test', password: 'demo-freelancer-pass', role: 'freelancer' },
  { email: 'other@demo.test', password: 'demo-other-pass', role: 'freelancer' },
] as const satisfies readonly { email: string; password: string; role: UserRole }[];

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
  const [client, freelancer] = [
    await ensureUser(repos, clock, DEMO_ACCOUNTS[0].email, DEMO_ACCOUNTS[0].password, DEMO_ACCOUNTS[0].role),
    await ensureUser(repos, clock, DEMO_ACCOUNTS[1].email, DEMO_ACCOUNTS[1].password, DEMO_ACCOUNTS[1].role),
  ];
  await ensureUser(repos, clock, DEMO_ACCOUNTS[2].email, DEMO_ACCOUNTS[2].password, DEMO_ACCOUNTS[2].role);
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
