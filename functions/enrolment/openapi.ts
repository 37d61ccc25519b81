/**
 * The enrolment routes, documented from the schemas the handler validates with. `npm run openapi`
 * collects this (tools/openapi.ts) into docs/openapi.json.
 */
import { routeDocsOf } from '../../tools/route-docs.ts';
import { employerRouteDocs } from './employer-openapi.ts';
import {
  bulkRequestSchema,
  bulkResponse,
  categoryRequestSchema,
  categoryResponse,
  contributionRequestSchema,
  contributionResponse,
  eligibilityQuery,
  eligibilityResponse,
  enrolmentRequestSchema,
  enrolResponse,
  listQuery,
  listResponse,
  lookupRequestSchema,
  lookupResponse,
  memberParams,
  memberRecordResponse,
  outOfAreaRequestSchema,
  outOfAreaResponse,
  transferRequestSchema,
  transferResponse,
} from './schemas.ts';
import { householdDocs } from './household-openapi.ts';
import {
  amendBody,
  bulkRegisterParams,
  changeResponse,
  createRegisterEntryBody,
  endBody,
  entryParams,
  listRegisterQuery,
  listRegisterResponse,
  registerBulkBody,
  registerBulkResponse,
  registerParams,
} from './register-schemas.ts';
import { certificationRequestSchema } from './services/certifications.ts';
import * as z from 'zod';

const tags = ['enrolment'];
const registerTags = ['registers'];
const memberNotFound = { description: 'No such member' };

