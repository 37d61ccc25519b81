/**
 * The adjudication routes (one-stop settlement), documented from the schemas the handler validates
 * with: the bill (shared/settlement/bill.ts), the claim's path and the reversal's body (requests.ts).
 * `npm run openapi` collects this (tools/openapi.ts) into docs/openapi.json.
 */
import { routeDocsOf } from '../../tools/route-docs.ts';
import { billSchema } from '../../shared/settlement/bill.ts';
import { claimParams, providerClaimsParams, providerClaimsQuery, reversalBody } from './requests.ts';

const tags = ['settlement'];
const bill = billSchema.meta({ id: 'Bill' });

/** What the claim in an answer holds (functions/adjudication/handler.ts, claimView). */
const claimView =
  '`claim` is { providerCode, claimNo, memberId, status (settled | reversed), settlementNo, settledAt, reversal? { reason, reversedAt, reversedBy } }';

const refused = {
  description:
    'Bad bill, or one the registers or the policy refuse: details.problems names the field and the rule. ' +
    'Shape and cross-field rules (invalid_format, too_small, line_total, bill_total, date_order, required, duplicate …) and refusals: ' +
    '`body.memberId` not_found / not_enrolled (not covered on the date of service), `body.providerCode` not_registered (not in the provider register), ' +
    '`body.visit.serviceDate` or `body.visit.dischargeDate` no_policy (no benefit policy in force on the settlement date), ' +
    '`body.visit.type` not_covered, `body.visit.disease` not_covered / not_approved, `body.visit.bedDay.programme` not_covered; ' +
    'the personal-account channel (`payment.personalAccount`): `body.payment.personalAccount` no_account / no_terms, ' +
    '`body.payment.personalAccount.holderMemberId` not_bound (no family binding on the date of service) / family_use_not_allowed',
};
const contention = {
  description:
    "CONTENTION: the member's year-to-date accumulators changed under every attempt for about 20 seconds; " +
    'send the same request again (it is idempotent)',
};
const afterCommit =
  'The event is written to a transactional outbox in the same transaction as the state it reports and published after the commit: ' +
  'if the bus refuses it, the answer still stands (the state is committed) and the event is published by the next replay of the request ' +
  'or by the outbox relay within a minute or two. A bus failure never fails the request.';

