/**
 * The household routes' documentation (spread into ./openapi.ts), from the schemas the routes
 * validate with and the shapes they answer.
 */
import * as z from 'zod';
import type { RouteNameOf } from '../../infra/topology.ts';
import type { RouteDocBody } from '../../tools/route-docs.ts';
import {
  addMemberSchema,
  changeHeadSchema,
  createHouseholdSchema,
  LEAVING_REASONS,
  RELATIONS,
  removeMemberSchema,
} from '../../shared/households/household.ts';
import { householdBulkSchema, householdMemberParams, householdParams } from './routes/households.ts';
import { memberParams } from './schemas.ts';

const tags = ['households'];
const isoDate = z.iso.date();

const householdSchema = z
  .object({
    householdId: z.string(),
    region: z.string(),
    from: isoDate,
    to: isoDate.optional().meta({ description: 'Set when the last member left' }),
    head: z.object({ memberId: z.string(), from: isoDate }),
    members: z.array(
      z.object({
        memberId: z.string(),
        entryId: z.string(),
        relation: z.enum(RELATIONS),
        from: isoDate,
        to: isoDate.optional(),
        leavingReason: z.enum(LEAVING_REASONS).optional(),
      }),
    ),
    version: z.number().int().meta({ description: 'Bumped by every change; the number of the latest history entry' }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Household' });

const changeResponse = z
  .object({ outcome: z.enum(['created', 'member-added', 'member-removed', 'head-changed', 'unchanged']), household: householdSchema })
  .meta({ id: 'HouseholdChange' });

const historyEntry = z
  .object({
    memberId: z.string(),
    entryId: z.string().meta({ description: "The member's membership entry (member register `households`)" }),
    version: z.number().int(),
    change: z.enum(['created', 'amended', 'ended', 'revoked']),
    at: z.string(),
    by: z.object({ role: z.enum(['staff', 'provider']), sub: z.string() }).meta({ description: 'Who made the change' }),
    reason: z.string().optional(),
    after: z.object({
      validFrom: isoDate,
      validTo: isoDate.meta({ description: '9999-12-31 while the membership is open' }),
      status: z.enum(['active', 'ended', 'revoked']),
      payload: z.object({ householdId: z.string(), relation: z.enum(RELATIONS) }),
    }),
  })
  .meta({ id: 'HouseholdHistoryEntry' });

const bulkReport = z
  .object({
    received: z.number().int(),
    written: z.number().int(),
    unchanged: z.number().int(),
    rejected: z.number().int(),
    deferred: z.number().int(),
    rows: z.array(
      z.object({
        rowNumber: z.number().int(),
        outcome: z.enum(['created', 'added', 'removed', 'unchanged', 'rejected', 'deferred']),
        householdId: z.string().optional(),
        memberId: z.string().optional(),
        status: z.number().int().optional(),
        problems: z.array(z.object({ field: z.string(), rule: z.string(), message: z.string() })).optional(),
      }),
    ),
  })
  .meta({ id: 'HouseholdBulkReport' });

const needsPermission = 'Staff with the permission `registers:write` (another caller: 403 naming it).';
const notFound = { description: 'No such household (or member)' };

export const householdDocs: Record<
  Extract<
    RouteNameOf<'enrolment'>,
    | 'createHousehold'
    | 'importHouseholds'
    | 'getHousehold'
    | 'addHouseholdMember'
    | 'removeHouseholdMember'
    | 'changeHouseholdHead'
    | 'getMemberHouseholds'
  >,
  RouteDocBody
> = {
  getMemberHouseholds: {
    tags,
    roles: ['staff'],
    summary: 'The households a member has belonged to, dated',
    request: { params: memberParams },
    responses: {
      200: {
        description: 'Every membership (none: the member is a household of one)',
        schema: z.object({
          memberId: z.string(),
          memberships: z.array(z.object({ householdId: z.string(), from: isoDate, to: isoDate.optional() })),
        }),
      },
    },
  },
  createHousehold: {
    tags,
    roles: ['staff'],
    summary: 'Register a household (家庭) with its head and first members',
    description:
      `${needsPermission} The household id is the agency's 户号. A member is in one household at a time: one still in ` +
      '(or later in) another is a 409 naming it. The same household sent again is 200 `unchanged`. The family self-pay cap ' +
      "of a policy that counts it per household then counts the whole household's year (the household a member belongs to on the settlement date).",
    request: { body: createHouseholdSchema },
    responses: {
      201: { description: 'Registered', schema: changeResponse },
      200: { description: 'Already registered exactly so', schema: changeResponse },
      404: { description: 'A member the register does not know' },
      409: { description: 'The household exists, or a member is in another household' },
    },
  },
  importHouseholds: {
    tags,
    roles: ['staff'],
    summary: 'Import a household file (CSV or JSON-lines), row by row',
    description:
      `${needsPermission} Columns householdId,region,memberId,idNumber,relation,from,to,reason,reference. A head row ` +
      'registers the household, another row adds the member, a row with `to` ends the membership. Each row is written whole or ' +
      'not at all and rejected rows are reported with row number, field and rule; the same file again changes nothing.',
    request: { body: householdBulkSchema },
    responses: { 200: { description: 'The row-by-row report', schema: bulkReport } },
  },
  getHousehold: {
    tags,
    roles: ['staff', 'regulator'],
    summary: 'A household: head, dated memberships and its append-only history (who changed what, when)',
    request: { params: householdParams },
    responses: {
      200: { description: 'The household', schema: z.object({ household: householdSchema, history: z.array(historyEntry) }) },
      404: notFound,
    },
  },
  addHouseholdMember: {
    tags,
    roles: ['staff'],
    summary: 'Add a member to a household from a date',
    description: `${needsPermission} Refused (409) while the member is in another household on or after that date.`,
    request: { params: householdParams, body: addMemberSchema },
    responses: {
      201: { description: 'Added', schema: changeResponse },
      200: { description: 'Already a member from that date', schema: changeResponse },
      404: notFound,
      409: { description: 'In another household, or the household has ended' },
    },
  },
  removeHouseholdMember: {
    tags,
    roles: ['staff'],
    summary: 'End a membership: the last day in the household and why',
    description: `${needsPermission} The head leaves last: make another member head first (409 head_leaves_last).`,
    request: { params: householdMemberParams, body: removeMemberSchema },
    responses: {
      201: { description: 'Ended', schema: changeResponse },
      200: { description: 'Already ended so', schema: changeResponse },
      404: notFound,
      409: { description: 'The head with other members left, or already ended on another day' },
    },
  },
  changeHouseholdHead: {
    tags,
    roles: ['staff'],
    summary: 'Make another member the head (户主) from a date',
    description: needsPermission,
    request: { params: householdParams, body: changeHeadSchema },
    responses: {
      201: { description: 'Changed', schema: changeResponse },
      200: { description: 'Already the head', schema: changeResponse },
      404: notFound,
      409: { description: 'Not a member on that date' },
    },
  },
};
