/**
 * Alerts as the regulator API reads and works them: a region's inbox (newest first, paged, filtered),
 * one alert with its case history and deliveries, and a case transition written together with its
 * history record, conditional on the status the regulator saw.
 */
import { QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoDocumentClient } from '../../runtime/aws-clients.ts';
import { cancellationReasons } from '../../runtime/condition-failure.ts';
import type { CaseChange } from '../case.ts';
import type { AlertFacts } from '../risk-report.ts';
import { outboxPut, type OutboxEntry } from '../../events/outbox.ts';
import { alertsTable, queryAll, type Item } from './dynamo.ts';
import { keys } from './keys.ts';

export interface InboxFilter {
  status?: string;
  minSeverity?: string[];
  kind?: string;
  tier?: string;
  providerCode?: string;
  ruleType?: string;
  claimNo?: string;
  from?: string;
  to?: string;
}

export interface InboxPage {
  items: Item[];
  /** The key of the last item returned, to continue from; absent on the last page. */
  next?: Record<string, unknown>;
}

/** Pages of the index are read until `limit` items pass the filter (or `maxReads` pages were read). */
export async function regionInbox(
  region: string,
  filter: InboxFilter,
  limit: number,
  start?: Record<string, unknown>,
  maxReads = 10,
): Promise<InboxPage> {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = { ':pk': keys.regionInbox(region) };
  const conditions: string[] = [];
  const eq = (attr: string, value: string | undefined) => {
    if (value === undefined) return;
    names[`#${attr}`] = attr;
    values[`:${attr}`] = value;
    conditions.push(`#${attr} = :${attr}`);
  };
  eq('status', filter.status);
  eq('kind', filter.kind);
  eq('tier', filter.tier);
  eq('providerCode', filter.providerCode);
  eq('claimNo', filter.claimNo);
  if (filter.minSeverity) {
    names['#severity'] = 'severity';
    conditions.push(
      `#severity IN (${filter.minSeverity
        .map((s, i) => {
          values[`:sev${i}`] = s;
          return `:sev${i}`;
        })
        .join(', ')})`,
    );
  }
  if (filter.ruleType) {
    values[':ruleType'] = filter.ruleType;
    conditions.push('contains(ruleTypes, :ruleType)');
  }
  let keyCondition = 'gsi1pk = :pk';
  if (filter.from || filter.to) {
    values[':from'] = filter.from ?? '0000';
    values[':to'] = `${filter.to ?? '9999'}\uffff`;
    keyCondition += ' AND gsi1sk BETWEEN :from AND :to';
  }
  const items: Item[] = [];
  let cursor = start;
  for (let reads = 0; reads < maxReads && items.length < limit; reads++) {
    const out = await dynamoDocumentClient().send(
      new QueryCommand({
        TableName: alertsTable(),
        IndexName: 'byRegion',
        KeyConditionExpression: keyCondition,
        ...(conditions.length ? { FilterExpression: conditions.join(' AND ') } : {}),
        ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
        ExpressionAttributeValues: values,
        ScanIndexForward: false,
        Limit: Math.max(limit, 25),
        ...(cursor ? { ExclusiveStartKey: cursor } : {}),
      }),
    );
    for (const item of out.Items ?? []) {
      if (items.length === limit) {
        // Stop at the last item handed out, so the next page starts right after it.
        const last = items.at(-1)!;
        return { items, next: { pk: last.pk, sk: last.sk, gsi1pk: last.gsi1pk, gsi1sk: last.gsi1sk } };
      }
      items.push(item);
    }
    cursor = out.LastEvaluatedKey;
    if (!cursor) return { items };
  }
  // Every item up to the cursor was handed out or filtered out: the next page starts there.
  return { items, ...(cursor ? { next: cursor } : {}) };
}

