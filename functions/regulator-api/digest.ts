/**
 * The daily digest (每日汇总) of a region's review items: the claims whose hits scored below the claim
 * threshold, which the region's alert policy sends to the regulator as review items rather than
 * alerts. For a region whose policy keeps them for the digest (`delivery: digest`), this is where
 * they are read day by day; for one that pushes them, the same day's summary. A day is the agency's
 * (China Standard Time), as every period of the agency is.
 */
import * as z from 'zod';
import { requireRole } from '../../shared/auth/principal.ts';
import type { RouteHandler } from '../../shared/http/api.ts';
import { badRequest } from '../../shared/http/errors.ts';
import { digestOf, type DigestEntry } from '../../shared/fraud/alerting.ts';
import { regionReviewItems } from '../../shared/fraud/store/alert.ts';
import { AGENCY_TIME_ZONE } from '../../shared/time/agency-calendar.ts';

export const digestParams = z.object({
  date: z.iso.date('a date, yyyy-mm-dd'),
});

/** At most this many review items are listed one by one; the counts and sums cover the whole day. */
export const DIGEST_LISTED = 500;

/** The instants a China Standard Time day spans: [previous day 16:00Z, this day 16:00Z). */
export function agencyDayRange(date: string): { from: string; to: string } {
  const start = Date.parse(`${date}T00:00:00+08:00`);
  return { from: new Date(start).toISOString(), to: new Date(start + 86_400_000).toISOString() };
}

export const digestRoute: RouteHandler = async (request) => {
  const principal = request.principal();
  requireRole(principal, 'regulator');
  const { date } = request.params(digestParams);
  if (Number.isNaN(Date.parse(`${date}T00:00:00+08:00`))) {
    throw badRequest(`path.date: ${date} is not a calendar day`, {
      problems: [{ field: 'path.date', rule: 'invalid_date', message: 'not a calendar day' }],
    });
  }
  const { from, to } = agencyDayRange(date);
  const items = (await regionReviewItems(principal.region, from, to)) as unknown as DigestEntry[];
  const listed = items.slice(0, DIGEST_LISTED).map((e) => ({
    alertId: e.alertId,
    providerCode: e.providerCode,
    ...(e.claim ? { claimNo: e.claim.claimNo } : {}),
    score: e.score,
    status: e.status,
    digestOnly: e.digest === true,
    raisedAt: e.raisedAt,
    atStakeFen: e.amounts.atStakeFen,
    rules: e.rules.map((r) => ({ ruleId: r.ruleId, type: r.type, title: r.title })),
  }));
  return {
    statusCode: 200,
    body: {
      region: principal.region,
      date,
      timeZone: AGENCY_TIME_ZONE,
      ...digestOf(items),
      items: listed,
      ...(items.length > listed.length ? { truncated: true } : {}),
    },
  };
};
