import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SaveTarget } from '../../../../src/main/app/index.js';
import { segmentBody } from '../../../../server/tests/support/server.js';
import { FakeClock } from '../../../support/fake-clock.js';
import { DEMO_PASSWORDS, startLiveServer, type LiveServer } from '../../../integration/sync/support/live-server.js';
import { expectError, expectOk, openService, type ServiceHarness } from './support.js';

/** Wednesday 2026-12-02 10:00:01 UTC, in the demo contract's zone (UTC): the week of Monday 2026-11-30. */
const NOW = Date.UTC(2026, 11, 2, 10, 0, 1);

/**
 * Saving a timesheet from the app, main side: the file fetched with the app's session from the real server on
 * loopback, written where the (stand-in) save dialog says, atomically and 0600, byte for byte the server's file, never
 * over a file the dialog did not confirm replacing; offline and refusals answered in words with nothing written.
 */
describe('AppService: saving a timesheet', () => {
  let server: LiveServer;
  let h: ServiceHarness;
  let freelancerToken: string;
  const dir = mkdtempSync(join(tmpdir(), 'wt-timesheet-'));
  const clock = new FakeClock({ wallMs: NOW });
  /** What the save dialog answers next (null: cancelled), and the suggestions it was shown. */
  let answer: SaveTarget | null = null;
  const asked: { defaultName: string; format: string }[] = [];
  const serverFile = async (format: 'csv' | 'pdf') =>
    (await server.api('GET', `/contracts/${server.contractId}/timesheet.${format}?from=2026-11-30&to=2026-12-06`, { token: freelancerToken })).bytes;
  const save = (format: 'csv' | 'pdf', from = '2026-12-02', to = '2026-12-02') => h.service.invoke('timesheet:save', { contractId: server.contractId, from, to, format });

  beforeAll(async () => {
    server = await startLiveServer({ clock, segmentSeconds: 60 });
    h = await openService({
      clock,
      saveDialog: {
        choose: async (suggestion) => {
          asked.push(suggestion);
          return answer;
        },
      },
    });
    const { freelancer } = DEMO_PASSWORDS;
    expectOk(await h.service.invoke('auth:sign-in', { serverUrl: server.url, email: freelancer.email, password: freelancer.password }));
    freelancerToken = await server.token('freelancer');
    for (let i = 0; i < 5; i += 1) {
      const segment = segmentBody({ contractId: server.contractId, startedAt: NOW - 3_601_000 + i * 60_000, lengthSeconds: 60, minutes: 1, memo: 'Invoices' });
      expect((await server.api('PUT', `/segments/${segment.id}`, { token: freelancerToken, json: segment })).status).toBe(200);
    }
  });
  afterAll(async () => {
    await h?.dispose();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("writes the server's CSV and PDF byte for byte, 0600, for whole weeks, and says where", async () => {
    answer = { path: join(dir, 'week.csv'), replaceConfirmed: true };
    const state = expectOk(await save('csv'));
    expect(asked.at(-1)).toEqual({ defaultName: 'timesheet-2026-11-30-to-2026-12-06.csv', format: 'csv' });
    const csv = readFileSync(join(dir, 'week.csv'));
    expect(csv.equals(await serverFile('csv'))).toBe(true);
    expect(csv.toString('utf8')).toContain('Invoices');
    expect(statSync(join(dir, 'week.csv')).mode & 0o777).toBe(0o600);
    expect(state.timesheetSaved).toBe(`Saved the CSV timesheet of 2026-11-30 to 2026-12-06 (${csv.length.toLocaleString('en-GB')} bytes) as ${join(dir, 'week.csv')}.`);

    answer = { path: join(dir, 'week'), replaceConfirmed: true }; // no extension typed: the format's is added
    expectOk(await save('pdf'));
    const pdf = readFileSync(join(dir, 'week.pdf'));
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.equals(await serverFile('pdf'))).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(['week.csv', 'week.pdf']); // no temporary left behind
  });

  it('never replaces a file the dialog did not confirm, and a cancel writes nothing', async () => {
    writeFileSync(join(dir, 'kept.csv'), 'mine');
    answer = { path: join(dir, 'kept.csv'), replaceConfirmed: false };
    expect(expectError(await save('csv')).code).toBe('FILE_EXISTS');
    expect(readFileSync(join(dir, 'kept.csv'), 'utf8')).toBe('mine');
    // An extension added here names another file than the one the dialog confirmed: not replaced either.
    answer = { path: join(dir, 'week'), replaceConfirmed: true };
    expect(expectError(await save('csv')).code).toBe('FILE_EXISTS');
    answer = { path: join(dir, 'kept.csv'), replaceConfirmed: true };
    expectOk(await save('csv'));
    expect(readFileSync(join(dir, 'kept.csv')).equals(await serverFile('csv'))).toBe(true);
    const before = readdirSync(dir).sort();
    answer = null;
    const cancelled = expectOk(await save('pdf'));
    expect(cancelled.timesheetSaved).toContain('kept.csv');
    expect(readdirSync(dir).sort()).toEqual(before);
  });

  it("refuses a range the server does not take, or backwards, in words, before asking where", async () => {
    const shown = asked.length;
    const refused = expectError(await save('csv', '2025-01-06', '2026-12-02')); // 100 weeks: more than 53
    expect(refused.code).toBe('TIMESHEET_REFUSED');
    expect(refused.message).toMatch(/^The server refused this timesheet \(.+\): nothing was saved\.$/);
    expect(expectError(await save('csv', '2026-12-02', '2026-11-20')).code).toBe('BAD_REQUEST');
    expect(expectError(await h.service.invoke('timesheet:save', { contractId: '01KAAAAAAAAAAAAAAAAAAAAAAA', from: '2026-12-02', to: '2026-12-02', format: 'csv' })).code).toBe('CONTRACT_NOT_FOUND');
    expect(asked.length).toBe(shown);
  });

  it('offline, says the timesheet was not saved, and asks nothing', async () => {
    const shown = asked.length;
    const before = readdirSync(dir).sort();
    await server.close();
    const offline = expectError(await save('pdf'));
    expect(offline.code).toBe('SERVER_UNREACHABLE');
    expect(offline.message).toMatch(/the timesheet was not saved\. Try again when you are online\.$/);
    expect(asked.length).toBe(shown);
    expect(readdirSync(dir).sort()).toEqual(before);
  });
});
