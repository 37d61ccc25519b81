/**
 * The settlement engine (一站式结算): bill + member state + the year so far + policy → statement.
 * Pure: no I/O, no clock. The layers run in the order the papers settle them, each on what the
 * patient still owes after the one before:
 *   1 scope (目录外, 超限价, 乙类先行自付) → 2 basic (or a per-bed-day standard) → 3 catastrophic
 *   (大病保险; employees' 大额医疗费用补助) → 3b subsidies (公务员医疗补助) → 4 assistance (and its
 *   tilted round) → 5 supplementary cover → family self-pay cap.
 *
 * THE ROUNDING RULE (the project's one rule, shared/money/fen.ts, applied here like this):
 *   - a figure derived by a ratio is rounded half up to the fen, once, where it is computed:
 *     a line's first self-pay, a layer's payment on each band portion, a deductible factor, the
 *     fund's share of a bed-day standard. Nothing is rounded twice and no float touches money;
 *   - a total is then shared over the lines by `allocate` (largest remainder), so the lines of a
 *     statement add up to its totals exactly;
 *   - the patient's share is never computed by a ratio: it is what is left of the bill after the
 *     layers and the institution, so any remainder fen is the patient's and the parts add up to
 *     the bill exactly.
 */
import type { Fen } from '../money/fen.ts';
import type { CatalogueView, VersionRef } from '../catalogue/version.ts';
import { settlementDate, type Bill } from './bill.ts';
import { LineCells } from './cells.ts';
import type { ClaimFacts } from './conditions.ts';
import { ageOn, regionCovers, type MemberState, type ProviderProfile } from './member.ts';
import type { BenefitPolicy, LineCategory } from './policy.ts';
import { scopeLine, type ItemFundRatios, type LineCatalogue, type ScopedLine } from './scope.ts';
import { layerKeys, SettlementRefusal, type LayerKey, type LineRules, type Statement, type StatementLine } from './statement.ts';
import { YearToDate } from './year-to-date.ts';
import { settleBasic, settleBedDay } from './layers/basic.ts';
import { settleCatastrophic } from './layers/catastrophic.ts';
import { settleSubsidies } from './layers/subsidy.ts';
import { settleAssistance } from './layers/assistance.ts';
import { settleFamilyCap, settleSupplementary } from './layers/top-up.ts';
import { yuan, type Work } from './work.ts';

export const ROUNDING_RULE =
  "Each figure derived by a ratio is rounded half up to the fen once, where it is computed; totals are shared over lines by largest remainder; the patient's share is the remainder, so every part adds up to the bill exactly.";

export interface SettlementInput {
  bill: Bill;
  member: MemberState;
  provider: ProviderProfile;
  /** The member's counters for the settlement year (empty for a first claim). */
  yearToDate: Readonly<Record<string, number>>;
  /**
   * The counters of the member's household (`member.householdId`) for the settlement year: the
   * policy's per-household counters (the family self-pay cap) are taken from and added to these.
   * Absent when the member belongs to no household (a household of one: the member's own counters).
   */
  householdYearToDate?: Readonly<Record<string, number>>;
  policy: BenefitPolicy;
  /**
   * Per-item fund ratios (12.5a) by item code, from the catalogue register: basic pays such a line
   * at its own ratio, outside the claim's deductible and coinsurance. They win over the policy
   * document's `items.catalogue[].fundRatio` and `items.special[].fundRatio`.
   */
  itemFundRatios?: ItemFundRatios;
  /**
   * The catalogue (医保目录) in force where the care is given (the provider's region), by date (each line's service date, else
   * the visit's): for each date on which one is in force, the versions read and the entries of the
   * bill's codes (the handler loads them: shared/catalogue/store). A date absent here has no
   * catalogue in force, and its lines settle as before catalogues existed.
   */
  catalogue?: { byDate: Readonly<Record<string, CatalogueView>> };
}

/** The date a line's catalogue is read on: its own service date, else the visit's. */
export const lineCatalogueDate = (bill: Pick<Bill, 'visit'>, line: Pick<Bill['lines'][number], 'serviceDate'>): string =>
  line.serviceDate ?? bill.visit.serviceDate;

