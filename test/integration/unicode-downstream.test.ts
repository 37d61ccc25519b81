/**
 * Issue 20.7(d): large bills and every Unicode plane through to downstream, end to end through the
 * API on the local cloud. In Zhoushan 2026 (a region-year that pays stays by DRG) a provider settles
 * a 2,000-line stay with 20-digit trace codes, and one stay per Unicode plane whose item names and
 * department are written in that plane (BMP CJK, emoji, CJK Extension B, Extension G, plane-14 tags and
 * variation selectors, supplementary private use A and B); what shared/input refuses (control
 * characters, bidi overrides, lone surrogates) is a 400 naming the field and the rule. Every settled
 * claim must then have reached every consumer: its ClaimSettled archived once in the audit trail, a
 * fraud score, its DRG case, the provider's month totals. Twin claims charging a lab test twice on one
 * day, one of them with an emoji in the item's name, both raise the duplicate-charge alert. A
 * reconciliation run afterwards finds nothing missing. Prints its figures.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../infra/local/cloud.ts';
import { localName } from '../../infra/topology.ts';
import { ALL_STAFF_PERMISSIONS } from '../../shared/auth/principal.ts';
import { exampleLine } from '../../shared/settlement/examples.ts';
import { archivedEventOf } from '../../shared/audit/audit-item.ts';
import { idNumbers } from '../support/id-numbers.ts';
import { type ApiAnswer, api, eventually, registerProvider, startTestCloud } from '../support/local-cloud.ts';

const HOSPITAL = 'H33090200071';
const REGION = '330900';

/** Text of each plane SQS takes (#x9 #xA #xD, #x20–#xD7FF, #xE000–#xFFFD, #x10000–#x10FFFF), by plane. */
const PLANES: Record<string, string> = {
  'BMP CJK': '肺炎住院检查',
  'emoji (plane 1)': '🩺💊🫁🧑🏽‍⚕️',
  'CJK Extension B (plane 2)': '𠀀𠮷𡃁𪚥',
  'CJK Extension G (plane 3)': '𰀀𰁀𱍊',
  'tags and variation selectors (plane 14)': '🏴\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}葛\u{E0100}',
  'private use A (plane 15)': '\u{F0000}\u{F1234}\u{FFFFD}',
  'private use B (plane 16)': '\u{100000}\u{10ABCD}\u{10FFFD}',
};

/** What shared/input refuses in a name, by the rule it names. */
const REFUSED: [label: string, text: string, rule: string][] = [
  ['NUL', '检查\u0000', 'control_character'],
  ['BEL', '检查\u0007', 'control_character'],
  ['C1 control', '检查\u0085', 'control_character'],
  ['right-to-left override', '\u202E查检', 'bidi_control'],
  ['left-to-right isolate', '检\u2066查', 'bidi_control'],
  ['lone high surrogate', '检查\uD83E', 'lone_surrogate'],
  ['lone low surrogate', '\uDC00检查', 'lone_surrogate'],
];

let cloud: LocalCloud;
let db: DynamoDBDocumentClient;
let staff: string;
let provider: string;
let regulator: string;
const settled: { claimNo: string; answer: ApiAnswer; stay: boolean; label: string }[] = [];
const startedAt = new Date().toISOString();

beforeAll(async () => {
  cloud = await startTestCloud();
  db = DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: cloud.endpoints.dynamodb, region: cloud.region, credentials: cloud.credentials }),
  );
  staff = await cloud.mint({ sub: 'unicode-clerk', role: 'staff', permissions: ALL_STAFF_PERMISSIONS });
  provider = await cloud.mint({ sub: 'his-zs', role: 'provider', providerCode: HOSPITAL });
  regulator = await cloud.mint({ sub: 'office-zs', role: 'regulator', region: REGION });
  await registerProvider(cloud, staff, {
    providerCode: HOSPITAL,
    name: '舟山医院🏥',
    level: 'tertiary',
    region: '330902',
    kind: 'hospital',
  });
}, 120_000);

afterAll(async () => {
  db?.destroy();
  await cloud?.stop();
});

