/**
 * A data folder kept from an earlier version has the indexes that version declared. On start the local
 * cloud brings them into line with the topology, as a deploy of the stack would: the claims table's
 * indexes once copied every attribute, and one (byMember) is no longer declared.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, DescribeTableCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareTables, startDynamo, type LocalDynamo } from '../../infra/local/dynamo.ts';
import { localName, tables } from '../../infra/topology.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'yibao-indexes-'));
let dynamo: LocalDynamo;
const claims = localName.table('claims');

beforeAll(async () => {
  dynamo = await startDynamo({ dataDir, credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, region: 'cn-north-1' });
  // The claims table as an earlier version made it: four indexes, each copying the whole item.
  const index = (name: string, n: number) => ({
    IndexName: name,
    KeySchema: [
      { AttributeName: `gsi${n}pk`, KeyType: 'HASH' as const },
      { AttributeName: `gsi${n}sk`, KeyType: 'RANGE' as const },
    ],
    Projection: { ProjectionType: 'ALL' as const },
  });
  await dynamo.client.send(
    new CreateTableCommand({
      TableName: claims,
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', 'gsi3pk', 'gsi3sk', 'gsi4pk', 'gsi4sk'].map((a) => ({
        AttributeName: a,
        AttributeType: 'S' as const,
      })),
      GlobalSecondaryIndexes: [index('byMember', 1), index('byProviderYear', 2), index('byRegionYear', 3), index('bySettledDay', 4)],
    }),
  );
  await DynamoDBDocumentClient.from(dynamo.client).send(
    new PutCommand({
      TableName: claims,
      Item: {
        pk: 'CLAIM#H1#C1',
        sk: 'CLAIM',
        providerCode: 'H1',
        claimNo: 'C1',
        status: 'settled',
        settledAt: '2026-12-04T10:00:00.000Z',
        bill: Buffer.from('bill'),
        statement: Buffer.from('statement'),
        gsi1pk: 'MEMBER#M1',
        gsi1sk: '2026-12-01#H1#C1',
        gsi2pk: 'PROVIDER#H1#YEAR#2026',
        gsi2sk: '2026-12-04#C1',
        gsi4pk: 'SETTLED#2026-12-04#0',
        gsi4sk: '2026-12-04T10:00:00.000Z#H1#C1',
      },
    }),
  );
}, 120_000);

afterAll(async () => {
  await dynamo?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('a kept data folder meets the topology’s indexes', () => {
  it('deletes the index no longer declared, remakes those that copy more than declared, and creates nothing else', async () => {
    const { created, indexesChanged } = await prepareTables(dynamo.client);
    expect(created).not.toContain(claims);
    expect(created).toHaveLength(Object.keys(tables).length - 1);
    expect(indexesChanged.sort()).toEqual(
      [
        'claims.byMember (deleted)',
        'claims.byProviderYear (deleted)',
        'claims.byProviderYear (created)',
        'claims.byRegionYear (deleted)',
        'claims.byRegionYear (created)',
        'claims.bySettledDay (deleted)',
        'claims.bySettledDay (created)',
      ].sort(),
    );
    const described = await dynamo.client.send(new DescribeTableCommand({ TableName: claims }));
    const indexes = Object.fromEntries((described.Table?.GlobalSecondaryIndexes ?? []).map((i) => [i.IndexName, i.Projection]));
    expect(Object.keys(indexes).sort()).toEqual(['byProviderYear', 'byRegionYear', 'bySettledDay']);
    expect(indexes.bySettledDay?.ProjectionType).toBe('KEYS_ONLY');
    expect(indexes.byProviderYear?.ProjectionType).toBe('INCLUDE');
  }, 120_000);

  it('fills the new indexes from the items already there, each copying only what it declares', async () => {
    /** The items of an index's partition, as the index holds them. */
    const inIndex = async (IndexName: string, key: string, value: string) =>
      (
        await dynamo.client.send(
          new QueryCommand({
            TableName: claims,
            IndexName,
            KeyConditionExpression: `${key} = :p`,
            ExpressionAttributeValues: { ':p': { S: value } },
          }),
        )
      ).Items ?? [];
    const list = await inIndex('byProviderYear', 'gsi2pk', 'PROVIDER#H1#YEAR#2026');
    expect(list).toHaveLength(1);
    expect(list[0]!.claimNo).toEqual({ S: 'C1' });
    expect(list[0]).not.toHaveProperty('statement');
    expect(list[0]).not.toHaveProperty('bill');
    const day = await inIndex('bySettledDay', 'gsi4pk', 'SETTLED#2026-12-04#0');
    expect(Object.keys(day[0]!).sort()).toEqual(['gsi4pk', 'gsi4sk', 'pk', 'sk']);
  });

  it('changes nothing the second time', async () => {
    expect(await prepareTables(dynamo.client)).toEqual({ created: [], indexesChanged: [] });
  }, 60_000);
});
