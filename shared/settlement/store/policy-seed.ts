/**
 * Seeds the benefit policies shipped in policies/benefits/ into a policies table. The local cloud
 * runs it at every start (infra/local/cloud.ts); it only ever adds a version that is not there,
 * so a persisted table keeps what staff published and a restart changes nothing.
 *
 * On AWS the same documents are published as staff would: each file is a valid body for
 * POST /v1/policies (see policies/benefits/README.md).
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { publishBenefitPolicy } from './policies.ts';
import { loadShippedPolicies } from '../shipped-policies.ts';

export async function seedShippedPolicies(client: DynamoDBDocumentClient, table: string): Promise<{ written: number; kept: number }> {
  let written = 0;
  let kept = 0;
  for (const { document, policy } of loadShippedPolicies()) {
    const result = await publishBenefitPolicy(document, policy, 'seed:policies/benefits', new Date().toISOString(), { client, table });
    if (result.outcome === 'published') written++;
    else kept++;
  }
  return { written, kept };
}
