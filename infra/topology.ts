/**
 * The one declaration of yibao's topology: tables, queues, rules, schedules, routes and functions.
 *
 * Both ways of running the platform read this file and nothing else:
 *  - `infra/stack.ts` turns it into CloudFormation resources for AWS;
 *  - `infra/local/` turns it into DynamoDB Local tables, fauxqs queues, local bus rules, a local
 *    scheduler and an HTTP front on one machine.
 * `test/stack/local-parity.test.ts` synthesises the stack and proves the local cloud built the same
 * routes, queues, rules and schedules, so the two cannot drift apart.
 *
 * Everything here is plain data (no CDK, no SDK) so the local runtime can load it in milliseconds.
 */
import { DetailType, EventSource } from '../events/catalog.ts';
import type { EventPattern } from './local/bus/pattern.ts';
import type { StaffPermission } from '../shared/auth/principal.ts';

/** The one custom bus every event travels on. */
export const BUS_NAME = 'yibao';

/**
 * How long API Gateway keeps the authorizer's decision for one Authorization header (its results
 * cache): a hospital's system sends the same token with every claim, so the authorizer runs once per
 * token every five minutes, not once per claim. The token's own expiry is checked on the first call
 * only, so a token may outlive its `exp` by up to this. The local front keeps the same cache.
 */
export const AUTHORIZER_CACHE_TTL_SECONDS = 300;

// ---------------------------------------------------------------------------------------------
// Tables. Every table uses generic string keys (pk/sk, gsiNpk/gsiNsk) so one table can hold the
// few item kinds of its domain; the access patterns below say which keys serve which question.
// ---------------------------------------------------------------------------------------------

export interface IndexSpec {
  name: string;
  partitionKey: string;
  sortKey?: string;
  purpose: string;
  /**
   * What the index copies besides the keys (the table's and its own). Left out: every attribute. An
   * index copy is written, and paid for, with every write of the item, so an index whose readers take
   * a few plain attributes names them (`include`), and one whose readers go back to the table for the
   * item as it now stands copies only the keys (`keys`).
   */
  projection?: 'keys' | { include: readonly string[] };
}

/** What an index copies, in DynamoDB's own terms (CreateTable's `Projection`), for the stack and the local cloud alike. */
export function indexProjection(index: IndexSpec): { ProjectionType: 'ALL' | 'KEYS_ONLY' | 'INCLUDE'; NonKeyAttributes?: string[] } {
  if (index.projection === 'keys') return { ProjectionType: 'KEYS_ONLY' };
  if (index.projection) return { ProjectionType: 'INCLUDE', NonKeyAttributes: [...index.projection.include] };
  return { ProjectionType: 'ALL' };
}

export interface TableSpec {
  purpose: string;
  partitionKey: string;
  sortKey?: string;
  indexes: IndexSpec[];
  /** Attribute holding an epoch-seconds expiry; DynamoDB deletes the item after it. */
  timeToLiveAttribute?: string;
  /**
   * Data tables hold the fund's records: deletion protection on, retained if the stack goes. Every
   * table is one today; a cache whose items expire anyway would not be, and would go with the stack.
   */
  dataTable: boolean;
  accessPatterns: string[];
}

/** The plain copies of a claim that a list of claims shows (shared/settlement/store/claims.ts `providerClaimsPage` reads them through `indexReadProjection`). */
const CLAIM_SUMMARY_ATTRIBUTES = [
  'providerCode',
  'claimNo',
  'memberId',
  'status',
  'settlementNo',
  'visitType',
  'serviceDate',
  'settlementDate',
  'settledAt',
  'totals',
] as const;

