/**
 * Issue 20, points 1, 3 and 4 on the local cloud, through the API: every accepted bill reaches every
 * consumer (a bill of the API's maximum settles, travels under the bus's limit and is scored, counted
 * and audited once); one claim sent 20 times at once is audited once; a reversed claim is settled again
 * only by a request naming the settlement it follows, also when settle and reverse race.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { LocalCloud } from '../../infra/local/cloud.ts';
import { localName } from '../../infra/topology.ts';
import { idNumbers } from '../support/id-numbers.ts';
import { exampleLine } from '../../shared/settlement/examples.ts';
import { DEAD_LETTER_AFTER, relayOutbox, shardOf } from '../../shared/events/outbox.ts';
import { ALL_STAFF_PERMISSIONS } from '../../shared/auth/principal.ts';
import {
  api,
  eventually,
  onAuditEvent,
  registerProvider,
  startTestCloud,
  whileTheBusRefuses,
  type ApiAnswer,
} from '../support/local-cloud.ts';

let cloud: LocalCloud;
let db: DynamoDBDocumentClient;
let staff: string;
const tokens: Record<string, string> = {};
const rawEvents: string[] = [];

const BIG = 'H21090200091'; // the 2,000-line bill's hospital
const RACE = 'H21090200092'; // settle / reverse races
const TWENTY = 'H21090200093'; // one claim sent 20 times at once

beforeAll(async () => {
  cloud = await startTestCloud();
  onAuditEvent(cloud, (body) => rawEvents.push(body));
  db = DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: cloud.endpoints.dynamodb, region: cloud.region, credentials: cloud.credentials }),
  );
  staff = await cloud.mint({ sub: 'clerk-1', role: 'staff', permissions: ALL_STAFF_PERMISSIONS });
  for (const code of [BIG, RACE, TWENTY]) {
    await registerProvider(cloud, staff, {
      providerCode: code,
      name: `阜新测试医院 ${code}`,
      level: 'secondary',
      region: '210902',
      kind: 'hospital',
    });
    tokens[code] = await cloud.mint({ sub: `his-${code}`, role: 'provider', providerCode: code });
  }
}, 120_000);
afterAll(async () => {
  db?.destroy();
  await cloud?.stop();
});

const nextIdNumber = idNumbers(Date.UTC(1960, 0, 1));
async function member(): Promise<string> {
  const res = await api(cloud, 'POST', '/v1/members', {
    token: staff,
    body: {
      idNumber: nextIdNumber('210902', '001'),
      year: 2020,
      region: '210900',
      scheme: 'resident',
      categories: [{ code: 'registered-poor', validFrom: '2019-01-01' }],
    },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.member.memberId;
}

function stay(providerCode: string, memberId: string, claimNo: string, lines = [exampleLine(1, 'A', 'surgery', 30_000)]) {
  return {
    providerCode,
    claimNo,
    memberId,
    visit: { type: 'inpatient', serviceDate: '2020-06-01', dischargeDate: '2020-06-09', department: '普外科' },
    diagnoses: { principal: 'K35.800', secondary: ['I10.x00'] },
    procedures: ['47.0901'],
    lines,
  };
}

const settle = (bill: { providerCode: string; [field: string]: unknown }, headers: Record<string, string> = {}) =>
  api(cloud, 'POST', '/v1/claims', { token: tokens[bill.providerCode]!, body: bill, headers });
const reverse = (providerCode: string, claimNo: string, body: Record<string, unknown> = { reason: '退费' }) =>
  api(cloud, 'POST', `/v1/claims/${providerCode}/${claimNo}/reversal`, { token: tokens[providerCode]!, body });
const getItem = async (table: 'alerts' | 'providers' | 'claims', pk: string, sk: string) =>
  (await db.send(new GetCommand({ TableName: localName.table(table), Key: { pk, sk }, ConsistentRead: true }))).Item;

/** Every archived copy of a fact in the audit table (the audit trail keeps one). */
async function audited(eventId: string): Promise<number> {
  const out = await db.send(
    new ScanCommand({
      TableName: localName.table('audit'),
      FilterExpression: 'eventId = :id',
      ExpressionAttributeValues: { ':id': eventId },
    }),
  );
  return out.Items?.length ?? 0;
}

