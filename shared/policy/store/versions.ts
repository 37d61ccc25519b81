/**
 * Versions of policy documents in the policies table, whatever their kind (benefits, fraud-rule
 * catalogues). A version is written once, conditionally, and never changed; a later one supersedes
 * it from its own effective date, and history stays:
 *
 *   pk = POLICY#<kind>#<what the kind keys by>     sk = V#<effectiveFrom>#<version, 4 digits>
 *
 * so "in force on D" is the greatest sk ≤ V#D#~. The document is stored exactly as published.
 * Each kind's own module says how it keys its documents and parses them.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { dynamoDocumentClient } from '../../runtime/aws-clients.ts';
import { tableName } from '../../runtime/resource-names.ts';

export interface PolicyTable {
  client: DynamoDBDocumentClient;
  table: string;
}

/** The function's own table, from its environment. */
export const policiesTable = (): PolicyTable => ({ client: dynamoDocumentClient(), table: tableName('policies') });

export const versionSk = (effectiveFrom: string, version: number) => `V#${effectiveFrom}#${String(version).padStart(4, '0')}`;

/** What every stored version says of itself (each kind adds its own keys, e.g. scheme and year). */
export interface VersionSummary {
  kind: string;
  region: string;
  version: number;
  effectiveFrom: string;
  publishedAt: string;
  publishedBy: string;
}

export type PublishOutcome<S extends VersionSummary> =
  | { outcome: 'published'; summary: S }
  | { outcome: 'exists'; summary: S }
  | { outcome: 'stale-version'; newestVersion: number };

/** Every version under one key, oldest first, without their documents. */
export async function listVersions<S extends VersionSummary>(pk: string, at: PolicyTable = policiesTable()): Promise<S[]> {
  const versions: S[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await at.client.send(
      new QueryCommand({
        TableName: at.table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': pk },
        ExclusiveStartKey: start,
      }),
    );
    for (const item of page.Items ?? []) {
      const { pk: _pk, sk: _sk, document: _doc, ...summary } = item;
      versions.push(summary as S);
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return versions;
}

/**
 * Writes a new version. Refused (no write) when the same effective date and version exist, or when
 * the version is not above every version already published under the key.
 */
export async function publishVersion<S extends VersionSummary>(
  pk: string,
  summary: S,
  document: unknown,
  at: PolicyTable = policiesTable(),
): Promise<PublishOutcome<S>> {
  const existing = await listVersions<S>(pk, at);
  const same = existing.find((v) => v.version === summary.version && v.effectiveFrom === summary.effectiveFrom);
  if (same) return { outcome: 'exists', summary: same };
  const newest = Math.max(0, ...existing.map((v) => v.version));
  if (summary.version <= newest) return { outcome: 'stale-version', newestVersion: newest };
  try {
    await at.client.send(
      new PutCommand({
        TableName: at.table,
        Item: { pk, sk: versionSk(summary.effectiveFrom, summary.version), ...summary, document: JSON.stringify(document) },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return { outcome: 'exists', summary };
    throw error;
  }
  return { outcome: 'published', summary };
}

/** One stored version's document as published, or undefined. */
export async function readVersionDocument(
  pk: string,
  effectiveFrom: string,
  version: number,
  at: PolicyTable = policiesTable(),
): Promise<unknown> {
  const out = await at.client.send(new GetCommand({ TableName: at.table, Key: { pk, sk: versionSk(effectiveFrom, version) } }));
  return typeof out.Item?.document === 'string' ? JSON.parse(out.Item.document) : undefined;
}