export const tables = {
  members: {
    purpose:
      'Persons, enrolments per insurance year, assistance categories, contributions, transfers, out-of-area registrations, and the member registers (chronic-disease approvals, family-doctor contracts, supplementary plans) with their history; employers, employment status and employees’ monthly contributions.',
    partitionKey: 'pk',
    sortKey: 'sk',
    indexes: [
      {
        name: 'byIdentity',
        partitionKey: 'gsi1pk',
        purpose: 'IDNO#<keyed hash of the ID number> → the person; the number itself is never a key',
      },
      {
        name: 'byRegionYear',
        partitionKey: 'gsi2pk',
        sortKey: 'gsi2sk',
        purpose: 'REGION#<code>#YEAR#<yyyy> → enrolments in a pooling region, by member id',
      },
    ],
    // Only a provider's per-minute look-up counters expire (a day after their minute); nothing else carries it.
    timeToLiveAttribute: 'expiresAt',
    dataTable: true,
    accessPatterns: [
      'get a member: pk=MEMBER#<id>, sk=PROFILE',
      'all of a member: pk=MEMBER#<id> (enrolments ENROL#<year>, categories CAT#<from>#<code>, contributions CONTRIB#<year>#<id>)',
      "a member's state on a date (settlement, the personal account): pk=MEMBER#<id>, sk < REGL (every item but the registers' history and locks, REGISTER_BOOKKEEPING_FROM in shared/registers/entry.ts)",
      "a member's register entries: pk=MEMBER#<id>, sk=REG#<register>#<entryId> (chronic-approvals, family-doctor-contracts, supplementary-plans; the entry as it stands)",
      "an entry's append-only history: pk=MEMBER#<id>, sk begins_with REGLOG#<register>#<entryId># (one item per version: created, amended, ended, revoked; who and when)",
      "a member's register lock: pk=MEMBER#<id>, sk=REGLOCK#<register> (version moved by every write of that register, so overlap checks cannot race)",
      'a provider certified to approve chronic diseases: pk=CERTIFIED#<providerCode>, sk=CERT#chronic-approvals#<region>#<version> (append-only; newest in force)',
      'one active enrolment per person and year: pk=PERSON#<hash>, sk=YEAR#<yyyy> written in the same transaction as the enrolment',
      'find by ID number: byIdentity gsi1pk=IDNO#<hash>',
      "a provider's ID-number look-ups in a minute (the rate limit): pk=LOOKUPS#<providerCode>, sk=MINUTE#<yyyy-mm-ddThh:mm> (lookups, expiresAt)",
      'list a region: byRegionYear gsi2pk=REGION#<code>#YEAR#<yyyy>',
      'a household (家庭): pk=HOUSEHOLD#<id>, sk=PROFILE (region, head, its memberships, version); each membership is an entry of the member register households (REG#households#<householdId>-<from>, with its REGLOG history), which settlement reads on the settlement date',
      'an employer and its history: pk=EMPLOYER#<credit code> (sk=PROFILE, REV#<nnnn>); a region’s employers: byRegionYear gsi2pk=EMPLOYERS#<region>',
      'a member’s employment periods and monthly contributions: pk=MEMBER#<id>, sk=EMPLOY#<validFrom>, MONTH#<YYYY-MM> (one per month: the idempotency key)',
    ],
  },
  claims: {
    purpose: 'Claims with their settlement statements, and the append-only fund ledger (a reversal is a negative entry).',
    partitionKey: 'pk',
    sortKey: 'sk',
    indexes: [
      {
        name: 'byProviderYear',
        partitionKey: 'gsi2pk',
        sortKey: 'gsi2sk',
        purpose: 'PROVIDER#<code>#YEAR#<yyyy> → claims by discharge date (a provider’s list of its claims)',
        // The list's columns only: copying the gzipped bill, statement and inputs into the index doubled
        // what each settlement wrote for a page that never opens them.
        projection: { include: CLAIM_SUMMARY_ATTRIBUTES },
      },
      {
        name: 'byRegionYear',
        partitionKey: 'gsi3pk',
        sortKey: 'gsi3sk',
        purpose:
          'REGION#<code>#<scheme>#YEAR#<yyyy>#P<nn> → a pooling region’s claims of a scheme and year in one member partition (shared/simulation/partition.ts), by member then settlement time (policy simulation)',
        // What a replay reads (shared/simulation/store/claims.ts): the bill and the inputs kept beside it,
        // never the statement, the largest of the three blobs.
        projection: { include: ['settlementNo', 'parts', 'bill', 'inputs', 'status', 'settledAt', 'totals', 'scheme'] },
      },
      {
        name: 'bySettledDay',
        partitionKey: 'gsi4pk',
        sortKey: 'gsi4sk',
        purpose:
          'SETTLED#<yyyy-mm-dd, UTC>#<shard 0..3> → claims by the time their current settlement committed (reconciliation of a window)',
        // Reconciliation reads each claim found back from the table as it now stands (the index lags).
        projection: 'keys',
      },
    ],
    dataTable: true,
    accessPatterns: [
      'get a claim: pk=CLAIM#<provider>#<claimNo>, sk=CLAIM (provider + claim number is the idempotency key)',
      'its ledger, in order: pk=CLAIM#<provider>#<claimNo>, sk begins_with LEDGER# (LEDGER#<settlementNo>#0-SETTLEMENT, then #1-REVERSAL if reversed)',
      "a provider's claims in a year, its list's columns: byProviderYear gsi2pk=PROVIDER#<code>#YEAR#<yyyy>",
      "a region's settled claims of a scheme and year, each member's in settlement order (policy simulation replays them): byRegionYear gsi3pk=REGION#<code>#<scheme>#YEAR#<yyyy>#P<nn>, one query per member partition",
      'a bill too large for one item, gzipped in parts: pk=CLAIM#<provider>#<claimNo>, sk=PART#<settlementNo>#<i> (the claim item says how many)',
      'claims settled in a window (reconciliation): bySettledDay gsi4pk=SETTLED#<day>#<shard>, gsi4sk=<settledAt>#<provider>#<claimNo>, one query per day and shard, then the claims themselves read back',
    ],
  },
  accumulators: {
    purpose:
      "A member's year-to-date totals per layer (deductible met, fund paid, caps used); moved only in the transaction that settles the claim.",
    partitionKey: 'pk',
    sortKey: 'sk',
    indexes: [
      {
        name: 'byAccountStatus',
        partitionKey: 'gsi1pk',
        sortKey: 'gsi1sk',
        purpose: "ACCOUNTS#retired → open retirees' personal accounts by <region>#<member id> (the monthly retiree credit)",
      },
    ],
    dataTable: true,
    accessPatterns: [
      "a member's year: pk=MEMBER#<id>, sk=YEAR#<yyyy>",
      'the claims already applied (so a retry moves nothing twice): pk=MEMBER#<id>, sk=YEAR#<yyyy>#CLAIM#<provider>#<claimNo> (state, settlementNo, the counters it moved)',
      "a household's year (the counters the benefit policy keeps per household: the family self-pay cap): pk=HOUSEHOLD#<id>, sk=YEAR#<yyyy>",
      "a member's personal account (个人账户): pk=MEMBER#<id>, sk=ACCOUNT (balance, version = last entry's seq, region, status); moved in the settling transaction when it pays a claim",
      'its ledger, newest first: pk=MEMBER#<id>, sk between ACCOUNT#<seq, 10 digits>s (append-only; each entry with the balance after it)',
      'which entry recorded a fact (event id, staff reference), so a repeat posts nothing: pk=MEMBER#<id>, sk=ACCOUNT-REF#<reference>',
      'family members bound for mutual use (家庭共济): pk=MEMBER#<holder id>, sk=ACCOUNT-FAMILY#<member id> (relation, period, history)',
      'open retirees to credit monthly: byAccountStatus gsi1pk=ACCOUNTS#retired (shared/accounts/store/accounts.ts)',
      "which claim holds a pregnancy's delivery or antenatal care (paid once per pregnancy): pk=MEMBER#<id>, sk=MATERNITY#<pregnancyId>#<delivery|antenatal>, written in the settling transaction",
    ],
  },
  providers: {
    purpose: 'Providers (定点医药机构), health communities, budgets, prepayment runs and year-end settlement reports.',
    partitionKey: 'pk',
    sortKey: 'sk',
    indexes: [
      { name: 'byRegion', partitionKey: 'gsi1pk', sortKey: 'gsi1sk', purpose: 'REGION#<code> → providers of a pooling region' },
      {
        name: 'byRun',
        partitionKey: 'gsi2pk',
        sortKey: 'gsi2sk',
        purpose: 'RUN#<kind>#<region>#<period> → the per-provider lines of a run',
      },
    ],
    dataTable: true,
    accessPatterns: [
      'get a provider: pk=PROVIDER#<code>, sk=PROFILE',
      "a provider's budget for a year: pk=PROVIDER#<code>, sk=BUDGET#<yyyy>",
      "a provider's advances and settlements: pk=PROVIDER#<code>, sk begins_with LEDGER#<yyyy>",
      'providers of a region: byRegion',
      'the lines of one prepayment or year-end run: byRun',
      "a provider's monthly points and fund payments (projected from events): pk=PROVIDER#<code>, sk begins_with TOTALS#<yyyy>",
      "health communities of a region: byRegion gsi1sk begins_with HC#; a community's capitation spending: pk=HC#<id>, sk begins_with SPENT#<yyyy>",
      'budget versions: pk=BUDGET#<region>#<yyyy>; run versions: pk=RUN#<kind>#<region>#<period> (every key: shared/budget/store/keys.ts)',
    ],
  },
  drgCases: {
    purpose: 'Grouped inpatient cases with their DRG, points and the trace that explains them.',
    partitionKey: 'pk',
    sortKey: 'sk',
    indexes: [
      {
        name: 'byRegionYear',
        partitionKey: 'gsi1pk',
        sortKey: 'gsi1sk',
        purpose: 'REGION#<code>#YEAR#<yyyy> → every case of the year (total points, point value)',
      },
      {
        name: 'byMemberDrg',
        partitionKey: 'gsi2pk',
        sortKey: 'gsi2sk',
        purpose: 'MEMBER#<id>#DRG#<code> → admissions by discharge date (readmission within 15 days)',
      },
    ],
    dataTable: true,
    accessPatterns: [
      "a provider's cases in a year: pk=PROVIDER#<code>#YEAR#<yyyy>, sk=CASE#<claimNo> (a readmission cut to a case: sk=CASE#<claimNo>#READMISSION, negative points)",
      "all cases of a region's year: byRegionYear (cases and cuts: the year's points are the sum of their centipoints)",
      "a member's earlier admissions to the same DRG: byMemberDrg (DRG-paid cases only; gsi2sk=<discharge date>#<provider>#<claimNo>)",
      "a provider's DIP case (method dip): pk=PROVIDER#<code>#YEAR#<yyyy>, sk=DIP#<claimNo>; a region-year's DIP cases: byRegionYear gsi1pk=REGION#<code>#YEAR#<yyyy>#DIP",
    ],
  },
  alerts: {
    purpose: 'Fraud-rule hits, claim and provider risk scores, alerts worked as cases, and regulator subscriptions.',
    partitionKey: 'pk',
    sortKey: 'sk',
    indexes: [
      {
        name: 'byRegion',
        partitionKey: 'gsi1pk',
        sortKey: 'gsi1sk',
        purpose: "REGION#<code> → alerts by raised time (the regulator's inbox, paged)",
      },
      {
        name: 'bySubscriber',
        partitionKey: 'gsi2pk',
        sortKey: 'gsi2sk',
        purpose: 'SUBSCRIBERS#<region> → subscriptions to match an alert against',
      },
    ],
    dataTable: true,
    accessPatterns: [
      "a claim's hits and score: pk=CLAIM#<provider>#<claimNo>, sk=SCORE; the events applied to it: sk=EVENT#<eventId> (idempotency)",
      "a member's claim summaries in a window (the fraud history projection): pk=MEMBER#<id>, sk between HIST#<from> and HIST#<to>; date of death: sk=DEATH",
      'every scan of a drug trace code: pk=TRACE#<code>, sk=SCAN#<provider>#<claimNo>#<line>',
      "a provider's running risk: pk=PROVIDER#<code>, sk=RISK#<yyyy>; its month counters: sk between STATS#<yyyy-mm>s; its DRG counters: sk begins_with DRG#<yyyy>#",
      "peers' month counters: pk=PEERS#<region>#<level>, sk=STATS#<yyyy-mm>; the region's DRG counters: pk=PEERS#<region>, sk begins_with DRG#<yyyy>#",
      'an alert, its case history and deliveries: pk=ALERT#<id>, sk=ALERT | EVENT#<time>#<n> | DELIVERY#<subscription> | ATTEMPT#<subscription>#<n>',
      "a region's alerts, newest first: byRegion gsi1pk=REGION#<code>, gsi1sk=<raisedAt>#<id>",
      'a subscription: pk=SUB#<id>, sk=SUB; the active subscriptions of a region: bySubscriber gsi2pk=SUBSCRIBERS#<region>',
    ],
  },
  policies: {
    purpose:
      'Published versions of policy documents of every kind (benefits, enrolment, DRG, year-end, fraud rules) per pooling region and key, each citing its source documents.',
    partitionKey: 'pk',
    sortKey: 'sk',
    indexes: [],
    dataTable: true,
    accessPatterns: [
      'published versions of a policy of any kind (benefits, enrolment, drg, year-end, fraud-rules): pk=POLICY#<kind>#<region>[#<key field>…] (e.g. POLICY#benefits#330900#resident#2025, POLICY#drg#330900#2027, POLICY#fraud-rules#000000), sk=V#<effectiveFrom>#<version, 4 digits>; the shipped first versions are in the bundle',
      'which keys a region holds a published version under (e.g. its DRG years): pk=POLICY-KEYS#<kind>#<region>, sk=<key fields beyond region>',
      'the version in force on a date: every version under the pk (shipped and published, cached a few seconds), the newest effective on or before the date',
    ],
  },
  catalogue: {
    purpose:
      'Medical-insurance catalogues (医保目录) per region: import jobs and their chunks, published version headers, and the entries of each published version (up to ~100,000 a version) for lookup by code.',
    partitionKey: 'pk',
    sortKey: 'sk',
    indexes: [],
    dataTable: true,
    accessPatterns: [
      'an import job: pk=IMPORT#<importId>, sk=IMPORT (header, status, progress, diff); its chunks: sk begins_with CHUNK# (entries and row problems, gzipped)',
      "a region's published versions: pk=CATALOGUE#<region>, sk=V#<effectiveFrom>#<version, 4 digits>; the newest version (guards publishing above it): pk=CATALOGUE-HEAD#<region>, sk=HEAD",
      "the entries of a bill's codes in a published version (settlement, BatchGetItem): pk=ENTRIES#<importId>, sk=<code>",
      "search and download: a version's chunks loaded once per container (immutable) and searched in memory",
    ],
  },
  audit: {
    purpose: 'Append-only archive of every business event on the bus, with its correlation id, for regulators and operators.',
    partitionKey: 'pk',
    sortKey: 'sk',
    indexes: [
      {
        name: 'byCorrelation',
        partitionKey: 'gsi1pk',
        sortKey: 'gsi1sk',
        purpose: 'CORR#<correlationId> → every event one request caused',
        // Keys only: the archive is written for every event published, and a trail (a regulator's
        // look at one request, a handful of events) reads its items back from the table.
        projection: 'keys',
      },
    ],
    dataTable: true,
    accessPatterns: ['events of a day: pk=DAY#<yyyy-mm-dd>, sk=<time>#<eventId>', 'the trail of one request: byCorrelation'],
  },
  simulations: {
    purpose:
      'Policy simulation runs (政策测算): the request (draft and window), progress, each partition’s partial result and the report; nothing live is ever written by a run.',
    partitionKey: 'pk',
    sortKey: 'sk',
    indexes: [
      {
        name: 'byRegion',
        partitionKey: 'gsi1pk',
        sortKey: 'gsi1sk',
        purpose: 'REGION#<code> → a region’s runs by creation time',
      },
    ],
    dataTable: true,
    accessPatterns: [
      'a run: pk=RUN#<runId> (a hash of draft, window and assumptions: the same request is the same run), sk=RUN (status, progress, summary), sk=REQUEST (the draft document and assumptions, gzipped)',
      'its partials, one per partition group: pk=RUN#<runId>, sk begins_with PART# (gzipped, chunked); its report: sk begins_with REPORT# (gzipped, chunked)',
      'a region’s runs: byRegion gsi1pk=REGION#<code>, gsi1sk=<createdAt>#<runId>',
    ],
  },
  outbox: {
    purpose:
      'Events committed in the same transaction as the state they report and not yet on the bus (transactional outbox); the relay publishes what a request left behind; events the bus kept refusing (dead letters); reconciliation reports.',
    partitionKey: 'pk',
    sortKey: 'sk',
    indexes: [],
    // Holds events not yet delivered: losing it would lose them, so it is kept like a data table.
    dataTable: true,
    accessPatterns: [
      'an event waiting: pk=OUTBOX#<shard 0..7 by key>, sk=<the fact it reports, e.g. claim/<provider>/<claimNo>/<settlementNo>/ClaimSettled>',
      'what the relay publishes: each shard, createdAt older than the grace period (shared/events/outbox.ts)',
      'dead letters (an event the bus refused for DEAD_LETTER_AFTER relay runs): pk=DEADLETTER, sk=<the event key> (state dead | replayed)',
      'reconciliation reports: pk=RECONCILIATION, sk=<runId> (shared/reconciliation)',
    ],
  },
  longTermCare: {
    purpose:
      'Long-term care insurance (长期护理保险): assessors, care institutions, disability assessments with their append-only step logs, members\u2019 levels, monthly care claims with their ledger and findings, and the projections care needs (inpatient stays, deaths, care contributions).',
    partitionKey: 'pk',
    sortKey: 'sk',
    indexes: [
      {
        name: 'byInstitutionMonth',
        partitionKey: 'gsi1pk',
        sortKey: 'gsi1sk',
        purpose: "INSTITUTION#<provider>#<YYYY-MM> → an institution's care claims of a month by member (the beds rule)",
      },
      {
        name: 'byRegion',
        partitionKey: 'gsi2pk',
        sortKey: 'gsi2sk',
        purpose:
          "REGION#<code>#<YYYY-MM> → a region's care claims and care contributions of a month; LEVELS#<code> → its members' results (reports)",
      },
    ],
    dataTable: true,
    accessPatterns: [
      'an assessor: pk=ASSESSOR#<staff id>, sk=PROFILE (regions, validity), history sk=REV#<nnnn>',
      "a care institution's certification (settings, beds): pk=INSTITUTION#<provider>, sk=CERT#<nnnn> (append-only; newest in force)",
      'an assessment: pk=ASSESSMENT#<id>, sk=STATE (version = steps); its log sk=STEP#<nnnn> (append-only: step, round, who, when)',
      "a member's open application pk=MEMBER#<id>, sk=OPEN-ASSESSMENT; results sk=LEVEL#<validFrom>#<assessment>#<round>; stays sk=STAY#<admission>#<provider>#<claimNo>; death sk=DEATH; care contributions sk=FUNDING#<YYYY-MM>; events applied sk=EVENT#<id>",
      'a care claim: pk=CARECLAIM#<provider>#<member>#<YYYY-MM>, sk=CLAIM (institution + member + month is the idempotency key); ledger sk=LEDGER#<nnnn>#0-SETTLEMENT | #1-REVERSAL; later findings sk=FINDING#<event>#<rule>',
      "an institution's month: byInstitutionMonth; a region's month (claims, funding) and its results: byRegion (shared/long-term-care/store/records.ts)",
    ],
  },
  maternity: {
    purpose:
      'Maternity insurance (生育保险): registered pregnancies, maternity allowances (one per birth), and employers’ declared wages per year (the allowance’s average monthly wage).',
    partitionKey: 'pk',
    sortKey: 'sk',
    indexes: [],
    dataTable: true,
    accessPatterns: [
      "a member's pregnancies: pk=MEMBER#<id>, sk begins_with PREGNANCY# (sk=PREGNANCY#<pregnancyId>, the id is P + the expected delivery date)",
      'a birth’s allowance: pk=MEMBER#<id>, sk=ALLOWANCE#<pregnancyId> (its key makes it one per birth)',
      "an employer's wages of a year: pk=EMPLOYER#<credit code>, sk=WAGES#<yyyy> (Σ declared wages, employee-months)",
      'which paid month was added (a redelivered EmployeeContributionPaid adds nothing): pk=EMPLOYER#<code>, sk=WAGEMONTH#<YYYY-MM>#<member id>',
    ],
  },
} satisfies Record<string, TableSpec>;