export const routeDocs = routeDocsOf<'adjudication'>({
  preSettleClaim: {
    tags,
    roles: ['provider', 'staff'],
    summary: 'Pre-settle a bill (预结算): the statement it would get now, nothing stored',
    description:
      "The same checks and engine as settlement, run on the member's current year-to-date accumulators; nothing is written and no event " +
      'is published. A provider may pre-settle only its own bills (`providerCode` of the bill); staff any; regulators none.',
    request: { body: bill },
    responses: {
      200: {
        description:
          '`{ preSettlement: true, statement, audit }`: the statement (lines, totals by layer, the steps and rules applied, the year-to-date before, deltas and after) ' +
          'and the pre-settlement audit (事前/事中提醒): the smart-audit rules the bill would hit if settled now, judged exactly as the fraud consumer judges ' +
          "a settled claim (the region's rule library, the member's earlier claims, the alert policy): " +
          '`audit` is { catalogue { region, version }, score, threshold, wouldRaise (alert | review | null), severity, reason, ' +
          "hits: [{ ruleId, type, title, severity, result (suspicious | violation), weight, explanations, amountFen, lines (the bill's line numbers) }] }, " +
          'so the HIS can warn the doctor before the patient pays. Nothing of it is stored.',
      },
      400: refused,
    },
  },
  settleClaim: {
    tags,
    roles: ['provider', 'staff'],
    summary: "Settle a bill (一站式结算): the claim, its ledger entry and the member's accumulators in one transaction",
    description:
      'Idempotent by provider + claim number. The first settlement is 201. The same bill again (compared on the parsed bill, key order ignored) ' +
      'is 200 with header `x-idempotent-replay: true`, answered from what is stored even if the member or policy would refuse the bill today. ' +
      'A different bill under a settled claim number is 409; reverse the claim first, then settle it again by intent: the bill with ' +
      '`resettlementOf` = the reversed settlement number (settlement + 1). After a reversal the original request sent again is 409 ' +
      '`CLAIM_REVERSED` (it is never a new settlement), so a HIS retrying a request the reversal overtook cannot make the fund pay twice; ' +
      'a settle racing a reversal of the same claim answers either the replay of the settlement it found or `CLAIM_REVERSED`. ' +
      'Limits: at most 2,000 lines, 50 secondary diagnoses and 50 procedures; an item name up to 200 UTF-16 units, a trace code up to 100 characters. ' +
      'Every bill within them is stored whole (a bill too large for one 400 KB DynamoDB item is kept in parts beside the claim) and reaches every consumer: ' +
      'ClaimSettled carries the lines while its detail stays under 128 KB (half the bus’s 256 KB); a larger bill’s event carries ' +
      '`linesOmitted: { count, reason: "size" }` and `amountsByCategory` instead, and the consumers that read each line (smart audit) read them by claim key. ' +
      "Concurrent claims of one member are serialised on the accumulators' version, so the year's counters always equal the sum of the statements. " +
      `Publishes ClaimSettled. ${afterCommit} ` +
      'Where a catalogue (医保目录) is in force on a line’s date in the provider’s region, the catalogue decides by code: the class ' +
      '(`itemClass` may then be left out; a declared class that disagrees is overruled and noted on the line), limits, first self-pay, the ' +
      'restricted scope (outside it the line is self-paid, `rules.outOfCatalogue: catalogue[<code>].scope.<rule>`) and the item’s fund ratio; a ' +
      'code in no catalogue is self-paid (400 `body.lines.<i>.itemCode` not_in_catalogue where the benefit policy refuses such codes). ' +
      '`statement.catalogue` names the versions read; each line names its own. ' +
      'A provider may settle only its own bills; staff any; regulators none.',
    request: { body: bill },
    responses: {
      201: { description: `Settled: \`{ claim, statement }\`; ${claimView}` },
      200: { description: 'Replay of the stored settlement (header `x-idempotent-replay: true`): the same `{ claim, statement }`' },
      400: refused,
      409: {
        description:
          'The claim number is already settled with a different bill: details { field: "body.claimNo", rule: "different_bill", settlementNo }. ' +
          'Code `CLAIM_REVERSED` (details { field: "body.resettlementOf", rule: "reversed", settlementNo: the reversed settlement, current: { settlementNo, status } }): ' +
          'the request is for a settlement since reversed; send the bill with `resettlementOf` to settle it again. ' +
          '`body.resettlementOf` not_current (not the reversed settlement), not_reversed (that settlement is in force: reverse it first), ' +
          'no_settlement (the claim was never settled: leave resettlementOf out).',
      },
      503: contention,
    },
  },
  listProviderClaims: {
    tags,
    roles: ['provider', 'staff'],
    summary: "A provider's claims of a year, newest settlement date first, paged (the hospital's 本院结算 list)",
    description:
      'A provider lists its own claims, staff any provider’s; a regulator reads claims one by one (GET /v1/claims/{providerCode}/{claimNo}). ' +
      '`year` is the insurance year whose accumulators the claims moved. Each item is a summary (the statement stays with the claim): ' +
      '{ providerCode, claimNo, memberId, status (settled | reversed), settlementNo, visitType, serviceDate, settlementDate, settledAt, ' +
      'billedFen, fundPaidFen, patientPaidFen }. `nextCursor` continues the list; a cursor of another provider or year is 400 `query.cursor`.',
    request: { params: providerClaimsParams, query: providerClaimsQuery },
    responses: {
      200: { description: '`{ providerCode, year, claims: [...], nextCursor? }`' },
      400: { description: 'A bad year, limit (1-100) or cursor: details.problems names the field' },
      403: { description: 'A provider listing another provider, or a regulator' },
    },
  },
  getClaim: {
    tags,
    roles: ['provider', 'staff', 'regulator'],
    summary: 'A claim, its statement and its ledger',
    description:
      "A provider reads its own claims, staff any, a regulator the claims of its own region (the member's pooling region); another provider's or region's claim answers 404 exactly as a missing one. " +
      'The ledger lists the settlement entries and, for a reversed settlement, its negative reversal entry, in order.',
    request: { params: claimParams },
    responses: {
      200: {
        description: `\`{ claim, statement, ledger }\`; ${claimView}; each ledger entry is { settlementNo, kind (settlement | reversal), at, by, memberId, year, amounts, counterDeltas, reason? }`,
      },
      404: { description: 'No such claim' },
    },
  },
  reverseClaim: {
    tags,
    roles: ['provider', 'staff'],
    summary: 'Reverse a settled claim (冲正 / 退费): a negative ledger entry, the accumulators moved back',
    description:
      "Writes a negative ledger entry, moves the member's accumulators back by exactly what the settlement moved and marks the claim reversed, " +
      'so the same claim number can be settled again. Repeating it is 200 with header `x-idempotent-replay: true` and no `ledgerEntry`. ' +
      "Naming a `settlementNo` that is not the claim's current one is 409, so a stale retry can never reverse a later re-settlement. " +
      `Publishes ClaimReversed. ${afterCommit} ` +
      'A provider may reverse only its own claims; staff any; regulators none.',
    request: { params: claimParams, body: reversalBody },
    responses: {
      200: {
        description:
          `Reversed (or, with \`x-idempotent-replay: true\`, already reversed): \`{ claim, ledgerEntry?, yearToDateRestored }\`; ${claimView}; ` +
          "ledgerEntry is the reversal's ledger entry (absent on a replay); yearToDateRestored the counters moved back, by counter",
      },
      404: { description: 'No such claim' },
      409: {
        description: 'settlementNo is not the claim\'s current settlement: details { field: "body.settlementNo", rule: "not_current" }',
      },
      503: contention,
    },
  },
});
