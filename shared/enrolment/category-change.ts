/**
 * Setting an assistance category on a member, pure.
 *
 *  - A period is keyed by its code and first day. Posting the same period again changes nothing;
 *    posting the same code and first day with another last day changes that period (this is how a
 *    category is ended: give it its validTo).
 *  - Periods of one code never overlap: a member is 低保 once at a time.
 *  - The code must be standard or defined by the policy of the region the member is enrolled in
 *    when the period starts (failing that, the member's latest enrolment).
 *  - Categories decide subsidies. An enrolment still waiting for its first payment is recomputed,
 *    so a 低保 certificate that arrives after the campaign still relieves the member's share;
 *    once anything is paid the figures stand (a refund is the collection side's business).
 */
import { categoryInputSchema, categoryKnown, codesOn, type CategoryInput } from './enrol.ts';
import { overlappingPeriod } from './categories.ts';
import { computeDue, payableOf, totalOf, type Shares } from './contribution.ts';
import { categorySk, memberPk, type CategoryItem, type EnrolmentItem, type MemberItems } from './items.ts';
import type { PolicyLookup } from './policy.ts';
import { contains } from './periods.ts';
import { refuse, type Refused } from './problems.ts';

export const categoryRequestSchema = categoryInputSchema;
export type CategoryRequest = CategoryInput;

export type CategoryPlan =
  | { ok: true; outcome: 'unchanged'; category: CategoryItem }
  | {
      ok: true;
      outcome: 'added' | 'period-changed';
      category: CategoryItem;
      /** The stored period this one replaces (its validTo is the write's condition). */
      previous?: CategoryItem | undefined;
      /** Enrolments whose due changes, with the version each was read at. */
      recomputed: { enrolment: EnrolmentItem; expectedVersion: number }[];
      /** The member's region when the period starts, for the event. */
      region?: string | undefined;
    };

const sameShares = (a: Shares, b: Shares) =>
  a.individualFen === b.individualFen &&
  a.employerFen === b.employerFen &&
  a.governmentFen === b.governmentFen &&
  a.assistanceFen === b.assistanceFen;

export function planCategoryChange(
  items: MemberItems,
  memberId: string,
  request: CategoryRequest,
  policies: PolicyLookup,
  now: string,
): CategoryPlan | Refused {
  if (request.validTo !== undefined && request.validTo < request.validFrom) {
    return refuse(400, [{ field: 'validTo', rule: 'period_order', message: 'validTo is before validFrom' }]);
  }
  const covering = items.enrolments.find((e) => contains(e, request.validFrom));
  const latest = items.enrolments.at(-1);
  const policy = (covering && policies(covering.region, covering.year)) ?? (latest && policies(latest.region, latest.year));
  if (!categoryKnown(request.code, policy)) {
    return refuse(400, [
      {
        field: 'code',
        rule: 'category_unknown',
        message: `${request.code} is neither a standard category nor one the member's region defines`,
      },
    ]);
  }

  const previous = items.categories.find((c) => c.code === request.code && c.validFrom === request.validFrom);
  if (previous && (previous.validTo ?? null) === (request.validTo ?? null)) {
    return { ok: true, outcome: 'unchanged', category: previous };
  }
  const clash = overlappingPeriod(items.categories, request);
  if (clash) {
    return refuse(
      409,
      [
        {
          field: 'validFrom',
          rule: 'category_overlap',
          message: `${request.code} is already held from ${clash.validFrom}${clash.validTo ? ` to ${clash.validTo}` : ''}`,
        },
      ],
      { existing: { code: clash.code, validFrom: clash.validFrom, validTo: clash.validTo } },
    );
  }

  const category: CategoryItem = {
    pk: memberPk(memberId),
    sk: categorySk(request.validFrom, request.code),
    kind: 'category',
    memberId,
    code: request.code,
    validFrom: request.validFrom,
    ...(request.validTo ? { validTo: request.validTo } : {}),
    ...(request.reference ? { reference: request.reference } : previous?.reference ? { reference: previous.reference } : {}),
    recordedAt: now,
  };
  const after = [...items.categories.filter((c) => c !== previous), category];

  const recomputed: { enrolment: EnrolmentItem; expectedVersion: number }[] = [];
  for (const e of items.enrolments) {
    // Only a first enrolment with nothing paid: a transferred one carries the account it was given.
    if (e.status !== 'pending-contribution' || totalOf(e.paid) !== 0 || e.transferredFrom) continue;
    const p = policies(e.region, e.year);
    if (!p) continue;
    const due = computeDue(p, {
      scheme: e.scheme,
      employeeKind: e.employeeKind,
      monthlyBaseFen: e.contributionBaseFen,
      validFrom: e.validFrom,
      categories: codesOn(after, e.validFrom),
    });
    if (sameShares(due.shares, e.due)) continue;
    const fullySubsidised = payableOf(due.shares) === 0;
    const { subsidy: _old, ...rest } = e;
    recomputed.push({
      expectedVersion: e.version,
      enrolment: {
        ...rest,
        due: due.shares,
        activationThresholdFen: due.activationThresholdFen,
        ...(due.subsidy ? { subsidy: due.subsidy } : {}),
        ...(fullySubsidised ? { status: 'active', activeFrom: e.validFrom } : {}),
        version: e.version + 1,
        updatedAt: now,
      },
    });
  }
  return {
    ok: true,
    outcome: previous ? 'period-changed' : 'added',
    category,
    previous,
    recomputed,
    region: covering?.region,
  };
}
