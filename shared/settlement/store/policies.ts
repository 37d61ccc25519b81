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
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import {
  listVersions,
  policiesTable,
  publishVersion,
  readVersionDocument,
  versionSk,
  type PolicyTable,
  type PublishOutcome,
  type VersionSummary,
} from '../../policy/store/versions.ts';
import { benefitPolicySchema, type BenefitPolicy, type BenefitPolicyDocument } from '../policy.ts';

export { policiesTable, type PolicyTable } from '../../policy/store/versions.ts';

export const policyPk = (kind: string, region: string, scheme: string, year: number) => `POLICY#${kind}#${region}#${scheme}#${year}`;
export const policySk = versionSk;

export interface PolicyVersionSummary extends VersionSummary {
  scheme: string;
  year: number;
  effectiveTo?: string;
  id: string;
  title: string;
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
export async function findPolicyInForce(
  region: string,
  scheme: string,
  date: string,
  at: PolicyTable = policiesTable(),
): Promise<BenefitPolicy | undefined> {
  const pk = policyPk('benefits', region, scheme, Number(date.slice(0, 4)));
  const out = await at.client.send(
    new QueryCommand({
      TableName: at.table,
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :low AND :high',
      ExpressionAttributeValues: { ':pk': pk, ':low': 'V#', ':high': `V#${date}#~` },
      ScanIndexForward: false,
      Limit: 1,
      ProjectionExpression: 'pk, sk, effectiveTo',
    }),
  );
  const newest = out.Items?.[0] as Pick<PolicyItem, 'pk' | 'sk' | 'effectiveTo'> | undefined;
  if (!newest || (newest.effectiveTo !== undefined && newest.effectiveTo < date)) return undefined;
  const cached = parsedCache.get(`${newest.pk}|${newest.sk}`);
  if (cached) return cached;
  const item = await at.client.send(new GetCommand({ TableName: at.table, Key: { pk: newest.pk, sk: newest.sk } }));
  return item.Item ? parseStored(item.Item as PolicyItem) : undefined;
}

/**
 * Writes a new version. Refused (no write) when the same effective date and version exist, or
 * when the version is not above every version already published for that region, scheme and year.
 */
export function publishBenefitPolicy(
  document: BenefitPolicyDocument,
  policy: BenefitPolicy,
  by: string,
  publishedAt: string,
  at: PolicyTable = policiesTable(),
): Promise<PublishOutcome<PolicyVersionSummary>> {
  const summary: PolicyVersionSummary = {
    kind: 'benefits',
    region: policy.region,
    scheme: policy.scheme,
    year: policy.year,
    version: policy.version,
    effectiveFrom: policy.effectiveFrom,
    ...(policy.effectiveTo ? { effectiveTo: policy.effectiveTo } : {}),
    id: policy.id,
    title: policy.title,
    publishedAt,
    publishedBy: by,
  };
  return publishVersion(policyPk('benefits', policy.region, policy.scheme, policy.year), summary, document, at);
}

/** Every version of a region's benefit policy for a year and scheme, oldest first. */
export function listBenefitVersions(
  region: string,
  scheme: string,
  year: number,
  at: PolicyTable = policiesTable(),
): Promise<PolicyVersionSummary[]> {
  return listVersions<PolicyVersionSummary>(policyPk('benefits', region, scheme, year), at);
}

/** One stored version's document as published (for staff reading a policy back). */
export function readPublishedDocument(
  region: string,
  scheme: string,
  year: number,
  effectiveFrom: string,
  version: number,
  at: PolicyTable = policiesTable(),
): Promise<unknown> {
  return readVersionDocument(policyPk('benefits', region, scheme, year), effectiveFrom, version, at);
}
