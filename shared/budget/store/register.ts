/**
 * The register budgets are set against (DynamoDB adapter): providers, health communities, their
 * annual assessments and capitated members. Writes are conditional: registering the same thing
 * twice is a no-op, registering something different under a taken key is a conflict.
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { batchGetAll } from '../../runtime/batch-items.ts';
import type { Assessment, HealthCommunity } from '../community.ts';
import type { ProviderProfile } from '../provider.ts';
import { canonical, db, isConditionFailure, mapLimit, providersTable, queryAll } from './db.ts';
import { keys } from './keys.ts';

export type WriteOutcome = 'created' | 'unchanged' | 'conflict';

const sameJson = (a: unknown, b: unknown) => canonical(a) === canonical(b);

/** Puts an item only if its key is free; if taken, says whether by the same content (the retry) or other content. */
async function putOnce<T extends object>(
  key: { pk: string; sk: string },
  item: T & Record<string, unknown>,
  content: (stored: Record<string, unknown>) => unknown,
  expected: unknown,
): Promise<WriteOutcome> {
  try {
    await db().send(
      new PutCommand({ TableName: providersTable(), Item: { ...key, ...item }, ConditionExpression: 'attribute_not_exists(pk)' }),
    );
    return 'created';
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    const stored = (await db().send(new GetCommand({ TableName: providersTable(), Key: key, ConsistentRead: true }))).Item;
    return stored && sameJson(content(stored), expected) ? 'unchanged' : 'conflict';
  }
}

// Providers ---------------------------------------------------------------------------------

const profileOf = (item: Record<string, unknown>): ProviderProfile => ({
  providerCode: item.providerCode as string,
  name: item.name as string,
  region: item.region as string,
  poolingRegion: (item.poolingRegion as string | undefined) ?? (item.region as string),
  level: item.level as ProviderProfile['level'],
  kind: item.kind as ProviderProfile['kind'],
});

export function registerProvider(profile: ProviderProfile, registeredBy: string, now: string): Promise<WriteOutcome> {
  return putOnce(
    keys.provider(profile.providerCode),
    {
      ...profile,
      // Listed under the region that pools it, so the year-end of a city finds its districts' providers.
      gsi1pk: `REGION#${profile.poolingRegion}`,
      gsi1sk: `PROVIDER#${profile.providerCode}`,
      registeredAt: now,
      registeredBy,
    },
    profileOf,
    profile,
  );
}

export async function getProvider(code: string): Promise<ProviderProfile | undefined> {
  const out = await db().send(new GetCommand({ TableName: providersTable(), Key: keys.provider(code) }));
  return out.Item ? profileOf(out.Item) : undefined;
}

/** Profiles of many providers (100 keys a request), by code. */
export async function getProviders(codes: readonly string[]): Promise<Map<string, ProviderProfile>> {
  const found = await batchGetAll(
    providersTable(),
    codes.map((c) => keys.provider(c)),
    { client: db() },
  );
  return new Map([...found.values()].map((item) => [item.providerCode as string, profileOf(item)]));
}

export async function providersOfRegion(region: string): Promise<ProviderProfile[]> {
  const items = await queryAll<Record<string, unknown>>({
    IndexName: 'byRegion',
    KeyConditionExpression: 'gsi1pk = :r AND begins_with(gsi1sk, :p)',
    ExpressionAttributeValues: { ':r': `REGION#${region}`, ':p': 'PROVIDER#' },
  });
  return items.map(profileOf);
}

// Health communities ------------------------------------------------------------------------

const communityOf = (item: Record<string, unknown>): HealthCommunity => ({
  communityId: item.communityId as string,
  region: item.region as string,
  name: item.name as string,
  weightBy: (item.weightBy as HealthCommunity['weightBy'] | undefined) ?? 'given',
  members: item.members as HealthCommunity['members'],
});

export function registerCommunity(community: HealthCommunity, registeredBy: string, now: string): Promise<WriteOutcome> {
  return putOnce(
    keys.community(community.communityId),
    {
      ...community,
      gsi1pk: `REGION#${community.region}`,
      gsi1sk: `HC#${community.communityId}`,
      registeredAt: now,
      registeredBy,
    },
    communityOf,
    community,
  );
}

export async function getCommunity(id: string): Promise<HealthCommunity | undefined> {
  const out = await db().send(new GetCommand({ TableName: providersTable(), Key: keys.community(id) }));
  return out.Item ? communityOf(out.Item) : undefined;
}

export async function communitiesOfRegion(region: string): Promise<HealthCommunity[]> {
  const items = await queryAll<Record<string, unknown>>({
    IndexName: 'byRegion',
    KeyConditionExpression: 'gsi1pk = :r AND begins_with(gsi1sk, :p)',
    ExpressionAttributeValues: { ':r': `REGION#${region}`, ':p': 'HC#' },
  });
  return items.map(communityOf);
}

// Assessments -------------------------------------------------------------------------------

/**
 * The annual assessment of a community. Staff may correct it (the year-end then needs a superseding
 * run to apply the correction); each write keeps the time and author.
 */
export async function putAssessment(
  communityId: string,
  year: number,
  assessment: Assessment & { assessedOn?: string },
  by: string,
  now: string,
): Promise<void> {
  await db().send(
    new PutCommand({
      TableName: providersTable(),
      Item: { ...keys.assessment(communityId, year), communityId, year, ...assessment, recordedAt: now, recordedBy: by },
    }),
  );
}

export async function getAssessment(communityId: string, year: number): Promise<Assessment | undefined> {
  const out = await db().send(
    new GetCommand({ TableName: providersTable(), Key: keys.assessment(communityId, year), ConsistentRead: true }),
  );
  return out.Item ? { scoreBasisPoints: out.Item.scoreBasisPoints as number, rank: out.Item.rank as number } : undefined;
}

// Capitated members -------------------------------------------------------------------------

export interface CapitatedOutcome {
  added: number;
  already: number;
  inOtherCommunity: { memberId: string; communityId: string }[];
}

/**
 * Records which community a capitated member's claims count against, for a year. A member belongs
 * to one community a year: a member already with another is reported, not moved.
 */
export async function addCapitatedMembers(
  community: Pick<HealthCommunity, 'communityId' | 'region'>,
  year: number,
  memberIds: readonly string[],
  by: string,
  now: string,
): Promise<CapitatedOutcome> {
  const { communityId, region } = community;
  const outcome: CapitatedOutcome = { added: 0, already: 0, inOtherCommunity: [] };
  await mapLimit([...new Set(memberIds)], 16, async (memberId) => {
    const written = await putOnce(
      keys.capitated(memberId, year),
      { memberId, year, communityId, region, recordedAt: now, recordedBy: by },
      (s) => s.communityId,
      communityId,
    );
    if (written === 'created') outcome.added++;
    else if (written === 'unchanged') outcome.already++;
    else outcome.inOtherCommunity.push({ memberId, communityId: (await capitationOf(memberId, year))?.communityId ?? '?' });
  });
  return outcome;
}

/** The community (and its region) whose capitation a member's claims of a year count against. */
export async function capitationOf(memberId: string, year: number): Promise<{ communityId: string; region: string } | undefined> {
  const out = await db().send(new GetCommand({ TableName: providersTable(), Key: keys.capitated(memberId, year) }));
  return out.Item ? { communityId: out.Item.communityId as string, region: out.Item.region as string } : undefined;
}