/** Sums the claim's ledger: what the fund paid, net. */
async function ledgerFundPaid(providerCode: string, claimNo: string): Promise<number> {
  const out = await db.send(
    new QueryCommand({
      TableName: localName.table('claims'),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :l)',
      ExpressionAttributeValues: { ':pk': `CLAIM#${providerCode}#${claimNo}`, ':l': 'LEDGER#' },
      ConsistentRead: true,
    }),
  );
  return (out.Items ?? []).reduce((sum, e) => sum + e.amounts.fundPaidFen, 0);
}

// ---- every accepted bill reaches every consumer ---------------------------------------------

/**
 * Characters of every Unicode plane that SQS and the API take, drawn at random from wide ranges (so
 * gzip gains little): CJK (BMP), emoji (plane 1), Ext B (2), Ext G (3), variation selectors (14),
 * private use (15, 16).
 */
const PLANES: [number, number][] = [
  [0x4e00, 0x9fff],
  [0x1f300, 0x1f5ff],
  [0x20000, 0x2a6df],
  [0x30000, 0x3134a],
  [0xe0100, 0xe01ef],
  [0xf0000, 0xffffd],
  [0x100000, 0x10fffd],
];

/** 2,000 lines, each with a 20-digit trace code and a name of up to 200 UTF-16 units drawn from every plane. */
function maximumBill(memberId: string, claimNo: string) {
  let seed = 20_2020;
  const next = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed;
  };
  const name = (i: number) => {
    let text = `第${i}项`;
    while (text.length < 198) {
      const [from, to] = PLANES[next() % PLANES.length]!;
      text += String.fromCodePoint(from + (next() % (to - from + 1)));
    }
    return text; // 198 or 199 UTF-16 units: within the 200 a name may have
  };
  const lines = Array.from({ length: 2_000 }, (_, i) =>
    exampleLine(i + 1, 'A', i % 3 === 0 ? 'drug' : 'exam', 1 + (i % 7), 1, {
      itemCode: `X${String(next()).padStart(10, '0')}`,
      itemName: name(i + 1),
      traceCode: String(next()).padStart(10, '0') + String(next()).padStart(10, '0').slice(0, 10),
      ...(i % 3 === 0 ? { supplyDays: 7 } : {}),
    }),
  );
  return stay(BIG, memberId, claimNo, lines);
}

