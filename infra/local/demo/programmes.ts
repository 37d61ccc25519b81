/**
 * Honghe's part of the demo year (infra/local/demo/honghe.ts says why a second region), through the
 * real API like Zhoushan's: providers, employers, care institutions certified, assessors registered;
 * employees enrolled for 2024 and 2025, employment, 2024's contributions; then month by month beside
 * Zhoushan's months: the month's contributions (which fund long-term care and make the maternity
 * allowance's wages), disability assessments applied, assigned, scored and confirmed by two
 * assessors, each qualifying member's month of care billed by the institution, pregnancies
 * registered, antenatal care and deliveries settled per capita and per case, allowances granted, the
 * month's stays settled (and scored by DIP). Every call is idempotent (natural keys), as Zhoushan's.
 */
import type { CatalogueItem, PlannedClaim } from './claims.ts';
import { Catalogue } from './claims.ts';
import type { DemoClient } from './client.ts';
import { inLanes } from './client.ts';
import {
  careClaimFor,
  generateHonghe,
  HONGHE_ASSESSORS,
  HONGHE_NAME,
  HONGHE_PROVIDERS,
  HONGHE_REGION,
  HONGHE_YEAR,
  hongheStays,
  pregnancyBills,
  type HonghePerson,
  type HonghePopulation,
} from './honghe.ts';
import type { ProgrammeFigures } from './progress.ts';

export const honghePolicyChecks = [
  ['enrolment', `year=${HONGHE_YEAR}`],
  ['benefits', `year=${HONGHE_YEAR}&scheme=employee`],
  ['long-term-care', `year=${HONGHE_YEAR}`],
  ['maternity', `year=${HONGHE_YEAR}`],
  ['dip', `year=${HONGHE_YEAR}`],
] as const;

export function emptyProgrammeFigures(): ProgrammeFigures {
  return {
    region: HONGHE_REGION,
    regionName: HONGHE_NAME,
    year: HONGHE_YEAR,
    members: 0,
    retirees: 0,
    claims: 0,
    claimsByType: {},
    fundPaidFen: 0,
    longTermCare: {
      assessments: 0,
      byLevel: {},
      qualifying: 0,
      careClaims: 0,
      careClaimsBySetting: {},
      billedFen: 0,
      fundPaidFen: 0,
      refusedFen: 0,
      findings: 0,
    },
    maternity: { pregnancies: 0, antenatal: 0, deliveries: 0, deliveriesByType: {}, fundPaidFen: 0, allowances: 0, allowanceFen: 0 },
    dip: { cases: 0 },
  };
}

const months = Array.from({ length: 12 }, (_, i) => `${HONGHE_YEAR}-${String(i + 1).padStart(2, '0')}`);
const monthOf = (date: string) => date.slice(0, 7);

export interface HongheContext {
  api: DemoClient;
  clerk: string;
  his: (providerCode: string) => Promise<string>;
  mint: (principal: { sub: string; role: 'staff'; permissions: never }) => Promise<string>;
  figures: ProgrammeFigures;
  step: (n?: number) => void;
  lanes: number;
  /** Sends bulk rows the way Zhoushan's do (deferred rows again, each outcome handed back). */
  bulk: (
    path: string,
    rows: object[],
    size: number,
    body: (rows: Record<string, unknown>[]) => unknown,
    each?: (index: number, o: { memberId?: string }) => void,
  ) => Promise<void>;
  queuesIdle: (names: readonly string[]) => Promise<void>;
  refused: { claimNo: string; status: number; message: string }[];
}

export class HongheYear {
  readonly population: HonghePopulation;
  /** Member ids by Honghe population index. */
  readonly memberIds: string[];
  private stays: PlannedClaim[] = [];
  private catalogue?: Catalogue;
  private readonly assessorTokens = new Map<string, string>();

  constructor(
    private readonly ctx: HongheContext,
    seed: number,
    size: number,
  ) {
    this.population = generateHonghe(seed, size);
    this.memberIds = new Array(size);
  }

  /** Units of work for the progress total: setup, enrolment, twelve months, the closing reads. */
  get units(): number {
    return 2 + this.population.people.length + 12 + 1;
  }

  private get people(): HonghePerson[] {
    return this.population.people;
  }

