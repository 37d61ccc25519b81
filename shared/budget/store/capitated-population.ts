/**
 * The projection of chronic-disease approvals into capitated populations (providers table; keys in
 * keys.ts): per member and year the approvals seen (latest version each) and the member's standing;
 * per community and year the counters (members, and members per disease group); and the member's
 * capitation item (the community its claims count against, as the capitated-members route records
 * it), created and removed with the standing unless staff recorded it by hand.
 * Each member-year changes in one transaction, conditional on the version read, with the counters'
 * ADDs: a redelivered or out-of-order event (an older version) changes nothing.
 */
import { DeleteCommand, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { cancellationReasons } from '../../runtime/condition-failure.ts';
import { contractStandingIn, countDeltas, standingIn, yearsOf, type ApprovalFact, type Standing } from '../capitated-population.ts';
import { db, providersTable, type TransactItem } from './db.ts';
import { keys } from './keys.ts';

interface MemberYearItem {
  version: number;
  facts: Record<string, ApprovalFact>;
  standing: Standing;
}

/** What one projected register needs: its keys, how facts make a standing, where its counters are, what follows. */
interface Projection {
  yearKey(memberId: string, year: number): { pk: string; sk: string };
  entryKey(memberId: string, entryId: string): { pk: string; sk: string };
  standing(facts: readonly ApprovalFact[], year: number): Standing;
  counterKey(owner: string, year: number): { pk: string; sk: string };
  follow?(memberId: string, year: number, region: string, standing: Standing, now: string): Promise<void>;
}

const approvals: Projection = {
  yearKey: keys.approvalYear,
  entryKey: keys.approvalEntry,
  standing: standingIn,
  counterKey: keys.capitatedCount,
  follow: (memberId, year, region, standing, now) => followCapitation(memberId, year, region, standing, now),
};

const contracts: Projection = {
  yearKey: keys.contractYear,
  entryKey: keys.contractEntry,
  standing: contractStandingIn,
  counterKey: keys.contractedCount,
};

async function readMemberYear(p: Projection, memberId: string, year: number): Promise<MemberYearItem | undefined> {
  const out = await db().send(new GetCommand({ TableName: providersTable(), Key: p.yearKey(memberId, year), ConsistentRead: true }));
  return out.Item ? (out.Item as unknown as MemberYearItem) : undefined;
}

async function readEntryYears(p: Projection, memberId: string, entryId: string): Promise<{ version: number; years: number[] } | undefined> {
  const out = await db().send(new GetCommand({ TableName: providersTable(), Key: p.entryKey(memberId, entryId), ConsistentRead: true }));
  return out.Item ? { version: out.Item.version as number, years: out.Item.years as number[] } : undefined;
}

export type ApplyOutcome = 'applied' | 'stale';

/**
 * Applies one approval fact for a member in a region. Returns `stale` when a newer (or the same)
 * version was applied already. Throws on a lost race, so the queue redelivers the message.
 */
export const applyApprovalFact = (memberId: string, region: string, fact: ApprovalFact, now: string): Promise<ApplyOutcome> =>
  applyFact(approvals, memberId, region, fact, now);

/**
 * Applies one family-doctor contract fact (`communityId` carries the contracted provider): the
 * provider's contracted members that year, the per-capita basis a community's weights can follow.
 */
export const applyContractFact = (memberId: string, region: string, fact: ApprovalFact, now: string): Promise<ApplyOutcome> =>
  applyFact(contracts, memberId, region, fact, now);

async function applyFact(p: Projection, memberId: string, region: string, fact: ApprovalFact, now: string): Promise<ApplyOutcome> {
  const seen = await readEntryYears(p, memberId, fact.entryId);
  if (seen && seen.version >= fact.version) return 'stale';
  const years = [...new Set([...(seen?.years ?? []), ...yearsOf(fact)])].sort();
  for (const year of years) {
    const held = await readMemberYear(p, memberId, year);
    const prior = held?.facts[fact.entryId];
    if (prior && prior.version >= fact.version) continue;
    const facts = { ...(held?.facts ?? {}), [fact.entryId]: fact };
    const before = held?.standing ?? { communityId: null, groups: [] };
    const after = p.standing(Object.values(facts), year);
    const items: TransactItem[] = [
      {
        Put: {
          TableName: providersTable(),
          Item: {
            ...p.yearKey(memberId, year),
            memberId,
            year,
            region,
            version: (held?.version ?? 0) + 1,
            facts,
            standing: after,
            updatedAt: now,
          },
          ConditionExpression: held ? 'version = :v' : 'attribute_not_exists(pk)',
          ...(held ? { ExpressionAttributeValues: { ':v': held.version } } : {}),
        },
      },
      ...countDeltas(before, after).map(
        (d): TransactItem => ({
          Update: {
            TableName: providersTable(),
            Key: p.counterKey(d.communityId, year),
            UpdateExpression: `SET communityId = :c, #year = :y, updatedAt = :now ADD members :m${Object.keys(d.groups)
              .map((_, i) => `, #g${i} :g${i}`)
              .join('')}`,
            ExpressionAttributeNames: {
              '#year': 'year',
              ...Object.fromEntries(Object.keys(d.groups).map((g, i) => [`#g${i}`, `group_${g}`])),
            },
            ExpressionAttributeValues: {
              ':c': d.communityId,
              ':y': year,
              ':now': now,
              ':m': d.members,
              ...Object.fromEntries(Object.values(d.groups).map((n, i) => [`:g${i}`, n])),
            },
          },
        }),
      ),
    ];
    try {
      await db().send(new TransactWriteCommand({ TransactItems: items }));
    } catch (error) {
      if (cancellationReasons(error)) throw new Error(`capitated population of ${memberId} ${year} changed meanwhile; redeliver`);
      throw error;
    }
    await p.follow?.(memberId, year, region, after, now);
  }
  await db().send(
    new TransactWriteCommand({
      TransactItems: [
        {
          Put: {
            TableName: providersTable(),
            Item: { ...p.entryKey(memberId, fact.entryId), version: fact.version, years },
            ConditionExpression: 'attribute_not_exists(pk) OR version < :v',
            ExpressionAttributeValues: { ':v': fact.version },
          },
        },
      ],
    }),
  );
  return 'applied';
}