/** Checks the visit against what the policy covers; returns the line categories it limits cover to. */
function coverOf(bill: Bill, member: MemberState, policy: BenefitPolicy): readonly LineCategory[] | undefined {
  const type = bill.visit.type;
  // Delivery and antenatal claims are paid by the maternity policy (shared/maternity/settle.ts), never by a benefit policy's visits.
  const cover = type === 'delivery' || type === 'antenatal' ? undefined : policy.visits[type];
  if (!cover)
    throw new SettlementRefusal(
      'visit.type',
      'not_covered',
      `the ${policy.regionName} ${policy.year} policy (${policy.id} v${policy.version}) covers no ${type} visits`,
    );
  if (type === 'chronic-outpatient' || type === 'two-diseases-outpatient') {
    const diseases = policy.visits[type]!.diseases;
    const disease = diseases.find((d) => d.code === bill.visit.disease);
    if (!disease)
      throw new SettlementRefusal(
        'visit.disease',
        'not_covered',
        `${bill.visit.disease} is not a ${type} disease of this policy: ${diseases.map((d) => d.code).join(', ')}`,
      );
    const approval = type === 'chronic-outpatient' && policy.visits['chronic-outpatient']!.requireApproval;
    if (approval && member.approvedDiseases !== undefined && !member.approvedDiseases.includes(disease.code)) {
      throw new SettlementRefusal(
        'visit.disease',
        'not_approved',
        `the member is not approved (未审批) for the chronic disease ${disease.code}`,
      );
    }
  }
  if (type === 'bed-day') {
    const programmes = policy.visits['bed-day']!.programmes;
    if (!programmes.some((p) => p.id === bill.visit.bedDay?.programme)) {
      throw new SettlementRefusal(
        'visit.bedDay.programme',
        'not_covered',
        `no bed-day programme ${bill.visit.bedDay?.programme}: ${programmes.map((p) => p.id).join(', ')}`,
      );
    }
  }
  return cover.onlyCategories;
}

function factsOf(bill: Bill, member: MemberState, provider: ProviderProfile): ClaimFacts {
  return {
    visitType: bill.visit.type,
    level: provider.level,
    inRegion: regionCovers(member.enrolment.region, provider.region),
    outOfAreaRegistered: member.outOfAreaRegions.some((r) => regionCovers(r, provider.region)),
    familyDoctor: member.familyDoctorContract,
    ageYears: ageOn(member.birthDate, bill.visit.serviceDate).years,
    groups: member.groups,
    categories: member.categories,
    disease: bill.visit.disease,
    programme: bill.visit.bedDay?.programme,
    emergency: bill.visit.emergency ?? false,
  };
}

/** What each layer paid on line i (a fixed shape: this runs for every line of every claim). */
function paidOnLine(paid: Record<LayerKey, Fen[]>, i: number): Record<LayerKey, Fen> {
  return {
    basic: paid.basic[i]!,
    catastrophic: paid.catastrophic[i]!,
    subsidy: paid.subsidy[i]!,
    assistance: paid.assistance[i]!,
    assistanceTilted: paid.assistanceTilted[i]!,
    supplementary: paid.supplementary[i]!,
    familyCap: paid.familyCap[i]!,
  };
}

/** The rules behind one line's non-zero figures (a fixed shape: this runs for every line of every claim). */
function lineRules(
  joined: Readonly<Record<string, string>>,
  paid: Readonly<Record<LayerKey, Fen>>,
  deductible: Fen,
  institution: Fen,
  scope: ScopedLine['rules'],
  own: Partial<Record<LayerKey, string>> | undefined,
): LineRules {
  const when = (amount: Fen, figure: string) => (amount > 0 ? joined[figure] : undefined);
  const rules: LineRules = {
    outOfCatalogue: scope.outOfCatalogue,
    overLimit: scope.overLimit,
    firstSelfPay: scope.firstSelfPay,
    deductible: when(deductible, 'deductible'),
    institution: when(institution, 'institution'),
    basic: when(paid.basic, 'basic'),
    catastrophic: when(paid.catastrophic, 'catastrophic'),
    subsidy: when(paid.subsidy, 'subsidy'),
    assistance: when(paid.assistance, 'assistance'),
    assistanceTilted: when(paid.assistanceTilted, 'assistanceTilted'),
    supplementary: when(paid.supplementary, 'supplementary'),
    familyCap: when(paid.familyCap, 'familyCap'),
  };
  return own ? { ...rules, ...own } : rules;
}