export type TableKey = keyof typeof tables;

/**
 * What a query of an index reads to take all that the index copies: the table's and the index's keys
 * and its included attributes. A reader spreads it into its QueryCommand, so its columns and the
 * index's copies are one list (a column the index does not copy would come back empty, not fail).
 * Names are aliased (#a0, #a1…) so that no reserved word, such as `status`, trips the expression.
 */
export function indexReadProjection(
  table: TableKey,
  indexName: string,
): { ProjectionExpression: string; ExpressionAttributeNames: Record<string, string> } {
  const spec: TableSpec = tables[table];
  const index = spec.indexes.find((i) => i.name === indexName);
  if (!index) throw new Error(`table ${table} has no index ${indexName}`);
  if (!index.projection || index.projection === 'keys')
    throw new Error(`${table}.${indexName} copies ${index.projection ?? 'every attribute'}: read it without a projection list`);
  const attributes = [
    ...new Set(
      [spec.partitionKey, spec.sortKey, index.partitionKey, index.sortKey, ...index.projection.include].filter((a) => a !== undefined),
    ),
  ];
  return {
    ProjectionExpression: attributes.map((_, i) => `#a${i}`).join(', '),
    ExpressionAttributeNames: Object.fromEntries(attributes.map((a, i) => [`#a${i}`, a])),
  };
}

// ---------------------------------------------------------------------------------------------
// Functions. Each names exactly what it may touch; the stack grants that and nothing more.
// ---------------------------------------------------------------------------------------------

export type Access = 'read' | 'readwrite';

export type FunctionKey =
  | 'authorizer'
  | 'platform'
  | 'enrolment'
  | 'adjudication'
  | 'drgGrouping'
  | 'drgPreGroup'
  | 'outboxRelay'
  | 'fraudScoring'
  | 'alertDelivery'
  | 'regulatorApi'
  | 'claimAudit'
  | 'admin'
  | 'catalogue'
  | 'prepayment'
  | 'prepaymentApi'
  | 'prepaymentWork'
  | 'simulation'
  | 'simulationRunner'
  | 'paymentFacts'
  | 'yearEndSettlement'
  | 'yearEndApi'
  | 'audit'
  | 'accounts'
  | 'accountEvents'
  | 'retireeCredits'
  | 'longTermCare'
  | 'careEvents'
  | 'maternity'
  | 'maternityWages';

export type QueueKey =
  | 'drgGrouping'
  | 'fraudScoring'
  | 'alertDelivery'
  | 'prepaymentWork'
  | 'paymentFacts'
  | 'audit'
  | 'accountEvents'
  | 'simulationRuns'
  | 'careEvents'
  | 'maternityWages';

export interface FunctionSpec {
  /** Handler module, relative to the repository root; it exports `handler`. */
  entry: string;
  description: string;
  memoryMb: number;
  timeoutSeconds: number;
  tables: Partial<Record<TableKey, Access>>;
  /** May put events on the bus. */
  publishes: boolean;
  /** Queues it sends work to itself (fan-out), beyond the queue it consumes. */
  sendsTo: QueueKey[];
  /**
   * Secrets it reads from its environment, by variable: the Secrets Manager secret the stack resolves
   * at deploy time (it must exist first). The local cloud sets fixed local-only values instead.
   */
  secrets?: Record<string, string>;
}

/** The Secrets Manager secrets the platform needs; create them before the first deploy. */
export const SECRETS = {
  idHash: {
    variable: 'ID_HASH_SECRET',
    secretName: 'yibao/id-hash-secret',
    purpose: 'the key of the ID-number hash (enrolment)',
    localValue: 'yibao-local-only-id-hash-secret-never-use-in-aws',
  },
  webhookKey: {
    variable: 'WEBHOOK_SECRET_KEY',
    secretName: 'yibao/webhook-secret-key',
    purpose: 'the key that seals webhook signing secrets at rest',
    localValue: 'yibao-local-only-webhook-secret-key-never-use-in-aws',
  },
} as const;
const secretEnv = (...keys: (keyof typeof SECRETS)[]) => Object.fromEntries(keys.map((k) => [SECRETS[k].variable, SECRETS[k].secretName]));