  /** The catalogue Honghe's providers bill from: the national list in force in 2025 (Honghe adds none). */
  async readCatalogue(
    catalogueOf: (region: string, on: string) => Promise<CatalogueItem[]>,
    rules: ConstructorParameters<typeof Catalogue>[1],
  ) {
    this.catalogue = new Catalogue(await catalogueOf(HONGHE_REGION, `${HONGHE_YEAR}-06-30`), rules);
    this.stays = hongheStays(this.population, this.catalogue);
  }

  get plannedClaims(): number {
    const p = this.people.filter((x) => x.pregnancy).length;
    return this.stays.length + 2 * p;
  }

  async registerProviders(): Promise<void> {
    const { api, clerk } = this.ctx;
    for (const { care: _care, ...p } of HONGHE_PROVIDERS) await api.call('POST', '/v1/providers', clerk, p);
    for (const p of HONGHE_PROVIDERS.filter((x) => x.care)) {
      const residents = this.people.filter((x) => x.care && x.care.level >= 3 && x.care.setting === 'institutional').length;
      await api.call('PUT', `/v1/ltc/institutions/${p.providerCode}`, clerk, {
        region: HONGHE_REGION,
        settings: p.care,
        // Room for every member the home cares for (the members-beyond-beds rule flags more).
        beds: p.care!.includes('institutional') ? residents + 5 : 0,
        validFrom: `${HONGHE_YEAR - 1}-01-01`,
        validTo: `${HONGHE_YEAR + 2}-12-31`,
        reason: '红河州长期护理保险定点护理机构协议（演示）',
      });
    }
    for (const id of HONGHE_ASSESSORS) {
      await api.call('PUT', `/v1/ltc/assessors/${id}`, clerk, {
        regions: [HONGHE_REGION],
        qualification: '执业护士，长期护理失能等级评估员证书（演示）',
        validFrom: `${HONGHE_YEAR - 1}-01-01`,
        validTo: `${HONGHE_YEAR + 4}-12-31`,
      });
      this.assessorTokens.set(id, await this.ctx.mint({ sub: id, role: 'staff', permissions: ['ltc:assess'] as never }));
    }
    for (const e of this.population.employers)
      await api.call('POST', '/v1/employers', clerk, {
        creditCode: e.creditCode,
        name: e.name,
        region: HONGHE_REGION,
        validFrom: `${HONGHE_YEAR - 1}-01-01`,
      });
    this.ctx.step();
  }

  /** Enrolled for 2024 and 2025, employment from 2024, every month of 2024 paid by the employers. */
  async enrol(): Promise<void> {
    const { api, clerk, figures } = this.ctx;
    // The women delivering in 2025 from 2024 (their contributions of 2024 count); everyone else from 2025:
    // an employee enrolled and employed in 2024 with 2024 unpaid is in arrears, and suspended.
    const from = (p: HonghePerson) => (p.pregnancy ? HONGHE_YEAR - 1 : HONGHE_YEAR);
    const enrolled = this.people.flatMap((p) => (p.pregnancy ? [p, p] : [p]));
    const rows = this.people.flatMap((p) =>
      (p.pregnancy ? [HONGHE_YEAR - 1, HONGHE_YEAR] : [HONGHE_YEAR]).map((year) => ({
        idNumber: p.idNumber,
        name: p.name,
        year,
        region: HONGHE_REGION,
        scheme: 'employee',
        employeeKind: 'employer',
        employerCode: p.employerCode,
        monthlyBaseFen: p.monthlyWageFen,
      })),
    );
    await this.ctx.bulk(
      '/v1/members/bulk',
      rows,
      200,
      (r) => ({ kind: 'enrolment', rows: r }),
      (index, o) => {
        const person = enrolled[index]!;
        this.memberIds[person.index] = o.memberId!;
        if (rows[index]!.year === HONGHE_YEAR) this.ctx.step();
      },
    );
    figures.members = this.people.length;
    figures.retirees = this.people.filter((p) => p.status === 'retired').length;
    await inLanes(this.people, this.ctx.lanes, async (p) => {
      await api.call('POST', `/v1/members/${this.memberIds[p.index]}/employment`, clerk, {
        status: p.status,
        validFrom: `${from(p)}-01-01`,
        ...(p.status === 'in-service' ? { employerCode: p.employerCode } : {}),
        ...(p.contributionYears
          ? { contributionYears: p.contributionYears, reference: `红人社退〔${HONGHE_YEAR - 2}〕${p.index}号（演示）` }
          : {}),
      });
    });
    // 2024 is paid only for the women who deliver in 2025 (their 12 months before the delivery, their
    // employer's wages of the year before for the allowance): Honghe ships no 2024 employee benefit
    // policy, so the personal-account consumer cannot credit a 2024 month and dead-letters it, naming
    // the missing policy (publish it, then redrive), as it should; the demo keeps that to these few.
    const delivering = (p: HonghePerson) => p.pregnancy !== undefined;
    for (const m of months) await this.payMonth(m.replace(String(HONGHE_YEAR), String(HONGHE_YEAR - 1)), delivering);
    this.ctx.step();
  }

