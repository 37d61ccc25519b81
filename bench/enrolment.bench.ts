/**
 * Enrolment on the local cloud: bulk enrolment throughput through the real path (the enrol:bulk
 * command's streaming reader → POST /v1/members/bulk → checks → grouped transactions → events),
 * a re-run of the same file (every row found already done), and the eligibility lookup a hospital
 * makes at admission, under 32 concurrent callers.
 *
 * On DynamoDB Local every transaction runs one at a time, whatever the concurrency: that, not the
 * handler, bounds the write figures here (the bulk path groups ~24 members per transaction for
 * that reason). DynamoDB proper runs transactions on different items in parallel.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalCloud } from '../infra/local/cloud.ts';
import { checkCharacter } from '../shared/enrolment/id-number.ts';
import { enrolFile } from '../tools/bulk-enrol.ts';
import { peakRssMb, reportLatencies, runConcurrently, type Report } from './support.ts';
import { ALL_STAFF_PERMISSIONS } from '../shared/auth/principal.ts';

const MEMBERS = 2_000;
const ELIGIBILITY_CALLS = 2_000;

/** A campaign file: Honghe residents of 2025, one in ten with a 低保 certificate, one in twenty flexible workers. */
function campaignCsv(count: number): string {
  const lines = ['idNumber,name,year,region,scheme,employeeKind,employerCode,monthlyBaseFen,validFrom,categories'];
  let born = Date.UTC(1940, 0, 1);
  for (let i = 0; i < count; i++) {
    born += 86_400_000 * 7;
    const first17 = `532501${new Date(born).toISOString().slice(0, 10).replaceAll('-', '')}${String(100 + (i % 900)).padStart(3, '0')}`;
    const idNumber = first17 + checkCharacter(first17);
    if (i % 20 === 0) lines.push(`${idNumber},,2025,532500,employee,flexible,,600000,,`);
    else lines.push(`${idNumber},,2025,532500,resident,,,,,${i % 10 === 1 ? 'dibao:2025-01-01' : ''}`);
  }
  return `${lines.join('\n')}\n`;
}

export default async function enrolmentBench(report: Report): Promise<void> {
  const cloud = await startLocalCloud({ logLevel: 'SILENT' });
  const dir = mkdtempSync(join(tmpdir(), 'yibao-bench-'));
  try {
    const staff = await cloud.mint({ sub: 'bench', role: 'staff', permissions: ALL_STAFF_PERMISSIONS });
    const provider = await cloud.mint({ sub: 'bench-his', role: 'provider', providerCode: 'H5325001' });
    const file = join(dir, 'campaign.csv');
    writeFileSync(file, campaignCsv(MEMBERS));
    const options = {
      file,
      kind: 'enrolment' as const,
      format: 'csv' as const,
      apiUrl: cloud.apiUrl,
      token: staff,
      chunkSize: 250,
      concurrency: 2,
    };

    const first = await enrolFile(options);
    if (first.written !== MEMBERS)
      throw new Error(`expected ${MEMBERS} enrolled, got ${JSON.stringify({ ...first, rejectedRows: first.rejectedRows.slice(0, 3) })}`);
    report({
      name: `bulk enrolment, ${MEMBERS.toLocaleString('en-US')} new members (CSV → API)`,
      value: MEMBERS / (first.wallMs / 1000),
      unit: 'members/s',
      note: `${(first.wallMs / 1000).toFixed(1)} s; chunks of ${options.chunkSize}, ${options.concurrency} in flight; ${first.deferredRows} rows deferred and resent`,
    });
    const again = await enrolFile(options);
    if (again.unchanged !== MEMBERS) throw new Error(`a re-run should find every row done, found ${again.unchanged}`);
    report({
      name: 'bulk re-run of the same file (all rows unchanged)',
      value: MEMBERS / (again.wallMs / 1000),
      unit: 'members/s',
      note: `${(again.wallMs / 1000).toFixed(1)} s; nothing written`,
    });

    // Eligibility: the member ids the campaign made, asked about on random days of 2025.
    const listed: string[] = [];
    let cursor: string | undefined;
    do {
      const res = await fetch(`${cloud.apiUrl}/v1/members?region=532500&year=2025&limit=100${cursor ? `&cursor=${cursor}` : ''}`, {
        headers: { authorization: `Bearer ${staff}` },
      });
      const page = (await res.json()) as { enrolments: { memberId: string }[]; nextCursor?: string };
      listed.push(...page.enrolments.map((e) => e.memberId));
      cursor = page.nextCursor;
    } while (cursor && listed.length < 500);
    const check = (i: number) => {
      const day = String(1 + (i % 28)).padStart(2, '0');
      const month = String(1 + (i % 12)).padStart(2, '0');
      return fetch(`${cloud.apiUrl}/v1/members/${listed[i % listed.length]}/eligibility?date=2025-${month}-${day}`, {
        headers: { authorization: `Bearer ${provider}` },
      }).then(async (res) => {
        if (res.status !== 200) throw new Error(`eligibility ${res.status}`);
        await res.arrayBuffer();
      });
    };
    await runConcurrently(200, 8, check); // warm-up
    reportLatencies(
      report,
      `GET eligibility, 32 concurrent callers (${ELIGIBILITY_CALLS.toLocaleString('en-US')} calls)`,
      await runConcurrently(ELIGIBILITY_CALLS, 32, check),
    );
    report({ name: 'peak RSS of the bench process (local cloud in it)', value: peakRssMb(), unit: 'MB' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await cloud.stop();
  }
}
