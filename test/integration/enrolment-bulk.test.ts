/**
 * Bulk enrolment on the local cloud: the staff endpoint and the `enrol:bulk` command. Valid rows
 * are enrolled whole, bad rows are reported by row number, field and rule with nothing of them
 * written, and running the same file again changes nothing.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../infra/local/cloud.ts';
import { checkCharacter } from '../../shared/enrolment/id-number.ts';
import { readMemberItems } from '../../shared/enrolment/store/members.ts';
import { waitingEntry } from '../../shared/events/outbox.ts';
import { bulkResponse } from '../../functions/enrolment/schemas.ts';
import { enrolmentEventKeys } from '../../functions/enrolment/services/events.ts';
import { enrolFile } from '../../tools/bulk-enrol.ts';
import { api, startTestCloud, whileTheBusRefuses } from '../support/local-cloud.ts';
import { ALL_STAFF_PERMISSIONS } from '../../shared/auth/principal.ts';

const ROOT = resolve(import.meta.dirname, '../..');
let cloud: LocalCloud;
let staff: string;
let dir: string;

beforeAll(async () => {
  cloud = await startTestCloud();
  staff = await cloud.mint({ sub: 'campaign', role: 'staff', permissions: ALL_STAFF_PERMISSIONS });
  dir = mkdtempSync(join(tmpdir(), 'yibao-bulk-'));
});
afterAll(async () => {
  await cloud?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

let born = Date.UTC(1950, 0, 1);
/** A fresh valid ID number (Zhoushan address code); this file's people never meet the other file's. */
function person(): string {
  born += 86_400_000;
  const first17 = `330902${new Date(born).toISOString().slice(0, 10).replaceAll('-', '')}003`;
  return first17 + checkCharacter(first17);
}
const wrongCheck = (id: string) => id.slice(0, 17) + (id[17] === '0' ? '1' : '0');

const bulk = (body: unknown) => api(cloud, 'POST', '/v1/members/bulk', { token: staff, body });
const lookup = (idNumber: string) => api(cloud, 'POST', '/v1/members/lookup', { token: staff, body: { idNumber } });
const record = (memberId: string) => api(cloud, 'GET', `/v1/members/${memberId}`, { token: staff });

const HEADER = 'idNumber,name,year,region,scheme,employeeKind,employerCode,monthlyBaseFen,validFrom,categories';