export const functions = {
  authorizer: {
    entry: 'functions/authorizer/handler.ts',
    description: 'Verifies bearer JWTs and hands the role, provider code and region to the routes.',
    memoryMb: 256,
    timeoutSeconds: 5,
    tables: {},
    publishes: false,
    sendsTo: [],
  },
  platform: {
    entry: 'functions/platform/handler.ts',
    description: 'Health check, and the authenticated ping that traces a request across the bus.',
    memoryMb: 256,
    timeoutSeconds: 29,
    tables: {},
    publishes: true,
    sendsTo: [],
  },
  outboxRelay: {
    entry: 'functions/platform/relay-handler.ts',
    description:
      'The outbox relay (every minute): publishes the events a request committed but did not get onto the bus, dead-letters what the bus keeps refusing; and the daily reconciliation.',
    memoryMb: 512,
    // The daily reconciliation reads a whole day of claims; the relay itself takes seconds.
    timeoutSeconds: 900,
    tables: {
      outbox: 'readwrite',
      claims: 'read',
      audit: 'read',
      alerts: 'read',
      providers: 'read',
      drgCases: 'read',
      policies: 'read',
    },
    publishes: true,
    sendsTo: [],
  },
  enrolment: {
    entry: 'functions/enrolment/handler.ts',
    description: 'Members, enrolments, contributions, categories, transfers, eligibility (参保登记).',
    memoryMb: 512,
    timeoutSeconds: 29,
    // Eligibility shows the year-to-date accumulators settlement keeps; contribution policies: shipped ones in the bundle, published ones in policies.
    tables: { members: 'readwrite', accumulators: 'read', outbox: 'readwrite', policies: 'read' },
    publishes: true,
    sendsTo: [],
    secrets: secretEnv('idHash'),
  },
  adjudication: {
    entry: 'functions/adjudication/handler.ts',
    description: 'One-stop settlement of a bill across every layer of cover; reversal and re-settlement.',
    memoryMb: 1024,
    timeoutSeconds: 29,
    // Idempotent by the claim's natural key (provider + claim number) in the claims table.
    // catalogue: the entries of a bill's codes in the catalogue in force (BatchGetItem, cached per version).
    // alerts (read): pre-settlement audit reads the member's fraud history projection, as scoring does.
    tables: {
      claims: 'readwrite',
      alerts: 'read',
      accumulators: 'readwrite',
      members: 'read',
      policies: 'read',
      providers: 'read',
      outbox: 'readwrite',
      catalogue: 'read',
      // A delivery or antenatal bill names a registered pregnancy (shared/maternity).
      maternity: 'read',
    },
    publishes: true,
    sendsTo: [],
  },
  drgGrouping: {
    entry: 'functions/drg-grouping/consumer-handler.ts',
    description:
      'CHS-DRG and DIP grouping of settled stays (the drgGrouping queue): DRG points and readmission cuts, DIP scores, bed-day points, CaseGrouped.',
    memoryMb: 1024,
    timeoutSeconds: 60,
    // DRG policies and DIP catalogues: shipped ones in the bundle, published ones in policies; the case carries its provider.
    tables: { drgCases: 'readwrite', outbox: 'readwrite', policies: 'read' },
    publishes: true,
    sendsTo: [],
  },
  drgPreGroup: {
    entry: 'functions/drg-grouping/handler.ts',
    description: 'CHS-DRG pre-grouping (预分组) for providers: the DRG and points a stay would get, nothing stored.',
    memoryMb: 1024,
    timeoutSeconds: 29,
    tables: { policies: 'read' },
    publishes: false,
    sendsTo: [],
  },
  fraudScoring: {
    entry: 'functions/fraud-scoring/handler.ts',
    description: 'Runs the smart-audit rules (智能审核) over every settled claim and raises fraud alerts.',
    memoryMb: 1024,
    timeoutSeconds: 60,
    // Reads its own history projection in the alerts table; the claims table only through the settlement
    // store's readClaimLines, for the lines of a bill too large to travel on the bus (events/claims.ts linesOmitted);
    // the rule catalogues: the shipped first versions travel in the bundle, later ones in policies.
    tables: { alerts: 'readwrite', policies: 'read', outbox: 'readwrite', claims: 'read' },
    publishes: true,
    sendsTo: [],
  },
  alertDelivery: {
    entry: 'functions/alert-delivery/handler.ts',
    description: "Delivers fraud alerts to the regulators' signed webhooks, with retries.",
    memoryMb: 256,
    timeoutSeconds: 30,
    tables: { alerts: 'readwrite' },
    publishes: false,
    sendsTo: [],
    secrets: secretEnv('webhookKey'),
  },
  regulatorApi: {
    entry: 'functions/regulator-api/handler.ts',
    description: 'Regulators: alert inbox, case work (a confirmed recovery publishes FraudRecoveryConfirmed), subscriptions, audit trail.',
    memoryMb: 512,
    timeoutSeconds: 29,
    tables: { alerts: 'readwrite', audit: 'read', outbox: 'readwrite' },
    publishes: true,
    sendsTo: [],
    secrets: secretEnv('webhookKey'),
  },
  claimAudit: {
    entry: 'functions/claim-audit/handler.ts',
    description: "A claim's smart-audit result for staff, its regulator and its provider; providers' appeals (申诉) on the case.",
    memoryMb: 512,
    timeoutSeconds: 29,
    // alerts: the claim's score (CLAIM#…/SCORE), its case and appeals; policies: the judging catalogue's thresholds in words.
    tables: { alerts: 'readwrite', policies: 'read' },
    publishes: false,
    sendsTo: [],
  },
  admin: {
    entry: 'functions/admin/handler.ts',
    description:
      'Agency staff: providers and policy versions; operators: outbox dead letters (list, replay) and reconciliation on request.',
    memoryMb: 512,
    timeoutSeconds: 29,
    // Reconciliation reads what each consumer keeps of a claim (audit entry, fraud score, payment facts, DRG / DIP case)
    // and publishes again through the outbox what is missing; a dead letter is replayed through the outbox.
    tables: {
      providers: 'readwrite',
      policies: 'readwrite',
      outbox: 'readwrite',
      claims: 'read',
      audit: 'read',
      alerts: 'read',
      drgCases: 'read',
    },
    publishes: true,
    sendsTo: [],
  },
  // Its own function, not admin's: an import chunk validates 2,000 rows and a publish writes
  // thousands of entries (memory and time admin's light routes do not need), and its bundle carries
  // the pinyin dictionary (pinyin-pro) no other function needs.
  catalogue: {
    entry: 'functions/catalogue/handler.ts',
    description: 'Catalogues (医保目录): staged import, validation, diff and publishing of versions; search and download for providers.',
    memoryMb: 1024,
    timeoutSeconds: 29,
    // outbox: CataloguePublished is committed with the version it reports.
    tables: { catalogue: 'readwrite', outbox: 'readwrite' },
    publishes: true,
    sendsTo: [],
  },
  // Prepayment is four Lambdas, one trigger each (functions/prepayment/README.md). Each reads its own
  // projection of claims and grouped cases (paymentFacts) in the providers table, never the claims or
  // drgCases tables; year-end policies: shipped in the bundle, published in policies.
  prepayment: {
    entry: 'functions/prepayment/monthly-handler.ts',
    description:
      "Monthly prepayment (月度预拨) on its schedule: plans each budgeted region's run and fans it out per provider over SQS; fund early warning.",
    memoryMb: 1024,
    timeoutSeconds: 300,
    // Year-end policies: shipped in the bundle, published in policies.
    tables: { providers: 'readwrite', outbox: 'readwrite', policies: 'read' },
    publishes: true,
    sendsTo: ['prepaymentWork'],
  },
  prepaymentApi: {
    entry: 'functions/prepayment/handler.ts',
    description: 'Budgets, health communities, prepayment runs on request and the fund report: the staff routes.',
    memoryMb: 1024,
    // API Gateway stops waiting after 30 s, so a route Lambda that may run longer only hides a 503:
    // a run on request plans and fans out (the per-provider work runs on prepaymentWork).
    timeoutSeconds: 29,
    tables: { providers: 'readwrite', outbox: 'readwrite', policies: 'read' },
    publishes: true,
    sendsTo: ['prepaymentWork'],
  },
  prepaymentWork: {
    entry: 'functions/prepayment/work-handler.ts',
    description: "One provider's line of a prepayment run (the prepaymentWork queue): the advance, its ledger entry, PrepaymentIssued.",
    memoryMb: 1024,
    timeoutSeconds: 300,
    tables: { providers: 'readwrite', outbox: 'readwrite', policies: 'read' },
    publishes: true,
    sendsTo: [],
  },
  paymentFacts: {
    entry: 'functions/prepayment/facts-handler.ts',
    description: 'Projects settled and reversed claims and grouped cases (the paymentFacts queue) into per-provider monthly totals.',
    memoryMb: 1024,
    timeoutSeconds: 300,
    tables: { providers: 'readwrite', policies: 'read' },
    publishes: false,
    sendsTo: [],
  },
  // Year-end settlement is two Lambdas: the 1 April schedule and the staff routes (functions/year-end-settlement/README.md).
  yearEndSettlement: {
    entry: 'functions/year-end-settlement/schedule-handler.ts',
    description: 'Year-end settlement (年终清算) on its 1 April schedule: point value, capitation surplus and overrun, net of advances.',
    memoryMb: 2048,
    timeoutSeconds: 900,
    // Reads the year's totals prepayment projected into the providers table; year-end policies: shipped in the bundle, published in policies.
    tables: { providers: 'readwrite', outbox: 'readwrite', policies: 'read' },
    publishes: true,
    sendsTo: [],
  },
  yearEndApi: {
    entry: 'functions/year-end-settlement/handler.ts',
    description: 'Year-end settlement (年终清算) on request, and its reports (providers, health communities, summary).',
    memoryMb: 2048,
    // API Gateway stops waiting after 30 s; a run on request settles 1,000 providers in about 5 s on the
    // local cloud (npm run bench -- settlement-year). The 1 April schedule has the 900 s function above.
    timeoutSeconds: 29,
    // drgCases (read): the case mix of the fund dashboard (GET /v1/reports/case-mix).
    tables: { providers: 'readwrite', outbox: 'readwrite', policies: 'read', drgCases: 'read' },
    publishes: true,
    sendsTo: [],
  },
  audit: {
    entry: 'functions/audit/handler.ts',
    description: 'Archives every business event with its correlation id.',
    memoryMb: 256,
    timeoutSeconds: 30,
    tables: { audit: 'readwrite' },
    publishes: false,
    sendsTo: [],
  },
  // Personal accounts (个人账户) are three Lambdas, one trigger each (functions/accounts/README.md). The
  // accounts live in the accumulators table so settlement (adjudication) debits them in its own transaction.
  accounts: {
    entry: 'functions/accounts/handler.ts',
    description:
      'Personal accounts (个人账户): balance and ledger, staff credits and adjustments, family bindings and mutual-aid payments, transfers.',
    memoryMb: 512,
    timeoutSeconds: 29,
    // Members: an account or a binding names enrolled members, and a family member's resident contribution paid from the
    // account is recorded on their enrolment in the same transaction; the employee benefit policy holds the account's terms.
    tables: { accumulators: 'readwrite', members: 'readwrite', policies: 'read', outbox: 'readwrite' },
    publishes: true,
    sendsTo: [],
  },
  maternity: {
    entry: 'functions/maternity/handler.ts',
    description: 'Maternity insurance (生育保险): pregnancy registration, eligibility, the maternity allowance (生育津贴).',
    memoryMb: 512,
    timeoutSeconds: 29,
    // Members: enrolment, employment and paid months (eligibility, the payee); claims and accumulators: the
    // delivery claim the allowance follows and the claim holding each pregnancy's delivery.
    tables: { maternity: 'readwrite', members: 'read', claims: 'read', accumulators: 'read', policies: 'read', outbox: 'readwrite' },
    publishes: true,
    sendsTo: [],
  },
  maternityWages: {
    entry: 'functions/maternity/wages-handler.ts',
    description:
      "Adds each paid employee month's declared wage to its employer's year (the maternityWages queue): the allowance's average wage.",
    memoryMb: 256,
    timeoutSeconds: 60,
    tables: { maternity: 'readwrite' },
    publishes: false,
    sendsTo: [],
  },
  accountEvents: {
    entry: 'functions/accounts/events-handler.ts',
    description:
      "Credits a personal account from each paid month's contribution, and moves it with a member's transfer (the accountEvents queue).",
    memoryMb: 512,
    timeoutSeconds: 60,
    tables: { accumulators: 'readwrite', policies: 'read', outbox: 'readwrite' },
    publishes: true,
    sendsTo: [],
  },
  retireeCredits: {
    entry: 'functions/accounts/retiree-handler.ts',
    description: "Credits every retiree's personal account from the pooled fund on the 1st of each month, by the region's employee policy.",
    memoryMb: 1024,
    timeoutSeconds: 900,
    tables: { accumulators: 'readwrite', policies: 'read', outbox: 'readwrite' },
    publishes: true,
    sendsTo: [],
  },
  // Policy simulation (政策测算) is two Lambdas: the staff routes, which validate a draft and fan a run
  // out by member partition onto simulationRuns, and the runner, which replays its partitions (worker
  // threads where it runs from source, one Lambda per partition on AWS) and the last one the report.
  simulation: {
    entry: 'functions/simulation/handler.ts',
    description: 'Policy simulation (政策测算): start a run of a draft over a window of settled claims, read its progress and report.',
    memoryMb: 512,
    timeoutSeconds: 29,
    // The draft is checked by its kind's schema alone; claims and policies are read by the runner, never here.
    tables: { simulations: 'readwrite' },
    publishes: false,
    sendsTo: ['simulationRuns'],
  },
  simulationRunner: {
    entry: 'functions/simulation/runner-handler.ts',
    description:
      'Replays one member partition of a simulation run (the simulationRuns queue): claims settled again both ways, nothing live written.',
    memoryMb: 3008,
    timeoutSeconds: 900,
    // Reads only: claims (byRegionYear), policies, the budget (reserve, DRG pool); writes only its own run.
    tables: { simulations: 'readwrite', claims: 'read', policies: 'read', providers: 'read' },
    publishes: false,
    sendsTo: [],
  },
  // Long-term care insurance (长期护理保险) is two Lambdas: the routes, and the consumer of the facts care
  // needs from other domains (inpatient stays and deaths from settled claims, contributions), kept as its own projection.
  longTermCare: {
    entry: 'functions/long-term-care/handler.ts',
    description:
      'Long-term care insurance (长期护理保险): assessors, care institutions, disability assessments (失能评估), levels, monthly care claims, reports.',
    memoryMb: 512,
    timeoutSeconds: 29,
    // members: a member's cover on each day of care (enrolment, contributions); providers: a care institution is a registered provider.
    tables: { longTermCare: 'readwrite', members: 'read', providers: 'read', policies: 'read', outbox: 'readwrite' },
    publishes: true,
    sendsTo: [],
  },
  careEvents: {
    entry: 'functions/long-term-care/events-handler.ts',
    description:
      'Projects hospital stays and deaths (ClaimSettled, ClaimReversed) and care funding (EmployeeContributionPaid, ContributionRecorded of residents) with the fund ledger for long-term care; re-audits care months already paid.',
    memoryMb: 512,
    timeoutSeconds: 60,
    tables: { longTermCare: 'readwrite', policies: 'read', outbox: 'readwrite' },
    publishes: true,
    sendsTo: [],
  },
} satisfies Record<FunctionKey, FunctionSpec>;