/** The household's counters this claim moved, when it moved any. */
function householdSummary(work: Work): { household?: NonNullable<Statement['yearToDate']['household']> } {
  if (!work.household) return {};
  const summary = work.household.ytd.summary();
  return Object.keys(summary.deltas).length > 0 ? { household: { householdId: work.household.householdId, ...summary } } : {};
}

/** What the approvals register makes of the visit the bill declares. */
interface ChronicDecision {
  bill: Bill;
  declared?: { type: Bill['visit']['type']; disease?: string };
  approval?: { entryId: string; diseaseGroup: string; validTo: string };
  notes: string[];
}

/** Whether a diagnosis is one of a disease's ICD-10 prefixes ('I10' covers 'I10.x00'); a disease listing none covers what it is declared for. */
const icdCovers = (prefixes: readonly string[], diagnosis: string): boolean => {
  const code = diagnosis.toUpperCase().replace('.', '');
  return prefixes.length === 0 || prefixes.some((p) => code.startsWith(p.toUpperCase().replace('.', '')));
};

/**
 * The chronic-outpatient cover (门诊慢特病) by the approvals register: a chronic-outpatient bill is
 * settled under an approval holding on the date whose disease group covers the bill's principal
 * diagnosis: the declared group when it does, else another approved group that does (tuberculosis's
 * 70% is never paid on a hypertension diagnosis); with none, as an ordinary outpatient visit, with a
 * note. Only where the policy requires approval and the register speaks (`member.chronicApprovals`).
 */
export function chronicCover(bill: Bill, member: MemberState, policy: BenefitPolicy): ChronicDecision {
  const cover = policy.visits['chronic-outpatient'];
  if (bill.visit.type !== 'chronic-outpatient' || !cover?.requireApproval || member.chronicApprovals === undefined)
    return { bill, notes: [] };
  const principal = bill.diagnoses.principal;
  const declared = { type: bill.visit.type, ...(bill.visit.disease ? { disease: bill.visit.disease } : {}) };
  const covering = member.chronicApprovals.filter((a) => {
    const disease = cover.diseases.find((d) => d.code === a.disease);
    return disease !== undefined && icdCovers(disease.icd10, principal);
  });
  const chosen = covering.find((a) => a.disease === bill.visit.disease) ?? covering[0];
  if (chosen) {
    const approval = { entryId: chosen.entryId, diseaseGroup: chosen.disease, validTo: chosen.validTo };
    if (chosen.disease === bill.visit.disease) return { bill, approval, notes: [] };
    return {
      bill: { ...bill, visit: { ...bill.visit, disease: chosen.disease } },
      declared,
      approval,
      notes: [
        `declared ${bill.visit.disease}, which no approval of the member covers for diagnosis ${principal}: settled under the approved group ${chosen.disease} (approval ${chosen.entryId})`,
      ],
    };
  }
  if (!policy.visits.outpatient) {
    throw new SettlementRefusal(
      'visit.disease',
      'not_approved',
      `the member holds no chronic-disease approval (门诊慢特病认定) covering diagnosis ${principal} on ${bill.visit.serviceDate}, and the policy covers no ordinary outpatient visits`,
    );
  }
  const { disease: _disease, ...visit } = bill.visit;
  const held = member.chronicApprovals.map((a) => a.disease);
  return {
    bill: { ...bill, visit: { ...visit, type: 'outpatient' } },
    declared,
    notes: [
      `no chronic-disease approval (门诊慢特病认定) of the member covers diagnosis ${principal} on ${bill.visit.serviceDate}` +
        (held.length ? ` (approved: ${held.join(', ')})` : '') +
        ': settled as an ordinary outpatient visit (普通门诊)',
    ],
  };
}

