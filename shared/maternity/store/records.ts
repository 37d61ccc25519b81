/**
 * Maternity records (DynamoDB adapter, table `maternity`):
 *
 *   MEMBER#<id>      PREGNANCY#<pregnancyId>              a registered pregnancy (生育登记)
 *   MEMBER#<id>      ALLOWANCE#<pregnancyId>              its maternity allowance (生育津贴): one per birth, by its key
 *   EMPLOYER#<code>  WAGES#<yyyy>                         the employer's declared wages and employee-months of a year
 *   EMPLOYER#<code>  WAGEMONTH#<YYYY-MM>#<memberId>       which paid month was added (so a redelivered event adds nothing)
 *
 * and, in the accumulators table beside the member's year (written in the settling transaction, so a
 * pregnancy's delivery or antenatal care is paid once however providers race):
 *
 *   MEMBER#<id>      MATERNITY#<pregnancyId>#<service>    the claim that holds the pregnancy's delivery (or antenatal care)
 *
 * Every write is conditional on its natural key and commits its event through the outbox in the same
 * transaction.
 */
import * as z from 'zod';
import { GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { outboxPut, type OutboxEntry, type OutboxTransactItem } from '../../events/outbox.ts';
import { dynamoDocumentClient } from '../../runtime/aws-clients.ts';
import { isConditionFailure } from '../../runtime/condition-failure.ts';
import { tableName } from '../../runtime/resource-names.ts';
import type { Allowance } from '../allowance.ts';
import type { MaternityService } from '../policy.ts';
import type { Pregnancy } from '../pregnancy.ts';

const memberPk = (memberId: string) => `MEMBER#${memberId}`;
export const pregnancySk = (pregnancyId: string) => `PREGNANCY#${pregnancyId}`;
export const allowanceSk = (pregnancyId: string) => `ALLOWANCE#${pregnancyId}`;
const employerPk = (code: string) => `EMPLOYER#${code}`;
const wagesSk = (year: number) => `WAGES#${year}`;

const pregnancyItem = z.object({
  pregnancyId: z.string(),
  memberId: z.string(),
  expectedDeliveryDate: z.string(),
  providerCode: z.string(),
  registeredOn: z.string(),
  region: z.string(),
  scheme: z.enum(['employee', 'resident']),
  registeredAt: z.string(),
  registeredBy: z.string(),
});

const strip = ({ pk: _pk, sk: _sk, ...rest }: Record<string, unknown>) => rest;

export async function listPregnancies(memberId: string): Promise<Pregnancy[]> {
  const out = await dynamoDocumentClient().send(
    new QueryCommand({
      TableName: tableName('maternity'),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
      ExpressionAttributeValues: { ':pk': memberPk(memberId), ':p': 'PREGNANCY#' },
      ConsistentRead: true,
    }),
  );
  return (out.Items ?? []).map((i) => pregnancyItem.parse(strip(i)));
}

export async function readPregnancy(memberId: string, pregnancyId: string): Promise<Pregnancy | undefined> {
  const out = await dynamoDocumentClient().send(
    new GetCommand({
      TableName: tableName('maternity'),
      Key: { pk: memberPk(memberId), sk: pregnancySk(pregnancyId) },
      ConsistentRead: true,
    }),
  );
  return out.Item ? pregnancyItem.parse(strip(out.Item)) : undefined;
}

/**
 * Writes a record that is made once (a pregnancy, a birth's allowance) with its event, in one
 * transaction; false when the key was taken meanwhile (the caller reads back what is there).
 */
async function putOnce(item: Record<string, unknown>, event: OutboxEntry): Promise<boolean> {
  try {
    await dynamoDocumentClient().send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: tableName('maternity'), Item: item, ConditionExpression: 'attribute_not_exists(pk)' } },
          outboxPut(event),
        ],
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

/** Registers a pregnancy with its event; false when the key was taken meanwhile (the caller reads it back). */
export const putPregnancy = (pregnancy: Pregnancy, event: OutboxEntry): Promise<boolean> =>
  putOnce({ pk: memberPk(pregnancy.memberId), sk: pregnancySk(pregnancy.pregnancyId), ...pregnancy }, event);

// ---------------------------------------------------------------------------------------------
// The employer's wages of a year (from EmployeeContributionPaid)
// ---------------------------------------------------------------------------------------------

export interface EmployerWages {
  employerCode: string;
  year: number;
  totalWagesFen: number;
  employeeMonths: number;
}

