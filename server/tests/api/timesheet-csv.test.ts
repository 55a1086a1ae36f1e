import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ulid } from 'ulid';
import { testBackends } from '../support/backends.js';
import { parseCsv } from '../support/csv.js';
import { activeContract, signedInAccount, type Account } from '../support/contracts.js';
import { segmentBody, startTestServer, uploadScreenshot, type TestServer } from '../support/server.js';

const MIN = 60_000;
const at = (iso: string) => Date.parse(iso);
const RATE = { cents: 4550, currency: 'EUR' };

const seconds = (row: Record<string, string>) => ({
  trackedSeconds: Number(row.tracked_seconds),
  billableSeconds: Number(row.billable_seconds),
  idleSeconds: Number(row.idle_seconds),
  removedSeconds: Number(row.removed_seconds),
});

/**
 * Issue 14, the export: GET /contracts/{id}/timesheet.csv over two Berlin weeks, the first holding the change
 * to summer time (Sunday 2026-03-29, 02:00 → 03:00), with a client-deleted screenshot (still billable), a
 * freelancer-deleted one (removed), idle time, partial minutes, repeated memos and memos that a spreadsheet
 * would run as formulas. The CSV's days, weeks and grand total must equal the week reviews and the diary to the second.
 */
describe.each(testBackends())('the timesheet as CSV on $name', (backend) => {
  let server: TestServer;
  let client: Account;
  let freelancer: Account;
  let contractId: string;

  beforeAll(async () => {
    server = await startTestServer(backend);
    server.clock.setWall(at('2026-03-16T09:00:00Z'));
    client = await signedInAccount(server, 'client');
    freelancer = await signedInAccount(server, 'freelancer');
    contractId = await activeContract(server, client, freelancer, { hourlyRate: RATE, name: 'Landing page / "Q1"' }); // Europe/Berlin
  });
  afterAll(async () => server?.close());

  /** A segment of `minutes` (the last one `lastSeconds` long), `idle` of them idle, with a screenshot when asked. */
  async function upload(startIso: string, o: { minutes: number; lastSeconds?: number; idle?: number; memo?: string; screenshot?: boolean }) {
    const startedAt = at(startIso);
    server.clock.setWall(startedAt + 15 * MIN);
    const shot = o.screenshot ? { id: ulid(), takenAt: startedAt + 30_000 } : null;
    const body = segmentBody({ contractId, startedAt, minutes: o.minutes, memo: o.memo ?? null, screenshot: shot });
    const last = o.lastSeconds ?? 60;
    body.minutes[o.minutes - 1]!.trackedSeconds = last;
    body.trackedSeconds = (o.minutes - 1) * 60 + last;
    for (let i = 0; i < (o.idle ?? 0); i++) Object.assign(body.minutes[i]!, { idle: true, active: false });
    body.idleSeconds = body.minutes.filter((m) => m.idle).reduce((s, m) => s + m.trackedSeconds, 0);
    const answer = await server.request('PUT', `/api/v1/segments/${body.id}`, { token: freelancer.token, json: body });
    expect(answer.status, answer.text).toBe(200);
    if (!shot) return null;
    const sent = await uploadScreenshot(server, freelancer.token, { id: shot.id, segmentId: body.id, capturedAt: shot.takenAt });
    expect(sent.status, sent.text).toBe(200);
    return shot.id;
  }
  const csv = (who: Account, query: string) => server.request('GET', `/api/v1/contracts/${contractId}/timesheet.csv?${query}`, { token: who.token });

  it('gives both parties the same days, weeks and grand total as the week reviews and the diary, across the DST change', async () => {
    // Week 1 (2026-03-23 .. 03-29, 167 hours): Berlin is UTC+1 until Sunday 01:00 UTC, UTC+2 after.
    const keptByClient = await upload('2026-03-23T08:00:00Z', { minutes: 7, memo: '=HYPERLINK("http://evil.example","click")', screenshot: true });
    const deletedByFreelancer = await upload('2026-03-23T09:00:00Z', { minutes: 5, memo: 'Landing page', screenshot: true });
    await upload('2026-03-23T10:00:00Z', { minutes: 3, lastSeconds: 37, idle: 2, memo: '  Landing   page ' });
    await upload('2026-03-24T10:00:00Z', { minutes: 4, memo: '+1 call with the client' });
    await upload('2026-03-25T10:00:00Z', { minutes: 2, memo: '-minus first' });
    await upload('2026-03-26T10:00:00Z', { minutes: 2, memo: '@SUM(A1:A9)' });
    await upload('2026-03-27T10:00:00Z', { minutes: 6, idle: 3, memo: 'Fixed "login", then\r\nlunch' });
    await upload('2026-03-28T22:30:00Z', { minutes: 4, lastSeconds: 11 }); // Saturday 23:30 CET
    await upload('2026-03-29T00:30:00Z', { minutes: 5, memo: 'night' }); // Sunday 01:30 CET
    await upload('2026-03-29T01:10:00Z', { minutes: 3 }); // Sunday 03:10 CEST (02:xx never happened)
    await upload('2026-03-29T21:50:00Z', { minutes: 8 }); // Sunday 23:50 CEST
    // Week 2: Sunday 22:10 UTC is Monday 00:10 CEST, the next week's first day.
    await upload('2026-03-29T22:10:00Z', { minutes: 9, memo: 'Monday already' });
    await upload('2026-04-02T12:00:00Z', { minutes: 10, lastSeconds: 1 });

    server.clock.setWall(at('2026-04-02T13:00:00Z'));
    expect((await server.request('DELETE', `/api/v1/screenshots/${keptByClient}`, { token: client.token })).status).toBe(200);
    expect((await server.request('DELETE', `/api/v1/screenshots/${deletedByFreelancer}`, { token: freelancer.token })).status).toBe(200);
    expect((await server.request('POST', `/api/v1/contracts/${contractId}/weeks/2026-03-23/approval`, { token: client.token })).status).toBe(200);

    const byClient = await csv(client, 'from=2026-03-23&to=2026-04-05');
    expect(byClient.status, byClient.text).toBe(200);
    expect(byClient.headers.get('content-type')).toBe('text/csv; charset=utf-8; header=present');
    expect(byClient.headers.get('cache-control')).toMatch(/no-store/);
    const disposition = byClient.headers.get('content-disposition')!;
    // The contract's name without its slash and quotes, and a plain ASCII name beside it.
    expect(disposition).toBe(
      `attachment; filename="timesheet-2026-03-23-2026-04-05.csv"; filename*=UTF-8''Landing%20page%20_%20_Q1_%20timesheet%202026-03-23%20to%202026-04-05.csv`,
    );
    const byFreelancer = await csv(freelancer, 'from=2026-03-23&to=2026-04-05');
    expect(byFreelancer.text).toBe(byClient.text);

    const [header, ...rest] = parseCsv(byClient.text);
    const rows = rest.map((r) => Object.fromEntries(header!.map((name, i) => [name, r[i]!])));
    expect(rows.map((r) => r.kind)).toEqual([...Array(7).fill('day'), 'week', ...Array(7).fill('day'), 'week', 'total']);

    let grandBillable = 0;
    for (const [w, monday] of ['2026-03-23', '2026-03-30'].entries()) {
      const review = (await server.request('GET', `/api/v1/contracts/${contractId}/weeks/${monday}`, { token: client.token })).json;
      if (w === 0) expect(Date.parse(review.to) - Date.parse(review.from)).toBe(167 * 3_600_000); // the DST week
      const days = rows.slice(w * 8, w * 8 + 7);
      const week = rows[w * 8 + 7]!;
      expect(days.map((d) => d.date)).toEqual(review.days.map((d: { date: string }) => d.date));
      expect(days.map(seconds)).toEqual(review.days.map((d: { totals: unknown }) => d.totals));
      expect([week.week, week.state, seconds(week)]).toEqual([monday, review.state, review.totals]);
      // The diary over the week's own instants (167 hours for the first) says the same.
      const diary = (await server.request('GET', `/api/v1/contracts/${contractId}/diary?from=${review.from}&to=${review.to}`, { token: client.token })).json;
      expect({ trackedSeconds: seconds(week).trackedSeconds, billableSeconds: seconds(week).billableSeconds }).toEqual(diary.totals);
      // One rounding per week, half-up to the cent.
      const cents = Math.round((review.totals.billableSeconds * RATE.cents) / 3600);
      expect([week.amount, week.currency]).toEqual([(cents / 100).toFixed(2), 'EUR']);
      grandBillable += cents;
    }
    expect(rows[0]!.tracked).toBe('0:14:37');
    expect(rows[0]!.memos).toBe(`'=HYPERLINK("http://evil.example","click") | Landing page`);
    expect(seconds(rows[0]!)).toEqual({ trackedSeconds: 7 * 60 + 5 * 60 + 157, billableSeconds: 7 * 60 + 157, idleSeconds: 120, removedSeconds: 300 });
    expect(rows.slice(1, 4).map((r) => r.memos)).toEqual(["'+1 call with the client", "'-minus first", "'@SUM(A1:A9)"]);
    expect(rows[4]!.memos).toBe('Fixed "login", then lunch');
    expect(rows[4]!.idle_seconds).toBe('180');
    expect([rows[5]!.date, rows[5]!.tracked_seconds]).toEqual(['2026-03-28', String(3 * 60 + 11)]);
    expect([rows[6]!.date, rows[6]!.tracked_seconds, rows[6]!.memos]).toEqual(['2026-03-29', String((5 + 3 + 8) * 60), 'night']);
    expect([rows[8]!.date, rows[8]!.tracked_seconds, rows[8]!.memos]).toEqual(['2026-03-30', String(9 * 60), 'Monday already']);
    expect(rows.map((r) => r.state).filter(Boolean)).toEqual(['approved', 'open']);

    const total = rows.at(-1)!;
    const diary = (await server.request('GET', `/api/v1/contracts/${contractId}/diary?from=2026-03-22T23:00:00Z&to=2026-04-05T22:00:00Z`, { token: client.token })).json;
    expect({ trackedSeconds: seconds(total).trackedSeconds, billableSeconds: seconds(total).billableSeconds }).toEqual(diary.totals);
    expect(seconds(total)).toEqual([rows[7]!, rows[15]!].map(seconds).reduce((a, b) => ({
      trackedSeconds: a.trackedSeconds + b.trackedSeconds,
      billableSeconds: a.billableSeconds + b.billableSeconds,
      idleSeconds: a.idleSeconds + b.idleSeconds,
      removedSeconds: a.removedSeconds + b.removedSeconds,
    })));
    expect([total.amount, total.currency]).toEqual([(grandBillable / 100).toFixed(2), 'EUR']);
  });

  it('leaves the amount out where the contract has no rate, and caps a day of many memos', async () => {
    const plain = await activeContract(server, client, freelancer, { name: 'Без ставки' });
    server.clock.setWall(at('2026-04-06T20:00:00Z'));
    for (let i = 0; i < 14; i++) {
      const body = segmentBody({ contractId: plain, startedAt: at('2026-04-06T08:00:00Z') + i * 600_000, memo: `task ${i} ${'x'.repeat(60)}` });
      expect((await server.request('PUT', `/api/v1/segments/${body.id}`, { token: freelancer.token, json: body })).status).toBe(200);
    }
    const answer = await server.request('GET', `/api/v1/contracts/${plain}/timesheet.csv?from=2026-04-06&to=2026-04-12`, { token: freelancer.token });
    expect(answer.status, answer.text).toBe(200);
    expect(answer.headers.get('content-disposition')).toContain(`filename*=UTF-8''%D0%91%D0%B5%D0%B7%20%D1%81%D1%82%D0%B0%D0%B2%D0%BA%D0%B8%20timesheet`);
    const [header, ...rest] = parseCsv(answer.text);
    const rows = rest.map((r) => Object.fromEntries(header!.map((name, i) => [name, r[i]!])));
    expect(rows.filter((r) => r.kind !== 'day').map((r) => [r.amount, r.currency])).toEqual([['', ''], ['', '']]);
    const digest = rows[0]!.memos!;
    expect(digest.startsWith('task 0 ')).toBe(true);
    expect(digest.endsWith('…')).toBe(true);
    expect([...digest].length).toBeLessThanOrEqual(500);
    expect(digest).not.toContain('task 10');
  });

  it('refuses ranges that are not whole weeks, longer than 53 weeks or backwards with a coded 400, and strangers with 404', async () => {
    for (const query of [
      'from=2026-03-24&to=2026-03-29', // a Tuesday
      'from=2026-03-23&to=2026-03-28', // a Saturday
      'from=2026-03-30&to=2026-03-29', // backwards
      'from=2026-02-30&to=2026-03-29', // no such day
      'from=2025-03-17&to=2026-03-29', // 54 weeks (53 are allowed, below)
      'from=2026-03-23',
      'from=2026-03-23&to=2026-03-29&extra=1',
    ]) {
      const answer = await csv(client, query);
      expect([answer.status, answer.json?.error?.code], query).toEqual([400, 'VALIDATION_FAILED']);
    }
    expect((await csv(client, 'from=2025-03-31&to=2026-04-05')).status).toBe(200); // 53 weeks
    const stranger = await signedInAccount(server, 'stranger');
    const refused = await csv(stranger, 'from=2026-03-23&to=2026-03-29');
    expect([refused.status, refused.json.error.code]).toEqual([404, 'NOT_FOUND']);
    expect(refused.text).not.toContain('Landing');
  });
});