/** A region's review items raised in [from, to) (instants), oldest first, up to `max` (the digest's read). */
export async function regionReviewItems(region: string, from: string, to: string, max = 10_000): Promise<Item[]> {
  return queryAll(
    {
      IndexName: 'byRegion',
      KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk BETWEEN :from AND :to',
      FilterExpression: '#tier = :review',
      ExpressionAttributeNames: { '#tier': 'tier' },
      ExpressionAttributeValues: { ':pk': keys.regionInbox(region), ':from': from, ':to': to, ':review': 'review' },
    },
    max,
  );
}

export interface AlertCase {
  alert: Item;
  history: Item[];
  deliveries: Item[];
  attempts: Item[];
  /** Providers' appeals (申诉), oldest first. */
  appeals: Item[];
}

export async function readAlertCase(alertId: string): Promise<AlertCase | undefined> {
  const items = await queryAll({
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': keys.alert(alertId) },
    ConsistentRead: true,
  });
  const alert = items.find((i) => i.sk === keys.alertItem);
  if (!alert) return undefined;
  const of = (prefix: string) => items.filter((i) => String(i.sk).startsWith(prefix));
  const appeals = of(keys.appealPrefix).sort((a, b) => String(a.at).localeCompare(String(b.at)));
  return { alert, history: of('EVENT#'), deliveries: of('DELIVERY#'), attempts: of('ATTEMPT#'), appeals };
}

/**
 * Writes a case change and its history record together, only if the alert is still in the status
 * (and version) the change was decided on: two regulators working one case cannot both win.
 */
export async function saveTransition(
  alertId: string,
  region: string,
  version: number,
  change: CaseChange,
  events: readonly OutboxEntry[] = [],
): Promise<'saved' | 'stale'> {
  const table = alertsTable();
  try {
    await dynamoDocumentClient().send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: table,
              Key: { pk: keys.alert(alertId), sk: keys.alertItem },
              UpdateExpression: `SET #status = :to, updatedAt = :at, updatedBy = :by, version = :next${change.recoveryFen !== undefined ? ', recoveryFen = :recovery' : ''}`,
              ConditionExpression: '#status = :from AND version = :version AND #region = :region',
              ExpressionAttributeNames: { '#status': 'status', '#region': 'region' },
              ExpressionAttributeValues: {
                ':to': change.to,
                ':from': change.from,
                ':at': change.at,
                ':by': change.by,
                ':version': version,
                ':next': version + 1,
                ':region': region,
                ...(change.recoveryFen !== undefined ? { ':recovery': change.recoveryFen } : {}),
              },
            },
          },
          {
            Put: {
              TableName: table,
              Item: { pk: keys.alert(alertId), sk: keys.caseEvent(change.at, version), kind: 'transition', ...change },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          // A confirmed recovery's event, committed with the confirmation (the outbox delivers it).
          ...events.map(outboxPut),
        ],
      }),
    );
    return 'saved';
  } catch (error) {
    if (cancellationReasons(error)) return 'stale';
    throw error;
  }
}

/**
 * A region's alerts raised between two instants (the risk report's read): only the fields the report
 * sums, so a year of alerts is read without their rules' explanations.
 */
export async function regionAlertFacts(region: string, from: string, to: string, max = 50_000): Promise<AlertFacts[]> {
  const items = await queryAll(
    {
      IndexName: 'byRegion',
      KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk BETWEEN :from AND :to',
      ProjectionExpression: 'providerCode, raisedAt, #status, severity, score, ruleTypes, amounts, recoveryFen',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':pk': keys.regionInbox(region), ':from': from, ':to': to },
    },
    max,
  );
  return items.map((i) => ({
    providerCode: i.providerCode as string,
    raisedAt: i.raisedAt as string,
    status: i.status as string,
    severity: i.severity as string,
    score: (i.score as number | undefined) ?? 0,
    ruleTypes: (i.ruleTypes as string[] | undefined) ?? [],
    atStakeFen: ((i.amounts as { atStakeFen?: number } | undefined)?.atStakeFen as number | undefined) ?? 0,
    ...(typeof i.recoveryFen === 'number' ? { recoveryFen: i.recoveryFen } : {}),
  }));
}
