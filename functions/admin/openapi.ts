/**
 * The admin routes (the provider register and policy documents), documented from the schemas the
 * handler validates with. `npm run openapi` collects this (tools/openapi.ts) into docs/openapi.json.
 */
import * as z from 'zod';
import { routeDocsOf } from '../../tools/route-docs.ts';
import { providerCodeSchema } from '../../shared/budget/budget.ts';
import { providerInputSchema } from '../../shared/budget/provider.ts';
import { settlementPolicySchema } from '../../shared/budget/policy.ts';
import { drgPolicySchema } from '../../shared/drg/policy.ts';
import { contributionPolicySchema } from '../../shared/enrolment/policy.ts';
import { catalogueSchema } from '../../shared/fraud/rule-catalogue.ts';
import { benefitPolicySchema } from '../../shared/settlement/policy.ts';
import { readParams, readQuery } from './policies.ts';
import { deadLettersQuery, reconciliationBody, reconciliationParams, replayBody } from './operations.ts';

const providerTags = ['providers'];
const policyTags = ['policies'];
const operationsTags = ['operations'];
const needs = (permission: string) => `Staff holding the permission \`${permission}\`; anyone else is 403 naming it.`;

const provider = providerInputSchema.meta({ id: 'Provider' });
export const routeDocs = routeDocsOf<'admin'>({
  registerProvider: {
    tags: providerTags,
    roles: ['staff'],
    summary: 'Register a provider (定点医药机构) in the provider register',
    description:
      "Settlement takes a provider's level and region from the register only (a bill cannot declare them); budgets and runs read its region. " +
      'A registration is never changed: the same registration again is 200 `unchanged` with nothing written, other details under a taken code are 409.',
    request: { body: provider },
    responses: {
      201: { description: 'Registered', schema: z.object({ outcome: z.literal('created'), provider }) },
      200: {
        description: 'Already registered exactly so: nothing written',
        schema: z.object({ outcome: z.literal('unchanged'), provider }),
      },
      409: { description: 'The code is already registered with other details (details.field: body.providerCode)' },
    },
  },
  getProvider: {
    tags: providerTags,
    roles: ['staff', 'provider'],
    summary: "A provider's registration (a provider: its own only)",
    request: { params: z.object({ providerCode: providerCodeSchema }) },
    responses: {
      200: { description: 'The registration', schema: z.object({ provider }) },
      404: { description: 'No such provider in the register' },
    },
  },
  publishPolicy: {
    tags: policyTags,
    roles: ['staff'],
    summary: 'Publish a new version of a policy document of any kind: benefits, enrolment, drg, year-end or fraud-rules',
    description:
      'The body is the whole document, as the files under policies/<kind>/<region>/ hold it; `kind` says which, and its schema validates it whole. ' +
      'Every kind has one lifecycle: the shipped files are first versions, in force without publishing; a published version is immutable, ' +
      'in force from its `effectiveFrom`, and must be above every version under its key (shipped ones included): region + scheme + year for ' +
      '`benefits`, region + year for `enrolment`, `drg` and `year-end`, region for `fraud-rules` (only the national baseline 000000 may be the ' +
      '`fallback`; a DRG policy must name a weight list this build carries). The functions that read the kind use it within seconds, without ' +
      'restart or redeploy. The same version with the same content again (a shipped one included) is 200 with header `x-idempotent-replay: true`. ' +
      'A document that breaks a rule is 400 naming the field (`body.…`); an unknown kind is 400 `body.kind` unknown_kind.',
    request: {
      body: z.union([
        benefitPolicySchema.meta({ id: 'BenefitPolicy' }),
        contributionPolicySchema.meta({ id: 'ContributionPolicy' }),
        drgPolicySchema.meta({ id: 'DrgPolicy' }),
        settlementPolicySchema.meta({ id: 'YearEndPolicy' }),
        catalogueSchema.meta({ id: 'FraudRuleCatalogue' }),
      ]),
    },
    responses: {
      201: {
        description:
          "Published: `{ published }`, the version's summary (kind, region, its key fields, version, effectiveFrom, source `published`, publishedAt, publishedBy …)",
      },
      200: {
        description: 'This version is already held with the same content (header `x-idempotent-replay: true`): `{ published }`',
      },
      409: {
        description:
          'details { field: "body.version", rule }: `version_exists` (this version is already held with other content: publish a new version) ' +
          'or `not_newer` (not above the newest version under its key, details.newestVersion)',
      },
    },
  },
  listPolicies: {
    tags: policyTags,
    roles: ['staff', 'regulator', 'provider'],
    summary: "A region's versions of a policy of any kind (shipped and published), and the one in force on a date",
    description:
      '`benefits`, `enrolment`, `drg`, `year-end`: the versions of one year (`year`, or the year of `on`: one of them is required); `benefits` ' +
      'per `scheme` or both schemes, with `inForce` a list per scheme; the others with `inForce` one object. Each version says its `source` ' +
      '(`shipped` with the build, or `published`). With `on`, `inForce` is the version in force that day (newest effective date on or before it, ' +
      'then highest version) with its document, or version null. ' +
      "`fraud-rules` (staff and regulators only): every version of the region's catalogue (`year` and `scheme` are ignored); with `on`, `inForce` is " +
      "the catalogue that judges a claim of that date, the region's own else the national baseline (000000). " +
      "A regulator reads its own region only, and also the national baseline's fraud rules; another region is 403. An unknown kind is 400 `path.kind` unknown_kind.",
    request: { params: readParams, query: readQuery },
    responses: {
      200: { description: '`{ kind, region, year (kinds kept per year), versions, inForce? }`' },
    },
  },
  listDeadLetters: {
    tags: operationsTags,
    roles: ['staff'],
    summary: "The outbox's dead letters: events the bus kept refusing",
    description:
      'An event committed with its fact waits in the outbox until the bus takes it; the relay (every minute) retries it, and after 10 refused runs ' +
      'moves it here, where the alarm `OutboxDeadLetters` fires until it is replayed. Listed oldest key first, without their detail ' +
      '(`detailBytes` says its size); `?key=` answers one whole, its detail parsed; `?all=true` lists replayed ones too. ' +
      needs('operations:replay'),
    request: { query: deadLettersQuery },
    responses: {
      200: {
        description:
          '`{ count, deadLetters: [{ key, source, detailType, createdAt, attempts, lastError, deadAt, state (dead | replayed), replayedAt?, replayedBy?, detailBytes }] }`, ' +
          'or with `key`: `{ deadLetter: { …, detail } }`',
      },
      404: { description: 'No dead letter under `key`' },
    },
  },
  replayDeadLetters: {
    tags: operationsTags,
    roles: ['staff'],
    summary: 'Replay dead letters: back into the outbox and published now',
    description:
      'Each key: the dead letter is marked replayed and put back into the outbox (attempts from zero) in one transaction, then published. ' +
      'Idempotent: a dead letter already replayed is not replayed again (`already-replayed`), and consumers keep a fact once by its event id. ' +
      'What the bus refuses again waits in the outbox for the relay (`waiting`). ' +
      needs('operations:replay'),
    request: { body: replayBody },
    responses: {
      200: { description: '`{ replayed: [{ key, outcome: delivered | waiting | already-replayed | not-found }] }`' },
    },
  },
  startReconciliation: {
    tags: operationsTags,
    roles: ['staff'],
    summary: 'Reconcile a window of settled claims with what reached downstream, and publish again what is missing',
    description:
      'Every claim whose current settlement committed in [from, to) (at most seven days; 20,000 claims, else `claims.truncated`) is checked for each ' +
      'downstream fact: its event in the audit trail, its fraud score, its payment facts (the provider’s totals), and for a stay its DRG case where the ' +
      'region-year pays by DRG and its DIP case where it holds a DIP catalogue (a reversed claim: its reversal in the audit trail, in fraud scoring and ' +
      'in the payment facts). A claim missing any has its event published again through the outbox, with its original id and time, so consumers that ' +
      'have it change nothing. Idempotent: a second run finds nothing missing once the consumers have caught up. The daily schedule ' +
      '(`dailyReconciliation`, 04:30 Asia/Shanghai) runs the day before as `daily-<yyyy-mm-dd>`. ' +
      needs('operations:reconcile'),
    request: { body: reconciliationBody },
    responses: {
      201: {
        description:
          'The stored report: `{ runId, trigger, requestedBy, window, startedAt, finishedAt, claims { found, settled, reversed, withMissing, truncated }, ' +
          'facts { expected, found, missing { audit, fraudScore, paymentFacts, drgCase, dipCase } }, repaired { republished, refusedByBus, unrepairable }, ' +
          'missingClaims: [{ claim, settlementNo, status, expected, missing, republished?, unrepairable? }] (up to 100) }`',
      },
    },
  },
  getReconciliation: {
    tags: operationsTags,
    roles: ['staff'],
    summary: 'A stored reconciliation report',
    description: `The report a run stored, by its id (a request's \`runId\`; the daily run's \`daily-<yyyy-mm-dd>\`). ${needs('operations:reconcile')}`,
    request: { params: reconciliationParams },
    responses: { 200: { description: 'The report, as startReconciliation answers it' }, 404: { description: 'No such run' } },
  },
});