// ---------------------------------------------------------------------------------------------
// Queues. Each has one consumer and a dead-letter queue; a message that fails maxReceiveCount
// times moves there, and an alarm fires when the DLQ holds anything.
// ---------------------------------------------------------------------------------------------

export interface QueueSpec {
  purpose: string;
  consumer: FunctionKey;
  /** At least six times the consumer's timeout, as AWS advises for Lambda event sources. */
  visibilityTimeoutSeconds: number;
  maxReceiveCount: number;
  batchSize: number;
  maxBatchingWindowSeconds: number;
  /** Alarm when the oldest message waits longer than this: the consumer is falling behind. */
  maxAgeSeconds: number;
}

export const queues = {
  drgGrouping: {
    purpose: 'Settled inpatient claims to group and turn into points.',
    consumer: 'drgGrouping',
    visibilityTimeoutSeconds: 360,
    maxReceiveCount: 3,
    batchSize: 10,
    maxBatchingWindowSeconds: 1,
    maxAgeSeconds: 900,
  },
  fraudScoring: {
    purpose: 'Every settled or reversed claim, to score against the fraud rules.',
    consumer: 'fraudScoring',
    visibilityTimeoutSeconds: 360,
    maxReceiveCount: 3,
    batchSize: 10,
    maxBatchingWindowSeconds: 1,
    maxAgeSeconds: 900,
  },
  alertDelivery: {
    // Five attempts per alert: the consumer sets each failed message's visibility to a backoff
    // (30 s, 2 min, 8 min, 32 min) before the DLQ takes it (shared/fraud/delivery.ts).
    purpose: "Fraud alerts and fund warnings (per scheme) to deliver to subscribed regulators' webhooks.",
    consumer: 'alertDelivery',
    visibilityTimeoutSeconds: 180,
    maxReceiveCount: 5,
    batchSize: 5,
    maxBatchingWindowSeconds: 0,
    maxAgeSeconds: 600,
  },
  prepaymentWork: {
    purpose: 'One message per provider of a prepayment run (fan-out keeps a large run inside Lambda limits).',
    consumer: 'prepaymentWork',
    visibilityTimeoutSeconds: 1800,
    maxReceiveCount: 3,
    batchSize: 10,
    maxBatchingWindowSeconds: 1,
    maxAgeSeconds: 3600,
  },
  paymentFacts: {
    purpose:
      'Settled and reversed claims and grouped cases, projected into per-provider monthly points and fund payments (what prepayment and year-end read).',
    // Five receives: a readmission cut or a reversal that overtakes the fact it amends waits for it.
    consumer: 'paymentFacts',
    visibilityTimeoutSeconds: 1800,
    maxReceiveCount: 5,
    batchSize: 10,
    maxBatchingWindowSeconds: 1,
    maxAgeSeconds: 3600,
  },
  audit: {
    purpose: 'Every business event, to archive.',
    consumer: 'audit',
    visibilityTimeoutSeconds: 180,
    maxReceiveCount: 3,
    batchSize: 10,
    maxBatchingWindowSeconds: 1,
    maxAgeSeconds: 900,
  },
  accountEvents: {
    purpose: "Paid employee months to credit to personal accounts, and members' transfers the account follows.",
    consumer: 'accountEvents',
    visibilityTimeoutSeconds: 360,
    maxReceiveCount: 5,
    batchSize: 10,
    maxBatchingWindowSeconds: 1,
    maxAgeSeconds: 900,
  },
  simulationRuns: {
    purpose:
      'Member partitions of a policy simulation run to replay (one message per partition on AWS: the run fans out over Lambda; one message for every partition locally, replayed on worker threads).',
    consumer: 'simulationRunner',
    // Six times the runner's 900 s timeout; a partition that fails three times fails the run.
    visibilityTimeoutSeconds: 5400,
    maxReceiveCount: 3,
    batchSize: 1,
    maxBatchingWindowSeconds: 0,
    maxAgeSeconds: 3600,
  },
  careEvents: {
    purpose:
      "Hospital stays, reversals, paid employee months and residents' contributions, for long-term care (stays and deaths for its audit, contributions for its fund).",
    consumer: 'careEvents',
    visibilityTimeoutSeconds: 360,
    maxReceiveCount: 5,
    batchSize: 10,
    maxBatchingWindowSeconds: 1,
    maxAgeSeconds: 900,
  },
  maternityWages: {
    purpose: "Paid employee months whose declared wages make each employer's average monthly wage of a year (生育津贴).",
    consumer: 'maternityWages',
    visibilityTimeoutSeconds: 360,
    maxReceiveCount: 5,
    batchSize: 10,
    maxBatchingWindowSeconds: 1,
    maxAgeSeconds: 900,
  },
} satisfies Record<QueueKey, QueueSpec>;

// ---------------------------------------------------------------------------------------------
// Rules on the bus: an event pattern and the queue it feeds.
// ---------------------------------------------------------------------------------------------

export interface RuleSpec {
  description: string;
  pattern: EventPattern;
  target: QueueKey;
}

