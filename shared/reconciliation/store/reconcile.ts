/**
 * Reconciliation (对账): every claim whose settlement committed in a window is checked against what
 * each consumer keeps of it, and the claim's event is published again, through the outbox's own
 * delivery, when any of it is missing. Consumers keep each fact once by its event id, so publishing
 * again what one consumer missed changes nothing at the others, and a second run repairs nothing
 * the first did (idempotent). The report is stored (pk=RECONCILIATION in the outbox table) and read
 * back by its run id.
 *
 * Reads each consumer's own record of a claim through that consumer's keys: the audit trail
 * (audit table, by day and the fact's id), fraud scoring's event marker (alerts), the payment facts'
 * claim marker (providers), the DRG and DIP case stores (drgCases), and the policy registry for
 * whether the region-year pays by DRG or DIP at all.
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { queryAll } from '../../runtime/query-all.ts';
import { dynamoDocumentClient } from '../../runtime/aws-clients.ts';
import { tableName } from '../../runtime/resource-names.ts';
import { mapLimit } from '../../runtime/concurrency.ts';
import { deliver, type OutboxEntry } from '../../events/outbox.ts';
import { claimsSettledBetween, type ClaimRecord } from '../../settlement/store/claims.ts';
import {
  claimEventKey,
  claimReversedEvent,
  claimReversedPayload,
  claimSettledEvent,
  claimSettledPayload,
} from '../../settlement/store/claim-events.ts';
import { keys as fraudKeys } from '../../fraud/store/keys.ts';
import { keys as budgetKeys } from '../../budget/store/keys.ts';
import { getCase } from '../../drg/store/case.ts';
import { getDipCase } from '../../dip/store/case.ts';
import { paymentRegion, stayDates } from '../../drg/settled-case.ts';
import { policies } from '../../policy/store/registry.ts';
import { drgKind, drgPayment } from '../../policy/drg.ts';
import { dipKind } from '../../policy/dip.ts';
import { summarise, type ClaimCheck, type DownstreamFact, type ReconciliationReport } from '../report.ts';

export const RECONCILIATION_PK = 'RECONCILIATION';
/** Claims one run reads at most; a larger window is reported truncated (run it in parts). */
export const MAX_CLAIMS = 20_000;

const getItem = async (table: string, pk: string, sk: string) =>
  (await dynamoDocumentClient().send(new GetCommand({ TableName: table, Key: { pk, sk }, ConsistentRead: true }))).Item;
/** Fraud scoring's record of an event applied to a claim (table alerts). */
const fraudMarker = (pk: string, sk: string) => getItem(tableName('alerts'), pk, sk);
/** The payment facts' marker of a claim (table providers). */
const paymentMarker = (pk: string, sk: string) => getItem(tableName('providers'), pk, sk);

/**
 * The fact in the audit trail: archived under the day and time it committed (the envelope's time,
 * which EventBridge gives to the second) and its id.
 */
async function audited(eventId: string, committedAt: string): Promise<boolean> {
  const found = await queryAll({
    TableName: tableName('audit'),
    KeyConditionExpression: 'pk = :day AND begins_with(sk, :second)',
    FilterExpression: 'eventId = :id',
    ExpressionAttributeValues: { ':day': `DAY#${committedAt.slice(0, 10)}`, ':second': committedAt.slice(0, 19), ':id': eventId },
  });
  return found.length > 0;
}

/** A stay's DRG and DIP cases are expected where its region-year pays by them (as the grouping consumer decides). */
async function expectedCases(record: ClaimRecord): Promise<DownstreamFact[]> {
  const type = record.statement.visit.type;
  if ((type !== 'inpatient' && type !== 'bed-day') || !record.inputs) return [];
  const payload = claimSettledPayload(record, record.inputs.member, record.inputs.provider);
  const { year, dischargeDate } = stayDates(payload);
  const region = paymentRegion(payload);
  const [drgPolicy, held, dipPolicy] = await Promise.all([
    policies.inForce(drgKind, { region, year }, dischargeDate),
    policies.keys(drgKind, region),
    policies.inForce(dipKind, { region, year }, dischargeDate),
  ]);
  const facts: DownstreamFact[] = [];
  if (
    drgPayment(
      drgPolicy,
      held.map((k) => Number(k.year)),
      year,
    ).kind !== 'not-drg-paid'
  )
    facts.push('drgCase');
  if (dipPolicy) facts.push('dipCase');
  return facts;
}

