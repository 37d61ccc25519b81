/**
 * A maternity bill settled as a statement like any other (shared/settlement's `Statement`), pure:
 *
 * - delivery (住院分娩, visit type `delivery`): paid per case (按病种), the policy's standard for the
 *   member's scheme, the delivery type (vaginal, caesarean, complicated) and the provider's level;
 * - antenatal care (产前检查, visit type `antenatal`): paid per capita (按人头), one standard per
 *   pregnancy, by scheme and the level of the provider that holds the pregnancy's record.
 *
 * The lines are scoped exactly as any bill is (shared/settlement/scope.ts, by the catalogue in force
 * and the member's benefit policy): out-of-catalogue items, the part over a price limit and 乙类先行自付
 * stay the patient's. Of the policy-covered cost the fund pays the standard, or the cost where it is
 * lower (就低); covered cost above the standard is the provider's (按病种/按人头: the provider bears the
 * overrun), as a bed-day standard's is. So the statement's identities hold as for every claim:
 * billed = out-of-scope + covered, billed = fund + institution + patient, per line and in total.
 *
 * Eligibility is decided before (eligibility.ts): the caller passes the decision, and a member who is
 * not eligible never reaches here. One case per pregnancy and service is the store's to guard.
 */
import type { Fen } from '../money/fen.ts';
import { settlementDate } from '../settlement/bill.ts';
import { LineCells } from '../settlement/cells.ts';
import { lineCatalogueDate, ROUNDING_RULE, type SettlementInput } from '../settlement/engine.ts';
import { ageOn, regionCovers } from '../settlement/member.ts';
import { scopeLine, type LineCatalogue } from '../settlement/scope.ts';
import {
  layerKeys,
  SettlementRefusal,
  type LayerKey,
  type Statement,
  type StatementLine,
  type StatementStep,
} from '../settlement/statement.ts';
import { yuan } from '../settlement/work.ts';
import { policyRef, type Eligibility } from './eligibility.ts';
import type { DeliveryType, MaternityPolicy, MaternityService } from './policy.ts';

export interface MaternitySettlementInput extends SettlementInput {
  maternity: MaternityPolicy;
  /** The eligibility decision for the delivery (or the pregnancy's expected delivery, for antenatal care). */
  eligibility: Eligibility;
  /** The pregnancy (生育登记) the bill is for. */
  pregnancy: { pregnancyId: string; expectedDeliveryDate: string };
}

/** What a maternity statement adds to the common shape. */
export interface StatementMaternity {
  service: MaternityService;
  pregnancyId: string;
  deliveryType?: DeliveryType;
  babies?: number;
  /** The standard per case (delivery) or per pregnancy (antenatal). */
  standardFen: Fen;
  /** The rule of the standard: delivery.standards.employee.caesarean.tertiary. */
  rule: string;
  policy: string;
  eligibility: { rule: string; text: string };
}

const sum = (values: readonly Fen[]) => values.reduce((a, b) => a + b, 0);

/** The standard that pays this bill, and its rule; a scheme without one is refused. */
export function maternityStandard(
  policy: MaternityPolicy,
  service: MaternityService,
  scheme: 'employee' | 'resident',
  level: 'primary' | 'secondary' | 'tertiary',
  deliveryType?: DeliveryType,
): { standardFen: Fen; rule: string } {
  if (service === 'delivery') {
    const table = policy.delivery.standards[scheme];
    if (!table) throw new SettlementRefusal('visit.type', 'not_covered', `${policyRef(policy)} pays no delivery for the ${scheme} scheme`);
    const type = deliveryType!;
    return { standardFen: table[type][level], rule: `delivery.standards.${scheme}.${type}.${level}` };
  }
  const table = policy.antenatal.perPregnancy[scheme];
  if (!table)
    throw new SettlementRefusal('visit.type', 'not_covered', `${policyRef(policy)} pays no antenatal care for the ${scheme} scheme`);
  return { standardFen: table[level], rule: `antenatal.perPregnancy.${scheme}.${level}` };
}

