/**
 * Personal accounts in the `accumulators` table, beside the member's year accumulators, so a
 * settlement can debit the account in the one transaction that settles the claim:
 *
 *   pk=MEMBER#<id>  sk=ACCOUNT                     balance, version (= last entry's seq), region, status
 *   pk=MEMBER#<id>  sk=ACCOUNT#<seq, 10 digits>    the ledger, append-only, in order
 *   pk=MEMBER#<id>  sk=ACCOUNT-REF#<reference>     which entry recorded a fact (event id, staff reference): a repeat changes nothing
 *   pk=MEMBER#<id>  sk=ACCOUNT-FAMILY#<member id>  a family member bound for mutual use (家庭共济绑定), with its history
 *   index byAccountStatus: gsi1pk=ACCOUNTS#retired, gsi1sk=<region>#<member id>  the retirees the monthly schedule credits
 *
 * Every write is one transaction: the account put only if its version is still the one read (so two
 * payments racing cannot both spend the same balance: the second recomputes on the new one), each
 * entry put only if new, the reference marker only if new, and the event in the outbox.
 */
import { queryPages } from '../../runtime/query-all.ts';
import { GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { OutboxEntry, OutboxTransactItem } from '../../events/outbox.ts';
import { outboxPut } from '../../events/outbox.ts';
import { dynamoDocumentClient } from '../../runtime/aws-clients.ts';
import { cancellationReasons, failedConditions } from '../../runtime/condition-failure.ts';
import { tableName } from '../../runtime/resource-names.ts';
import { retry } from '../../runtime/retry.ts';
import { post, type Account, type AccountEntry, type Movement, type PostResult } from '../ledger.ts';
import type { FamilyRelation } from '../policy.ts';

const pk = (memberId: string) => `MEMBER#${memberId}`;
const ACCOUNT_SK = 'ACCOUNT';
export const entrySk = (seq: number) => `ACCOUNT#${String(seq).padStart(10, '0')}`;
const referenceSk = (reference: string) => `ACCOUNT-REF#${reference}`;
const familySk = (memberId: string) => `ACCOUNT-FAMILY#${memberId}`;
export const RETIREES_INDEX = 'byAccountStatus';
const RETIREES_PK = 'ACCOUNTS#retired';

export const accountKey = (memberId: string) => ({ pk: pk(memberId), sk: ACCOUNT_SK });

const strip = <T>(item: Record<string, unknown>): T => {
  const { pk: _pk, sk: _sk, gsi1pk: _g1, gsi1sk: _g2, ...rest } = item;
  return rest as T;
};

export async function readAccount(memberId: string): Promise<Account | undefined> {
  const out = await dynamoDocumentClient().send(
    new GetCommand({ TableName: tableName('accumulators'), Key: accountKey(memberId), ConsistentRead: true }),
  );
  return out.Item ? strip<Account>(out.Item) : undefined;
}

export interface EntryPage {
  entries: AccountEntry[];
  /** The seq to pass as `before` for the next (older) page; absent on the last page. */
  nextBefore?: number;
}

/** The ledger, newest first, `limit` entries before seq `before` (exclusive), or from the newest. */
export async function readEntries(memberId: string, options: { limit: number; before?: number | undefined }): Promise<EntryPage> {
  const upper = options.before !== undefined ? entrySk(options.before - 1) : 'ACCOUNT#9999999999';
  const out = await dynamoDocumentClient().send(
    new QueryCommand({
      TableName: tableName('accumulators'),
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': pk(memberId), ':from': entrySk(1), ':to': upper },
      ScanIndexForward: false,
      Limit: options.limit,
      ConsistentRead: true,
    }),
  );
  const entries = (out.Items ?? []).map((i) => strip<AccountEntry>(i));
  const last = entries.at(-1);
  return { entries, ...(out.LastEvaluatedKey && last && last.seq > 1 ? { nextBefore: last.seq } : {}) };
}

export async function readEntry(memberId: string, seq: number): Promise<AccountEntry | undefined> {
  const out = await dynamoDocumentClient().send(
    new GetCommand({ TableName: tableName('accumulators'), Key: { pk: pk(memberId), sk: entrySk(seq) }, ConsistentRead: true }),
  );
  return out.Item ? strip<AccountEntry>(out.Item) : undefined;
}

/** The entry that recorded a reference (a repeat of an event or a staff request), if any. */
export async function entryFor(memberId: string, reference: string): Promise<AccountEntry | undefined> {
  const out = await dynamoDocumentClient().send(
    new GetCommand({ TableName: tableName('accumulators'), Key: { pk: pk(memberId), sk: referenceSk(reference) }, ConsistentRead: true }),
  );
  return out.Item ? readEntry(memberId, out.Item.seq as number) : undefined;
}

/**
 * The transaction items of a post: the account (created, or put only if its version is still the
 * one the movement was computed on) and its new entries (each only if new). Settlement adds these
 * to the claim's transaction; `postMovement` to its own.
 */
export function accountWriteItems(before: Account, result: Extract<PostResult, { ok: true }>): OutboxTransactItem[] {
  const fresh = before.version === 0;
  const a = result.account;
  return [
    {
      Put: {
        TableName: tableName('accumulators'),
        Item: {
          ...accountKey(a.memberId),
          ...a,
          // Only open retirees' accounts are in the index the monthly credit reads.
          ...(a.status === 'retired' && !a.closed ? { gsi1pk: RETIREES_PK, gsi1sk: `${a.region}#${a.memberId}` } : {}),
        },
        ConditionExpression: fresh ? 'attribute_not_exists(pk)' : 'version = :v',
        ...(fresh ? {} : { ExpressionAttributeValues: { ':v': before.version } }),
      },
    },
    ...result.entries.map((entry) => ({
      Put: {
        TableName: tableName('accumulators'),
        Item: { pk: pk(entry.memberId), sk: entrySk(entry.seq), ...entry },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    })),
  ];
}

/** The marker that a reference was posted (as entry `seq`): new only, so a repeat of the fact fails the transaction. */
export function referenceMarkerPut(memberId: string, reference: string, seq: number, at: string): OutboxTransactItem {
  return {
    Put: {
      TableName: tableName('accumulators'),
      Item: { pk: pk(memberId), sk: referenceSk(reference), seq, at },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

export type PostOutcome =
  | { outcome: 'posted'; account: Account; entries: AccountEntry[] }
  | { outcome: 'duplicate'; account: Account; entry: AccountEntry | undefined }
  | { outcome: 'refused'; rule: 'insufficient_balance' | 'account_closed' | 'no_account'; message: string; balanceFen: number };

export interface PostRequest {
  memberId: string;
  /** The account to post to when none exists yet (a first credit opens it); undefined: refuse. */
  open?: () => Account;
  movement: Movement;
  year: number;
  at: string;
  by: string;
  /** The event reporting the entry, made from the account and the entry it posted. */
  event?: (account: Account, entry: AccountEntry) => OutboxEntry;
}

/**
 * Posts one movement in its own transaction, idempotent by the movement's reference, retried while
 * the account's version keeps moving (another payment or credit committed first).
 */
export async function postMovement(request: PostRequest): Promise<PostOutcome> {
  const once = async (): Promise<PostOutcome | undefined> => {
    const stored = await readAccount(request.memberId);
    const before = stored ?? request.open?.();
    if (!before)
      return { outcome: 'refused', rule: 'no_account', message: `member ${request.memberId} has no personal account`, balanceFen: 0 };
    const result = post(before, request.movement, { year: request.year, at: request.at, by: request.by });
    if (!result.ok) {
      const repeat = await entryFor(request.memberId, request.movement.reference);
      if (repeat) return { outcome: 'duplicate', account: before, entry: repeat };
      return { outcome: 'refused', rule: result.rule, message: result.message, balanceFen: result.balanceFen };
    }
    const entry = result.entries.at(-1)!;
    const items: OutboxTransactItem[] = [
      referenceMarkerPut(request.memberId, request.movement.reference, entry.seq, request.at),
      ...accountWriteItems(before, result),
      ...(request.event ? [outboxPut(request.event(result.account, entry))] : []),
    ];
    try {
      await dynamoDocumentClient().send(new TransactWriteCommand({ TransactItems: items }));
      return { outcome: 'posted', account: result.account, entries: result.entries };
    } catch (error) {
      const reasons = cancellationReasons(error);
      if (!reasons) throw error;
      if (failedConditions(error).includes(0)) {
        return {
          outcome: 'duplicate',
          account: (await readAccount(request.memberId)) ?? before,
          entry: await entryFor(request.memberId, request.movement.reference),
        };
      }
      // The account moved (or a conflicting transaction): compute again on what is there now.
      return undefined;
    }
  };
  const outcome = await retry(once, {
    maxAttempts: 40,
    budgetMs: 20_000,
    baseDelayMs: 10,
    maxDelayMs: 500,
    retryIf: (o) => o === undefined,
  });
  if (!outcome) throw new Error(`personal account ${request.memberId} kept moving; retry the request`);
  return outcome;
}

// ---- family bindings (家庭共济绑定) -------------------------------------------------------------

export interface FamilyBinding {
  holderMemberId: string;
  memberId: string;
  relation: FamilyRelation;
  validFrom: string;
  validTo?: string;
  /** What the clerk saw: household register page, marriage certificate number…; no ID number. */
  evidence: string;
  by: string;
  at: string;
  /** Earlier states of the binding, oldest first (append-only history). */
  history: Omit<FamilyBinding, 'history' | 'holderMemberId' | 'memberId'>[];
}

export async function readFamilyBindings(holderMemberId: string): Promise<FamilyBinding[]> {
  const out = await dynamoDocumentClient().send(
    new QueryCommand({
      TableName: tableName('accumulators'),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :family)',
      ExpressionAttributeValues: { ':pk': pk(holderMemberId), ':family': 'ACCOUNT-FAMILY#' },
      ConsistentRead: true,
    }),
  );
  return (out.Items ?? []).map((i) => strip<FamilyBinding>(i));
}

export async function readFamilyBinding(holderMemberId: string, memberId: string): Promise<FamilyBinding | undefined> {
  const out = await dynamoDocumentClient().send(
    new GetCommand({ TableName: tableName('accumulators'), Key: { pk: pk(holderMemberId), sk: familySk(memberId) }, ConsistentRead: true }),
  );
  return out.Item ? strip<FamilyBinding>(out.Item) : undefined;
}

/** Writes a binding if the one read (`previousAt`, undefined for none) is still there: a lost race is a 409 for the caller. */
export async function writeFamilyBinding(
  binding: FamilyBinding,
  previousAt: string | undefined,
  event: OutboxEntry | undefined,
): Promise<boolean> {
  try {
    await dynamoDocumentClient().send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: tableName('accumulators'),
              Item: { pk: pk(binding.holderMemberId), sk: familySk(binding.memberId), ...binding },
              ConditionExpression: previousAt === undefined ? 'attribute_not_exists(pk)' : '#at = :at',
              ...(previousAt === undefined
                ? {}
                : { ExpressionAttributeNames: { '#at': 'at' }, ExpressionAttributeValues: { ':at': previousAt } }),
            },
          },
          ...(event ? [outboxPut(event)] : []),
        ],
      }),
    );
    return true;
  } catch (error) {
    if (failedConditions(error).includes(0)) return false;
    throw error;
  }
}

/** A binding in force on a date. */
export const bindingHolds = (binding: FamilyBinding | undefined, date: string): binding is FamilyBinding =>
  binding !== undefined && binding.validFrom <= date && (binding.validTo === undefined || date <= binding.validTo);

// ---- retirees ------------------------------------------------------------------------------

/** Every open retiree account, by region then member id, a page at a time. */
export async function* retireeAccounts(): AsyncGenerator<{ memberId: string; region: string }[]> {
  const pages = queryPages({
    TableName: tableName('accumulators'),
    IndexName: RETIREES_INDEX,
    KeyConditionExpression: 'gsi1pk = :pk',
    ExpressionAttributeValues: { ':pk': RETIREES_PK },
  });
  for await (const page of pages) yield page.map((i) => ({ memberId: i.memberId as string, region: i.region as string }));
}