describe('a bill of the documented maximum (2,000 lines, 20-digit trace codes, 200-character names in every plane)', () => {
  let memberId: string;
  let settled: ApiAnswer;
  let bill: ReturnType<typeof maximumBill>;
  const claimNo = 'MAX-2000';
  const eventId = `claim/${BIG}/${claimNo}/1/ClaimSettled`;

  beforeAll(async () => {
    memberId = await member();
    bill = maximumBill(memberId, claimNo);
    expect(bill.lines.every((l) => (l.itemName ?? '').length <= 200 && (l.traceCode ?? '').length === 20)).toBe(true);
    settled = await settle(bill, { 'x-correlation-id': 'max-bill-1' });
  }, 120_000);

  it('settles (201) and its claim reads back whole, the bill kept in parts beside the claim item', async () => {
    expect(settled.status, JSON.stringify(settled.body).slice(0, 500)).toBe(201);
    expect(settled.body.statement.lines).toHaveLength(2_000);
    const claim = await getItem('claims', `CLAIM#${BIG}#${claimNo}`, 'CLAIM');
    // No item over DynamoDB's 400 KB: the claim item holds the parts' count, each part under 400 KB.
    expect(claim!.parts).toBeGreaterThan(0);
    const sizes: number[] = [];
    for (let i = 0; i < claim!.parts; i++) {
      const part = await getItem('claims', `CLAIM#${BIG}#${claimNo}`, `PART#0001#${String(i).padStart(3, '0')}`);
      sizes.push((part!.data as Uint8Array).byteLength);
    }
    console.log(
      `2,000-line bill: bill, statement and inputs gzipped in ${sizes.length} parts of ${sizes.join(', ')} bytes (item limit 409,600)`,
    );
    for (const size of sizes) expect(size).toBeLessThan(400 * 1024);
    const read = await api(cloud, 'GET', `/v1/claims/${BIG}/${claimNo}`, { token: tokens[BIG]! });
    expect(read.status).toBe(200);
    expect(read.body.statement.totals).toEqual(settled.body.statement.totals);
    expect(read.body.statement.lines).toHaveLength(2_000);
  });

  it('publishes ClaimSettled well under the bus’s 256 KB: the lines by reference, their amounts by category', async () => {
    const raw = await eventually(() => rawEvents.find((b) => b.includes(`"eventId":"${eventId}"`)), 'ClaimSettled of the big bill', 60_000);
    const bytes = Buffer.byteLength(raw, 'utf8');
    console.log(`2,000-line bill: ClaimSettled envelope ${bytes} bytes (bus limit 262,144)`);
    expect(bytes).toBeLessThan(128 * 1024 + 4 * 1024);
    const detail = JSON.parse(raw).detail;
    expect(detail.lines).toBeUndefined();
    expect(detail.linesOmitted).toEqual({ count: 2_000, reason: 'size' });
    const byCategory = detail.amountsByCategory as Record<string, number>;
    expect(byCategory.drug! + byCategory.exam!).toBe(settled.body.statement.totals.billedFen);
  });

  it('is scored by fraud on all its lines, counted in the provider’s totals and archived in the audit trail once', async () => {
    const score = await eventually(() => getItem('alerts', `CLAIM#${BIG}#${claimNo}`, 'SCORE'), 'the fraud score', 90_000);
    expect(score).toBeDefined();
    // Fraud read every line by the claim's key: the last line's trace code is on record as scanned.
    const last = bill.lines[1_999]!;
    const scan = await getItem('alerts', `TRACE#${last.traceCode}`, `SCAN#${BIG}#${claimNo}#2000`);
    expect(scan).toBeDefined();
    const totals = await eventually(() => getItem('providers', `PROVIDER#${BIG}`, 'TOTALS#2020-06'), 'the provider totals', 60_000);
    // The pooled fund's part (basic) is what the provider's totals count.
    expect(totals).toMatchObject({ claims: 1, fundPaidFen: settled.body.statement.totals.byLayer.basic });
    await eventually(async () => ((await audited(eventId)) > 0 ? true : undefined), 'the audit entry', 60_000);
    expect(await audited(eventId)).toBe(1);
    const trail = await api(cloud, 'GET', '/v1/audit/max-bill-1', { token: staff });
    expect(trail.body.events.filter((e: { detailType: string }) => e.detailType === 'ClaimSettled')).toHaveLength(1);
  });
});

describe('the audit trail counts each fact once', () => {
  it('one claim sent 20 times at once: one settlement, one ClaimSettled archived, one fraud score', async () => {
    const memberId = await member();
    const bill = stay(TWENTY, memberId, 'TWENTY-1');
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => settle(bill, { 'x-correlation-id': `twenty-${i}` })));
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 200)).toHaveLength(19);
    expect(await ledgerFundPaid(TWENTY, 'TWENTY-1')).toBe(answers.find((a) => a.status === 201)!.body.statement.totals.fundPaidFen);
    const eventId = `claim/${TWENTY}/TWENTY-1/1/ClaimSettled`;
    await eventually(() => getItem('alerts', `CLAIM#${TWENTY}#TWENTY-1`, 'SCORE'), 'the fraud score', 60_000);
    await eventually(async () => ((await audited(eventId)) > 0 ? true : undefined), 'the audit entry', 60_000);
    // Every replay delivers what may still wait: give the bus and the queues time to carry any second copy.
    await new Promise((done) => setTimeout(done, 2_000));
    expect(await audited(eventId)).toBe(1);
    const providerTotals = await getItem('providers', `PROVIDER#${TWENTY}`, 'TOTALS#2020-06');
    expect(providerTotals).toMatchObject({ claims: 1 });
  });
});

// ---- re-settlement only by intent ------------------------------------------------------------