export function settleMaternity(input: MaternitySettlementInput): Statement {
  const { bill, member, provider, policy: benefits, maternity } = input;
  const type = bill.visit.type;
  if (type !== 'delivery' && type !== 'antenatal') throw new Error(`settleMaternity takes a delivery or antenatal bill, not ${type}`);
  const service: MaternityService = type;
  const scheme = member.enrolment.scheme;
  if (!input.eligibility.eligible) throw new SettlementRefusal('memberId', input.eligibility.rule, input.eligibility.text);
  const deliveryType = bill.maternity?.deliveryType;
  const { standardFen, rule } = maternityStandard(maternity, service, scheme, provider.level, deliveryType);
  const basis = service === 'delivery' ? maternity.delivery.basis : maternity.antenatal.basis;
  const ref = policyRef(maternity);

  // Scope, exactly as for any bill: the catalogue in force where the care is given, else the benefit policy's items.
  const ageYears = ageOn(member.birthDate, bill.visit.serviceDate).years;
  const scopeFacts = {
    diagnoses: [bill.diagnoses.principal, ...bill.diagnoses.secondary],
    level: provider.level,
    sex: member.sex,
    ageYears,
    visitType: type,
  };
  const catalogueOn = (date: string): LineCatalogue | undefined => {
    const view = input.catalogue?.byDate[date];
    return view ? { view, facts: scopeFacts } : undefined;
  };
  const scoped = bill.lines.map((line, i) =>
    scopeLine(line, benefits, undefined, input.itemFundRatios, catalogueOn(lineCatalogueDate(bill, line)), i),
  );
  const n = bill.lines.length;
  const cells = new LineCells(n, {
    covered: scoped.map((s) => s.covered),
    firstSelfPay: scoped.map((s) => s.firstSelfPay),
    overLimit: scoped.map((s) => s.overLimit),
    outOfCatalogue: scoped.map((s) => s.outOfCatalogue),
  });
  const billed = sum(bill.lines.map((l) => l.amountFen));
  const covered = cells.total(['covered']);
  // 就低: the standard, or the covered cost where it is lower; the covered cost above the standard is the provider's.
  const fund = Math.min(covered, standardFen);
  const institution = covered - fund;
  const institutionPerLine = cells.take(institution, ['covered']);
  const fundPerLine = cells.take(fund, ['covered']);
  const owed = cells.owedPerLine();

  const what =
    service === 'delivery' ? `delivery (${deliveryType}, ${bill.maternity?.babies ?? 1} baby)` : 'antenatal care for the pregnancy';
  const steps: StatementStep[] = [
    {
      layer: 'scope',
      figure: 'policy-covered amount',
      amountFen: covered,
      rule: 'items',
      text: `billed ${yuan(billed)} = 目录外 ${yuan(cells.total(['outOfCatalogue']))} + 超限价 ${yuan(cells.total(['overLimit']))} + 先行自付 ${yuan(cells.total(['firstSelfPay']))} + covered ${yuan(covered)}`,
    },
    {
      layer: 'maternity',
      figure: 'eligibility',
      rule: input.eligibility.rule,
      text: `${ref}: ${input.eligibility.text}`,
    },
    {
      layer: 'maternity',
      figure: service === 'delivery' ? 'standard per case' : 'standard per pregnancy',
      amountFen: standardFen,
      rule,
      basis,
      text:
        `${what} at a ${provider.level} provider, ${scheme} scheme: standard ${yuan(standardFen)}; covered ${yuan(covered)}; ` +
        `the fund pays the lower, ${yuan(fund)}` +
        (institution > 0 ? `; ${yuan(institution)} above the standard is the provider's` : ''),
    },
  ];
  const zero = () => Object.fromEntries(layerKeys.map((k) => [k, 0])) as Record<LayerKey, Fen>;
  const lines: StatementLine[] = bill.lines.map((line, i) => {
    const paidFen = { ...zero(), basic: fundPerLine[i]! };
    const s = scoped[i]!;
    return {
      lineNo: line.lineNo,
      itemCode: line.itemCode,
      itemClass: s.itemClass,
      category: line.category,
      amountFen: line.amountFen,
      outOfCatalogueFen: s.outOfCatalogue,
      overLimitFen: s.overLimit,
      firstSelfPayFen: s.firstSelfPay,
      coveredFen: s.covered,
      deductibleFen: 0,
      paidFen,
      institutionFen: institutionPerLine[i]!,
      patientFen: owed[i]!,
      notes: s.notes,
      rules: {
        ...s.rules,
        ...(paidFen.basic > 0 ? { basic: rule } : {}),
        ...(institutionPerLine[i]! > 0 ? { institution: rule } : {}),
      },
      ...(s.catalogue ? { catalogue: s.catalogue } : {}),
    };
  });
  const byLayer = { ...zero(), basic: fund };
  const patientPaid = sum(owed);
  const before = input.yearToDate;
  const deltas: Record<string, number> = {
    claims: 1,
    billed,
    fundPaid: fund,
    patientPaid,
    [`maternity.${service}.cases`]: 1,
    [`maternity.${service}.paid`]: fund,
  };
  const after = Object.fromEntries(
    [...new Set([...Object.keys(before), ...Object.keys(deltas)])].map((k) => [k, (before[k] ?? 0) + (deltas[k] ?? 0)]),
  );
  const catalogueVersions = [
    ...new Map(scoped.flatMap((s) => (s.catalogue ? [[`${s.catalogue.region}/${s.catalogue.version}`, s.catalogue]] : []))).values(),
  ];
  const source = (id: string | undefined) => maternity.sources.find((s) => s.id === id);
  return {
    claim: { providerCode: bill.providerCode, claimNo: bill.claimNo },
    memberId: member.memberId,
    policy: {
      id: `maternity-${maternity.region}-${maternity.year}`,
      region: maternity.region,
      scheme,
      year: maternity.year,
      version: maternity.version,
      effectiveFrom: maternity.effectiveFrom,
      sources: maternity.sources.map((s) => s.documentNo ?? s.title),
    },
    visit: {
      type,
      settlementDate: settlementDate(bill),
      level: provider.level,
      inRegion: regionCovers(member.enrolment.region, provider.region),
      outOfAreaRegistered: member.outOfAreaRegions.some((r) => regionCovers(r, provider.region)),
      familyDoctor: member.familyDoctorContract,
      ageYears,
      categories: [...member.categories],
      notes: [`scope by ${benefits.id} v${benefits.version}; paid by ${ref}`],
    },
    ...(catalogueVersions.length ? { catalogue: catalogueVersions } : {}),
    lines,
    totals: {
      billedFen: billed,
      outOfCatalogueFen: sum(scoped.map((s) => s.outOfCatalogue)),
      overLimitFen: sum(scoped.map((s) => s.overLimit)),
      firstSelfPayFen: sum(scoped.map((s) => s.firstSelfPay)),
      coveredFen: covered,
      deductibleFen: 0,
      byLayer,
      fundPaidFen: fund,
      institutionFen: institution,
      patientPaidFen: patientPaid,
    },
    // A statement names the paper as policy.sources does (文号, or the title).
    steps: steps.map((step) => {
      const s = step.basis?.source ? source(step.basis.source) : undefined;
      return s ? { ...step, basis: { ...step.basis!, source: s.documentNo ?? s.title } } : step;
    }),
    yearToDate: { year: Number(settlementDate(bill).slice(0, 4)), before: { ...before }, deltas, after },
    roundingRule: ROUNDING_RULE,
    maternity: {
      service,
      pregnancyId: input.pregnancy.pregnancyId,
      ...(service === 'delivery' ? { deliveryType, babies: bill.maternity?.babies ?? 1 } : {}),
      standardFen,
      rule,
      policy: ref,
      eligibility: { rule: input.eligibility.rule, text: input.eligibility.text },
    },
  };
}
