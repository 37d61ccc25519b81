import * as z from 'zod';
import { DetailType, EventSource } from './catalog.ts';
import { defineEvent } from './contract.ts';

/**
 * Household events (家庭): one fact per change of the household register, published by the
 * enrolment function through the outbox with the change. Members by member id only; no name, no ID
 * number. `version` is the household's version after the change (its history entry's number), so a
 * consumer can order a household's changes and see a gap.
 */
const isoDate = z.iso.date();
const relation = z.enum(['head', 'spouse', 'child', 'parent', 'grandparent', 'grandchild', 'sibling', 'other']);

export const HouseholdChanged = defineEvent({
  source: EventSource.enrolment,
  detailType: DetailType.householdChanged,
  schemaVersion: 1,
  payload: z
    .object({
      householdId: z.string().min(1),
      /** The household's region: the audit trail shows the event to that region's regulators. */
      region: z.string().regex(/^\d{6}$/, 'a 6-digit region code'),
      version: z.number().int().positive(),
      change: z.enum(['created', 'member-added', 'member-removed', 'head-changed']),
      /** The member the change is about (for created: the head). */
      memberId: z.string().min(1),
      relation: relation.optional(),
      from: isoDate.optional(),
      to: isoDate.optional(),
      /** The head after the change. */
      headMemberId: z.string().min(1),
      /** Members after the change (open memberships), by id. */
      members: z.array(z.string().min(1)),
      /** Who made the change (the staff subject) and when. */
      by: z.string().min(1),
      at: z.string().min(1),
    })
    .strict(),
});