const nextIdNumber = idNumbers(Date.UTC(1956, 4, 1));
async function member(): Promise<string> {
  const res = await api(cloud, 'POST', '/v1/members', {
    token: staff,
    body: { idNumber: nextIdNumber('330902', '003'), year: 2026, region: REGION, scheme: 'resident' },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const memberId = res.body.member.memberId;
  // Covered once the year's individual contribution (40,000 fen in Zhoushan 2026) is paid.
  const paid = await api(cloud, 'POST', `/v1/members/${memberId}/contributions`, {
    token: staff,
    body: { contributionId: `UNI-${memberId}`, year: 2026, amountFen: 40_000, paidOn: '2025-12-20' },
  });
  expect(paid.status, JSON.stringify(paid.body)).toBe(201);
  return memberId;
}

function stay(
  memberId: string,
  claimNo: string,
  lines: ReturnType<typeof exampleLine>[],
  department = '呼吸内科',
  discharge = '2026-03-10',
) {
  return {
    providerCode: HOSPITAL,
    claimNo,
    memberId,
    visit: { type: 'inpatient', serviceDate: '2026-03-01', admissionDate: '2026-03-01', dischargeDate: discharge, department },
    diagnoses: { principal: 'J18.900', secondary: ['J96.000'] },
    procedures: [],
    lines,
  };
}

const settle = (bill: unknown) => api(cloud, 'POST', '/v1/claims', { token: provider, body: bill });
const getItem = async (table: 'alerts' | 'providers' | 'drgCases', pk: string, sk: string) =>
  (await db.send(new GetCommand({ TableName: localName.table(table), Key: { pk, sk }, ConsistentRead: true }))).Item;

/** 2,000 lines, 20-digit trace codes, names cycling through every plane above. */
function twoThousandLines() {
  const texts = Object.values(PLANES);
  return Array.from({ length: 2_000 }, (_, i) =>
    exampleLine(i + 1, 'A', i % 3 === 0 ? 'drug' : 'exam', 1 + (i % 7), 1, {
      itemCode: `ZS${String(i).padStart(8, '0')}`,
      itemName: `${texts[i % texts.length]}第${i + 1}项`,
      traceCode: `8${String(i).padStart(6, '0')}${'0123456789012'}`,
      serviceDate: `2026-03-0${1 + (i % 9)}`,
      ...(i % 3 === 0 ? { supplyDays: 3 } : {}),
    }),
  );
}

describe('large bills and every Unicode plane, through the API to every consumer', () => {
  it('settles a 2,000-line stay with 20-digit trace codes (201)', async () => {
    const lines = twoThousandLines();
    expect(lines.every((l) => l.traceCode?.length === 20)).toBe(true);
    const answer = await settle(stay(await member(), 'UNI-2000', lines, '综合病区🏥'));
    expect(answer.status, JSON.stringify(answer.body).slice(0, 400)).toBe(201);
    expect(answer.body.statement.lines).toHaveLength(2_000);
    settled.push({ claimNo: 'UNI-2000', answer, stay: true, label: '2,000 lines' });
  }, 120_000);

  it('settles a stay whose item names and department are written in each plane SQS takes', async () => {
    let n = 0;
    for (const [label, text] of Object.entries(PLANES)) {
      const claimNo = `UNI-P${++n}`;
      const lines = [
        exampleLine(1, 'A', 'exam', 80, 1, { itemName: `${text}检查`, serviceDate: '2026-03-02' }),
        exampleLine(2, 'A', 'drug', 35, 2, { itemName: text, serviceDate: '2026-03-03', supplyDays: 3 }),
      ];
      const answer = await settle(stay(await member(), claimNo, lines, `${text}科`));
      expect(answer.status, `${label}: ${JSON.stringify(answer.body)}`).toBe(201);
      settled.push({ claimNo, answer, stay: true, label });
    }
  }, 120_000);

  it('refuses control characters, bidi controls and lone surrogates in an item name or a department: 400 naming the field and rule, nothing settled', async () => {
    const memberId = await member();
    let n = 0;
    for (const [label, text, rule] of REFUSED) {
      const inName = await settle(stay(memberId, `UNI-BAD-${++n}`, [exampleLine(1, 'A', 'exam', 80, 1, { itemName: text })]));
      expect(inName.status, label).toBe(400);
      expect(inName.body.error.details.problems, label).toEqual(
        expect.arrayContaining([expect.objectContaining({ field: 'body.lines.0.itemName', rule })]),
      );
      const inDepartment = await settle(stay(memberId, `UNI-BAD-${++n}`, [exampleLine(1, 'A', 'exam', 80)], text));
      expect(inDepartment.status, label).toBe(400);
      expect(inDepartment.body.error.details.problems, label).toEqual(
        expect.arrayContaining([expect.objectContaining({ field: 'body.visit.department', rule })]),
      );
    }
    for (let i = 1; i <= n; i++)
      expect((await api(cloud, 'GET', `/v1/claims/${HOSPITAL}/UNI-BAD-${i}`, { token: provider })).status).toBe(404);
  });

  it('raises the duplicate-charge alert on both twins, the one with an emoji item name too', async () => {
    const twin = (claimNo: string, itemName: string) => ({
      providerCode: HOSPITAL,
      claimNo,
      memberId: '',
      visit: { type: 'outpatient', serviceDate: '2026-03-20' },
      diagnoses: { principal: 'J06.900' },
      lines: [1, 2].map((lineNo) => exampleLine(lineNo, 'A', 'lab', 20, 1, { itemCode: '250101015', itemName, serviceDate: '2026-03-20' })),
    });
    for (const [claimNo, itemName] of [
      ['UNI-TWIN-A', '血细胞分析'],
      ['UNI-TWIN-B', '血细胞分析🩸𠮷'],
    ] as const) {
      const answer = await settle({ ...twin(claimNo, itemName), memberId: await member() });
      expect(answer.status, JSON.stringify(answer.body)).toBe(201);
      settled.push({ claimNo, answer, stay: false, label: `twin ${itemName}` });
    }
    const alerts = await eventually(
      async () => {
        const res = await api(cloud, 'GET', `/v1/alerts?ruleType=duplicate-charge&providerCode=${HOSPITAL}`, { token: regulator });
        const items = res.body.items ?? [];
        return items.length >= 2 ? items : undefined;
      },
      'both twins’ alerts',
      60_000,
    );
    const byClaim = Object.fromEntries(alerts.map((a: { claim: { claimNo: string } }) => [a.claim.claimNo, a]));
    expect(Object.keys(byClaim).sort()).toEqual(['UNI-TWIN-A', 'UNI-TWIN-B']);
    const detail = await api(cloud, 'GET', `/v1/alerts/${byClaim['UNI-TWIN-B'].alertId}`, { token: regulator });
    expect(JSON.stringify(detail.body)).toContain('血细胞分析🩸𠮷');
  }, 120_000);

  it('every settled claim reached every consumer: audit trail once, fraud score, DRG case of each stay, provider totals', async () => {
    const started = Date.now();
    const audit = async () => (await db.send(new ScanCommand({ TableName: localName.table('audit'), ConsistentRead: true }))).Items ?? [];
    for (const { claimNo, stay: isStay, label } of settled) {
      const eventId = `claim/${HOSPITAL}/${claimNo}/1/ClaimSettled`;
      await eventually(
        async () => ((await audit()).some((i) => i.eventId === eventId) ? true : undefined),
        `${label}: audit entry`,
        90_000,
      );
      expect(
        (await audit()).filter((i) => i.eventId === eventId),
        label,
      ).toHaveLength(1);
      expect(
        await eventually(() => getItem('alerts', `CLAIM#${HOSPITAL}#${claimNo}`, 'SCORE'), `${label}: fraud score`, 90_000),
      ).toBeDefined();
      if (isStay)
        expect(
          await eventually(() => getItem('drgCases', `PROVIDER#${HOSPITAL}#YEAR#2026`, `CASE#${claimNo}`), `${label}: DRG case`, 90_000),
          label,
        ).toMatchObject({ kind: 'case' });
    }
    // The names travelled intact: each plane's stay's ClaimSettled, as the audit trail archived it, carries its texts.
    let n = 0;
    for (const [label, text] of Object.entries(PLANES)) {
      const eventId = `claim/${HOSPITAL}/UNI-P${++n}/1/ClaimSettled`;
      const detail = archivedEventOf((await audit()).find((i) => i.eventId === eventId)!).detail as {
        visit: { department: string };
        lines: { itemName: string }[];
      };
      expect(detail.visit.department, label).toBe(`${text}科`);
      expect(
        detail.lines.map((l: { itemName: string }) => l.itemName),
        label,
      ).toEqual([`${text}检查`, text]);
    }
    const fundPaid = settled.reduce((sum, s) => sum + s.answer.body.statement.totals.byLayer.basic, 0);
    const totals = await eventually(
      async () => {
        const item = await getItem('providers', `PROVIDER#${HOSPITAL}`, 'TOTALS#2026-03');
        return item && item.claims === settled.length ? item : undefined;
      },
      'the provider totals of every claim',
      90_000,
    );
    expect(totals).toMatchObject({ claims: settled.length, fundPaidFen: fundPaid });
    console.log(
      `unicode downstream: ${settled.length} claims settled (a 2,000-line stay, ${Object.keys(PLANES).length} planes, 2 twins), ` +
        `${REFUSED.length * 2} refused with 400; every claim audited once, scored, DRG-grouped (stays), counted (${totals!.claims} claims, ${fundPaid} fen) in ${Date.now() - started} ms`,
    );
  }, 300_000);

  it('reconciliation afterwards finds every claim and nothing missing', async () => {
    const res = await api(cloud, 'POST', '/v1/operations/reconciliations', {
      token: staff,
      body: { from: startedAt, to: new Date(Date.now() + 1_000).toISOString() },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const report = res.body;
    console.log(
      `unicode downstream: reconciliation found ${report.claims.found} claims, facts expected ${report.facts.expected}, missing ${JSON.stringify(report.facts.missing)}, republished ${report.repaired.republished}`,
    );
    expect(report.claims.found).toBe(settled.length);
    expect(report.claims.withMissing).toBe(0);
    expect(Object.values(report.facts.missing).every((n) => n === 0)).toBe(true);
    // Audit, fraud, payment facts for each; the DRG case for each stay.
    expect(report.facts.expected).toBe(settled.length * 3 + settled.filter((s) => s.stay).length);
  }, 120_000);
});