describe('POST /v1/members/bulk', () => {
  const good = [person(), person(), person()];
  const taken = person();
  const bad = { check: person(), year: person(), employer: person(), category: person(), csv: person() };
  let csv: string;
  let firstReport: { rows: { rowNumber: number; outcome: string; memberId?: string }[] };

  beforeAll(async () => {
    // Already enrolled in Honghe: a campaign row for Zhoushan must be refused, and write nothing.
    expect(
      (
        await api(cloud, 'POST', '/v1/members', {
          token: staff,
          body: { idNumber: taken, year: 2025, region: '532500', scheme: 'resident' },
        })
      ).status,
    ).toBe(201);
    csv = [
      HEADER,
      `${good[0]},甲,2025,330900,resident,,,,,dibao:2025-01-01`, //                                    row 2: enrolled, fully subsidised
      `${wrongCheck(bad.check)},乙,2025,330900,resident,,,,,`, //                                      row 3: check digit
      `${good[1]},丙,2025,330900,employee,employer,EMP330900,800000,,`, //                            row 4: enrolled
      `${bad.year},丁,20x5,330900,resident,,,,,`, //                                                    row 5: year not a number
      `${bad.employer},戊,2025,330900,employee,employer,,800000,,`, //                                  row 6: no employer code
      `${taken},己,2025,330900,resident,,,,,dibao:2025-01-01`, //                                       row 7: enrolled elsewhere (409)
      `${bad.category},庚,2025,330900,resident,,,,,orphan:2025-01-01`, //                              row 8: not a Zhoushan category
      `${good[2]},辛,2025,330900,resident,,,,2025-04-01,severely-disabled:2024-01-01:2026-12-31`, // row 9: enrolled
      `${good[0]},甲,2025,330900,resident,,,,,dibao:2025-01-01`, //                                    row 10: same as row 2
      `${bad.csv},"壬,2025,330900,resident,,,,,`, //                                                    row 11: unterminated quote (to the end)
    ].join('\n');
  });

  it('enrols the valid rows and reports each bad row by row number, field and rule', async () => {
    const res = await bulk({ format: 'csv', content: csv });
    expect(res.status).toBe(200);
    expect(bulkResponse.safeParse(res.body).success).toBe(true);
    firstReport = res.body;
    const byRow = Object.fromEntries(res.body.rows.map((r: { rowNumber: number }) => [r.rowNumber, r]));
    expect(res.body).toMatchObject({ kind: 'enrolment', dryRun: false, received: 10, written: 3, unchanged: 1, valid: 4, rejected: 6 });
    expect(byRow[2]).toMatchObject({ outcome: 'enrolled' });
    expect(byRow[4]).toMatchObject({ outcome: 'enrolled' });
    expect(byRow[9]).toMatchObject({ outcome: 'enrolled' });
    expect(byRow[10]).toMatchObject({ outcome: 'unchanged', memberId: byRow[2].memberId });
    const rule = (row: number) => byRow[row].problems.map((p: { field: string; rule: string }) => `${p.field}:${p.rule}`);
    expect(byRow[3]).toMatchObject({ outcome: 'rejected', status: 400 });
    expect(rule(3)).toEqual(['idNumber:id_check_digit']);
    expect(rule(5)).toEqual(['year:invalid_type']);
    expect(rule(6)).toEqual(['employerCode:required_for_employer']);
    expect(byRow[7]).toMatchObject({ outcome: 'rejected', status: 409, details: { existing: { region: '532500' } } });
    expect(rule(7)).toEqual(['idNumber:one_enrolment_per_year']);
    expect(rule(8)).toEqual(['categories.0.code:category_unknown']);
    expect(rule(11)).toEqual(['row:csv_syntax']);
    expect(JSON.stringify(res.body)).not.toContain(good[0]);
  });

  it('writes the valid rows whole and nothing of a bad row', async () => {
    const first = (await lookup(good[0]!)).body.memberId as string;
    expect((await record(first)).body).toMatchObject({
      member: { name: '甲' },
      enrolments: [{ region: '330900', status: 'active', contribution: { due: { individualFen: 0, assistanceFen: 400_00 } } }],
      categories: [{ code: 'dibao', validFrom: '2025-01-01' }],
    });
    const third = (await record((await lookup(good[2]!)).body.memberId)).body;
    expect(third).toMatchObject({
      enrolments: [{ validFrom: '2025-04-01', contribution: { due: { individualFen: 200_00, governmentFen: 900_00 } } }],
      categories: [{ code: 'severely-disabled' }],
    });

    for (const idNumber of [bad.check, bad.year, bad.employer, bad.category, bad.csv]) expect((await lookup(idNumber)).status).toBe(404);
    // The person enrolled elsewhere keeps exactly what they had: no Zhoushan enrolment, and not the row's 低保 either.
    const takenRecord = (await record((await lookup(taken)).body.memberId)).body;
    expect(takenRecord.enrolments.map((e: { region: string }) => e.region)).toEqual(['532500']);
    expect(takenRecord.categories).toEqual([]);
  });

  it('changes nothing when the same file is sent again', async () => {
    const members = await Promise.all(good.map(async (id) => (await record((await lookup(id)).body.memberId)).body));
    const res = await bulk({ format: 'csv', content: csv });
    expect(res.body).toMatchObject({ received: 10, written: 0, unchanged: 4, rejected: 6 });
    expect(
      res.body.rows.filter((r: { outcome: string }) => r.outcome === 'rejected').map((r: { rowNumber: number }) => r.rowNumber),
    ).toEqual(firstReport.rows.filter((r) => r.outcome === 'rejected').map((r) => r.rowNumber));
    const after = await Promise.all(good.map(async (id) => (await record((await lookup(id)).body.memberId)).body));
    expect(after).toEqual(members);
  });

  it('enrols every member exactly once when two clerks send the same file at the same time', async () => {
    // 48 rows: one wave of the bulk path (a request never defers its first wave), two groups.
    const people = Array.from({ length: 48 }, () => person());
    const content = `${HEADER}\n${people.map((p, i) => `${p},x,2025,330900,resident,,,,,${i % 3 === 0 ? 'dibao:2025-01-01' : ''}`).join('\n')}\n`;
    const [a, b] = await Promise.all([bulk({ format: 'csv', content }), bulk({ format: 'csv', content })]);
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    // Each person written by exactly one of the two requests, and found unchanged by the other.
    expect(a.body.written + b.body.written).toBe(48);
    expect(a.body.unchanged + b.body.unchanged).toBe(48);
    expect(a.body.rejected + b.body.rejected).toBe(0);
    for (let i = 0; i < 48; i++) {
      const outcomes = [a.body.rows[i].outcome, b.body.rows[i].outcome].sort();
      expect(outcomes).toEqual(['enrolled', 'unchanged']);
    }
    const sample = (await record((await lookup(people[0]!)).body.memberId)).body;
    expect(sample.enrolments).toHaveLength(1);
    expect(sample.categories).toHaveLength(1);
  });

  it('loses no event of a group commit the bus refused: sending the file again delivers them', async () => {
    // 30 people, a third with a category: 140 items of state and outbox entries, so two group transactions.
    const people = Array.from({ length: 30 }, () => person());
    const content = `${HEADER}\n${people.map((p, i) => `${p},x,2025,330900,resident,,,,,${i % 3 === 0 ? 'dibao:2025-01-01' : ''}`).join('\n')}\n`;
    const first = await whileTheBusRefuses(() => bulk({ format: 'csv', content }));
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body).toMatchObject({ written: 30, rejected: 0 });

    const keys = (
      await Promise.all(
        first.body.rows.map(async (r: { memberId: string }) => {
          const items = await readMemberItems(r.memberId);
          return enrolmentEventKeys(items.enrolments[0]!, items.categories);
        }),
      )
    ).flat();
    expect(keys).toHaveLength(30 + 10);
    const waiting = async () => (await Promise.all(keys.map(waitingEntry))).filter((e) => e !== undefined);
    expect(await waiting()).toHaveLength(40);

    const again = await bulk({ format: 'csv', content });
    expect(again.body).toMatchObject({ written: 0, unchanged: 30 });
    expect(await waiting()).toEqual([]);
  });

  it('validates without writing on a dry run', async () => {
    const fresh = person();
    const res = await bulk({
      format: 'jsonl',
      dryRun: true,
      content: `${JSON.stringify({ idNumber: fresh, year: 2025, region: '330900', scheme: 'resident' })}\n`,
    });
    expect(res.body).toMatchObject({ dryRun: true, received: 1, written: 0, valid: 1, rows: [{ rowNumber: 1, outcome: 'valid' }] });
    expect((await lookup(fresh)).status).toBe(404);
  });

  it('records contributions from the tax side, by ID number, idempotently', async () => {
    const lines = [
      { idNumber: good[1], year: 2025, contributionId: 'TAX-B-1', amountFen: 600_00, paidOn: '2025-01-31' }, // split 3 : 1 as owed (5,760 employer, 1,920 employee)
      { idNumber: person(), year: 2025, contributionId: 'TAX-B-2', amountFen: 400_00, paidOn: '2025-01-31' }, // nobody
      { idNumber: good[2], year: 2025, contributionId: 'TAX-B-3', amountFen: 999_00, paidOn: '2025-04-02' }, // more than payable
      { idNumber: good[2], year: 2025, contributionId: 'TAX-B-4', amountFen: 200_00, paidOn: '2025-04-02' },
    ]
      .map((l) => JSON.stringify(l))
      .join('\n');
    const res = await bulk({ kind: 'contribution', format: 'jsonl', content: lines });
    expect(res.body).toMatchObject({ kind: 'contribution', received: 4, written: 2, rejected: 2 });
    expect(res.body.rows.map((r: { outcome: string; status?: number }) => `${r.outcome}${r.status ? `:${r.status}` : ''}`)).toEqual([
      'recorded',
      'rejected:404',
      'rejected:409',
      'recorded',
    ]);
    const third = (await record((await lookup(good[2]!)).body.memberId)).body;
    expect(third.enrolments[0]).toMatchObject({ status: 'active', activeFrom: '2025-04-02' });
    expect((await bulk({ kind: 'contribution', format: 'jsonl', content: lines })).body).toMatchObject({
      written: 0,
      unchanged: 2,
      rejected: 2,
    });
  });

  it('refuses a request it cannot take with a 400 naming field and rule', async () => {
    const tooMany = await bulk({ rows: Array.from({ length: 1001 }, (_, i) => ({ rowNumber: i + 2 })) });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.details.problems[0]).toMatchObject({ field: 'body.rows', rule: 'too_big' });
    expect((await bulk({ content: 'x' })).body.error.details.problems[0]).toMatchObject({ field: 'body.format', rule: 'custom' });
    expect(
      (
        await bulk({
          format: 'csv',
          content: `${HEADER}\n${Array.from({ length: 1001 }, () => `${person()},x,2025,330900,resident,,,,,`).join('\n')}`,
        })
      ).body.error.details.problems[0],
    ).toMatchObject({ field: 'body.content', rule: 'too_many_rows' });
  });
});