/**
 * The member's capitation item follows its standing: created (source `approvals`) when it stands in a
 * community, removed when it no longer does; one recorded by staff (capitated-members route) is theirs.
 */
async function followCapitation(memberId: string, year: number, region: string, standing: Standing, now: string): Promise<void> {
  const key = keys.capitated(memberId, year);
  const out = await db().send(new GetCommand({ TableName: providersTable(), Key: key, ConsistentRead: true }));
  if (out.Item && out.Item.source !== 'approvals') return;
  if (standing.communityId) {
    if (out.Item?.communityId === standing.communityId) return;
    await db().send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: providersTable(),
              Item: {
                ...key,
                memberId,
                year,
                communityId: standing.communityId,
                region,
                source: 'approvals',
                recordedAt: now,
                recordedBy: 'approvals-register',
              },
              ConditionExpression: 'attribute_not_exists(pk) OR #source = :approvals',
              ExpressionAttributeNames: { '#source': 'source' },
              ExpressionAttributeValues: { ':approvals': 'approvals' },
            },
          },
        ],
      }),
    );
  } else if (out.Item) {
    await db().send(
      new DeleteCommand({
        TableName: providersTable(),
        Key: key,
        ConditionExpression: '#source = :approvals',
        ExpressionAttributeNames: { '#source': 'source' },
        ExpressionAttributeValues: { ':approvals': 'approvals' },
      }),
    );
  }
}

/** A community's capitated population in a year, from the approvals register: members, and members per group. */
export async function capitatedPopulation(communityId: string, year: number): Promise<{ members: number; groups: Record<string, number> }> {
  const out = await db().send(
    new GetCommand({ TableName: providersTable(), Key: keys.capitatedCount(communityId, year), ConsistentRead: true }),
  );
  const item = out.Item ?? {};
  const groups = Object.fromEntries(
    Object.entries(item)
      .filter(([k, n]) => k.startsWith('group_') && typeof n === 'number' && n > 0)
      .map(([k, n]) => [k.slice('group_'.length), n as number]),
  );
  return { members: typeof item.members === 'number' ? item.members : 0, groups };
}

/** Members contracted with each provider in a year (family-doctor contracts holding some day of it). */
export async function contractedMembers(providerCodes: readonly string[], year: number): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const code of providerCodes) {
    const got = await db().send(
      new GetCommand({ TableName: providersTable(), Key: keys.contractedCount(code, year), ConsistentRead: true }),
    );
    out.set(code, typeof got.Item?.members === 'number' ? got.Item.members : 0);
  }
  return out;
}