export const routeDocs = routeDocsOf<'enrolment'>({
  enrolMember: {
    tags,
    roles: ['staff'],
    summary: 'Enrol a person for an insurance year (参保登记)',
    description:
      'Validates the GB 11643 ID number (check character, birth date, province), takes birth date and sex from it, ' +
      'and enrols the person in one pooling region and scheme for the year. One enrolment per person per year: a different ' +
      'second enrolment is refused with 409 naming the existing one, also when two requests race; the same enrolment sent ' +
      "again is answered 200 `unchanged`. The contribution due is split by the region's policy and the categories held on the first day.",
    request: { body: enrolmentRequestSchema },
    responses: {
      201: { description: 'Enrolled', schema: enrolResponse },
      200: { description: 'Already enrolled exactly so: nothing written', schema: enrolResponse },
      409: { description: 'The person already has another enrolment that year (details.existing names it), or a category clashes' },
    },
  },
  listMembers: {
    tags,
    roles: ['staff', 'regulator'],
    summary: "List a pooling region's enrolments in a year (a regulator: its own region)",
    request: { query: listQuery },
    responses: { 200: { description: 'One page; pass nextCursor for the next', schema: listResponse } },
  },
  lookUpMember: {
    tags,
    roles: ['staff', 'provider'],
    summary: 'Find the member id for an ID number',
    description:
      'The number travels in the body so that it never lands in an access log. Every look-up is recorded in the audit trail ' +
      '(MemberLookedUp: who, the masked number, found or not). A provider may look up 60 numbers a minute; past that, 429 ' +
      'with details.retryAfterSeconds, whatever the number.',
    request: { body: lookupRequestSchema },
    responses: {
      200: { description: 'The member', schema: lookupResponse },
      404: { description: 'No member has this ID number' },
      429: { description: 'This provider has looked up 60 numbers this minute: details { limit, retryAfterSeconds }' },
    },
  },
  enrolMembersInBulk: {
    tags,
    roles: ['staff'],
    summary: 'Enrol (or record contributions for) many rows from a CSV or JSON-lines file',
    description:
      'Every row is checked as a single request would be and written in its own transaction (whole or not at all). ' +
      'Rejected rows are reported by row number with field and rule; rows done by an earlier run are `unchanged`, so a file ' +
      'sent twice changes nothing. Up to 1,000 rows per request; `npm run enrol:bulk` sends larger files in chunks.',
    request: { body: bulkRequestSchema },
    responses: { 200: { description: 'The row-by-row report', schema: bulkResponse } },
  },
  getMember: {
    tags,
    roles: ['staff', 'regulator'],
    summary: "A member's whole record: enrolments, categories, contributions, out-of-area registrations",
    request: { params: memberParams },
    responses: {
      200: { description: 'The member (the ID number masked; the name for staff only)', schema: memberRecordResponse },
      404: memberNotFound,
    },
  },
  getEligibility: {
    tags,
    roles: ['provider', 'staff', 'regulator'],
    summary: 'Eligibility on a date, as a hospital asks at admission',
    description:
      'Covered or not on the date, the enrolment (scheme, region) in force, the assistance categories and out-of-area ' +
      'registrations holding that day, and the year-to-date accumulators settlement keeps (for a member of a household, also the ' +
      "household's year, which the family self-pay cap counts).",
    request: { params: memberParams, query: eligibilityQuery },
    responses: { 200: { description: 'The answer', schema: eligibilityResponse }, 404: memberNotFound },
  },
  recordContribution: {
    tags,
    roles: ['staff'],
    summary: 'Record a contribution (缴费) against the year',
    description:
      'Split into individual, employer, government and assistance shares by the policy; the enrolment becomes active ' +
      'when the payable part is in (or at once if fully subsidised). The receipt number is the idempotency key.',
    request: { params: memberParams, body: contributionRequestSchema },
    responses: {
      201: { description: 'Recorded', schema: contributionResponse },
      200: { description: 'This receipt was already recorded: nothing written', schema: contributionResponse },
      404: memberNotFound,
      409: { description: 'Not enrolled that year, more than is payable, or the receipt reused with other figures' },
    },
  },
  recordCategory: {
    tags,
    roles: ['staff'],
    summary: 'Set an assistance category for a period (特困, 低保 …)',
    description:
      'A period is keyed by code and first day; post it with a validTo to end it. Periods of one code never overlap. ' +
      'An enrolment with nothing paid yet is recomputed so the subsidy applies.',
    request: { params: memberParams, body: categoryRequestSchema },
    responses: {
      201: { description: 'Added or changed', schema: categoryResponse },
      200: { description: 'Already so', schema: categoryResponse },
      404: memberNotFound,
      409: { description: 'Overlaps a held period of the same code' },
    },
  },
  recordTransfer: {
    tags,
    roles: ['staff'],
    summary: 'Transfer to another pooling region (转移接续)',
    description:
      'Closes the current enrolment the day before and opens one in the new region to the end of the year, carrying ' +
      "the year's contribution account; the history is kept.",
    request: { params: memberParams, body: transferRequestSchema },
    responses: {
      201: { description: 'Transferred', schema: transferResponse },
      200: { description: 'This transfer was already made', schema: transferResponse },
      404: memberNotFound,
      409: { description: 'No open enrolment in that year' },
    },
  },
  registerOutOfArea: {
    tags,
    roles: ['staff'],
    summary: 'Register out-of-area care (异地就医备案) for a period',
    request: { params: memberParams, body: outOfAreaRequestSchema },
    responses: {
      201: { description: 'Registered or changed', schema: outOfAreaResponse },
      200: { description: 'Already so', schema: outOfAreaResponse },
      404: memberNotFound,
      409: { description: 'Not enrolled on the first day, or overlaps another registration' },
    },
  },
  ...householdDocs,
  recordRegisterEntry: {
    tags: registerTags,
    roles: ['staff', 'provider'],
    summary:
      'Record a register entry: a chronic-disease approval (门诊慢特病认定), a family-doctor contract (家庭医生签约), a supplementary-plan enrolment (惠民保)',
    description:
      'Staff need the permission `registers:write`. A provider may record only chronic-disease approvals, as the certifying ' +
      'provider itself, for disease groups the agency certified it for (PUT …/certified-providers/{providerCode}). ' +
      "The body is the register's own (ChronicApprovalRequest, FamilyDoctorContractRequest, SupplementaryPlanRequest). A disease group " +
      "must be a chronic-outpatient disease of the member's region's benefit policy, a plan one its supplementary layer pays for. " +
      'The entry id is its natural key (disease group + first day; provider + first day; plan + year), so the same entry sent ' +
      'again is `unchanged`. Every change writes a history item (who, when) and publishes RegisterEntryChanged in the same transaction.',
    request: { params: registerParams, body: createRegisterEntryBody },
    responses: {
      201: { description: 'Recorded', schema: changeResponse },
      200: { description: 'The same entry was already recorded: nothing written', schema: changeResponse },
      403: { description: 'Staff without registers:write, or a provider not certified for the group or not acting as itself' },
      404: memberNotFound,
      409: {
        description:
          'Overlaps a held entry (one approval per disease group, one contract, one enrolment per plan and year), or the member is not enrolled that year',
      },
    },
  },
  listRegisterEntries: {
    tags: registerTags,
    roles: ['staff', 'provider', 'regulator'],
    summary: "A member's entries of a register, each with its whole history",
    request: { params: registerParams, query: listRegisterQuery },
    responses: { 200: { description: 'The entries', schema: listRegisterResponse }, 404: memberNotFound },
  },
  amendRegisterEntry: {
    tags: registerTags,
    roles: ['staff', 'provider'],
    summary: 'Amend an entry (its period or details), with the reason',
    description:
      'The fields that name the entry (disease group, contracted provider, plan and year) cannot change: end it and record a new one.',
    request: { params: entryParams, body: amendBody },
    responses: {
      201: { description: 'Amended', schema: changeResponse },
      200: { description: 'Already so', schema: changeResponse },
      404: { description: 'No such member or entry' },
      409: { description: 'Changed since expectedVersion, revoked, or the new period overlaps another entry' },
    },
  },
  endRegisterEntry: {
    tags: registerTags,
    roles: ['staff', 'provider'],
    summary: 'End an entry on a date, or revoke it (void from its first day)',
    request: { params: entryParams, body: endBody },
    responses: {
      201: { description: 'Ended or revoked', schema: changeResponse },
      200: { description: 'Already so', schema: changeResponse },
      404: { description: 'No such member or entry' },
      409: { description: 'Changed since expectedVersion, or already revoked' },
    },
  },
  importRegister: {
    tags: registerTags,
    roles: ['staff'],
    summary: "Import a register's entries from a CSV or JSON-lines file (e.g. the insurer's 舟惠保 enrolment list)",
    description:
      'Needs `registers:write`. Each row names the member by memberId or idNumber and is checked and written as a single ' +
      'request would be; every rejected row is reported with row number, field and rule; rows already recorded are ' +
      '`unchanged`, so importing the same file again changes nothing. Up to 1,000 rows per request. CSV headers: ' +
      'chronic-approvals memberId|idNumber,diseaseGroup,validFrom,validTo,certifyingProvider,doctorCode,doctorName,evidence; ' +
      'family-doctor-contracts memberId|idNumber,providerCode,teamCode,reference,validFrom,validTo; ' +
      'supplementary-plans memberId|idNumber,planCode,year,policyNumber.',
    request: { params: bulkRegisterParams, body: registerBulkBody },
    responses: { 200: { description: 'The row-by-row report', schema: registerBulkResponse } },
  },
  certifyProvider: {
    tags: registerTags,
    roles: ['staff'],
    summary: 'Certify a provider to approve chronic-disease groups in a region (认定机构), for a period',
    description:
      'Needs `registers:write`. Each call is a new version (append-only); the newest of a region is in force; an empty list ' +
      'withdraws the certification. A provider records approvals only for the groups it holds on the day. Publishes ProviderCertified.',
    request: { params: z.object({ providerCode: z.string() }), body: certificationRequestSchema },
    responses: { 201: { description: 'A new version' }, 200: { description: 'Already so' } },
  },
  getProviderCertification: {
    tags: registerTags,
    roles: ['staff', 'provider'],
    summary: "A provider's certification versions, newest first (a provider: its own)",
    request: { params: z.object({ providerCode: z.string() }) },
    responses: { 200: { description: 'The versions' } },
  },
  ...employerRouteDocs,
});