/** Which downstream facts the claim's current settlement (or its reversal) should have left, and which are there. */
async function check(record: ClaimRecord): Promise<{ expected: DownstreamFact[]; missing: DownstreamFact[] }> {
  const event = record.status === 'settled' ? 'ClaimSettled' : 'ClaimReversed';
  const eventId = claimEventKey(record, event);
  const committedAt = record.status === 'settled' ? record.settledAt : record.reversal!.reversedAt;
  const claimKey = fraudKeys.claim({ providerCode: record.providerCode, claimNo: record.claimNo });
  const fact = budgetKeys.fact('CLAIM', record.providerCode, record.claimNo);
  const cases = record.status === 'settled' ? await expectedCases(record) : [];
  const [inAudit, scored, marker, drg, dip] = await Promise.all([
    audited(eventId, committedAt),
    fraudMarker(claimKey, fraudKeys.eventMarker(eventId)),
    paymentMarker(fact.pk, fact.sk),
    cases.includes('drgCase') ? getCase(record.providerCode, record.year, record.claimNo) : undefined,
    cases.includes('dipCase') ? getDipCase(record.providerCode, record.year, record.claimNo) : undefined,
  ]);
  const expected: DownstreamFact[] = ['audit', 'fraudScore', 'paymentFacts', ...cases];
  const missing: DownstreamFact[] = [];
  if (!inAudit) missing.push('audit');
  if (!scored) missing.push('fraudScore');
  // The payment facts keep one marker per claim: it must stand at this settlement, in this state.
  if (!marker || marker.state !== record.status || marker.settledAt !== record.settledAt) missing.push('paymentFacts');
  if (cases.includes('drgCase') && !drg) missing.push('drgCase');
  if (cases.includes('dipCase') && !dip) missing.push('dipCase');
  return { expected, missing };
}

/** The claim's event as its commit wrote it (same key, same time), to publish again. */
function eventOf(record: ClaimRecord, correlationId: string): OutboxEntry | string {
  if (record.status === 'reversed')
    return claimReversedEvent(record, claimReversedPayload(record), correlationId, record.reversal!.reversedAt);
  if (!record.inputs) return 'settled before the engine inputs were kept: its ClaimSettled cannot be made again';
  return claimSettledEvent(
    record,
    claimSettledPayload(record, record.inputs.member, record.inputs.provider),
    correlationId,
    record.settledAt,
  );
}

export interface ReconcileRequest {
  runId: string;
  trigger: ReconciliationReport['trigger'];
  requestedBy: string;
  window: { from: string; to: string };
  now: () => Date;
}

/** Checks the window's claims, publishes again what is missing, stores and returns the report. */
export async function reconcile(request: ReconcileRequest): Promise<ReconciliationReport> {
  const startedAt = request.now().toISOString();
  const claims = await claimsSettledBetween(request.window.from, request.window.to, MAX_CLAIMS + 1);
  const truncated = claims.length > MAX_CLAIMS;
  const correlationId = `reconciliation-${request.runId}`.slice(0, 128);
  const checks = await mapLimit(claims.slice(0, MAX_CLAIMS), 16, async (record): Promise<ClaimCheck & { entry?: OutboxEntry }> => {
    const { expected, missing } = await check(record);
    const base = {
      claim: `${record.providerCode}/${record.claimNo}`,
      settlementNo: record.settlementNo,
      status: record.status,
      expected,
      missing,
    };
    if (missing.length === 0) return base;
    const entry = eventOf(record, correlationId);
    return typeof entry === 'string'
      ? { ...base, unrepairable: entry }
      : { ...base, entry, republished: record.status === 'settled' ? 'ClaimSettled' : 'ClaimReversed' };
  });
  const entries = checks.flatMap((c) => (c.entry ? [c.entry] : []));
  const { waiting } = entries.length ? await deliver(entries) : { waiting: [] };
  const report = summarise(
    {
      runId: request.runId,
      trigger: request.trigger,
      requestedBy: request.requestedBy,
      window: request.window,
      startedAt,
      finishedAt: request.now().toISOString(),
    },
    checks.map(({ entry: _entry, ...c }) => c),
    waiting.length,
    truncated,
  );
  await dynamoDocumentClient().send(
    new PutCommand({ TableName: tableName('outbox'), Item: { pk: RECONCILIATION_PK, sk: request.runId, ...report } }),
  );
  return report;
}

export async function readReconciliation(runId: string): Promise<ReconciliationReport | undefined> {
  const out = await dynamoDocumentClient().send(
    new GetCommand({ TableName: tableName('outbox'), Key: { pk: RECONCILIATION_PK, sk: runId }, ConsistentRead: true }),
  );
  if (!out.Item) return undefined;
  const { pk: _pk, sk: _sk, ...report } = out.Item;
  return report as ReconciliationReport;
}