describe('a reversed claim is settled again only by a request naming the settlement it follows', () => {
  let memberId: string;
  beforeAll(async () => {
    memberId = await member();
  });

  it('the original request sent again after a reversal is 409 CLAIM_REVERSED, and pays nothing', async () => {
    const bill = stay(RACE, memberId, 'R-1');
    const first = await settle(bill);
    expect(first.status).toBe(201);
    expect((await reverse(RACE, 'R-1')).status).toBe(200);
    const retry = await settle(bill);
    expect(retry.status).toBe(409);
    expect(retry.body.error).toMatchObject({
      code: 'CLAIM_REVERSED',
      details: { rule: 'reversed', settlementNo: 1, current: { status: 'reversed' } },
    });
    expect(await ledgerFundPaid(RACE, 'R-1')).toBe(0);

    // Naming a settlement that is not the reversed one is refused; naming it settles (settlement 2).
    expect((await settle({ ...bill, resettlementOf: 2 })).body.error.details).toMatchObject({ rule: 'not_current' });
    const again = await settle({ ...bill, resettlementOf: 1 });
    expect(again.status, JSON.stringify(again.body)).toBe(201);
    expect(again.body.claim).toMatchObject({ status: 'settled', settlementNo: 2 });
    // Its retry replays it; the original request, still retried by the HIS, is told settlement 1 was reversed.
    const replay = await settle({ ...bill, resettlementOf: 1 });
    expect(replay.status).toBe(200);
    expect(replay.headers.get('x-idempotent-replay')).toBe('true');
    const stale = await settle(bill);
    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatchObject({
      code: 'CLAIM_REVERSED',
      details: { settlementNo: 1, current: { settlementNo: 2, status: 'settled' } },
    });
    // Settlement 2 in force: naming it again is refused until it too is reversed.
    expect(
      (await settle({ ...bill, lines: [exampleLine(1, 'A', 'surgery', 29_000)], resettlementOf: 2 })).body.error.details,
    ).toMatchObject({
      rule: 'not_reversed',
    });
    expect(await ledgerFundPaid(RACE, 'R-1')).toBe(again.body.statement.totals.fundPaidFen);
  });

  it('a first settlement naming a settlement to follow is refused', async () => {
    const res = await settle({ ...stay(RACE, memberId, 'R-NONE'), resettlementOf: 1 });
    expect(res.status).toBe(409);
    expect(res.body.error.details).toMatchObject({ field: 'body.resettlementOf', rule: 'no_settlement' });
  });

  it('concurrent retries of the original request and a reversal: one reversal, never a second payment', async () => {
    for (const round of [1, 2, 3]) {
      const claimNo = `RACE-${round}`;
      const bill = stay(RACE, memberId, claimNo);
      const first = await settle(bill);
      expect(first.status).toBe(201);
      const [reversal, ...retries] = await Promise.all([reverse(RACE, claimNo), ...Array.from({ length: 8 }, () => settle(bill))]);
      expect(reversal!.status).toBe(200);
      // Each retry either replayed settlement 1 (it read the claim before the reversal) or was told it was reversed.
      for (const r of retries) {
        expect([200, 409], JSON.stringify(r.body)).toContain(r.status);
        if (r.status === 200) expect(r.body.claim.settlementNo).toBe(1);
        else expect(r.body.error.code).toBe('CLAIM_REVERSED');
      }
      const claim = await api(cloud, 'GET', `/v1/claims/${RACE}/${claimNo}`, { token: tokens[RACE]! });
      expect(claim.body.claim).toMatchObject({ status: 'reversed', settlementNo: 1 });
      expect(claim.body.ledger.map((e: { kind: string }) => e.kind)).toEqual(['settlement', 'reversal']);
      expect(await ledgerFundPaid(RACE, claimNo)).toBe(0);
    }
  });

  it('a re-settlement sent again after its own reversal is refused (409 naming settlement 2), never paid again', async () => {
    const bill = stay(RACE, memberId, 'RACE-LATE');
    expect((await settle(bill)).status).toBe(201);
    expect((await reverse(RACE, 'RACE-LATE')).status).toBe(200);
    expect((await settle({ ...bill, resettlementOf: 1 })).status).toBe(201);
    expect((await reverse(RACE, 'RACE-LATE', { reason: '退费', settlementNo: 2 })).status).toBe(200);
    const late = await settle({ ...bill, resettlementOf: 1 });
    expect(late.status, JSON.stringify(late.body)).toBe(409);
    expect(late.body.error.details).toMatchObject({ field: 'body.resettlementOf', settlementNo: 2 });
    expect(await ledgerFundPaid(RACE, 'RACE-LATE')).toBe(0);
  });

  it('concurrent re-settlements and a reversal of the re-settlement: each settlement paid once, the ledger nets to what stands', async () => {
    const bill = stay(RACE, memberId, 'RACE-RS');
    expect((await settle(bill)).status).toBe(201);
    expect((await reverse(RACE, 'RACE-RS')).status).toBe(200);
    const answers = await Promise.all([
      ...Array.from({ length: 6 }, () => settle({ ...bill, resettlementOf: 1 })),
      reverse(RACE, 'RACE-RS', { reason: '退费', settlementNo: 2 }),
      ...Array.from({ length: 3 }, () => settle(bill)),
    ]);
    const resettled = answers.slice(0, 6);
    const reversal = answers[6]!;
    expect(resettled.filter((a) => a.status === 201)).toHaveLength(1);
    for (const a of resettled) {
      // A retry replays settlement 2 (200), unless it reached the claim after the reversal of settlement 2
      // (all ten requests run at once): then it is a stale request for a settlement no longer current.
      if (a.status === 409) {
        expect(reversal.status, JSON.stringify(a.body)).toBe(200);
        expect(a.body.error.details).toMatchObject({ field: 'body.resettlementOf', settlementNo: 2 });
      } else expect([200, 201], JSON.stringify(a.body)).toContain(a.status);
    }
    for (const a of answers.slice(7)) expect(a.body.error?.code).toBe('CLAIM_REVERSED');
    const claim = await api(cloud, 'GET', `/v1/claims/${RACE}/RACE-RS`, { token: tokens[RACE]! });
    const kinds = claim.body.ledger.map((e: { kind: string; settlementNo: number }) => `${e.kind}:${e.settlementNo}`);
    // The reversal of settlement 2 either found it (then it is reversed) or came first and was refused (409 not_current).
    if (reversal.status === 200) expect(kinds).toEqual(['settlement:1', 'reversal:1', 'settlement:2', 'reversal:2']);
    else {
      expect(reversal.status).toBe(409);
      expect(kinds).toEqual(['settlement:1', 'reversal:1', 'settlement:2']);
    }
    const standing = claim.body.claim.status === 'settled' ? claim.body.statement.totals.fundPaidFen : 0;
    expect(await ledgerFundPaid(RACE, 'RACE-RS')).toBe(standing);
  });
});

