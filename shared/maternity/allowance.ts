/**
 * The maternity allowance (生育津贴), pure:
 *
 *   allowance = the employer's average monthly wage of the year before ÷ divisor (30) × days of leave
 *
 * where the average is the wages the employer declared for its employees that year over the
 * employee-months it paid (社会保险法 第五十六条: 用人单位上年度职工月平均工资), and the days are the
 * policy's base days plus its additions (难产 +15, each baby beyond the first +15, a province's
 * extension…).
 *
 * THE ROUNDING RULE (shared/money/fen.ts, applied once): the allowance is one figure derived by a
 * ratio, so it is computed exactly as wages × days / (employee-months × divisor) and rounded half
 * up to the fen once. The average monthly wage and the daily rate shown beside it are rounded for
 * display only and never multiplied: rounding the average (or the daily rate) first would round twice.
 */
import { fenToYuan, type Fen } from '../money/fen.ts';
import type { DeliveryType, MaternityPolicy } from './policy.ts';

/** The wage basis: total declared wages (fen) over the employee-months they were paid for. */
export interface WageBasis {
  /** employer: the employer's employees in the year; member: the member's own months (no employer that year). */
  source: 'employer' | 'member';
  year: number;
  employerCode?: string;
  totalWagesFen: Fen;
  employeeMonths: number;
}

export interface AllowanceInput {
  deliveryType: DeliveryType;
  babies: number;
  wages: WageBasis;
  /** The member is in service with an employer on the delivery date (the payee rule). */
  inServiceEmployerCode?: string;
}

export interface LeaveDays {
  base: number;
  additions: { id: string; name: string; days: number; times: number; rule: string }[];
  total: number;
}

export interface Allowance {
  leave: LeaveDays;
  wages: WageBasis & {
    /** Σ wages ÷ employee-months, rounded half up for display (never multiplied). */
    averageMonthlyFen: Fen;
  };
  divisor: number;
  amountFen: Fen;
  payee: { kind: 'employer'; employerCode: string } | { kind: 'member' };
  rule: string;
  text: string;
}

export class AllowanceError extends Error {
  constructor(
    readonly rule: string,
    message: string,
  ) {
    super(message);
    this.name = 'AllowanceError';
  }
}

/** Days of leave the allowance pays: base days and every addition that applies, by delivery type and babies. */
export function leaveDays(policy: MaternityPolicy, deliveryType: DeliveryType, babies: number): LeaveDays {
  if (!Number.isInteger(babies) || babies < 1) throw new AllowanceError('babies', 'a birth has at least one baby');
  const additions = policy.allowance.additions.flatMap((a, i) => {
    if (a.deliveryTypes && !a.deliveryTypes.includes(deliveryType)) return [];
    const times = a.perAdditionalBaby ? babies - 1 : 1;
    return times > 0 ? [{ id: a.id, name: a.name, days: a.days, times, rule: `allowance.additions[${i}]` }] : [];
  });
  const total = policy.allowance.baseDays + additions.reduce((s, a) => s + a.days * a.times, 0);
  return { base: policy.allowance.baseDays, additions, total };
}

/** round half up of n / d, exact for any safe integers (BigInt: wages × days may pass 2^53 for a large employer). */
function divideExact(n: bigint, d: bigint): Fen {
  const q = n / d;
  const r = n - q * d;
  return Number(r * 2n >= d ? q + 1n : q);
}

export function computeAllowance(policy: MaternityPolicy, input: AllowanceInput): Allowance {
  const { wages } = input;
  if (!Number.isSafeInteger(wages.totalWagesFen) || wages.totalWagesFen < 0)
    throw new AllowanceError('wages.totalWagesFen', 'wages are whole fen ≥ 0');
  if (!Number.isInteger(wages.employeeMonths) || wages.employeeMonths <= 0)
    throw new AllowanceError('wages.employeeMonths', `no wages were declared in ${wages.year}: the average monthly wage is unknown`);
  const leave = leaveDays(policy, input.deliveryType, input.babies);
  const divisor = policy.allowance.divisor;
  const amountFen = divideExact(BigInt(wages.totalWagesFen) * BigInt(leave.total), BigInt(wages.employeeMonths) * BigInt(divisor));
  const averageMonthlyFen = divideExact(BigInt(wages.totalWagesFen), BigInt(wages.employeeMonths));
  const payee: Allowance['payee'] =
    input.inServiceEmployerCode && policy.allowance.payee.inService === 'employer'
      ? { kind: 'employer', employerCode: input.inServiceEmployerCode }
      : { kind: 'member' };
  const whose = wages.source === 'employer' ? `employer ${wages.employerCode}` : "the member's own";
  const days = [
    `${leave.base} base`,
    ...leave.additions.map((a) => `${a.days * a.times} ${a.id}${a.times > 1 ? ` (${a.times} × ${a.days})` : ''}`),
  ];
  return {
    leave,
    wages: { ...wages, averageMonthlyFen },
    divisor,
    amountFen,
    payee,
    rule: 'allowance',
    text:
      `${whose} average monthly wage of ${wages.year}: ${fenToYuan(wages.totalWagesFen)} ÷ ${wages.employeeMonths} employee-months = ${fenToYuan(averageMonthlyFen)}; ` +
      `÷ ${divisor} × ${leave.total} days (${days.join(' + ')}) = ${fenToYuan(amountFen)} (rounded once, half up), paid to the ${payee.kind}`,
  };
}
