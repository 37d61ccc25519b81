/**
 * The member registers (shared/registers): chronic-disease approvals, family-doctor contracts,
 * supplementary-plan enrolments, one set of routes over the one shape, the register named in the path.
 *
 * Who may do what:
 *  - staff with the permission `registers:write`: every change, in every register (staff without it: 403);
 *  - a provider: only chronic-disease approvals, only as the certifying provider itself
 *    (`certifyingProvider` = its own code), only for disease groups the agency has certified it for
 *    on the day (services/certifications.ts), and only amend or end approvals it recorded itself;
 *  - reading a member's entries: staff, providers (what a hospital checks at the counter) and a
 *    regulator of a region the member is enrolled in.
 * Answers: 201 when something changed, 200 when the same change was already made.
 */
import { requireRole, type Principal } from '../../../shared/auth/principal.ts';
import { badRequest, forbidden } from '../../../shared/http/errors.ts';
import type { ApiRequest, RouteHandler } from '../../../shared/http/api.ts';
import { readBulkText } from '../../../shared/enrolment/bulk.ts';
import { checkIdNumber } from '../../../shared/enrolment/id-number.ts';
import { idHash } from '../../../shared/enrolment/identity.ts';
import { refuse, type Refused } from '../../../shared/enrolment/problems.ts';
import { idHashSecret } from '../../../shared/enrolment/secret.ts';
import { findMemberIdByIdHash } from '../../../shared/enrolment/store/members.ts';
import { registerRow, type MemberRef } from '../../../shared/registers/bulk.ts';
import { holdsOn, type Actor, type EntryItem, type HistoryItem, type RegisterPlan } from '../../../shared/registers/entry.ts';
import { registerSpecs, type RegisterName } from '../../../shared/registers/registers.ts';
import { requireRegionVisible } from '../access.ts';
import {
  amendBody,
  bulkRegisterParams,
  endBody,
  entryParams,
  listRegisterQuery,
  MAX_REGISTER_ROWS,
  registerBulkBody,
  registerParams,
} from '../register-schemas.ts';
import * as z from 'zod';
import {
  certificationHistory,
  certificationRequestSchema,
  certifiedFor,
  certify,
  type CertificationItem,
} from '../services/certifications.ts';
import { clockNow, isRefusal, memberNotFound, toHttpError, type OperationContext } from '../services/common.ts';
import { changeRegister, readRegister, type RegisterOperation } from '../services/registers.ts';

const actorOf = (p: Principal): Actor =>
  p.role === 'provider' ? { role: 'provider', sub: p.sub, providerCode: p.providerCode } : { role: 'staff', sub: p.sub };

/** Staff need `registers:write`; a provider may write only a register that allows it (approvals). */
function requireWriter(principal: Principal, register: RegisterName): void {
  if (principal.role === 'provider' && registerSpecs[register].providersMayWrite) return;
  requireRole(principal, 'staff');
}

/**
 * A certifying provider's rights, checked on the entry as the change would leave it: it certifies
 * only for itself, only groups it is certified for on the day, and changes only what it recorded.
 */
function providerCheck(principal: Principal, today: string) {
  return async (plan: RegisterPlan): Promise<void> => {
    if (principal.role !== 'provider') return;
    const own = principal.providerCode;
    const payload = plan.entry.payload as { certifyingProvider?: string; diseaseGroup?: string };
    if (payload.certifyingProvider !== own)
      throw forbidden(`A provider certifies only as itself (${own})`, { field: 'body.certifyingProvider', rule: 'own_provider' });
    if (plan.entry.createdBy.providerCode !== own)
      throw forbidden('A provider changes only approvals it recorded itself', { field: 'path.entryId', rule: 'not_recorded_by_caller' });
    const groups = await certifiedFor(own, plan.entry.region, today);
    if (!groups.includes(String(payload.diseaseGroup))) {
      throw forbidden(
        `Provider ${own} is not certified by the agency to approve ${payload.diseaseGroup} in ${plan.entry.region} on ${today}`,
        {
          field: 'body.diseaseGroup',
          rule: 'not_certified',
        },
      );
    }
  };
}

function contextOf(request: ApiRequest, dryRun = false): OperationContext {
  return { clock: clockNow(), correlationId: request.correlationId, logger: request.logger, dryRun };
}

const actorView = (a: Actor) => ({ role: a.role, sub: a.sub, ...(a.providerCode ? { providerCode: a.providerCode } : {}) });

