/**
 * The one policy registry over the local cloud: a policy of a kind that used to ship only with the
 * build (DRG, enrolment, year-end) is published through POST /v1/policies and used by the running
 * functions at once, with no restart and no redeploy.
 *
 * Figures: the DRG case is the pneumonia of test/integration/drg.test.ts (ES31, RW 0.8933 → 89.33
 * base points), discharged in 2027, a year Zhoushan (330900) holds no policy for; the published 2027
 * policy raises provider ZS0001's coefficient from 1.05 to 1.10, so 89.33 × 1.10 = 98.263 → 98.26
 * centipoints 9_826, plus TCM 7% (> 6%) adds 5% of 98.26 = 4.913 → 4.91: 10_317. The enrolment is a
 * Honghe (532500) resident for 2026, a year the shipped policies stop short of; the published 2026
 * policy asks 420 yuan of the member (2025: 400) and the same 700 yuan government subsidy. The
 * year-end policy is Jin'an's (341502) for 2024, which it lacked: a capitation standard of 3,200 yuan a
 * member (2023: 3,070), so a community of 100 capitated members has a fund of 320,000 yuan.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { LocalCloud } from '../../infra/local/cloud.ts';
import { BUS_NAME } from '../../infra/topology.ts';
import { checkCharacter } from '../../shared/enrolment/id-number.ts';
import { dynamoDocumentClient } from '../../shared/runtime/aws-clients.ts';
import { tableName } from '../../shared/runtime/resource-names.ts';
import { api, eventually, startTestCloud } from '../support/local-cloud.ts';
import { REGION, harness, registerJinan, staffCall } from './prepayment-support.ts';
import { ALL_STAFF_PERMISSIONS } from '../../shared/auth/principal.ts';

let cloud: LocalCloud;
let bus: EventBridgeClient;
let staff: string;

beforeAll(async () => {
  cloud = await startTestCloud();
  bus = new EventBridgeClient({ endpoint: cloud.endpoints.eventbridge, region: cloud.region, credentials: cloud.credentials });
  staff = await cloud.mint({ sub: 'clerk-pol', role: 'staff', permissions: ALL_STAFF_PERMISSIONS });
});
afterAll(async () => {
  bus?.destroy();
  await cloud?.stop();
});

const shipped = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Record<string, any>;
const publish = (body: unknown) => api(cloud, 'POST', '/v1/policies', { token: staff, body });

describe('a DRG policy for a year that had none', () => {
  const drg2027 = (): Record<string, any> => {
    const doc = shipped('policies/drg/330900/2026.json');
    return {
      ...doc,
      year: 2027,
      effectiveFrom: '2027-01-01',
      hospitalCoefficients: { ...doc.hospitalCoefficients, byProvider: { ZS0001: 1.1 } },
    };
  };

  const claim = {
    claim: { providerCode: 'ZS0001', claimNo: 'ZS-2027-0001' },
    memberId: 'M-POL-1',
    region: '330900',
    scheme: 'resident',
    provider: { code: 'ZS0001', level: 'tertiary', region: '330900' },
    visit: {
      type: 'inpatient',
      serviceDate: '2027-03-01',
      admissionDate: '2027-03-01',
      dischargeDate: '2027-03-10',
      department: 'respiratory',
    },
    patient: { sex: 'M', ageYears: 67 },
    diagnoses: { principal: 'J18.900', secondary: ['J96.000'] },
    procedures: [],
    inpatient: { lengthOfStayDays: 9 },
    lines: [
      { lineNo: 1, itemCode: 'D001', itemClass: 'A', category: 'drug', quantity: 1, unitPriceFen: 930_000, amountFen: 930_000 },
      { lineNo: 2, itemCode: 'T001', itemClass: 'A', category: 'tcm-herbal', quantity: 1, unitPriceFen: 70_000, amountFen: 70_000 },
    ],
    totals: { billedFen: 1_000_000, fundPaidFen: 700_000, patientPaidFen: 300_000 },
    meta: { schemaVersion: 1, correlationId: 'corr-pol-drg-2027' },
  };

  it('is published, listed with the shipped year beside it, and groups a stay of that year at once', async () => {
    const before = await api(cloud, 'GET', '/v1/policies/drg/330900?year=2027&on=2027-03-10', { token: staff });
    expect(before.status, JSON.stringify(before.body)).toBe(200);
    expect(before.body).toMatchObject({ kind: 'drg', region: '330900', year: 2027, versions: [], inForce: { version: null } });

    const published = await publish(drg2027());
    expect(published.status, JSON.stringify(published.body)).toBe(201);
    expect(published.body.published).toMatchObject({
      kind: 'drg',
      region: '330900',
      year: 2027,
      version: 1,
      effectiveFrom: '2027-01-01',
      source: 'published',
      publishedBy: 'clerk-pol',
    });
    const replay = await publish(drg2027());
    expect(replay.status).toBe(200);
    expect(replay.headers.get('x-idempotent-replay')).toBe('true');

    const out = await bus.send(
      new PutEventsCommand({
        Entries: [{ EventBusName: BUS_NAME, Source: 'yibao.adjudication', DetailType: 'ClaimSettled', Detail: JSON.stringify(claim) }],
      }),
    );
    expect(out.FailedEntryCount).toBe(0);
    const recorded = await eventually(async () => {
      const item = await dynamoDocumentClient().send(
        new GetCommand({
          TableName: tableName('drgCases'),
          Key: { pk: 'PROVIDER#ZS0001#YEAR#2027', sk: 'CASE#ZS-2027-0001' },
          ConsistentRead: true,
        }),
      );
      return item.Item?.caseGroupedEventId ? item.Item : undefined;
    }, 'the 2027 case grouped and published');
    expect(recorded).toMatchObject({
      region: '330900',
      year: 2027,
      grouping: { drg: 'ES31', outcome: 'grouped' },
      points: { weight: 8_933, baseCentipoints: 8_933, coefficient: 11_000, centipoints: 10_317 },
      policy: { region: '330900', year: 2027, version: 1 },
    });

    const grouped = await eventually(async () => {
      const res = await api(cloud, 'GET', '/v1/audit/corr-pol-drg-2027', { token: staff });
      return res.body.events?.find((e: { detailType: string }) => e.detailType === 'CaseGrouped');
    }, 'CaseGrouped in the audit trail');
    expect(grouped.detail).toMatchObject({ year: 2027, policy: { region: '330900', year: 2027, version: 1 } });

    const after = await api(cloud, 'GET', '/v1/policies/drg/330900?year=2027&on=2027-03-10', { token: staff });
    expect(after.body.inForce).toMatchObject({ version: 1, source: 'published', document: { year: 2027 } });
    const shippedYear = await api(cloud, 'GET', '/v1/policies/drg/330900?on=2026-06-01', { token: staff });
    expect(shippedYear.body.versions).toEqual([expect.objectContaining({ version: 1, source: 'shipped', year: 2026 })]);
  });

  it('refuses another version 1 with other figures, one not above the newest, and a document its schema refuses', async () => {
    const changed = await publish({ ...drg2027(), hospitalCoefficients: { ...drg2027().hospitalCoefficients, default: 0.9 } });
    expect(changed.status).toBe(409);
    expect(changed.body.error.details).toMatchObject({ field: 'body.version', rule: 'version_exists' });
    const overShipped = await publish({ ...drg2027(), year: 2026, effectiveFrom: '2026-07-01' });
    expect(overShipped.body.error.details).toMatchObject({ field: 'body.version', rule: 'not_newer', newestVersion: 1 });
    const noList = await publish({ ...drg2027(), version: 2, weights: { ...drg2027().weights, list: 'nowhere-2030' } });
    expect(noList.status).toBe(400);
    expect(noList.body.error.details.problems[0]).toMatchObject({ field: 'body.weights.list' });
  });
});

describe('an enrolment policy for a year that had none', () => {
  let born = Date.UTC(1971, 0, 1);
  function person(): string {
    born += 86_400_000;
    const first17 = `532501${new Date(born).toISOString().slice(0, 10).replaceAll('-', '')}002`;
    return first17 + checkCharacter(first17);
  }
  const enrol = (idNumber: string) =>
    api(cloud, 'POST', '/v1/members', { token: staff, body: { idNumber, year: 2026, region: '532500', scheme: 'resident' } });

  it('is refused before, published, and a member is enrolled under it with its figures, with no restart', async () => {
    const refused = await enrol(person());
    expect(refused.status).toBeGreaterThanOrEqual(400);
    expect(JSON.stringify(refused.body.error)).toContain('policy_missing');

    const doc = shipped('policies/enrolment/532500/2025.json');
    const honghe2026 = {
      ...doc,
      year: 2026,
      effectiveFrom: '2026-01-01',
      resident: { ...doc.resident, individual: { ...doc.resident.individual, value: 42_000 } },
    };
    const published = await publish(honghe2026);
    expect(published.status, JSON.stringify(published.body)).toBe(201);
    expect(published.body.published).toMatchObject({ kind: 'enrolment', region: '532500', year: 2026, version: 1, source: 'published' });

    // The enrolment function read "no policy" a moment ago; it trusts that for a few seconds at most.
    const idNumber = person();
    const enrolled = await eventually(
      async () => {
        const res = await enrol(idNumber);
        if (res.status === 201) return res;
        await sleep(250);
        return undefined;
      },
      'the enrolment accepted under the published policy',
      15_000,
    );
    expect(enrolled.body.enrolment).toMatchObject({
      year: 2026,
      region: '532500',
      validFrom: '2026-01-01',
      contribution: { due: { individualFen: 420_00, governmentFen: 700_00 }, totalDueFen: 1_120_00 },
    });

    const read = await api(cloud, 'GET', '/v1/policies/enrolment/532500?year=2026&on=2026-06-01', { token: staff });
    expect(read.body.inForce).toMatchObject({ version: 1, source: 'published', document: { year: 2026 } });
  });
});

describe('a year-end policy for a year that had none', () => {
  it("is refused before, published, and the year's budget is set under it (capitation fund from its standard), with no restart", async () => {
    const h = await harness(cloud);
    await registerJinan(
      h,
      [
        { code: 'JB0001', name: '金安区第二人民医院', level: 'secondary', kind: 'hospital' },
        { code: 'JB0101', name: '孙岗镇卫生院', level: 'primary', kind: 'township-centre' },
      ],
      {
        id: 'JB-HC-1',
        members: [
          { providerCode: 'JB0001', tier: 'county' },
          { providerCode: 'JB0101', tier: 'township' },
        ],
      },
    );
    const budget = {
      totalFen: 2_000_000_000,
      drgBudgetFen: 800_000_000,
      reserve: { balanceFen: 2_600_000, asOf: '2023-12-31' },
      providers: [
        { providerCode: 'JB0001', globalBudgetFen: 120_000_000 },
        { providerCode: 'JB0101', globalBudgetFen: 24_000_000 },
      ],
      healthCommunities: [{ communityId: 'JB-HC-1', capitatedMembers: 100 }],
    };
    const refused = await staffCall(h, 'PUT', `/v1/budgets/${REGION}/2024`, budget);
    expect(refused.status, JSON.stringify(refused.body)).toBe(409);

    // 2024 as 2023, with a capitation standard of 3,200 yuan a member instead of 3,070.
    const doc = shipped('policies/year-end/341502/2023.json');
    const jinan2024 = {
      ...doc,
      year: 2024,
      effectiveFrom: '2024-01-01',
      capitation: { ...doc.capitation, standardPerMemberYuan: '3200' },
    };
    const published = await publish(jinan2024);
    expect(published.status, JSON.stringify(published.body)).toBe(201);
    expect(published.body.published).toMatchObject({ kind: 'year-end', region: REGION, year: 2024, version: 1 });

    const set = await eventually(
      async () => {
        const res = await staffCall(h, 'PUT', `/v1/budgets/${REGION}/2024`, budget);
        if (res.status === 201) return res;
        await sleep(250);
        return undefined;
      },
      'the 2024 budget accepted under the published policy',
      15_000,
    );
    expect(set.body.budget).toMatchObject({ version: 1, communities: [{ communityId: 'JB-HC-1', capitationFundFen: 32_000_000 }] });
  });
});