export function settle(input: SettlementInput): Statement {
  const { member, provider, policy } = input;
  const chronic = chronicCover(input.bill, member, policy);
  const bill = chronic.bill;
  const onlyCategories = coverOf(bill, member, policy);
  const facts = factsOf(bill, member, provider);
  const n = bill.lines.length;

  // 1. Scope: what is the patient's before any layer (the catalogue's entry where one is in force).
  const scopeFacts = {
    diagnoses: [bill.diagnoses.principal, ...bill.diagnoses.secondary],
    level: facts.level,
    sex: member.sex,
    ageYears: facts.ageYears,
    visitType: bill.visit.type,
  };
  const catalogueOn = (date: string): LineCatalogue | undefined => {
    const view = input.catalogue?.byDate[date];
    return view ? { view, facts: scopeFacts } : undefined;
  };
  const scoped = bill.lines.map((line, i) =>
    scopeLine(line, policy, onlyCategories, input.itemFundRatios, catalogueOn(lineCatalogueDate(bill, line)), i),
  );
  const cells = new LineCells(n, {
    covered: scoped.map((s) => s.covered),
    firstSelfPay: scoped.map((s) => s.firstSelfPay),
    overLimit: scoped.map((s) => s.overLimit),
    outOfCatalogue: scoped.map((s) => s.outOfCatalogue),
  });
  const zeros = () => new Array<Fen>(n).fill(0);
  const work: Work = {
    bill,
    member,
    policy,
    facts,
    cells,
    ytd: new YearToDate(input.yearToDate),
    ...(member.householdId ? { household: { householdId: member.householdId, ytd: new YearToDate(input.householdYearToDate ?? {}) } } : {}),
    steps: [],
    paid: Object.fromEntries(layerKeys.map((k) => [k, zeros()])) as Record<LayerKey, Fen[]>,
    deductible: zeros(),
    institution: zeros(),
    rules: {},
    fundRatios: scoped.map((s) => s.fundRatio?.ratio),
    scopedRules: scoped.map((s) => s.fundRatio?.rule),
    lineRules: new Array(n).fill(undefined),
    // Until basic measures them (a bed-day stay keeps these): all covered cost inside the caps.
    axes: {
      covered: cells.total(['covered']),
      burdenWithinCap: cells.total(['covered']),
      aboveCap: 0,
      firstSelfPay: cells.total(['firstSelfPay']),
    },
  };
  const sum = (values: readonly Fen[]) => values.reduce((a, b) => a + b, 0);
  const billed = sum(bill.lines.map((l) => l.amountFen));
  work.steps.push({
    layer: 'scope',
    figure: 'policy-covered amount',
    amountFen: cells.total(['covered']),
    rule: 'items',
    text: `billed ${yuan(billed)} = 目录外 ${yuan(cells.total(['outOfCatalogue']))} + 超限价 ${yuan(cells.total(['overLimit']))} + 先行自付 ${yuan(cells.total(['firstSelfPay']))} + covered ${yuan(cells.total(['covered']))}`,
  });

  // 2–5. The layers, each on what the one before left.
  if (bill.visit.type === 'bed-day') settleBedDay(work);
  else settleBasic(work);
  settleCatastrophic(work);
  settleSubsidies(work);
  settleAssistance(work);
  settleSupplementary(work);
  settleFamilyCap(work);

  // The statement: per line, then totals as sums of the lines.
  const owed = cells.owedPerLine();
  const joined: Record<string, string> = {};
  for (const [figure, rules] of Object.entries(work.rules)) joined[figure] = rules.join(' + ');
  const lines: StatementLine[] = bill.lines.map((line, i) => {
    const paidFen = paidOnLine(work.paid, i);
    return {
      lineNo: line.lineNo,
      itemCode: line.itemCode,
      itemClass: scoped[i]!.itemClass,
      category: line.category,
      amountFen: line.amountFen,
      outOfCatalogueFen: scoped[i]!.outOfCatalogue,
      overLimitFen: scoped[i]!.overLimit,
      firstSelfPayFen: scoped[i]!.firstSelfPay,
      coveredFen: scoped[i]!.covered,
      deductibleFen: work.deductible[i]!,
      paidFen,
      institutionFen: work.institution[i]!,
      patientFen: owed[i]!,
      notes: scoped[i]!.notes,
      rules: lineRules(joined, paidFen, work.deductible[i]!, work.institution[i]!, scoped[i]!.rules, work.lineRules[i]),
      ...(scoped[i]!.fundRatio ? { fundRatioBp: scoped[i]!.fundRatio!.ratio } : {}),
      ...(scoped[i]!.catalogue ? { catalogue: scoped[i]!.catalogue } : {}),
    };
  });
  // Every catalogue version the bill was settled by (a bill whose lines span a new version names both).
  const catalogueVersions: VersionRef[] = [];
  for (const view of Object.values(input.catalogue?.byDate ?? {}))
    for (const v of view.versions)
      if (!catalogueVersions.some((c) => c.region === v.region && c.version === v.version)) catalogueVersions.push(v);
  const byLayer = Object.fromEntries(layerKeys.map((k) => [k, sum(work.paid[k])])) as Record<LayerKey, Fen>;
  const fundPaid = sum(Object.values(byLayer));
  const institution = sum(work.institution);
  const patientPaid = sum(owed);

  work.ytd.add('claims', 1);
  work.ytd.add('billed', billed);
  work.ytd.add('fundPaid', fundPaid);
  work.ytd.add('patientPaid', patientPaid);

  return {
    claim: { providerCode: bill.providerCode, claimNo: bill.claimNo },
    memberId: member.memberId,
    policy: {
      id: policy.id,
      region: policy.region,
      scheme: policy.scheme,
      year: policy.year,
      version: policy.version,
      effectiveFrom: policy.effectiveFrom,
      sources: policy.sources.map((s) => s.documentNo ?? s.title),
    },
    visit: {
      type: bill.visit.type,
      settlementDate: settlementDate(bill),
      level: facts.level,
      inRegion: facts.inRegion,
      outOfAreaRegistered: facts.outOfAreaRegistered,
      familyDoctor: facts.familyDoctor,
      ageYears: facts.ageYears,
      categories: [...facts.categories],
      ...(facts.disease ? { disease: facts.disease } : {}),
      ...(facts.programme ? { programme: facts.programme } : {}),
      ...(chronic.declared ? { declared: chronic.declared } : {}),
      ...(chronic.approval ? { approval: chronic.approval } : {}),
      ...(chronic.notes.length ? { notes: chronic.notes } : {}),
    },
    ...(catalogueVersions.length > 0 ? { catalogue: catalogueVersions } : {}),
    lines,
    totals: {
      billedFen: billed,
      outOfCatalogueFen: sum(scoped.map((s) => s.outOfCatalogue)),
      overLimitFen: sum(scoped.map((s) => s.overLimit)),
      firstSelfPayFen: sum(scoped.map((s) => s.firstSelfPay)),
      coveredFen: sum(scoped.map((s) => s.covered)),
      deductibleFen: sum(work.deductible),
      byLayer,
      fundPaidFen: fundPaid,
      institutionFen: institution,
      patientPaidFen: patientPaid,
    },
    // A document's basis cites a source by id; a statement names the paper as its policy.sources list
    // does (文号, or the title where there is none), so a reader can match the two.
    steps: work.steps.map((step) => {
      const source = step.basis?.source && policy.sources.find((s) => s.id === step.basis!.source);
      return source ? { ...step, basis: { ...step.basis!, source: source.documentNo ?? source.title } } : step;
    }),
    yearToDate: { year: Number(settlementDate(bill).slice(0, 4)), ...work.ytd.summary(), ...householdSummary(work) },
    roundingRule: ROUNDING_RULE,
  };
}
