import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ulid } from 'ulid';
import { testBackends } from '../support/backends.js';
import { activeContract, at, signedInAccount, startWeekServer, weekReview, type Account } from '../support/contracts.js';
import { parseCsv } from '../support/csv.js';
import { segmentBody, type TestServer } from '../support/server.js';

const time = (tracked: number) => ({ trackedSeconds: tracked, billableSeconds: tracked, idleSeconds: 0, removedSeconds: 0 });

/**
 * A segment of an approved week that grows after the approval (its agent was offline): the approved record stays as
 * approved, and the added minutes become a late part of the segment, kept apart, approved apart, disputable; a
 * revision that changes an approved minute stays 409 WEEK_APPROVED (server/src/domain/late-growth.ts). Europe/Berlin.
 */
describe.each(testBackends())('a segment that grows after its week was approved, on $name', (backend) => {
  let server: TestServer;
  let client: Account;
  let freelancer: Account;
  let contractId: string;
  const tuesday = at('2026-01-06T11:00:00Z');
  const grown = (id: string, minutes: number, revision: number) => ({ ...segmentBody({ contractId, startedAt: tuesday, minutes }), id, revision });
  const put = (who: Account, body: ReturnType<typeof grown>) => server.request('PUT', `/api/v1/segments/${body.id}`, { token: who.token, json: body });
  const week = () => weekReview(server, client, contractId, '2026-01-05');
  const diary = async (who: Account) => {
    const answer = await server.request('GET', `/api/v1/contracts/${contractId}/diary?from=2026-01-04T23:00:00.000Z&to=2026-01-11T23:00:00.000Z`, { token: who.token });
    expect(answer.status, answer.text).toBe(200);
    return answer.json;
  };

  let segmentId: string;
  let record: unknown;

  beforeAll(async () => {
    ({ server, client, freelancer } = await startWeekServer(backend));
    contractId = await activeContract(server, client, freelancer);
    server.clock.setWall(at('2026-01-06T12:00:00Z'));
    // Two minutes of Tuesday's segment reach the server; the agent then goes offline with the rest of it.
    const first = grown(ulid(), 2, 1);
    segmentId = first.id;
    expect((await put(freelancer, first)).status).toBe(200);
    const other = { ...segmentBody({ contractId, startedAt: at('2026-01-05T09:10:00Z'), minutes: 3 }), revision: 1 };
    expect((await server.request('PUT', `/api/v1/segments/${other.id}`, { token: freelancer.token, json: other })).status).toBe(200);
    server.clock.setWall(at('2026-01-12T09:00:00Z'));
    const approved = await server.request('POST', `/api/v1/contracts/${contractId}/weeks/2026-01-05/approval`, { token: client.token });
    expect(approved.status, approved.text).toBe(200);
    record = approved.json.totals;
    expect(record).toEqual(time(300));
  });
  afterAll(async () => server?.close());

  it('keeps the time added after the approval as a late part: approved totals unchanged, the diary and the CSV count it once', async () => {
    server.clock.setWall(at('2026-01-13T10:00:00Z'));
    const answer = await put(freelancer, grown(segmentId, 5, 2));
    expect(answer.status, answer.text).toBe(200);
    expect(answer.json).toMatchObject({ id: segmentId, trackedSeconds: 300, minutes: 5, result: 'extended', revision: 2 });

    const review = await week();
    expect(review.totals).toEqual(record);
    expect(review.late).toMatchObject({ totals: time(180), segments: 1, approval: null });
    const d = await diary(freelancer);
    const rows = d.segments.map((s: { id: string; trackedSeconds: number; arrivedAfterApproval: boolean; latePartOf: string | null; minutes: unknown[] }) => [
      s.trackedSeconds,
      s.minutes.length,
      s.arrivedAfterApproval,
      s.latePartOf,
    ]);
    // The approved segment as approved, and its late part with the three minutes it added: the whole time once.
    expect(rows).toEqual(
      expect.arrayContaining([
        [180, 3, false, null],
        [120, 2, false, null],
        [180, 3, true, segmentId],
      ]),
    );
    expect(rows).toHaveLength(3);
    expect(d.totals.trackedSeconds).toBe(300 + 180);

    const csv = await server.request('GET', `/api/v1/contracts/${contractId}/timesheet.csv?from=2026-01-05&to=2026-01-11`, { token: client.token });
    expect(csv.status, csv.text).toBe(200);
    const [header, ...lines] = parseCsv(csv.text);
    const total = Object.fromEntries(header!.map((name, i) => [name, lines.at(-1)![i]!]));
    const row = (kind: string) => lines.find((l) => l[0] === kind)!;
    // The week's approved record, the late row apart, and a grand total of both.
    expect([row('week'), row('late'), lines.at(-1)!].map((l) => [l[0], l[3], Number(l[header!.indexOf('tracked_seconds')])])).toEqual([
      ['week', 'approved', 300],
      ['late', 'in_review', 180],
      ['total', '', 300 + 180],
    ]);
    expect(Number(total.billable_seconds)).toBe(300 + 180);

    // The PDF to sign off: the late time on a row of its own under the week, and in the total.
    const pdf = await server.request('GET', `/api/v1/contracts/${contractId}/timesheet.pdf?from=2026-01-05&to=2026-01-11`, { token: client.token });
    expect(pdf.status).toBe(200);
    const dir = await mkdtemp(join(tmpdir(), 'worktrace-late-pdf-'));
    try {
      await writeFile(join(dir, 'sheet.pdf'), pdf.bytes);
      const text = (await promisify(execFile)('pdftotext', ['-layout', '-enc', 'UTF-8', join(dir, 'sheet.pdf'), '-'])).stdout;
      expect(text).toMatch(/Week 2026-01-05\s+0:05:00\s+0:05:00/);
      expect(text).toMatch(/After approval\s+0:03:00\s+0:03:00\s+0:00:00\s+0:00:00\s+in review/);
      expect(text).toMatch(/Total\s+0:08:00\s+0:08:00/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('takes a repeat as unchanged, extends the waiting late part, and refuses any change of an approved minute', async () => {
    const again = await put(freelancer, grown(segmentId, 5, 2));
    expect([again.status, again.json.result, again.json.trackedSeconds]).toEqual([200, 'unchanged', 300]);
    const older = await put(freelancer, grown(segmentId, 2, 1));
    expect([older.status, older.json.result]).toEqual([200, 'unchanged']);
    const clash = await put(freelancer, grown(segmentId, 4, 2));
    expect([clash.status, clash.json.error.code]).toEqual([409, 'SEGMENT_REVISION_CONFLICT']);
    expect((await week()).late).toMatchObject({ totals: time(180), segments: 1 });

    const further = await put(freelancer, grown(segmentId, 6, 3));
    expect([further.status, further.json.result, further.json.trackedSeconds]).toEqual([200, 'extended', 360]);
    expect((await week()).late).toMatchObject({ totals: time(240), segments: 1, approval: null });

    // Shrunk below the approved minutes, an approved minute with other activity, the minutes moved later in the window.
    const shrink = grown(segmentId, 1, 4);
    const otherActivity = grown(segmentId, 7, 4);
    otherActivity.minutes[1] = { ...otherActivity.minutes[1]!, keyboard: 99 };
    const moved = { ...grown(segmentId, 7, 4) };
    moved.minutes = moved.minutes.map((m) => ({ ...m, startedAt: new Date(Date.parse(m.startedAt) + 60_000).toISOString() }));
    for (const body of [shrink, otherActivity, moved]) {
      const refused = await put(freelancer, body);
      expect([refused.status, refused.json.error.code], refused.text).toEqual([409, 'WEEK_APPROVED']);
    }
    const review = await week();
    expect([review.totals, review.late.totals]).toEqual([record, time(240)]);
  });

  it('lets only the client dispute and approve the late part, never change the approved part; strangers get nothing', async () => {
    const part = (await diary(client)).segments.find((s: { latePartOf: string | null }) => s.latePartOf === segmentId).id as string;
    const stranger = await signedInAccount(server, 'stranger');
    const otherFreelancer = await signedInAccount(server, 'freelancer');
    await activeContract(server, client, otherFreelancer);
    // Nobody but the contract's freelancer uploads its segments: the client, another freelancer, a stranger.
    for (const who of [client, otherFreelancer, stranger]) {
      const refused = await put(who, grown(segmentId, 8, 9));
      expect([403, 404], refused.text).toContain(refused.status);
    }
    const dispute = (who: Account, id: string) =>
      server.request('PUT', `/api/v1/contracts/${contractId}/segments/${id}/dispute`, { token: who.token, json: { note: 'what was this?' } });
    const lateApproval = (who: Account) => server.request('POST', `/api/v1/contracts/${contractId}/weeks/2026-01-05/late-approval`, { token: who.token });
    // The approved segment is not disputable any more; its late part is, by the client only.
    expect((await dispute(client, segmentId)).json.error.code).toBe('WEEK_APPROVED');
    for (const who of [freelancer, otherFreelancer, stranger]) {
      expect([403, 404]).toContain((await dispute(who, part)).status);
      expect([403, 404]).toContain((await lateApproval(who)).status);
    }
    expect((await dispute(client, part)).status).toBe(200);
    // The late approval leaves the disputed part out; once the dispute is withdrawn, it approves it.
    const leftOut = await lateApproval(client);
    expect([leftOut.status, leftOut.json.late.approval]).toEqual([200, null]);
    expect((await server.request('DELETE', `/api/v1/contracts/${contractId}/segments/${part}/dispute`, { token: client.token })).status).toBe(204);
    server.clock.setWall(at('2026-01-13T12:00:00Z'));
    const approved = await lateApproval(client);
    expect([approved.json.totals, approved.json.late]).toEqual([record, { totals: time(240), segments: 1, approval: { at: '2026-01-13T12:00:00.000Z', by: 'client' }, autoApprovesAt: null }]);

    // Approved, the late part is part of the record: a later growth becomes another late part, a repeat changes nothing.
    const repeat = await put(freelancer, grown(segmentId, 6, 3));
    expect([repeat.status, repeat.json.result]).toEqual([200, 'unchanged']);
    const later = await put(freelancer, grown(segmentId, 7, 5));
    expect([later.status, later.json.result, later.json.trackedSeconds]).toEqual([200, 'extended', 420]);
    const review = await week();
    expect([review.totals, review.late.totals, review.late.segments, review.late.approval]).toEqual([record, time(300), 2, null]);
    const d = await diary(freelancer);
    expect(d.totals.trackedSeconds).toBe(300 + 300);
  });
});