  private payMonth(month: string, who: (p: HonghePerson) => boolean = () => true): Promise<void> {
    const rows = this.people
      .filter((p) => p.status === 'in-service' && who(p))
      .map((p) => ({
        memberId: this.memberIds[p.index],
        month,
        employerCode: p.employerCode,
        declaredWageFen: p.monthlyWageFen,
        paidOn: `${month}-15`,
        channel: 'employer',
        reference: `HH-TAX-${month}`,
      }));
    return this.ctx.bulk('/v1/employee-contributions/bulk', rows, 100, (r) => ({
      format: 'jsonl',
      content: r.map(({ rowNumber: _n, ...x }: Record<string, unknown>) => JSON.stringify(x)).join('\n'),
    }));
  }

  private async settle(c: PlannedClaim): Promise<{ fundPaidFen: number } | undefined> {
    const { api, figures } = this.ctx;
    const bill = { ...c.bill, memberId: this.memberIds[c.member] };
    const res = await api.call('POST', '/v1/claims', await this.ctx.his(c.bill.providerCode), bill, [200, 201, 400, 409]);
    if (res.status >= 400) {
      this.ctx.refused.push({ claimNo: c.bill.claimNo, status: res.status, message: res.body?.error?.message ?? JSON.stringify(res.body) });
      return undefined;
    }
    const totals = res.body.statement.totals as { fundPaidFen: number };
    figures.claims++;
    figures.claimsByType[c.bill.visit.type] = (figures.claimsByType[c.bill.visit.type] ?? 0) + 1;
    figures.fundPaidFen += totals.fundPaidFen;
    return totals;
  }