export const rules = {
  inpatientClaimsToDrg: {
    description: 'Settled inpatient and per-bed-day stays go to DRG / DIP grouping and points (a bed-day stay converts by cost).',
    pattern: {
      source: [EventSource.adjudication],
      'detail-type': [DetailType.claimSettled],
      detail: { visit: { type: ['inpatient', 'bed-day'] } },
    },
    target: 'drgGrouping',
  },
  claimsToFraud: {
    description: 'Every settled or reversed claim is scored against the fraud rules.',
    pattern: {
      source: [EventSource.adjudication],
      'detail-type': [DetailType.claimSettled, DetailType.claimReversed],
    },
    target: 'fraudScoring',
  },
  groupedCasesToFraud: {
    description: 'Grouped inpatient cases feed the provider fraud rules that compare DRG results (CC/MCC share, cost and stay per DRG).',
    pattern: { source: [EventSource.drg], 'detail-type': [DetailType.caseGrouped] },
    target: 'fraudScoring',
  },
  fraudAlertsToDelivery: {
    description: 'Raised fraud alerts go to the regulators who subscribed.',
    pattern: { source: [EventSource.fraud], 'detail-type': [DetailType.fraudAlertRaised] },
    target: 'alertDelivery',
  },
  fundWarningsToDelivery: {
    description:
      "Fund warnings (each scheme's reserve and budget, the region's fund, providers' budgets) go to the regulators who chose them.",
    pattern: { source: [EventSource.prepayment], 'detail-type': [DetailType.fundWarningRaised] },
    target: 'alertDelivery',
  },
  // Two rules, not one over both sources and all three types: that one would also take a drg
  // ClaimSettled or an adjudication CaseGrouped, events no contract defines (test/stack/rules.test.ts).
  claimsToPaymentFacts: {
    description: 'Settled and reversed claims feed the per-provider monthly totals budgets, prepayment and year-end read.',
    pattern: {
      source: [EventSource.adjudication],
      'detail-type': [DetailType.claimSettled, DetailType.claimReversed],
    },
    target: 'paymentFacts',
  },
  groupedCasesToPaymentFacts: {
    description: 'Grouped inpatient cases (points, readmission cuts) feed the same monthly totals.',
    pattern: { source: [EventSource.drg], 'detail-type': [DetailType.caseGrouped] },
    target: 'paymentFacts',
  },
  contributionsToFundAccounts: {
    description:
      "Contributions feed each scheme's fund account: residents' (ContributionRecorded) as they are paid, employees' employer parts month by month (EmployeeContributionPaid).",
    pattern: { source: [EventSource.enrolment], 'detail-type': [DetailType.contributionRecorded, DetailType.employeeContributionPaid] },
    target: 'paymentFacts',
  },
  recoveriesToPaymentFacts: {
    description: 'Confirmed fraud recoveries are owed by the provider: taken on the ledger from its next prepayment or its year-end.',
    pattern: { source: [EventSource.fraud], 'detail-type': [DetailType.fraudRecoveryConfirmed] },
    target: 'paymentFacts',
  },
  contributionsToAccounts: {
    description: "Each paid employee month credits the member's personal account; employment status (retired…) sets how it is credited.",
    pattern: { source: [EventSource.enrolment], 'detail-type': [DetailType.employeeContributionPaid, DetailType.employmentRecorded] },
    target: 'accountEvents',
  },
  contributionsToMaternityWages: {
    description: "Each paid employee month adds its declared wage to the employer's year, for the maternity allowance's average wage.",
    pattern: { source: [EventSource.enrolment], 'detail-type': [DetailType.employeeContributionPaid] },
    target: 'maternityWages',
  },
  transfersToAccounts: {
    description: "A member's transfer to another pooling region moves the personal account with them.",
    pattern: { source: [EventSource.enrolment], 'detail-type': [DetailType.enrolmentTransferred] },
    target: 'accountEvents',
  },
  approvalsToPaymentFacts: {
    description:
      "Chronic-disease approvals make the capitation's capitated population (members per health community and disease group); family-doctor contracts the providers' contracted members (per-capita weights).",
    pattern: {
      source: [EventSource.enrolment],
      'detail-type': [DetailType.registerEntryChanged],
      detail: { register: ['chronic-approvals', 'family-doctor-contracts'] },
    },
    target: 'paymentFacts',
  },
  inpatientClaimsToCare: {
    description:
      'Settled hospital stays (inpatient, per bed-day, a maternity delivery) tell long-term care when a member lay in hospital (care is not paid then) or died.',
    pattern: {
      source: [EventSource.adjudication],
      'detail-type': [DetailType.claimSettled],
      detail: { visit: { type: ['inpatient', 'bed-day', 'delivery'] } },
    },
    target: 'careEvents',
  },
  reversedClaimsToCare: {
    description: 'A reversed claim withdraws the stay long-term care learned from it (a claim that was no stay is ignored).',
    pattern: { source: [EventSource.adjudication], 'detail-type': [DetailType.claimReversed] },
    target: 'careEvents',
  },
  contributionsToCare: {
    description:
      "Each paid employee month, and each resident's completed year where the policy covers residents, funds long-term care by the region's long-term care policy.",
    pattern: { source: [EventSource.enrolment], 'detail-type': [DetailType.employeeContributionPaid, DetailType.contributionRecorded] },
    target: 'careEvents',
  },
  everythingToAudit: {
    description: 'Every yibao event is archived.',
    pattern: { source: [{ prefix: 'yibao.' }] },
    target: 'audit',
  },
} satisfies Record<string, RuleSpec>;

export type RuleKey = keyof typeof rules;

// ---------------------------------------------------------------------------------------------
// Schedules (EventBridge Scheduler), in the agency's time zone.
// ---------------------------------------------------------------------------------------------

export const SCHEDULE_TIME_ZONE = 'Asia/Shanghai';

export interface ScheduleSpec {
  description: string;
  /** EventBridge Scheduler expression: cron(min hour day-of-month month day-of-week year) or rate(). */
  expression: string;
  target: FunctionKey;
  /** The event the function receives; `<aws.scheduler.scheduled-time>` is filled in at each firing. */
  input: Record<string, unknown>;
  /** A housekeeping schedule firing every minute or so: the local cloud reports its firings only when they fail. */
  routine?: boolean;
}

export const schedules = {
  monthlyPrepayment: {
    description: 'Monthly prepayment (月度预拨), 02:00 on the 1st: advances for the month that starts.',
    expression: 'cron(0 2 1 * ? *)',
    target: 'prepayment',
    input: { trigger: 'schedule', schedule: 'monthlyPrepayment', scheduledTime: '<aws.scheduler.scheduled-time>' },
  },
  outboxRelay: {
    description: 'Outbox relay, every minute: publishes the events a request committed but did not get onto the bus.',
    expression: 'rate(1 minute)',
    target: 'outboxRelay',
    input: { trigger: 'schedule', schedule: 'outboxRelay', scheduledTime: '<aws.scheduler.scheduled-time>' },
    routine: true,
  },
  dailyReconciliation: {
    description:
      'Reconciliation, 04:30 every day: every claim settled the day before (Asia/Shanghai) has each downstream fact; what is missing is published again.',
    expression: 'cron(30 4 * * ? *)',
    target: 'outboxRelay',
    input: { trigger: 'schedule', schedule: 'dailyReconciliation', scheduledTime: '<aws.scheduler.scheduled-time>' },
  },
  yearEndSettlement: {
    description: 'Year-end settlement (年终清算), 03:00 on 1 April: the year just ended, once assessments are in (due end of March).',
    expression: 'cron(0 3 1 4 ? *)',
    target: 'yearEndSettlement',
    input: { trigger: 'schedule', schedule: 'yearEndSettlement', scheduledTime: '<aws.scheduler.scheduled-time>' },
  },
  retireeAccountCredits: {
    description: "Retirees' personal-account credit (退休人员个人账户划入), 03:00 on the 1st: the month that starts, from the pooled fund.",
    expression: 'cron(0 3 1 * ? *)',
    target: 'retireeCredits',
    input: { trigger: 'schedule', schedule: 'retireeAccountCredits', scheduledTime: '<aws.scheduler.scheduled-time>' },
  },
} satisfies Record<string, ScheduleSpec>;

export type ScheduleKey = keyof typeof schedules;

/**
 * The metric the outbox relay reports, each minute while there are any, the dead letters by (events
 * the bus refused for ten runs); the stack's OutboxDeadLetters alarm watches it.
 */
export const OUTBOX_DEAD_LETTER_METRIC = { namespace: 'yibao', name: 'OutboxDeadLetters' } as const;

// ---------------------------------------------------------------------------------------------
// HTTP routes (API Gateway HTTP API). All but the health check go through the JWT authorizer;
// the role each route accepts is checked in its handler, next to the code it protects; the staff
// permission each requires is declared once, in `routePermissions` below.
// ---------------------------------------------------------------------------------------------

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteSpec {
  /**
   * The route's stable name (camelCase, unique across the API): a handler's route table and its
   * OpenAPI module are keyed by it, so the method and path below are written nowhere else.
   */
  name: string;
  method: HttpMethod;
  /** API Gateway path template: /v1/members/{memberId} */
  path: string;
  function: FunctionKey;
  authorized: boolean;
}

const route = <const M extends HttpMethod, const P extends string, const F extends FunctionKey>(
  method: M,
  path: P,
  fn: F,
  authorized = true,
): Omit<RouteSpec, 'name'> & { method: M; path: P; function: F } => ({ method, path, function: fn, authorized });