// ---- outbox dead letters ---------------------------------------------------------------------

describe('an event the bus keeps refusing becomes a dead letter an operator replays', () => {
  it('after ten refused relay runs it leaves the outbox; listed, inspected, replayed once, then scored and audited once', async () => {
    const operator = await cloud.mint({ sub: 'ops-1', role: 'staff', permissions: ['operations:replay'] });
    const memberId = await member();
    const bill = stay(TWENTY, memberId, 'DEAD-1');
    const key = `claim/${TWENTY}/DEAD-1/1/ClaimSettled`;
    expect((await whileTheBusRefuses(() => settle(bill))).status).toBe(201);
    const later = new Date(Date.now() + 120_000);
    const runs = await whileTheBusRefuses(async () => {
      const reports = [];
      for (let i = 0; i < DEAD_LETTER_AFTER; i++) reports.push(await relayOutbox(later));
      return reports;
    });
    // Runs 1..9 leave it waiting (counted); the 10th moves it to the dead letters.
    expect(runs.slice(0, DEAD_LETTER_AFTER - 1).every((r) => r.waiting >= 1 && !r.deadLettered)).toBe(true);
    expect(runs.at(-1)!.deadLettered).toBeGreaterThanOrEqual(1);
    expect(await relayOutbox(later)).toMatchObject({ waiting: 0 });

    // Staff without the permission: 403 naming it.
    const clerk = await cloud.mint({ sub: 'clerk-2', role: 'staff', permissions: [] });
    const refused = await api(cloud, 'GET', '/v1/operations/dead-letters', { token: clerk });
    expect(refused.status).toBe(403);
    expect(refused.body.error.details.requiredPermission).toBe('operations:replay');

    const listed = await api(cloud, 'GET', '/v1/operations/dead-letters', { token: operator });
    expect(listed.status).toBe(200);
    const dead = listed.body.deadLetters.find((d: { key: string }) => d.key === key);
    expect(dead).toMatchObject({ key, detailType: 'ClaimSettled', attempts: DEAD_LETTER_AFTER, state: 'dead' });
    expect(dead.lastError).toMatch(/ResourceNotFound|no-such-bus/);
    const one = await api(cloud, 'GET', `/v1/operations/dead-letters?key=${encodeURIComponent(key)}`, { token: operator });
    expect(one.body.deadLetter.detail).toMatchObject({ eventId: key, claim: { claimNo: 'DEAD-1' } });

    const replayed = await api(cloud, 'POST', '/v1/operations/dead-letters/replay', {
      token: operator,
      body: { keys: [key, 'no/such/key'] },
    });
    expect(replayed.status).toBe(200);
    expect(replayed.body.replayed).toEqual([
      { key, outcome: 'delivered' },
      { key: 'no/such/key', outcome: 'not-found' },
    ]);
    const again = await api(cloud, 'POST', '/v1/operations/dead-letters/replay', { token: operator, body: { keys: [key] } });
    expect(again.body.replayed).toEqual([{ key, outcome: 'already-replayed' }]);
    expect(
      (await api(cloud, 'GET', '/v1/operations/dead-letters', { token: operator })).body.deadLetters.map((d: { key: string }) => d.key),
    ).not.toContain(key);
    const all = await api(cloud, 'GET', '/v1/operations/dead-letters?all=true', { token: operator });
    expect(all.body.deadLetters.find((d: { key: string }) => d.key === key)).toMatchObject({ state: 'replayed', replayedBy: 'ops-1' });

    await eventually(() => getItem('alerts', `CLAIM#${TWENTY}#DEAD-1`, 'SCORE'), 'the fraud score', 60_000);
    await eventually(async () => ((await audited(key)) > 0 ? true : undefined), 'the audit entry', 60_000);
    expect(await audited(key)).toBe(1);
  });
});