/** Adds one paid month's declared wage to its employer's year, once per member and month; false when it was added before. */
export async function addWageMonth(
  employerCode: string,
  memberId: string,
  month: string,
  declaredWageFen: number,
  at: string,
): Promise<boolean> {
  const year = Number(month.slice(0, 4));
  try {
    await dynamoDocumentClient().send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: tableName('maternity'),
              Item: { pk: employerPk(employerCode), sk: `WAGEMONTH#${month}#${memberId}`, declaredWageFen, at },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          {
            Update: {
              TableName: tableName('maternity'),
              Key: { pk: employerPk(employerCode), sk: wagesSk(year) },
              UpdateExpression: 'ADD totalWagesFen :w, employeeMonths :one SET employerCode = :code, #year = :year, updatedAt = :at',
              ExpressionAttributeNames: { '#year': 'year' },
              ExpressionAttributeValues: { ':w': declaredWageFen, ':one': 1, ':code': employerCode, ':year': year, ':at': at },
            },
          },
        ],
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

export async function readEmployerWages(employerCode: string, year: number): Promise<EmployerWages | undefined> {
  const out = await dynamoDocumentClient().send(
    new GetCommand({ TableName: tableName('maternity'), Key: { pk: employerPk(employerCode), sk: wagesSk(year) }, ConsistentRead: true }),
  );
  if (!out.Item) return undefined;
  return {
    employerCode,
    year,
    totalWagesFen: Number(out.Item.totalWagesFen ?? 0),
    employeeMonths: Number(out.Item.employeeMonths ?? 0),
  };
}

// ---------------------------------------------------------------------------------------------
// The allowance, one per birth
// ---------------------------------------------------------------------------------------------

export interface AllowanceRecord {
  memberId: string;
  pregnancyId: string;
  region: string;
  delivery: { providerCode: string; claimNo: string; deliveryDate: string; deliveryType: string; babies: number };
  allowance: Allowance;
  policy: { region: string; year: number; version: number };
  grantedAt: string;
  grantedBy: string;
}

export async function readAllowance(memberId: string, pregnancyId: string): Promise<AllowanceRecord | undefined> {
  const out = await dynamoDocumentClient().send(
    new GetCommand({
      TableName: tableName('maternity'),
      Key: { pk: memberPk(memberId), sk: allowanceSk(pregnancyId) },
      ConsistentRead: true,
    }),
  );
  return out.Item ? (strip(out.Item) as unknown as AllowanceRecord) : undefined;
}

/** Grants the allowance with its event; false when this birth's allowance was granted meanwhile. */
export const putAllowance = (record: AllowanceRecord, event: OutboxEntry): Promise<boolean> =>
  putOnce({ pk: memberPk(record.memberId), sk: allowanceSk(record.pregnancyId), ...record }, event);

// ---------------------------------------------------------------------------------------------
// Which claim holds a pregnancy's delivery or antenatal care (accumulators table)
// ---------------------------------------------------------------------------------------------

export interface ClaimMarker {
  memberId: string;
  pregnancyId: string;
  service: MaternityService;
  providerCode: string;
  claimNo: string;
  settlementNo: number;
  state: 'settled' | 'reversed';
  at: string;
}

const markerKey = (memberId: string, pregnancyId: string, service: MaternityService) => ({
  pk: memberPk(memberId),
  sk: `MATERNITY#${pregnancyId}#${service}`,
});

export async function readClaimMarker(memberId: string, pregnancyId: string, service: MaternityService): Promise<ClaimMarker | undefined> {
  const out = await dynamoDocumentClient().send(
    new GetCommand({ TableName: tableName('accumulators'), Key: markerKey(memberId, pregnancyId, service), ConsistentRead: true }),
  );
  return out.Item ? (strip(out.Item) as unknown as ClaimMarker) : undefined;
}

/** Whether a marker keeps this claim from being paid: another claim holds the pregnancy's service. */
export const heldByAnother = (marker: ClaimMarker | undefined, claim: { providerCode: string; claimNo: string }): boolean =>
  marker !== undefined && marker.state === 'settled' && (marker.providerCode !== claim.providerCode || marker.claimNo !== claim.claimNo);

/**
 * The transaction item that makes a settling claim the holder: only if no other claim holds it
 * (none yet, its holder reversed, or this claim settled again after its own reversal).
 */
export function markerHold(marker: Omit<ClaimMarker, 'state'>): OutboxTransactItem {
  return {
    Put: {
      TableName: tableName('accumulators'),
      Item: { ...markerKey(marker.memberId, marker.pregnancyId, marker.service), ...marker, state: 'settled' },
      ConditionExpression: 'attribute_not_exists(pk) OR #state = :reversed OR (providerCode = :p AND claimNo = :c)',
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: { ':reversed': 'reversed', ':p': marker.providerCode, ':c': marker.claimNo },
    },
  };
}

/** The transaction item a reversal releases the pregnancy's service with, if this settlement holds it. */
export function markerRelease(marker: Omit<ClaimMarker, 'state'>): OutboxTransactItem {
  return {
    Put: {
      TableName: tableName('accumulators'),
      Item: { ...markerKey(marker.memberId, marker.pregnancyId, marker.service), ...marker, state: 'reversed' },
      ConditionExpression: 'providerCode = :p AND claimNo = :c AND settlementNo = :n',
      ExpressionAttributeValues: { ':p': marker.providerCode, ':c': marker.claimNo, ':n': marker.settlementNo },
    },
  };
}