export function registerEntryView(entry: EntryItem, history?: readonly HistoryItem[]) {
  return {
    register: entry.register as RegisterName,
    entryId: entry.entryId,
    memberId: entry.memberId,
    region: entry.region,
    validFrom: entry.validFrom,
    validTo: entry.validTo,
    status: entry.status,
    version: entry.version,
    payload: entry.payload,
    created: { at: entry.createdAt, by: actorView(entry.createdBy) },
    updated: { at: entry.updatedAt, by: actorView(entry.updatedBy) },
    ...(history
      ? {
          history: history.map((h) => ({
            version: h.version,
            change: h.change,
            at: h.at,
            by: actorView(h.by),
            ...(h.reason ? { reason: h.reason } : {}),
            after: h.after,
          })),
        }
      : {}),
  };
}

/** Runs one change, turning a refusal into the uniform error; 201 for a change, 200 for a repeat. */
async function change(request: ApiRequest, memberId: string, register: RegisterName, operation: RegisterOperation) {
  const principal = request.principal();
  requireWriter(principal, register);
  const ctx = contextOf(request);
  const result = await changeRegister(memberId, register, operation, actorOf(principal), ctx, providerCheck(principal, ctx.clock.today));
  if (isRefusal(result)) throw toHttpError(result);
  return {
    statusCode: result.outcome === 'unchanged' ? 200 : 201,
    body: { outcome: result.outcome, entry: registerEntryView(result.entry) },
  };
}

export const recordEntryRoute: RouteHandler = async (request) => {
  requireRole(request.principal(), 'staff', 'provider');
  const { memberId, register } = request.params(registerParams);
  const spec = registerSpecs[register];
  const body = request.body(spec.request);
  return change(request, memberId, register, { op: 'create', request: spec.toCreate(body) });
};

export const amendEntryRoute: RouteHandler = async (request) => {
  requireRole(request.principal(), 'staff', 'provider');
  const { memberId, register, entryId } = request.params(entryParams);
  return change(request, memberId, register, { op: 'amend', entryId, request: request.body(amendBody) });
};

export const endEntryRoute: RouteHandler = async (request) => {
  requireRole(request.principal(), 'staff', 'provider');
  const { memberId, register, entryId } = request.params(entryParams);
  return change(request, memberId, register, { op: 'end', entryId, request: request.body(endBody) });
};

export const listEntriesRoute: RouteHandler = async (request) => {
  const principal = request.principal();
  requireRole(principal, 'staff', 'provider', 'regulator');
  const { memberId, register } = request.params(registerParams);
  const { date } = request.query(listRegisterQuery);
  const found = await readRegister(memberId, register);
  if (isRefusal(found)) throw toHttpError(found);
  requireRegionVisible(principal, found.enrolmentRegions, () => toHttpError(memberNotFound(memberId)));
  const entries = found.entries.filter(({ entry }) => !date || holdsOn(entry, date));
  return {
    statusCode: 200,
    body: { memberId, register, entries: entries.map(({ entry, history }) => registerEntryView(entry, history)) },
  };
};

type BulkRowReport =
  | { rowNumber: number; outcome: string; memberId: string; entryId: string }
  | { rowNumber: number; outcome: 'rejected'; problems: { field: string; rule: string; message: string }[] };

/** The member a row names: by id as given, or found by the keyed hash of its ID number. */
async function memberOf(ref: MemberRef, today: string): Promise<string | Refused> {
  if ('memberId' in ref) return ref.memberId;
  const id = checkIdNumber(ref.idNumber, today);
  if (!id.ok) return refuse(400, [{ field: 'idNumber', rule: id.rule, message: id.message }]);
  const memberId = await findMemberIdByIdHash(idHash(id.value.idNumber, idHashSecret()));
  return memberId ?? refuse(404, [{ field: 'idNumber', rule: 'not_enrolled', message: 'no member has this ID number' }]);
}

/** Rows worked on at once: enough to overlap round trips, few enough to leave the table to others. */
const ROW_CONCURRENCY = 8;

/**
 * POST /v1/registers/{register}/bulk: staff with `registers:write` send a CSV or JSON-lines file
 * (the insurer's 惠民保 list…); each row goes through the same checks and the same one-transaction
 * write as a single request; the report names every rejected row with field and rule; a row
 * already recorded is `unchanged`, so re-importing a file changes nothing.
 */
