/**
 * The paymentFacts consumer projects a batch's first settlements together (applyFirstSettlements:
 * one read, one transaction). On DynamoDB Local, for any set of claims: projected together, they add
 * to the providers' month and year totals and to the scheme funds' months exactly what the same
 * claims projected one at a time (applyClaimSettled) add, to the fen; a claim named twice is
 * written once; and a batch delivered again adds nothing.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { LocalCloud } from '../../infra/local/cloud.ts';
import { localName } from '../../infra/topology.ts';
import { applyClaimSettled, applyFirstSettlements, type ClaimFact } from '../../shared/budget/store/facts.ts';
import { startTestCloud } from '../support/local-cloud.ts';

let cloud: LocalCloud;
let db: DynamoDBDocumentClient;

beforeAll(async () => {
  cloud = await startTestCloud();
  db = DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: cloud.endpoints.dynamodb, region: cloud.region, credentials: cloud.credentials }),
  );
}, 120_000);
afterAll(async () => {
  db?.destroy();
  await cloud?.stop();
});

const NOW = '2026-06-01T00:00:00.000Z';

/** A claim as the projection takes it, under a provider and fund region named by `side` (each side its own items). */
interface Claim {
  provider: 0 | 1 | 2;
  month: '2026-01' | '2026-02';
  fundPaidFen: number;
  inpatient: boolean;
  bedDay: boolean;
  scheme: 'resident' | 'employee';
  basicFen: number;
  catastrophicFen: number;
}
const claim: fc.Arbitrary<Claim> = fc.record({
  provider: fc.constantFrom(0 as const, 1 as const, 2 as const),
  month: fc.constantFrom('2026-01' as const, '2026-02' as const),
  fundPaidFen: fc.nat(5_000_000),
  inpatient: fc.boolean(),
  bedDay: fc.boolean(),
  scheme: fc.constantFrom('resident' as const, 'employee' as const),
  basicFen: fc.nat(5_000_000),
  catastrophicFen: fc.nat(1_000_000),
});

const factOf = (c: Claim, i: number, side: string): ClaimFact => ({
  providerCode: `${side}-P${c.provider}`,
  claimNo: `${side}-C${i}`,
  month: c.month,
  fundPaidFen: c.fundPaidFen,
  inpatient: c.inpatient,
  stay: c.inpatient || c.bedDay,
  communityId: null,
  settledAt: `${c.month}-15T08:00:00.000Z`,
  settlementNo: 1,
  fund: { region: side, scheme: c.scheme, byLayer: { basic: c.basicFen, catastrophic: c.catastrophicFen } },
});

/** Every numeric field of the items under these partitions, keyed by partition (less the side) and sort key. */
async function numbers(side: string): Promise<Record<string, Record<string, number>>> {
  const out: Record<string, Record<string, number>> = {};
  const partitions = [0, 1, 2].map((p) => `PROVIDER#${side}-P${p}`).concat(['resident', 'employee'].map((s) => `FUND#${side}#${s}`));
  for (const pk of partitions) {
    const { Items = [] } = await db.send(
      new QueryCommand({
        TableName: localName.table('providers'),
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': pk },
        ConsistentRead: true,
      }),
    );
    for (const item of Items)
      out[`${pk.replace(side, '')}|${String(item.sk)}`] = Object.fromEntries(
        Object.entries(item).filter(([, v]) => typeof v === 'number'),
      ) as Record<string, number>;
  }
  return out;
}

let run = 0;

describe('first settlements projected together', () => {
  it('add exactly what the same claims add one at a time, to the fen; a batch delivered again adds nothing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(claim, { minLength: 1, maxLength: 40 }), async (claims) => {
        run++;
        const together = `T${run}`;
        const alone = `A${run}`;
        const facts = claims.map((c, i) => factOf(c, i, together));
        const outcomes = await applyFirstSettlements(
          facts.map((fact) => ({ fact })),
          NOW,
        );
        expect(outcomes).toEqual(facts.map(() => 'applied'));
        for (const [i, c] of claims.entries()) await applyClaimSettled(factOf(c, i, alone), NOW);
        const added = await numbers(together);
        expect(added).toEqual(await numbers(alone));
        // Something was counted: each claim once, in its month and its year.
        const claimsCounted = Object.entries(added)
          .filter(([key]) => /^PROVIDER#.*\|TOTALS#\d{4}-\d{2}$/.test(key))
          .reduce((n, [, fields]) => n + (fields.claims ?? 0), 0);
        expect(claimsCounted).toBe(claims.length);

        expect(
          await applyFirstSettlements(
            facts.map((fact) => ({ fact })),
            NOW,
          ),
        ).toEqual(facts.map(() => undefined));
        expect(await numbers(together)).toEqual(added);
      }),
      { numRuns: 12 },
    );
  }, 240_000);

  it('writes a claim named twice in one batch once, and leaves the second to be projected alone', async () => {
    const fact = factOf(
      {
        provider: 0,
        month: '2026-01',
        fundPaidFen: 12_345,
        inpatient: true,
        bedDay: false,
        scheme: 'resident',
        basicFen: 12_345,
        catastrophicFen: 0,
      },
      0,
      'TWICE',
    );
    expect(await applyFirstSettlements([{ fact }, { fact }], NOW)).toEqual(['applied', undefined]);
    expect(await applyClaimSettled(fact, NOW)).toBe('already-applied');
    const totals = await numbers('TWICE');
    expect(totals['PROVIDER#-P0|TOTALS#2026-01']).toMatchObject({ claims: 1, fundPaidFen: 12_345, stays: 1 });
    expect(totals['FUND##resident|MONTH#2026-01']).toMatchObject({ claims: 1, paid_basic: 12_345 });
  });
});