// Keyed by name: an object literal cannot hold the same name twice (a compile error), and the
// insertion order is the order the stack, the local front and docs/openapi.json list them in.
const declaredRoutes = {
  health: route('GET', '/health', 'platform', false),
  ping: route('POST', '/v1/ping', 'platform'),

  enrolMember: route('POST', '/v1/members', 'enrolment'),
  listMembers: route('GET', '/v1/members', 'enrolment'),
  enrolMembersInBulk: route('POST', '/v1/members/bulk', 'enrolment'),
  // A POST so the ID number travels in the body, never in a URL an access log keeps.
  lookUpMember: route('POST', '/v1/members/lookup', 'enrolment'),
  getMember: route('GET', '/v1/members/{memberId}', 'enrolment'),
  getEligibility: route('GET', '/v1/members/{memberId}/eligibility', 'enrolment'),
  recordContribution: route('POST', '/v1/members/{memberId}/contributions', 'enrolment'),
  recordCategory: route('POST', '/v1/members/{memberId}/categories', 'enrolment'),
  recordTransfer: route('POST', '/v1/members/{memberId}/transfers', 'enrolment'),
  registerOutOfArea: route('POST', '/v1/members/{memberId}/out-of-area', 'enrolment'),
  getMemberHouseholds: route('GET', '/v1/members/{memberId}/households', 'enrolment'),
  createHousehold: route('POST', '/v1/households', 'enrolment'),
  importHouseholds: route('POST', '/v1/households/bulk', 'enrolment'),
  getHousehold: route('GET', '/v1/households/{householdId}', 'enrolment'),
  addHouseholdMember: route('POST', '/v1/households/{householdId}/members', 'enrolment'),
  removeHouseholdMember: route('POST', '/v1/households/{householdId}/members/{memberId}/departure', 'enrolment'),
  changeHouseholdHead: route('POST', '/v1/households/{householdId}/head', 'enrolment'),
  // The member registers (shared/registers): one shape, the register named in the path.
  recordRegisterEntry: route('POST', '/v1/members/{memberId}/registers/{register}', 'enrolment'),
  listRegisterEntries: route('GET', '/v1/members/{memberId}/registers/{register}', 'enrolment'),
  amendRegisterEntry: route('POST', '/v1/members/{memberId}/registers/{register}/{entryId}/amendments', 'enrolment'),
  endRegisterEntry: route('POST', '/v1/members/{memberId}/registers/{register}/{entryId}/end', 'enrolment'),
  importRegister: route('POST', '/v1/registers/{register}/bulk', 'enrolment'),
  certifyProvider: route('PUT', '/v1/registers/chronic-approvals/certified-providers/{providerCode}', 'enrolment'),
  getProviderCertification: route('GET', '/v1/registers/chronic-approvals/certified-providers/{providerCode}', 'enrolment'),
  // The employee scheme's collection side (职工医保缴费): employers, employment status, monthly contributions.
  registerEmployer: route('POST', '/v1/employers', 'enrolment'),
  listEmployers: route('GET', '/v1/employers', 'enrolment'),
  getEmployer: route('GET', '/v1/employers/{creditCode}', 'enrolment'),
  changeEmployer: route('PUT', '/v1/employers/{creditCode}', 'enrolment'),
  recordEmployment: route('POST', '/v1/members/{memberId}/employment', 'enrolment'),
  recordEmployeeContribution: route('POST', '/v1/members/{memberId}/employee-contributions', 'enrolment'),
  getEmployeeContributions: route('GET', '/v1/members/{memberId}/employee-contributions', 'enrolment'),
  importEmployeeContributions: route('POST', '/v1/employee-contributions/bulk', 'enrolment'),

  preSettleClaim: route('POST', '/v1/claims/pre-settle', 'adjudication'),
  settleClaim: route('POST', '/v1/claims', 'adjudication'),
  getClaim: route('GET', '/v1/claims/{providerCode}/{claimNo}', 'adjudication'),
  // A provider's claims of a year, newest first, paged (the console's 本院结算; staff name the provider).
  listProviderClaims: route('GET', '/v1/claims/{providerCode}', 'adjudication'),
  reverseClaim: route('POST', '/v1/claims/{providerCode}/{claimNo}/reversal', 'adjudication'),
  // A claim's smart-audit result and the provider's appeal (issue 13): kept with the alerts, not the claims table.
  getClaimAudit: route('GET', '/v1/claims/{providerCode}/{claimNo}/audit', 'claimAudit'),
  appealClaimAudit: route('POST', '/v1/claims/{providerCode}/{claimNo}/appeals', 'claimAudit'),

  getPersonalAccount: route('GET', '/v1/accounts/{memberId}', 'accounts'),
  putPersonalAccount: route('PUT', '/v1/accounts/{memberId}', 'accounts'),
  listAccountEntries: route('GET', '/v1/accounts/{memberId}/entries', 'accounts'),
  postAccountAdjustment: route('POST', '/v1/accounts/{memberId}/adjustments', 'accounts'),
  listFamilyBindings: route('GET', '/v1/accounts/{memberId}/family', 'accounts'),
  putFamilyBinding: route('PUT', '/v1/accounts/{memberId}/family/{relatedMemberId}', 'accounts'),
  payFamilyContribution: route('POST', '/v1/accounts/{memberId}/family-contributions', 'accounts'),
  transferPersonalAccount: route('POST', '/v1/accounts/{memberId}/transfers', 'accounts'),

  preGroupCase: route('POST', '/v1/drg/pre-group', 'drgPreGroup'),

  listAlerts: route('GET', '/v1/alerts', 'regulatorApi'),
  getAlert: route('GET', '/v1/alerts/{alertId}', 'regulatorApi'),
  // The day's review items (below the claim threshold) of the regulator's region: the daily digest (issue 13).
  getAlertDigest: route('GET', '/v1/alerts/digests/{date}', 'regulatorApi'),
  transitionAlert: route('POST', '/v1/alerts/{alertId}/transitions', 'regulatorApi'),
  listSubscriptions: route('GET', '/v1/subscriptions', 'regulatorApi'),
  createSubscription: route('POST', '/v1/subscriptions', 'regulatorApi'),
  deleteSubscription: route('DELETE', '/v1/subscriptions/{subscriptionId}', 'regulatorApi'),
  getAuditTrail: route('GET', '/v1/audit/{correlationId}', 'regulatorApi'),
  // Providers ranked by risk and rule hits by type and month, from the region's alerts of a year (the regulator's console).
  getRiskReport: route('GET', '/v1/reports/risk/{region}/{year}', 'regulatorApi'),

  // Operators (issue 20): outbox dead letters and reconciliation of what settled claims left downstream.
  listDeadLetters: route('GET', '/v1/operations/dead-letters', 'admin'),
  replayDeadLetters: route('POST', '/v1/operations/dead-letters/replay', 'admin'),
  startReconciliation: route('POST', '/v1/operations/reconciliations', 'admin'),
  getReconciliation: route('GET', '/v1/operations/reconciliations/{runId}', 'admin'),

  registerProvider: route('POST', '/v1/providers', 'admin'),
  getProvider: route('GET', '/v1/providers/{providerCode}', 'admin'),
  publishPolicy: route('POST', '/v1/policies', 'admin'),
  listPolicies: route('GET', '/v1/policies/{kind}/{region}', 'admin'),

  startCatalogueImport: route('POST', '/v1/catalogues/{region}/imports', 'catalogue'),
  putCatalogueImportChunk: route('PUT', '/v1/catalogue-imports/{importId}/chunks/{chunkNo}', 'catalogue'),
  validateCatalogueImport: route('POST', '/v1/catalogue-imports/{importId}/validation', 'catalogue'),
  publishCatalogueImport: route('POST', '/v1/catalogue-imports/{importId}/publication', 'catalogue'),
  getCatalogueImport: route('GET', '/v1/catalogue-imports/{importId}', 'catalogue'),
  listCatalogueVersions: route('GET', '/v1/catalogues/{region}', 'catalogue'),
  searchCatalogue: route('GET', '/v1/catalogues/{region}/entries', 'catalogue'),
  getCatalogueEntry: route('GET', '/v1/catalogues/{region}/entries/{code}', 'catalogue'),
  downloadCatalogue: route('GET', '/v1/catalogues/{region}/download', 'catalogue'),

  putBudget: route('PUT', '/v1/budgets/{region}/{year}', 'prepaymentApi'),
  getBudget: route('GET', '/v1/budgets/{region}/{year}', 'prepaymentApi'),
  registerCommunity: route('POST', '/v1/health-communities', 'prepaymentApi'),
  getCommunity: route('GET', '/v1/health-communities/{communityId}', 'prepaymentApi'),
  putAssessment: route('PUT', '/v1/health-communities/{communityId}/assessments/{year}', 'prepaymentApi'),
  addCapitatedMembers: route('POST', '/v1/health-communities/{communityId}/capitated-members', 'prepaymentApi'),
  startPrepaymentRun: route('POST', '/v1/runs/prepayment', 'prepaymentApi'),
  getPrepaymentRun: route('GET', '/v1/runs/prepayment/{region}/{period}', 'prepaymentApi'),
  getFundReport: route('GET', '/v1/reports/fund/{region}/{year}', 'prepaymentApi'),
  getFundAccounts: route('GET', '/v1/reports/fund-accounts/{region}/{year}', 'prepaymentApi'),
  // A provider's own money of a year: monthly payments and points, advances, recoveries, year-end (the hospital's console).
  getProviderFunds: route('GET', '/v1/providers/{providerCode}/funds/{year}', 'prepaymentApi'),
  startYearEndRun: route('POST', '/v1/runs/year-end', 'yearEndApi'),
  getYearEndRun: route('GET', '/v1/runs/year-end/{region}/{year}', 'yearEndApi'),
  getYearEndProviderReport: route('GET', '/v1/reports/year-end/{region}/{year}/providers', 'yearEndApi'),
  getYearEndCommunityReport: route('GET', '/v1/reports/year-end/{region}/{year}/health-communities', 'yearEndApi'),
  getYearEndSummary: route('GET', '/v1/reports/year-end/{region}/{year}/summary', 'yearEndApi'),
  // The region-year's DRG/DIP case mix and point value (the fund dashboard).
  getCaseMix: route('GET', '/v1/reports/case-mix/{region}/{year}', 'yearEndApi'),
  startSimulation: route('POST', '/v1/simulations', 'simulation'),
  listSimulations: route('GET', '/v1/simulations', 'simulation'),
  getSimulation: route('GET', '/v1/simulations/{runId}', 'simulation'),
  getSimulationReport: route('GET', '/v1/simulations/{runId}/report', 'simulation'),
  // Long-term care insurance (长期护理保险): assessors, care institutions, the assessment workflow, care claims, reports.
  putCareAssessor: route('PUT', '/v1/ltc/assessors/{assessorId}', 'longTermCare'),
  getCareAssessor: route('GET', '/v1/ltc/assessors/{assessorId}', 'longTermCare'),
  certifyCareInstitution: route('PUT', '/v1/ltc/institutions/{providerCode}', 'longTermCare'),
  getCareInstitution: route('GET', '/v1/ltc/institutions/{providerCode}', 'longTermCare'),
  applyForCareAssessment: route('POST', '/v1/ltc/assessments', 'longTermCare'),
  getCareAssessment: route('GET', '/v1/ltc/assessments/{assessmentId}', 'longTermCare'),
  assignCareAssessors: route('POST', '/v1/ltc/assessments/{assessmentId}/assignment', 'longTermCare'),
  scoreCareAssessment: route('POST', '/v1/ltc/assessments/{assessmentId}/scores', 'longTermCare'),
  confirmCareAssessment: route('POST', '/v1/ltc/assessments/{assessmentId}/confirmation', 'longTermCare'),
  appealCareAssessment: route('POST', '/v1/ltc/assessments/{assessmentId}/appeal', 'longTermCare'),
  getCareLevel: route('GET', '/v1/ltc/members/{memberId}/level', 'longTermCare'),
  submitCareClaim: route('POST', '/v1/ltc/care-claims', 'longTermCare'),
  getCareClaim: route('GET', '/v1/ltc/care-claims/{providerCode}/{memberId}/{month}', 'longTermCare'),
  reverseCareClaim: route('POST', '/v1/ltc/care-claims/{providerCode}/{memberId}/{month}/reversal', 'longTermCare'),
  getCareReport: route('GET', '/v1/ltc/reports/{region}/{month}', 'longTermCare'),
  getCareFundReport: route('GET', '/v1/ltc/fund/{region}/{year}', 'longTermCare'),

  // Maternity insurance (生育保险): the delivery and antenatal claims themselves are settled by settleClaim.
  registerPregnancy: route('POST', '/v1/maternity/pregnancies', 'maternity'),
  getPregnancy: route('GET', '/v1/maternity/pregnancies/{memberId}/{pregnancyId}', 'maternity'),
  // A member's pregnancies as the caller may see them: the console's member record lists them.
  listMemberPregnancies: route('GET', '/v1/maternity/pregnancies/{memberId}', 'maternity'),
  getMaternityEligibility: route('GET', '/v1/maternity/eligibility/{memberId}', 'maternity'),
  grantMaternityAllowance: route('POST', '/v1/maternity/allowances', 'maternity'),
  getEmployerWages: route('GET', '/v1/maternity/employer-wages/{creditCode}/{year}', 'maternity'),
};