  /** Month `index` (0–11) of Honghe's 2025. */
  async month(index: number): Promise<void> {
    const { api, clerk, figures, lanes } = this.ctx;
    const month = months[index]!;
    await this.payMonth(month);
    const ltc = figures.longTermCare;
    const mat = figures.maternity;

    // Disability assessments applied this month: applied, assigned to two assessors, scored, confirmed.
    const applying = this.people.filter((p) => p.care && monthOf(p.care.appliedOn) === month);
    await inLanes(applying, lanes, async (p) => {
      const c = p.care!;
      const memberId = this.memberIds[p.index]!;
      const current = await api.call('GET', `/v1/ltc/members/${memberId}/level?date=${c.concludedOn}`, clerk);
      if (!current.body.level) {
        const applied = await api.call('POST', '/v1/ltc/assessments', clerk, {
          memberId,
          applicant: { kind: 'family', relation: '子女' },
          reason: c.reason,
          appliedOn: c.appliedOn,
        });
        const id = applied.body.assessment.assessmentId as string;
        const [first, second] = p.index % 2 === 0 ? [HONGHE_ASSESSORS[0], HONGHE_ASSESSORS[1]] : [HONGHE_ASSESSORS[2], HONGHE_ASSESSORS[3]];
        await api.call('POST', `/v1/ltc/assessments/${id}/assignment`, clerk, { primary: first, second });
        await api.call('POST', `/v1/ltc/assessments/${id}/scores`, this.assessorTokens.get(first)!, { scores: c.scores });
        await api.call('POST', `/v1/ltc/assessments/${id}/confirmation`, this.assessorTokens.get(second)!, {
          agree: true,
          concludedOn: c.concludedOn,
        });
      }
      ltc.assessments++;
      ltc.byLevel[String(c.level)] = (ltc.byLevel[String(c.level)] ?? 0) + 1;
      if (c.level >= 3) ltc.qualifying++;
    });

    // Pregnancies registered by the end of this month (those registered in 2024 with January's).
    const registering = this.people.filter(
      (p) => p.pregnancy && (monthOf(p.pregnancy.registeredOn) === month || (index === 0 && p.pregnancy.registeredOn < month)),
    );
    await inLanes(registering, lanes, async (p) => {
      const g = p.pregnancy!;
      await api.call('POST', '/v1/maternity/pregnancies', await this.ctx.his(g.registeredAt), {
        memberId: this.memberIds[p.index],
        expectedDeliveryDate: g.expectedDeliveryDate,
        providerCode: g.registeredAt,
        registeredOn: g.registeredOn,
      });
      mat.pregnancies++;
    });

    // The month's maternity claims and stays, settled by each provider's HIS; a delivery's allowance granted after it.
    const pregnant = this.people.filter((p) => p.pregnancy);
    const antenatal = pregnant.filter((p) => monthOf(p.pregnancy!.antenatalOn) === month);
    const delivered = pregnant.filter((p) => monthOf(p.pregnancy!.dischargeDate) === month);
    await inLanes(antenatal, lanes, async (p) => {
      const paid = await this.settle(pregnancyBills(p, this.catalogue!).antenatal);
      if (paid) {
        mat.antenatal++;
        mat.fundPaidFen += paid.fundPaidFen;
      }
      this.ctx.step();
    });
    if (delivered.length > 0) await this.ctx.queuesIdle(['maternityWages']);
    await inLanes(delivered, lanes, async (p) => {
      const paid = await this.settle(pregnancyBills(p, this.catalogue!).delivery);
      if (!paid) return;
      mat.deliveries++;
      mat.fundPaidFen += paid.fundPaidFen;
      const type = p.pregnancy!.deliveryType;
      mat.deliveriesByType[type] = (mat.deliveriesByType[type] ?? 0) + 1;
      const granted = await api.call(
        'POST',
        '/v1/maternity/allowances',
        clerk,
        { memberId: this.memberIds[p.index], pregnancyId: `P${p.pregnancy!.expectedDeliveryDate.replaceAll('-', '')}` },
        [200, 201],
      );
      mat.allowances++;
      mat.allowanceFen += granted.body.allowance.allowance.amountFen as number;
      this.ctx.step();
    });
    const stays = this.stays.filter((s) => monthOf(s.settles) === month);
    await inLanes(stays, lanes, async (s) => {
      await this.settle(s);
      this.ctx.step();
    });

    // The month's care, billed by each institution for its qualifying members.
    const cared = this.people.flatMap((p) => {
      const body = careClaimFor(p, month);
      return body ? [{ p, body }] : [];
    });
    await inLanes(cared, lanes, async ({ p, body }) => {
      const res = await api.call(
        'POST',
        '/v1/ltc/care-claims',
        await this.ctx.his(body.providerCode as string),
        { ...body, memberId: this.memberIds[p.index] },
        [200, 201],
      );
      const claim = res.body.claim;
      const totals = claim.statement.totals as { billedFen: number; fundPaidFen: number; refusedFen: number };
      ltc.careClaims++;
      const setting = p.care!.setting;
      ltc.careClaimsBySetting[setting] = (ltc.careClaimsBySetting[setting] ?? 0) + 1;
      ltc.billedFen += totals.billedFen;
      ltc.fundPaidFen += totals.fundPaidFen;
      ltc.refusedFen += totals.refusedFen;
      ltc.findings += (claim.findings as unknown[]).length;
    });
    this.ctx.step();
  }

  /** What DIP made of the year's stays (the case mix as the fund dashboard reads it). */
  async finish(): Promise<void> {
    const { api, clerk, figures } = this.ctx;
    await this.ctx.queuesIdle(['drgGrouping', 'careEvents']);
    const mix = await api.call('GET', `/v1/reports/case-mix/${HONGHE_REGION}/${HONGHE_YEAR}`, clerk);
    figures.dip = {
      cases: mix.body.cases as number,
      method: mix.body.method as string,
      totalCentipoints: mix.body.totalCentipoints as number,
    };
    const fund = await api.call('GET', `/v1/ltc/fund/${HONGHE_REGION}/${HONGHE_YEAR}`, clerk);
    figures.longTermCare.fundIncomeFen = fund.body.income.totalFen as number;
    this.ctx.step();
  }
}
