/**
 * A generated year of settled claims in the compact form (seeded, so every run replays the same
 * year): for the benchmark and the unit tests. Members of a pooling region, a share of them poor
 * (低保, 特困…) and some in households, providers of every level, and each member's claims spread
 * over the year, outpatient mostly, inpatient stays among them. Not used by any handler.
 */
import { generatedInpatientBill, generatedOutpatientBill, seededRandom } from '../settlement/examples.ts';
import type { Bill } from '../settlement/bill.ts';
import type { MemberState, ProviderProfile } from '../settlement/member.ts';
import type { HospitalLevel } from '../settlement/policy.ts';
import { replayUnit } from './partition.ts';
import type { CompactClaim, CompactYear } from './replay.ts';

export interface GeneratedYearOptions {
  claims: number;
  region: string;
  scheme: 'employee' | 'resident';
  year: number;
  /** Average claims per member (members = claims ÷ this). */
  perMember?: number;
  /** Share of inpatient stays among the claims. */
  inpatientShare?: number;
  seed?: number;
}

const POOR = ['dibao', 'tekun', 'registered-poor', 'monitored'];
const LEVELS: HospitalLevel[] = ['primary', 'primary', 'primary', 'secondary', 'secondary', 'tertiary'];

const isoDay = (year: number, dayOfYear: number) => new Date(Date.UTC(year, 0, 1 + dayOfYear)).toISOString().slice(0, 10);

export function generatedYear(options: GeneratedYearOptions): CompactYear {
  const { claims: count, region, scheme, year } = options;
  const random = seededRandom(options.seed ?? 20_250_101);
  const perMember = options.perMember ?? 5;
  const inpatientShare = options.inpatientShare ?? 0.07;
  const memberCount = Math.max(1, Math.round(count / perMember));
  const providers: ProviderProfile[] = Array.from({ length: 300 }, (_, i) => ({
    code: `H${region}${String(i).padStart(5, '0')}`,
    level: LEVELS[i % LEVELS.length]!,
    region: `${region.slice(0, 4)}0${1 + (i % 3)}`,
  }));
  const members: MemberState[] = Array.from({ length: memberCount }, (_, i) => {
    const r = random();
    const household = i % 5 === 1 || i % 5 === 2 ? `HH${Math.floor(i / 5)}` : undefined;
    return {
      memberId: `M${String(i).padStart(8, '0')}`,
      sex: i % 2 === 0 ? 'M' : 'F',
      birthDate: `${1940 + Math.floor(random() * 80)}-0${1 + Math.floor(random() * 9)}-1${Math.floor(random() * 9)}`,
      enrolment: { region, scheme, year },
      categories: r < 0.06 ? [POOR[Math.floor(random() * POOR.length)]!] : [],
      groups: [],
      outOfAreaRegions: [],
      familyDoctorContract: random() < 0.3,
      supplementaryPlans: [],
      ...(household ? { householdId: household } : {}),
    };
  });
  // Bills are drawn from a few hundred seeded templates (their lines shared), dated across the year.
  const outpatient = Array.from({ length: 400 }, (_, i) => generatedOutpatientBill(random, `T-OP-${i}`, 5, year));
  const inpatient = Array.from({ length: 100 }, (_, i) => generatedInpatientBill(random, `T-IP-${i}`, 30, year));
  const claims: CompactClaim[] = new Array(count);
  const days = 365;
  for (let i = 0; i < count; i++) {
    const m = Math.floor(random() * memberCount);
    const member = members[m]!;
    const p = Math.floor(random() * providers.length);
    const stay = random() < inpatientShare;
    const template = stay ? inpatient[i % inpatient.length]! : outpatient[i % outpatient.length]!;
    const day = Math.floor(random() * (days - 12));
    const serviceDate = isoDay(year, day);
    const visit: Bill['visit'] = stay
      ? { ...template.visit, serviceDate, admissionDate: serviceDate, dischargeDate: isoDay(year, day + 3 + Math.floor(random() * 8)) }
      : { ...template.visit, serviceDate };
    const bill: Bill = {
      ...template,
      providerCode: providers[p]!.code,
      claimNo: `C${String(i).padStart(9, '0')}`,
      memberId: member.memberId,
      visit,
    };
    const settled = visit.dischargeDate ?? serviceDate;
    claims[i] = {
      unit: replayUnit(member),
      order: `${settled}T${String(i % 86_400).padStart(5, '0')}#${bill.providerCode}#${bill.claimNo}`,
      scheme,
      bill,
      member: m,
      provider: p,
      catalogue: -1,
      storedFundPaidFen: 0,
    };
  }
  return { claims, members, providers, catalogues: [] };
}
