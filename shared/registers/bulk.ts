/**
 * Bulk files for the member registers (the insurer's 惠民保 enrolment list, a hospital's approval
 * batch, a township's contract roll), pure. Files are read by enrolment's one reader
 * (shared/enrolment/bulk.ts `readBulkText`: CSV or JSON-lines, row numbers as a clerk sees them);
 * here a row's text cells become the register's create request, checked by the same schema a single
 * request is. Each row names the member by `memberId` or, as an insurer's file does, `idNumber`.
 *
 * CSV headers (one row per entry; JSON-lines may nest certifyingDoctor and evidence as the API does):
 *   chronic-approvals:       memberId|idNumber,diseaseGroup,validFrom,validTo,certifyingProvider,doctorCode,doctorName,evidence
 *                            evidence: kind:reference separated by ';', e.g. diagnosis-certificate:ZD-2025-0012;test-report:LAB-889
 *   family-doctor-contracts: memberId|idNumber,providerCode,teamCode,reference,validFrom,validTo
 *   supplementary-plans:     memberId|idNumber,planCode,year,policyNumber[,validFrom,validTo]
 */
import * as z from 'zod';
import { convertCells, parseListCell, toInteger } from '../enrolment/bulk.ts';
import { zodProblems, type Problem } from '../enrolment/problems.ts';
import type { CreateRequest } from './entry.ts';
import { registerSpecs, type RegisterName } from './registers.ts';

/** What a register file does with its rows: create entries (the only action a file carries today). */
export const ACTIONS_SCHEMA = z.enum(['create']).default('create');

const EVIDENCE_KINDS = new Set(['diagnosis-certificate', 'medical-record', 'test-report', 'discharge-summary', 'other']);

/** "diagnosis-certificate:ZD-1;test-report:LAB-2" → evidence references (an array passes through). */
export function parseEvidenceCell(v: unknown): unknown {
  return parseListCell(v, (item) => {
    const at = item.indexOf(':');
    const kind = at > 0 ? item.slice(0, at).trim() : '';
    return EVIDENCE_KINDS.has(kind) ? { kind, reference: item.slice(at + 1).trim() } : { kind: 'other', reference: item };
  });
}

/** Who a row is about: the member id, or the ID number an insurer's file carries. */
export type MemberRef = { memberId: string } | { idNumber: string };

const memberRefSchema = z.union([z.object({ memberId: z.string().min(1).max(40) }), z.object({ idNumber: z.string().min(1).max(40) })]);

/** A row's cells → the member it names and the create request, or the problems naming column and rule. */
export function registerRow(
  register: RegisterName,
  record: Record<string, unknown>,
): { member: MemberRef; request: CreateRequest } | { problems: Problem[] } {
  const cells = convertCells(record, { year: toInteger, evidence: parseEvidenceCell });
  const { memberId, idNumber, doctorCode, doctorName, ...rest } = cells as Record<string, unknown>;
  const ref = memberRefSchema.safeParse(memberId !== undefined ? { memberId } : { idNumber });
  const problems: Problem[] = [];
  if (!ref.success) problems.push({ field: 'memberId', rule: 'required', message: 'each row names the member by memberId or idNumber' });
  if (doctorCode !== undefined || doctorName !== undefined) rest.certifyingDoctor = { code: doctorCode, name: doctorName };
  const spec = registerSpecs[register];
  const parsed = spec.request.safeParse(rest);
  if (!parsed.success) problems.push(...zodProblems(parsed.error.issues));
  if (problems.length > 0 || !ref.success || !parsed.success) return { problems };
  return { member: ref.data, request: spec.toCreate(parsed.data) };
}
