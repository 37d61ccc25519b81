/**
 * The admin routes (the provider register and policy documents), documented from the schemas the
 * handler validates with. `npm run openapi` collects this (tools/openapi.ts) into docs/openapi.json.
 */
import * as z from 'zod';
import type { RouteDoc } from '../../tools/openapi.ts';
import { providerCodeSchema } from '../../shared/budget/budget.ts';
import { providerInputSchema } from '../../shared/budget/provider.ts';
import { catalogueSchema } from '../../shared/fraud/rule-catalogue.ts';
import { benefitPolicySchema } from '../../shared/settlement/policy.ts';
import { readParams, readQuery } from './policies.ts';

const providerTags = ['providers'];
const policyTags = ['policies'];

const provider = providerInputSchema.meta({ id: 'Provider' });
const shippedOnly = {
  description:
    'NOT_IMPLEMENTED for kinds `drg` and `settlement`: those policies ship with the build (policies/drg, policies/settlement) ' +
    'and are read by their functions, not published or read through the API',
};

export const routeDocs: RouteDoc[] = [
  {
    method: 'POST',
    path: '/v1/providers',
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
  {
    method: 'GET',
    path: '/v1/providers/{providerCode}',
    tags: providerTags,
    roles: ['staff', 'provider'],
    summary: "A provider's registration (a provider: its own only)",
    request: { params: z.object({ providerCode: providerCodeSchema }) },
    responses: {
      200: { description: 'The registration', schema: z.object({ provider }) },
      404: { description: 'No such provider in the register' },
    },
  },
  {
    method: 'POST',
    path: '/v1/policies',
    tags: policyTags,
    roles: ['staff'],
    summary: 'Publish a new version of a benefit policy (`kind: benefits`) or a fraud-rule catalogue (`kind: fraud-rules`)',
    description:
      'The body is the whole document, as the files under policies/ hold it; `kind` says which. Versions are immutable and history stays: ' +
      "a version supersedes the earlier ones from its effective date. A benefit policy's version is kept per region, scheme and year; a catalogue's " +
      'per region, and it must be above every version the region has, shipped ones included; only the national baseline (000000) may be the `fallback`. ' +
      'The same version with the same content again is 200 with header `x-idempotent-replay: true`. A document that breaks a rule is 400 naming the field ' +
      '(`body.…`); an unknown kind is 400 `body.kind` unknown_kind.',
    request: {
      body: z.discriminatedUnion('kind', [
        benefitPolicySchema.meta({ id: 'BenefitPolicy' }),
        catalogueSchema.meta({ id: 'FraudRuleCatalogue' }),
      ]),
    },
    responses: {
      201: {
        description: "Published: `{ published }`, the version's summary (kind, region, version, effectiveFrom, publishedAt, publishedBy …)",
      },
      200: {
        description: 'This version was already published with the same content (header `x-idempotent-replay: true`): `{ published }`',
      },
      409: {
        description:
          'details { field: "body.version", rule }: `version_exists` (this version is already published with other content: publish a new version) ' +
          'or `not_newer` (not above the newest version, details.newestVersion)',
      },
      501: shippedOnly,
    },
  },
  {
    method: 'GET',
    path: '/v1/policies/{kind}/{region}',
    tags: policyTags,
    roles: ['staff', 'regulator', 'provider'],
    summary: "A region's versions of a benefit policy (`benefits`) or fraud-rule catalogue (`fraud-rules`), and the one in force on a date",
    description:
      '`benefits`: the versions of one year (`year`, or the year of `on`: one of them is required) for `scheme` or both schemes; ' +
      'with `on`, `inForce` lists per scheme the version in force that day with its document (or version null). ' +
      "`fraud-rules`: every version of the region's catalogue, shipped and published (`year` and `scheme` are ignored); with `on`, `inForce` is " +
      "the catalogue that judges a claim of that date, the region's own else the national baseline (000000), with its document (or version null). " +
      "A regulator reads its own region only, and also the national baseline's fraud rules; another region is 403. Other kinds: 400 `path.kind` unknown_kind.",
    request: { params: readParams, query: readQuery },
    responses: {
      200: { description: '`{ kind, region, year (benefits only), versions, inForce? }`' },
      501: shippedOnly,
    },
  },
];