describe('npm run enrol:bulk', () => {
  it('streams a file through the API in chunks and adds up the row-by-row reports; a second run changes nothing', async () => {
    const file = join(dir, 'campaign.csv');
    const rows = Array.from({ length: 640 }, (_, i) =>
      i === 100 ? `${wrongCheck(person())},x,2025,330900,resident,,,,,` : `${person()},x,2025,330900,resident,,,,,`,
    );
    writeFileSync(file, `${HEADER}\n${rows.join('\n')}\n`);
    const progress: number[] = [];
    const first = await enrolFile({
      file,
      kind: 'enrolment',
      format: 'csv',
      apiUrl: cloud.apiUrl,
      token: staff,
      chunkSize: 250,
      concurrency: 2,
      onProgress: (s) => progress.push(s.rows),
    });
    expect(first).toMatchObject({ rows: 640, written: 639, unchanged: 0, rejected: 1 }); // deferred rows, if any, were sent again
    expect(first.rejectedRows).toEqual([
      expect.objectContaining({ rowNumber: 102, problems: [expect.objectContaining({ field: 'idNumber', rule: 'id_check_digit' })] }),
    ]);
    expect(progress.length).toBeGreaterThanOrEqual(3);
    const second = await enrolFile({ file, kind: 'enrolment', format: 'csv', apiUrl: cloud.apiUrl, token: staff, chunkSize: 250 });
    expect(second).toMatchObject({ rows: 640, written: 0, unchanged: 639, rejected: 1 });
  });

  it('runs as a command: exit code 2 when rows are rejected, with the report written beside the file', async () => {
    const file = join(dir, 'small.jsonl');
    const lines = [
      { idNumber: person(), year: 2025, region: '330900', scheme: 'resident' },
      { idNumber: person(), year: 2025, region: '999999', scheme: 'resident' },
    ].map((l) => JSON.stringify(l));
    writeFileSync(file, `${lines.join('\n')}\nnot json\n`);
    const run = promisify(execFile)(
      join(ROOT, 'node_modules/.bin/tsx'),
      [join(ROOT, 'tools/bulk-enrol.ts'), file, '--api', cloud.apiUrl, '--token', staff],
      { cwd: ROOT },
    );
    const failure = await run.then(
      () => undefined,
      (error: { code: number; stdout: string }) => error,
    );
    expect(failure?.code).toBe(2);
    expect(failure?.stdout).toContain('enrolled 1');
    expect(failure?.stdout).toContain('rejected 2');
    const report = readFileSync(`${file}.rejected.jsonl`, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { rowNumber: number; problems: { rule: string }[] });
    expect(report.map((r) => [r.rowNumber, r.problems[0]!.rule])).toEqual([
      [2, 'policy_missing'],
      [3, 'json'],
    ]);
  });
});
