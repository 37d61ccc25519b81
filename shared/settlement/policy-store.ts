/**
 * Benefit policies in the policies table (DynamoDB adapter). Versions are immutable and history
 * stays: a version is written once, conditionally, and a later one supersedes it from its own
 * effective date. A claim is settled under the version in force on its settlement date:
 *
 *   pk = POLICY#benefits#<region>#<scheme>#<year>     sk = V#<effectiveFrom>#<version, 4 digits>
 *
 * "In force on D" = the greatest sk ≤ V#D#~ (newest effective date, then highest version), provided
 * its effectiveTo (if any) is not before D. The document is stored exactly as published (percent
 * strings, yuan) and parsed on read; parsed versions are cached for the container's life, which is
 * safe because a version never changes.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { dynamoDocumentClient } from '../runtime/aws-clients.ts';
import { tableName } from '../runtime/resource-names.ts';
import { benefitPolicySchema, type BenefitPolicy, type BenefitPolicyDocument } from './policy.ts';

export interface PolicyTable {
  client: DynamoDBDocumentClient;
  table: string;
}

/** The function's own table, from its environment. */
export const policiesTable = (): PolicyTable => ({ client: dynamoDocumentClient(), table: tableName('policies') });

export const policyPk = (kind: string, region: string, scheme: string, year: number) => `POLICY#${kind}#${region}#${scheme}#${year}`;
export const policySk = (effectiveFrom: string, version: number) => `V#${effectiveFrom}#${String(version).padStart(4, '0')}`;

export interface PolicyVersionSummary {
  kind: string;
  region: string;
  scheme: string;
  year: number;
  version: number;
  effectiveFrom: string;
  effectiveTo?: string;
  id: string;
  title: string;
  publishedAt: string;
  publishedBy: string;
}

interface PolicyItem extends PolicyVersionSummary {
  pk: string;
  sk: string;
  /** The document exactly as published. */
  document: string;
}

const parsedCache = new Map<string, BenefitPolicy>();

function parseStored(item: Pick<PolicyItem, 'pk' | 'sk' | 'document'>): BenefitPolicy {
  const key = `${item.pk}|${item.sk}`;
  let policy = parsedCache.get(key);
  if (!policy) {
    // A stored version was validated when published; if it no longer parses, that is a fault to see, not a 400.
    policy = benefitPolicySchema.parse(JSON.parse(item.document));
    parsedCache.set(key, policy);
  }
  return policy;
}

/** The benefit policy in force on `date` for a region and scheme, or undefined. */
export async function findPolicyInForce(region: string, scheme: string, date: string, at: PolicyTable = policiesTable()): Promise<BenefitPolicy | undefined> {
  const pk = policyPk('benefits', region, scheme, Number(date.slice(0, 4)));
  const out = await at.client.send(new QueryCommand({
    TableName: at.table,
    KeyConditionExpression: 'pk = :pk AND sk BETWEEN :low AND :high',
    ExpressionAttributeValues: { ':pk': pk, ':low': 'V#', ':high': `V#${date}#~` },
    ScanIndexForward: false,
    Limit: 1,
    ProjectionExpression: 'pk, sk, effectiveTo',
  }));
  const newest = out.Items?.[0] as Pick<PolicyItem, 'pk' | 'sk' | 'effectiveTo'> | undefined;
  if (!newest || (newest.effectiveTo !== undefined && newest.effectiveTo < date)) return undefined;
  const cached = parsedCache.get(`${newest.pk}|${newest.sk}`);
  if (cached) return cached;
  const item = await at.client.send(new GetCommand({ TableName: at.table, Key: { pk: newest.pk, sk: newest.sk } }));
  return item.Item ? parseStored(item.Item as PolicyItem) : undefined;
}

export type PublishOutcome =
  | { outcome: 'published'; summary: PolicyVersionSummary }
  | { outcome: 'exists'; summary: PolicyVersionSummary }
  | { outcome: 'stale-version'; newestVersion: number };

/**
 * Writes a new version. Refused (no write) when the same effective date and version exist, or
 * when the version is not above every version already published for that region, scheme and year.
 */
export async function publishBenefitPolicy(document: BenefitPolicyDocument, policy: BenefitPolicy, by: string, publishedAt: string, at: PolicyTable = policiesTable()): Promise<PublishOutcome> {
  const pk = policyPk('benefits', policy.region, policy.scheme, policy.year);
  const sk = policySk(policy.effectiveFrom, policy.version);
  const summary: PolicyVersionSummary = {
    kind: 'benefits', region: policy.region, scheme: policy.scheme, year: policy.year, version: policy.version,
    effectiveFrom: policy.effectiveFrom, ...(policy.effectiveTo ? { effectiveTo: policy.effectiveTo } : {}),
    id: policy.id, title: policy.title, publishedAt, publishedBy: by,
  };
  const existing = await listVersions(pk, at);
  const same = existing.find((v) => v.version === policy.version && v.effectiveFrom === policy.effectiveFrom);
  if (same) return { outcome: 'exists', summary: same };
  const newest = Math.max(0, ...existing.map((v) => v.version));
  if (policy.version <= newest) return { outcome: 'stale-version', newestVersion: newest };
  try {
    await at.client.send(new PutCommand({
      TableName: at.table,
      Item: { pk, sk, ...summary, document: JSON.stringify(document) } satisfies PolicyItem,
      ConditionExpression: 'attribute_not_exists(pk)',
    }));
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return { outcome: 'exists', summary };
    throw error;
  }
  return { outcome: 'published', summary };
}

async function listVersions(pk: string, at: PolicyTable): Promise<PolicyVersionSummary[]> {
  const versions: PolicyVersionSummary[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await at.client.send(new QueryCommand({
      TableName: at.table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': pk },
      ExclusiveStartKey: start,
    }));
    for (const item of page.Items ?? []) {
      const { pk: _pk, sk: _sk, document: _doc, ...summary } = item as PolicyItem;
      versions.push(summary);
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return versions;
}

/** Every version of a region's benefit policy for a year and scheme, oldest first. */
export function listBenefitVersions(region: string, scheme: string, year: number, at: PolicyTable = policiesTable()): Promise<PolicyVersionSummary[]> {
  return listVersions(policyPk('benefits', region, scheme, year), at);
}

/** One stored version's document as published (for staff reading a policy back). */
export async function readPublishedDocument(region: string, scheme: string, year: number, effectiveFrom: string, version: number, at: PolicyTable = policiesTable()): Promise<unknown> {
  const out = await at.client.send(new GetCommand({ TableName: at.table, Key: { pk: policyPk('benefits', region, scheme, year), sk: policySk(effectiveFrom, version) } }));
  return out.Item ? JSON.parse((out.Item as PolicyItem).document) : undefined;
}