// ---- reconciliation ----------------------------------------------------------------------------

describe('reconciliation finds what settled claims left missing downstream and publishes it again', () => {
  it('finds the claims whose events were lost, repairs them once, and a second run finds nothing missing', async () => {
    const operator = await cloud.mint({ sub: 'ops-2', role: 'staff', permissions: ['operations:reconcile'] });
    const from = new Date(Date.now() - 1_000).toISOString();
    const memberId = await member();
    const RECON = 'H21090200094';
    await registerProvider(cloud, staff, {
      providerCode: RECON,
      name: '阜新对账医院',
      level: 'secondary',
      region: '210902',
      kind: 'hospital',
    });
    tokens[RECON] = await cloud.mint({ sub: `his-${RECON}`, role: 'provider', providerCode: RECON });
    // Three claims reach downstream; two are committed while the bus refuses, and their outbox entries are then lost (as a crash lost them).
    for (const claimNo of ['OK-1', 'OK-2', 'OK-3']) expect((await settle(stay(RECON, memberId, claimNo))).status).toBe(201);
    for (const claimNo of ['LOST-1', 'LOST-2'])
      expect((await whileTheBusRefuses(() => settle(stay(RECON, memberId, claimNo)))).status).toBe(201);
    for (const claimNo of ['LOST-1', 'LOST-2']) {
      const key = `claim/${RECON}/${claimNo}/1/ClaimSettled`;
      await db.send(new DeleteCommand({ TableName: localName.table('outbox'), Key: { pk: `OUTBOX#${shardOf(key)}`, sk: key } }));
    }
    await eventually(
      async () => ((await getItem('providers', `PROVIDER#${RECON}`, 'TOTALS#2020-06'))?.claims === 3 ? true : undefined),
      'three claims counted',
      60_000,
    );
    for (const n of ['OK-1', 'OK-2', 'OK-3'])
      await eventually(() => getItem('alerts', `CLAIM#${RECON}#${n}`, `EVENT#claim/${RECON}/${n}/1/ClaimSettled`), `${n} scored`, 60_000);
    const to = new Date(Date.now() + 1_000).toISOString();

    const clerk = await cloud.mint({ sub: 'clerk-3', role: 'staff', permissions: ['members:write'] });
    const refused = await api(cloud, 'POST', '/v1/operations/reconciliations', { token: clerk, body: { from, to } });
    expect(refused.status).toBe(403);
    const bad = await api(cloud, 'POST', '/v1/operations/reconciliations', { token: operator, body: { from: to, to: from } });
    expect(bad.status).toBe(400);

    const first = await api(cloud, 'POST', '/v1/operations/reconciliations', { token: operator, body: { from, to } });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    const mine = (r: { missingClaims: { claim: string }[] }) => r.missingClaims.filter((c) => c.claim.startsWith(`${RECON}/`));
    expect(
      mine(first.body)
        .map((c) => c.claim)
        .sort(),
    ).toEqual([`${RECON}/LOST-1`, `${RECON}/LOST-2`]);
    for (const c of mine(first.body))
      expect(c).toMatchObject({ missing: ['audit', 'fraudScore', 'paymentFacts'], republished: 'ClaimSettled' });
    console.log(
      `reconciliation 1: claims ${first.body.claims.found}, with missing facts ${first.body.claims.withMissing}, missing ${JSON.stringify(first.body.facts.missing)}, republished ${first.body.repaired.republished}`,
    );

    // The consumers catch up: each lost claim counted, scored and audited once.
    await eventually(
      async () => ((await getItem('providers', `PROVIDER#${RECON}`, 'TOTALS#2020-06'))?.claims === 5 ? true : undefined),
      'five claims counted',
      60_000,
    );
    for (const n of ['LOST-1', 'LOST-2']) {
      const key = `claim/${RECON}/${n}/1/ClaimSettled`;
      await eventually(() => getItem('alerts', `CLAIM#${RECON}#${n}`, `EVENT#${key}`), `${n} scored`, 60_000);
      await eventually(async () => ((await audited(key)) > 0 ? true : undefined), `${n} audited`, 60_000);
    }
    const second = await api(cloud, 'POST', '/v1/operations/reconciliations', { token: operator, body: { from, to } });
    expect(second.status).toBe(201);
    expect(mine(second.body)).toEqual([]);
    console.log(`reconciliation 2: claims ${second.body.claims.found}, with missing facts ${second.body.claims.withMissing}`);
    // Nothing counted twice by the repair.
    expect(await getItem('providers', `PROVIDER#${RECON}`, 'TOTALS#2020-06')).toMatchObject({ claims: 5 });
    for (const n of ['OK-1', 'LOST-1']) expect(await audited(`claim/${RECON}/${n}/1/ClaimSettled`)).toBe(1);

    // The report is stored and readable by its id.
    const stored = await api(cloud, 'GET', `/v1/operations/reconciliations/${first.body.runId}`, { token: operator });
    expect(stored.status).toBe(200);
    expect(stored.body).toEqual(first.body);
    expect((await api(cloud, 'GET', '/v1/operations/reconciliations/r-none', { token: operator })).status).toBe(404);
  });

  it('runs daily on its schedule for the agency day before, stored as daily-<date>', async () => {
    const fired = await cloud.scheduler.fire('dailyReconciliation', new Date('2020-06-10T04:30:00+08:00'));
    expect(fired.result).toMatchObject({ run: 'reconciliation', runId: 'daily-2020-06-09' });
    const operator = await cloud.mint({ sub: 'ops-3', role: 'staff', permissions: ['operations:reconcile'] });
    const stored = await api(cloud, 'GET', '/v1/operations/reconciliations/daily-2020-06-09', { token: operator });
    expect(stored.body).toMatchObject({
      trigger: 'schedule',
      window: { from: '2020-06-08T16:00:00.000Z', to: '2020-06-09T16:00:00.000Z' },
      claims: { found: 0 },
    });
  });
});