export const importRegisterRoute: RouteHandler = async (request) => {
  const principal = request.principal();
  requireRole(principal, 'staff');
  const { register } = request.params(bulkRegisterParams);
  const body = request.body(registerBulkBody);
  const read = readBulkText(body.content, body.format);
  if (read.rows.length + read.unreadable.length > MAX_REGISTER_ROWS) {
    const message = `at most ${MAX_REGISTER_ROWS} rows per request; send a larger file in chunks`;
    throw badRequest(`body.content: ${message}`, { problems: [{ field: 'body.content', rule: 'too_many_rows', message }] });
  }
  const ctx = contextOf(request, body.dryRun);
  const by = actorOf(principal);
  const reports: BulkRowReport[] = read.unreadable.map((u) => ({
    rowNumber: u.rowNumber,
    outcome: 'rejected' as const,
    problems: u.problems,
  }));
  const rejectedRow = (rowNumber: number, r: Refused): BulkRowReport => ({ rowNumber, outcome: 'rejected', problems: r.problems });
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < read.rows.length; i = next++) {
      const row = read.rows[i]!;
      const parsed = registerRow(register, row.record);
      if ('problems' in parsed) {
        reports.push({ rowNumber: row.rowNumber, outcome: 'rejected', problems: parsed.problems });
        continue;
      }
      const memberId = await memberOf(parsed.member, ctx.clock.today);
      if (typeof memberId !== 'string') {
        reports.push(rejectedRow(row.rowNumber, memberId));
        continue;
      }
      const result = await changeRegister(memberId, register, { op: 'create', request: parsed.request }, by, ctx);
      if (isRefusal(result)) reports.push(rejectedRow(row.rowNumber, result));
      else
        reports.push({
          rowNumber: row.rowNumber,
          outcome: body.dryRun && result.outcome !== 'unchanged' ? 'valid' : result.outcome,
          memberId,
          entryId: result.entry.entryId,
        });
    }
  };
  await Promise.all(Array.from({ length: Math.min(ROW_CONCURRENCY, read.rows.length) }, worker));
  reports.sort((a, b) => a.rowNumber - b.rowNumber);
  const count = (o: string) => reports.filter((r) => r.outcome === o).length;
  const report = {
    register,
    action: body.action,
    dryRun: body.dryRun,
    received: read.rows.length + read.unreadable.length,
    written: body.dryRun ? 0 : count('created'),
    unchanged: count('unchanged'),
    rejected: count('rejected'),
    rows: reports,
  };
  request.logger.info('Register bulk', { register, received: report.received, written: report.written, rejected: report.rejected });
  return { statusCode: 200, body: report };
};

const providerParams = z.object({
  providerCode: z.string().regex(/^[A-Z0-9]{4,20}$/, 'a provider code is 4-20 upper-case letters or digits'),
});

const certificationView = (c: CertificationItem) => ({
  providerCode: c.providerCode,
  region: c.region,
  version: c.version,
  diseaseGroups: c.diseaseGroups,
  validFrom: c.validFrom,
  validTo: c.validTo,
  reason: c.reason,
  at: c.at,
  by: actorView(c.by),
});

/** PUT: staff with `registers:write` certify a provider for disease groups in a region (a new version). */
export const certifyProviderRoute: RouteHandler = async (request) => {
  const principal = request.principal();
  requireRole(principal, 'staff');
  const { providerCode } = request.params(providerParams);
  const body = request.body(certificationRequestSchema);
  const clock = clockNow();
  const result = await certify(providerCode, body, actorOf(principal), clock.now, request.correlationId, { logger: request.logger });
  if (isRefusal(result)) throw toHttpError(result);
  return {
    statusCode: result.outcome === 'certified' ? 201 : 200,
    body: { outcome: result.outcome, certification: certificationView(result.certification) },
  };
};

/** GET: a provider's certifications, newest version first per region (staff, or the provider itself). */
export const getCertificationRoute: RouteHandler = async (request) => {
  const principal = request.principal();
  requireRole(principal, 'staff', 'provider');
  const { providerCode } = request.params(providerParams);
  if (principal.role === 'provider' && principal.providerCode !== providerCode)
    throw forbidden(`A provider reads only its own certification`, { field: 'path.providerCode' });
  const history = await certificationHistory(providerCode);
  return { statusCode: 200, body: { providerCode, versions: history.map(certificationView) } };
};