/** Every route's name (`settleClaim`, `enrolMember` …). */
export type RouteName = keyof typeof declaredRoutes;

/** Every route, as the stack, the local front and tools/openapi.ts read them. */
export const routes: readonly RouteSpec[] = Object.entries(declaredRoutes).map(([name, spec]) => ({ name, ...spec }));

/**
 * The staff permission each route requires (STAFF_PERMISSIONS, shared/auth/principal.ts), or null
 * for none, declared here and nowhere else: a Record over every route name, so a route added
 * above without its line here is a compile error. `httpApi` (shared/http/api.ts) refuses a staff
 * token without it (403 naming it) before the handler runs; tools/openapi.ts writes it into the
 * document (`x-permission`); shared/auth/README.md lists the table. Other roles are not affected:
 * whether a provider or regulator may call a route at all is its handler's requireRole. A route
 * that changes an agency register or the fund's money, or reads across regions, names one; reads
 * and calculations (pre-settlement, pre-grouping, a look-up) name none.
 */
export const routePermissions: Record<RouteName, StaffPermission | null> = {
  health: null,
  ping: null,
  enrolMember: 'members:write',
  listMembers: null,
  enrolMembersInBulk: 'members:write',
  lookUpMember: null,
  getMember: null,
  getEligibility: null,
  recordContribution: 'members:write',
  recordCategory: 'members:write',
  recordTransfer: 'members:write',
  registerOutOfArea: 'members:write',
  getMemberHouseholds: null,
  createHousehold: 'registers:write',
  importHouseholds: 'registers:write',
  getHousehold: null,
  addHouseholdMember: 'registers:write',
  removeHouseholdMember: 'registers:write',
  changeHouseholdHead: 'registers:write',
  recordRegisterEntry: 'registers:write',
  listRegisterEntries: null,
  amendRegisterEntry: 'registers:write',
  endRegisterEntry: 'registers:write',
  importRegister: 'registers:write',
  certifyProvider: 'registers:write',
  getProviderCertification: null,
  registerEmployer: 'contributions:write',
  listEmployers: null,
  getEmployer: null,
  changeEmployer: 'contributions:write',
  recordEmployment: 'contributions:write',
  recordEmployeeContribution: 'contributions:write',
  getEmployeeContributions: null,
  importEmployeeContributions: 'contributions:write',
  preSettleClaim: null,
  settleClaim: 'claims:write',
  getClaim: null,
  listProviderClaims: null,
  reverseClaim: 'claims:write',
  getClaimAudit: null,
  appealClaimAudit: null,
  getPersonalAccount: null,
  putPersonalAccount: 'accounts:write',
  listAccountEntries: null,
  postAccountAdjustment: 'accounts:write',
  listFamilyBindings: null,
  putFamilyBinding: 'accounts:write',
  payFamilyContribution: 'accounts:write',
  transferPersonalAccount: 'accounts:write',
  preGroupCase: null,
  listAlerts: null,
  getAlert: null,
  getAlertDigest: null,
  transitionAlert: null,
  listSubscriptions: null,
  createSubscription: null,
  deleteSubscription: null,
  getAuditTrail: 'audit:read',
  listDeadLetters: 'operations:replay',
  replayDeadLetters: 'operations:replay',
  startReconciliation: 'operations:reconcile',
  getReconciliation: 'operations:reconcile',
  getRiskReport: null,
  registerProvider: 'providers:write',
  getProvider: null,
  publishPolicy: 'policies:publish',
  listPolicies: null,
  startCatalogueImport: 'catalogue:write',
  putCatalogueImportChunk: 'catalogue:write',
  validateCatalogueImport: 'catalogue:write',
  publishCatalogueImport: 'catalogue:write',
  getCatalogueImport: null,
  listCatalogueVersions: null,
  searchCatalogue: null,
  getCatalogueEntry: null,
  downloadCatalogue: null,
  putBudget: 'budgets:write',
  getBudget: null,
  registerCommunity: 'budgets:write',
  getCommunity: null,
  putAssessment: 'budgets:write',
  addCapitatedMembers: 'budgets:write',
  startPrepaymentRun: 'payments:run',
  getPrepaymentRun: null,
  getFundReport: null,
  getFundAccounts: null,
  getProviderFunds: null,
  startYearEndRun: 'payments:run',
  getYearEndRun: null,
  getYearEndProviderReport: null,
  getYearEndCommunityReport: null,
  getYearEndSummary: null,
  getCaseMix: null,
  startSimulation: 'simulation:run',
  listSimulations: 'simulation:run',
  getSimulation: 'simulation:run',
  getSimulationReport: 'simulation:run',
  putCareAssessor: 'ltc:manage',
  getCareAssessor: null,
  certifyCareInstitution: 'ltc:manage',
  getCareInstitution: null,
  applyForCareAssessment: null,
  getCareAssessment: null,
  assignCareAssessors: 'ltc:manage',
  scoreCareAssessment: 'ltc:assess',
  confirmCareAssessment: 'ltc:assess',
  appealCareAssessment: null,
  getCareLevel: null,
  submitCareClaim: 'claims:write',
  getCareClaim: null,
  reverseCareClaim: 'ltc:manage',
  getCareReport: null,
  getCareFundReport: null,
  registerPregnancy: 'maternity:write',
  getPregnancy: null,
  listMemberPregnancies: null,
  getMaternityEligibility: null,
  grantMaternityAllowance: 'maternity:write',
  getEmployerWages: null,
};

/** The staff permission a route requires, if any. */
export const permissionOf = (name: string): StaffPermission | undefined =>
  Object.hasOwn(routePermissions, name) ? (routePermissions[name as RouteName] ?? undefined) : undefined;

/**
 * The names of the routes a function owns. A handler's route table (`httpApi(logger, 'enrolment',
 * { enrolMember: … })`, shared/http/api.ts) and its OpenAPI module (`routeDocsOf<'enrolment'>`,
 * tools/route-docs.ts) are typed by them: a route missing from either, or one the topology does not
 * give that function, is a compile error.
 */
export type RouteNameOf<F extends FunctionKey> = {
  [N in RouteName]: (typeof declaredRoutes)[N]['function'] extends F ? N : never;
}[RouteName];

/** The declared route of a name: its method, path, function and whether the authorizer guards it. */
export function routeNamed(name: RouteName): RouteSpec {
  if (!Object.hasOwn(declaredRoutes, name)) throw new Error(`infra/topology.ts declares no route named ${name}`);
  return { name, ...declaredRoutes[name] };
}

export const routeKey = <R extends Pick<RouteSpec, 'method' | 'path'>>(r: R): `${R['method']} ${R['path']}` => `${r.method} ${r.path}`;

/** Physical names used on the local cloud (on AWS, CloudFormation names them). */
export const localName = {
  table: (key: TableKey): string => `yibao-${key}`,
  queue: (key: QueueKey): string => `yibao-${key}`,
  deadLetterQueue: (key: QueueKey): string => `yibao-${key}-dlq`,
};
