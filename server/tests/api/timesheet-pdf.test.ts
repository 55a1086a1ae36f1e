import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureUser } from '../../src/domain/demo.js';
import { testBackends } from '../support/backends.js';
import { activeContract, signedInAccount, type Account } from '../support/contracts.js';
import { segmentBody, startTestServer, type TestServer } from '../support/server.js';

const run = promisify(execFile);
const at = (iso: string) => Date.parse(iso);

/**
 * Issue 14, the PDF timesheet: one A4 page a person signs, read back with poppler (pdftotext, pdfinfo: the
 * system package poppler-utils, in scripts/setup.sh). Names in German with umlauts and in Cyrillic print as
 * they are; the contract's name in Greek too, and its Chinese characters (DejaVu Sans has none) print as U+FFFD.
 */
describe.each(testBackends())('the timesheet as PDF on $name', (backend) => {
  let server: TestServer;
  let client: Account;
  let freelancer: Account;
  let contractId: string;
  let dir: string;

  async function account(name: string, tag: string): Promise<Account> {
    const email = `${tag}-${Date.now()}@pdf.example`;
    const password = `a long password for ${tag}`;
    const row = await ensureUser(server.repos, server.clock, { email, password, name });
    const login = await server.request('POST', '/api/v1/auth/token', { json: { email, password } });
    expect(login.status, login.text).toBe(200);
    return { ...row, token: login.json.token as string, password };
  }

  /** The PDF's text (pdftotext -layout) and its page count (pdfinfo). */
  async function read(pdf: Buffer): Promise<{ text: string; pages: number; title: string }> {
    const file = join(dir, `sheet-${Math.random().toString(36).slice(2)}.pdf`);
    await writeFile(file, pdf);
    const text = (await run('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-'])).stdout;
    const info = (await run('pdfinfo', ['-enc', 'UTF-8', file])).stdout;
    return { text, pages: Number(/^Pages:\s+(\d+)/m.exec(info)?.[1]), title: /^Title:\s+(.*)$/m.exec(info)?.[1] ?? '' };
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'worktrace-timesheet-pdf-'));
    server = await startTestServer(backend);
    server.clock.setWall(at('2026-03-16T09:00:00Z'));
    client = await account('Jürgen Müller-Lüdenscheidt', 'client');
    freelancer = await account('Алёна Ёлкина', 'freelancer');
    contractId = await activeContract(server, client, freelancer, { name: 'Ιστοσελίδα 網站 relaunch', hourlyRate: { cents: 12_345, currency: 'EUR' } });
    for (const [start, minutes, memo] of [
      ['2026-03-23T08:00:00Z', 7, 'Kickoff mit Kunde: Überblick'],
      ['2026-03-25T13:00:00Z', 9, 'Вёрстка главной страницы'],
      ['2026-03-29T01:10:00Z', 4, null], // Sunday 03:10 CEST, just after the change to summer time
      ['2026-04-01T09:00:00Z', 10, 'Review'],
    ] as const) {
      server.clock.setWall(at(start) + 20 * 60_000);
      const body = segmentBody({ contractId, startedAt: at(start), minutes, memo });
      expect((await server.request('PUT', `/api/v1/segments/${body.id}`, { token: freelancer.token, json: body })).status).toBe(200);
    }
    server.clock.setWall(at('2026-04-02T10:00:00Z'));
    expect((await server.request('POST', `/api/v1/contracts/${contractId}/weeks/2026-03-23/approval`, { token: client.token })).status).toBe(200);
  });
  afterAll(async () => {
    await server?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const pdf = (who: Account, query: string, id = contractId) => server.request('GET', `/api/v1/contracts/${id}/timesheet.pdf?${query}`, { token: who.token });

  it("prints one signable page: contract, parties, period, days, each week's totals, state and amount as the CSV has them", async () => {
    const answer = await pdf(client, 'from=2026-03-23&to=2026-04-05');
    expect(answer.status, answer.text.slice(0, 300)).toBe(200);
    expect(answer.headers.get('content-type')).toBe('application/pdf');
    expect(answer.headers.get('cache-control')).toMatch(/no-store/);
    expect(answer.headers.get('content-disposition')).toMatch(/^attachment; filename="timesheet-2026-03-23-2026-04-05\.pdf"; filename\*=UTF-8''.+\.pdf$/);
    expect(answer.bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect((await pdf(freelancer, 'from=2026-03-23&to=2026-04-05')).bytes.equals(answer.bytes), 'both parties get the same file').toBe(true);

    const { text, pages, title } = await read(answer.bytes);
    expect(pages).toBe(1);
    expect(title).toBe('Timesheet: Ιστοσελίδα \ufffd\ufffd relaunch');
    for (const words of [
      'Timesheet: Ιστοσελίδα \ufffd\ufffd relaunch',
      'Client: Jürgen Müller-Lüdenscheidt',
      'Freelancer: Алёна Ёлкина',
      'Period: Monday 2026-03-23 to Sunday 2026-04-05, days in Europe/Berlin',
      'Hourly rate: 123.45 EUR',
      'Kickoff mit Kunde: Überblick',
      'Вёрстка главной страницы',
      'Signature and date: approved by the client',
      'Signature and date: submitted by the freelancer',
    ]) {
      expect(text, words).toContain(words);
    }

    // Under each signature line, who signs it.
    const signatures = text.split('\n').findIndex((l) => l.includes('approved by the client'));
    expect(text.split('\n')[signatures + 1]).toMatch(/Jürgen Müller-Lüdenscheidt\s{2,}Алёна Ёлкина/);

    // The week rows hold the week reviews' totals, state and the CSV's amount; the total row the CSV's total.
    const csv = (await server.request('GET', `/api/v1/contracts/${contractId}/timesheet.csv?from=2026-03-23&to=2026-04-05`, { token: client.token })).text;
    const csvRows = csv.trim().split('\r\n').map((r) => r.slice(1, -1).split('","'));
    for (const monday of ['2026-03-23', '2026-03-30']) {
      const review = (await server.request('GET', `/api/v1/contracts/${contractId}/weeks/${monday}`, { token: client.token })).json;
      const csvWeek = csvRows.find((r) => r[0] === 'week' && r[2] === monday)!;
      const line = text.split('\n').find((l) => l.includes(`Week ${monday}`));
      expect(line, `the row of the week of ${monday}`).toBeDefined();
      const t = review.totals;
      const cells = line!.trim().split(/\s{2,}/);
      expect(cells).toEqual([
        `Week ${monday}`,
        ...[t.trackedSeconds, t.billableSeconds, t.idleSeconds, t.removedSeconds].map((s: number) => `${Math.floor(s / 3600)}:${String(Math.floor(s / 60) % 60).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`),
        `${csvWeek[12]} EUR`,
        { approved: 'approved', in_review: 'in review', open: 'open' }[review.state as string],
      ]);
    }
    const csvTotal = csvRows.at(-1)!;
    const totalLine = text.split('\n').find((l) => l.trim().startsWith('Total'))!;
    expect(totalLine.trim().split(/\s{2,}/)).toEqual(['Total', csvTotal[4], csvTotal[6], csvTotal[8], csvTotal[10], `${csvTotal[12]} EUR`, '2 weeks']);
    // Sunday 2026-03-29 (the DST day) has its 4 minutes.
    expect(text.split('\n').find((l) => l.includes('Sun 2026-03-29'))!.trim().split(/\s{2,}/).slice(0, 2)).toEqual(['Sun 2026-03-29', '0:04:00']);
  });

  it('keeps a year on one page, a row per week, and says where the days are', async () => {
    const answer = await pdf(freelancer, 'from=2025-03-31&to=2026-04-05');
    expect(answer.status, answer.text.slice(0, 300)).toBe(200);
    const { text, pages } = await read(answer.bytes);
    expect(pages).toBe(1);
    expect(text).toContain('53 weeks: one row per week here; the CSV download lists every day.');
    expect(text.split('\n').filter((l) => /^\s*Week \d{4}-\d{2}-\d{2}/.test(l))).toHaveLength(53);
    expect(text).toContain('Signature and date: approved by the client');
  });

  it('prints a contract without a rate, and refuses bad ranges (400) and strangers (404) as the CSV does', async () => {
    const plain = await activeContract(server, client, freelancer, { name: 'Plain' });
    const answer = await pdf(client, 'from=2026-03-30&to=2026-04-05', plain);
    expect(answer.status).toBe(200);
    expect((await read(answer.bytes)).text).toContain('No hourly rate: no amounts');
    for (const query of ['from=2026-03-24&to=2026-04-05', 'from=2026-03-23&to=2026-04-04', 'from=2025-03-24&to=2026-04-05']) {
      const refused = await pdf(client, query);
      expect([refused.status, refused.json?.error?.code], query).toEqual([400, 'VALIDATION_FAILED']);
    }
    const stranger = await signedInAccount(server, 'stranger');
    const refused = await pdf(stranger, 'from=2026-03-23&to=2026-04-05');
    expect([refused.status, refused.json.error.code]).toEqual([404, 'NOT_FOUND']);
  });
});
