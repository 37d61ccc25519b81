/** DynamoDB tables, one per `tables` entry of the topology. */
import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { indexProjection, tables, type TableKey, type TableSpec } from '../topology.ts';
import { entries, pascal, tagKey } from './keys.ts';

export type Tables = Record<TableKey, Table>;

export function createTables(scope: Construct): Tables {
  const created: Partial<Tables> = {};
  for (const [key, spec] of entries<TableKey, TableSpec>(tables)) {
    const table = new Table(scope, `${pascal(key)}Table`, {
      partitionKey: { name: spec.partitionKey, type: AttributeType.STRING },
      ...(spec.sortKey ? { sortKey: { name: spec.sortKey, type: AttributeType.STRING } } : {}),
      ...(spec.timeToLiveAttribute ? { timeToLiveAttribute: spec.timeToLiveAttribute } : {}),
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.AWS_MANAGED,
      // Data tables hold the fund's records: they survive a `cdk destroy` and a careless delete.
      // A table that is not one (a cache whose items expire anyway) would go with the stack.
      deletionProtection: spec.dataTable,
      removalPolicy: spec.dataTable ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    for (const index of spec.indexes) {
      const projection = indexProjection(index);
      table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        ...(index.sortKey ? { sortKey: { name: index.sortKey, type: AttributeType.STRING } } : {}),
        projectionType: ProjectionType[projection.ProjectionType],
        nonKeyAttributes: projection.NonKeyAttributes,
      });
    }
    tagKey(table, key);
    created[key] = table;
  }
  return created as Tables;
}
