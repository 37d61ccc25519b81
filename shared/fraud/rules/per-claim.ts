/**
 * Rule types that read one claim. Each returns findings with the facts its explanation quotes and
 * the lines (or amount) at stake; the engine turns them into hits and a score.
 */
import * as z from 'zod';
import { applyRatio, divideRoundHalfUp } from '../../money/fen.ts';
import { isStay, type FraudLine } from '../claim.ts';
import { defineClaimRule, type Finding } from './define.ts';
import { LEVEL_NAME, LEVEL_RANK, matchesAny, matchesCode, percent, shareBp, yuan } from './match.ts';

const codePattern = z.string().regex(/^[A-Za-z0-9.\-_]+\*?$/, 'a code, or a prefix ending in *');
const level = z.enum(['primary', 'secondary', 'tertiary']);
const basisPoints = z.number().int().min(0).max(1_000_000);

/** What `quantity` units of a unit price cost, rounded half up once (quantities carry ≤ 4 decimals). */
const fenForQuantity = (unitFen: number, quantity: number): number => applyRatio(unitFen, Math.round(quantity * 10_000));

const byKey = <T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> => {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
};

// 重复收费: the same chargeable item twice on one day.
export const duplicateCharge = defineClaimRule({
  type: 'duplicate-charge',
  title: '重复收费',
  parameters: z.strictObject({
    /** Line categories where a second charge of one item on one day is a duplicate. */
    categories: z.array(z.string().min(1)).min(1),
    /** Items that may legitimately repeat within a day (e.g. per-use consumables). */
    exemptItems: z.array(codePattern).default([]),
  }),
  facts: ['itemCode', 'itemName', 'date', 'count'],
  evaluate(claim, p) {
    const candidates = claim.lines.filter((l) => p.categories.includes(l.category) && !matchesAny(p.exemptItems, l.itemCode));
    const findings: Finding[] = [];
    for (const group of byKey(candidates, (l) => `${l.itemCode}#${l.date}`).values()) {
      if (group.length < 2) continue;
      const [first, ...repeats] = group as [FraudLine, ...FraudLine[]];
      findings.push({
        facts: { itemCode: first.itemCode, itemName: first.itemName ?? first.itemCode, date: first.date, count: group.length },
        lines: repeats.map((l) => l.lineNo),
      });
    }
    return findings;
  },
});

// 超标准收费: a unit price above the price limit (which may differ by hospital level).
export const priceLimit = defineClaimRule({
  type: 'price-limit',
  title: '超标准收费',
  parameters: z.strictObject({
    limits: z
      .array(z.strictObject({ itemCode: codePattern, maxUnitPriceFen: z.number().int().nonnegative(), level: level.optional() }))
      .min(1),
  }),
  facts: ['itemCode', 'itemName', 'unitPrice', 'limit', 'excess'],
  evaluate(claim, p) {
    const findings: Finding[] = [];
    for (const line of claim.lines) {
      const candidates = p.limits.filter((l) => matchesCode(l.itemCode, line.itemCode));
      const limit =
        candidates.find((l) => l.level !== undefined && l.level === claim.provider.level) ?? candidates.find((l) => l.level === undefined);
      if (!limit || line.unitPriceFen <= limit.maxUnitPriceFen) continue;
      const excess = Math.max(0, line.amountFen - fenForQuantity(limit.maxUnitPriceFen, line.quantity));
      if (excess === 0) continue;
      findings.push({
        facts: {
          itemCode: line.itemCode,
          itemName: line.itemName ?? line.itemCode,
          unitPrice: yuan(line.unitPriceFen),
          limit: yuan(limit.maxUnitPriceFen),
          excess: yuan(excess),
        },
        lines: [line.lineNo],
        amountFen: excess,
      });
    }
    return findings;
  },
});

// 性别/年龄限定: an item, diagnosis or procedure that does not fit the patient's sex or age.
export const sexAgeRestriction = defineClaimRule({
  type: 'sex-age-restriction',
  title: '性别/年龄限定',
  parameters: z.strictObject({
    restrictions: z
      .array(
        z
          .strictObject({
            code: codePattern,
            on: z.enum(['item', 'diagnosis', 'procedure']),
            sex: z.enum(['M', 'F']).optional(),
            minAgeYears: z.number().int().nonnegative().optional(),
            maxAgeYears: z.number().int().nonnegative().optional(),
          })
          .refine(
            (r) => r.sex !== undefined || r.minAgeYears !== undefined || r.maxAgeYears !== undefined,
            'a restriction names a sex or an age bound',
          ),
      )
      .min(1),
  }),
  facts: ['code', 'allowed', 'sex', 'ageYears'],
  evaluate(claim, p) {
    const patient = claim.patient;
    if (!patient) return [];
    const findings: Finding[] = [];
    for (const r of p.restrictions) {
      const sexOk = r.sex === undefined || r.sex === patient.sex;
      const ageOk =
        (r.minAgeYears === undefined || patient.ageYears >= r.minAgeYears) &&
        (r.maxAgeYears === undefined || patient.ageYears <= r.maxAgeYears);
      if (sexOk && ageOk) continue;
      const allowed = [
        r.sex ? (r.sex === 'F' ? '限女性' : '限男性') : '',
        r.minAgeYears !== undefined || r.maxAgeYears !== undefined ? `限${r.minAgeYears ?? 0}–${r.maxAgeYears ?? '∞'}岁` : '',
      ]
        .filter(Boolean)
        .join('，');
      const facts = { code: r.code.replace('*', ''), allowed, sex: patient.sex === 'F' ? '女' : '男', ageYears: patient.ageYears };
      if (r.on === 'item') {
        const lines = claim.lines.filter((l) => matchesCode(r.code, l.itemCode));
        if (lines.length) findings.push({ facts: { ...facts, code: lines[0]!.itemCode }, lines: lines.map((l) => l.lineNo) });
      } else {
        const codes = r.on === 'diagnosis' ? claim.diagnoses : claim.procedures;
        const hit = codes.find((c) => matchesCode(r.code, c));
        if (hit) findings.push({ facts: { ...facts, code: hit } });
      }
    }
    return findings;
  },
});

const restrictedItems = (
  claim: { diagnoses: string[]; lines: FraudLine[] },
  items: { itemCode: string; diagnoses: string[]; indication?: string | undefined }[],
  fundLinesOnly: boolean,
): Finding[] => {
  const findings: Finding[] = [];
  for (const item of items) {
    if (claim.diagnoses.some((d) => matchesAny(item.diagnoses, d))) continue;
    const lines = claim.lines.filter((l) => matchesCode(item.itemCode, l.itemCode) && (!fundLinesOnly || l.itemClass !== 'C'));
    if (lines.length === 0) continue;
    findings.push({
      facts: {
        itemCode: lines[0]!.itemCode,
        itemName: lines[0]!.itemName ?? lines[0]!.itemCode,
        indication: item.indication ?? item.diagnoses.map((d) => d.replace('*', '')).join('/'),
        diagnoses: claim.diagnoses.join('/') || '无诊断',
      },
      lines: lines.map((l) => l.lineNo),
    });
  }
  return findings;
};

// 限定适应症: a catalogue item the fund pays only for certain diagnoses, billed to the fund without one.
export const indicationRestriction = defineClaimRule({
  type: 'indication-restriction',
  title: '限定适应症',
  parameters: z.strictObject({
    items: z
      .array(z.strictObject({ itemCode: codePattern, diagnoses: z.array(codePattern).min(1), indication: z.string().max(200).optional() }))
      .min(1),
  }),
  facts: ['itemCode', 'itemName', 'indication', 'diagnoses'],
  // Self-paid (丙类) lines are the patient's own business: the restriction is on fund payment.
  evaluate: (claim, p) => restrictedItems(claim, p.items, true),
});

// 限二级及以上医院 (or any minimum level): an item billed by a provider below its level.
export const levelRestriction = defineClaimRule({
  type: 'level-restriction',
  title: '限定医疗机构级别',
  parameters: z.strictObject({
    items: z.array(z.strictObject({ itemCode: codePattern, minLevel: level })).min(1),
  }),
  facts: ['itemCode', 'itemName', 'level', 'minLevel'],
  evaluate(claim, p) {
    const providerLevel = claim.provider.level;
    if (!providerLevel) return [];
    const findings: Finding[] = [];
    for (const item of p.items) {
      if (LEVEL_RANK[providerLevel] >= LEVEL_RANK[item.minLevel]) continue;
      const lines = claim.lines.filter((l) => matchesCode(item.itemCode, l.itemCode) && l.itemClass !== 'C');
      if (lines.length === 0) continue;
      findings.push({
        facts: {
          itemCode: lines[0]!.itemCode,
          itemName: lines[0]!.itemName ?? lines[0]!.itemCode,
          level: LEVEL_NAME[providerLevel],
          minLevel: `${LEVEL_NAME[item.minLevel]}及以上`,
        },
        lines: lines.map((l) => l.lineNo),
      });
    }
    return findings;
  },
});

// 诊疗/用药与诊断不符: a procedure or drug no diagnosis of the claim calls for (clinical plausibility).
export const diagnosisMismatch = defineClaimRule({
  type: 'diagnosis-mismatch',
  title: '诊疗项目或药品与诊断不符',
  parameters: z.strictObject({
    rules: z.array(z.strictObject({ code: codePattern, on: z.enum(['procedure', 'item']), diagnoses: z.array(codePattern).min(1) })).min(1),
  }),
  facts: ['code', 'expected', 'diagnoses'],
  evaluate(claim, p) {
    const findings: Finding[] = [];
    for (const r of p.rules) {
      if (claim.diagnoses.some((d) => matchesAny(r.diagnoses, d))) continue;
      const facts = { expected: r.diagnoses.map((d) => d.replace('*', '')).join('/'), diagnoses: claim.diagnoses.join('/') || '无诊断' };
      if (r.on === 'procedure') {
        const hit = claim.procedures.find((c) => matchesCode(r.code, c));
        if (hit) findings.push({ facts: { ...facts, code: hit } });
      } else {
        const lines = claim.lines.filter((l) => matchesCode(r.code, l.itemCode));
        if (lines.length) findings.push({ facts: { ...facts, code: lines[0]!.itemCode }, lines: lines.map((l) => l.lineNo) });
      }
    }
    return findings;
  },
});

// 超量开药: more days' supply than a prescription may carry, or more of an item per day than allowed.
export const excessQuantity = defineClaimRule({
  type: 'excess-quantity',
  title: '超量开药/超频次收费',
  parameters: z.strictObject({
    drugCategories: z.array(z.string().min(1)).min(1),
    maxSupplyDays: z.number().int().positive(),
    emergencyMaxSupplyDays: z.number().int().positive(),
    /** 长期处方: visits for chronic disease may carry a longer supply. */
    longPrescription: z.strictObject({ visitTypes: z.array(z.string()).min(1), maxSupplyDays: z.number().int().positive() }).optional(),
    dailyLimits: z.array(z.strictObject({ itemCode: codePattern, maxPerDay: z.number().positive() })).default([]),
  }),
  facts: ['itemCode', 'itemName', 'date', 'quantity', 'limit', 'unit'],
  evaluate(claim, p) {
    const findings: Finding[] = [];
    const allowed = claim.emergency
      ? p.emergencyMaxSupplyDays
      : p.longPrescription?.visitTypes.includes(claim.visitType)
        ? p.longPrescription.maxSupplyDays
        : p.maxSupplyDays;
    for (const line of claim.lines) {
      if (!p.drugCategories.includes(line.category) || line.supplyDays === undefined || line.supplyDays <= allowed) continue;
      findings.push({
        facts: {
          itemCode: line.itemCode,
          itemName: line.itemName ?? line.itemCode,
          date: line.date,
          quantity: line.supplyDays,
          limit: allowed,
          unit: '天用量',
        },
        lines: [line.lineNo],
        // The days beyond the limit, as their share of the line.
        amountFen: divideRoundHalfUp(line.amountFen * (line.supplyDays - allowed), line.supplyDays),
      });
    }
    for (const limit of p.dailyLimits) {
      const lines = claim.lines.filter((l) => matchesCode(limit.itemCode, l.itemCode));
      for (const day of byKey(lines, (l) => l.date).values()) {
        const quantity = day.reduce((sum, l) => sum + l.quantity, 0);
        if (quantity <= limit.maxPerDay) continue;
        const amount = day.reduce((sum, l) => sum + l.amountFen, 0);
        findings.push({
          facts: {
            itemCode: day[0]!.itemCode,
            itemName: day[0]!.itemName ?? day[0]!.itemCode,
            date: day[0]!.date,
            quantity,
            limit: limit.maxPerDay,
            unit: '次/日',
          },
          lines: day.map((l) => l.lineNo),
          amountFen: divideRoundHalfUp(amount * Math.round((quantity - limit.maxPerDay) * 10_000), Math.round(quantity * 10_000)),
        });
      }
    }
    return findings;
  },
});

// 分解收费: a bundled service charged together with its own components, or split into them.
export const splitCharge = defineClaimRule({
  type: 'split-charge',
  title: '分解收费',
  parameters: z.strictObject({
    bundles: z
      .array(
        z.strictObject({
          bundleCode: codePattern,
          componentCodes: z.array(codePattern).min(1),
          /** Without the bundle on the bill, this many of its components on one day is a split charge. */
          minComponentsWithoutBundle: z.number().int().min(2).optional(),
        }),
      )
      .min(1),
  }),
  facts: ['bundleCode', 'components', 'date'],
  evaluate(claim, p) {
    const findings: Finding[] = [];
    for (const day of byKey(claim.lines, (l) => l.date).values()) {
      for (const bundle of p.bundles) {
        const hasBundle = day.some((l) => matchesCode(bundle.bundleCode, l.itemCode));
        const components = day.filter((l) => matchesAny(bundle.componentCodes, l.itemCode));
        const distinct = new Set(components.map((l) => l.itemCode));
        const split = hasBundle
          ? components.length > 0
          : bundle.minComponentsWithoutBundle !== undefined && distinct.size >= bundle.minComponentsWithoutBundle;
        if (!split) continue;
        findings.push({
          facts: { bundleCode: bundle.bundleCode.replace('*', ''), components: [...distinct].join('、'), date: day[0]!.date },
          lines: components.map((l) => l.lineNo),
        });
      }
    }
    return findings;
  },
});

// 死亡后就医: care dated after the member died.
export const serviceAfterDeath = defineClaimRule({
  type: 'service-after-death',
  title: '死亡后发生医疗服务',
  parameters: z.strictObject({}),
  facts: ['deathDate', 'serviceDate'],
  evaluate(claim, _p, context) {
    const died = context.deathDate;
    if (!died) return [];
    const after = claim.lines.filter((l) => l.date > died);
    if (claim.start <= died && after.length === 0) return [];
    const serviceDate = claim.start > died ? claim.start : after[0]!.date;
    return [{ facts: { deathDate: died, serviceDate }, ...(claim.start > died ? {} : { lines: after.map((l) => l.lineNo) }) }];
  },
});

// 挂床住院: a stay with little inpatient-level care (few days with any care, or a bill of beds and nursing).
export const ghostBed = defineClaimRule({
  type: 'ghost-bed',
  title: '挂床住院',
  parameters: z.strictObject({
    minLengthOfStayDays: z.number().int().positive(),
    careCategories: z.array(z.string().min(1)).min(1),
    bedCategories: z.array(z.string().min(1)).min(1),
    /** Hit when fewer of the stay's days than this carry any care line (needs dated lines). */
    minCareDayShareBp: basisPoints,
    /** Hit when beds and nursing make at least this share of the bill. */
    maxBedShareBp: basisPoints,
  }),
  facts: ['lengthOfStay', 'careDays', 'bedShare'],
  evaluate(claim, p) {
    const los = claim.lengthOfStayDays;
    if (!isStay(claim.visitType) || los === undefined || los < p.minLengthOfStayDays) return [];
    const careDates = new Set(claim.lines.filter((l) => p.careCategories.includes(l.category)).map((l) => l.date));
    // Day-level evidence only when the provider dated its lines; otherwise every line wears the service date.
    const dated = new Set(claim.lines.map((l) => l.date)).size > 1;
    const bedLines = claim.lines.filter((l) => p.bedCategories.includes(l.category));
    const bedFen = bedLines.reduce((s, l) => s + l.amountFen, 0);
    const bedShare = shareBp(bedFen, claim.totals.billedFen);
    const fewCareDays = dated && shareBp(careDates.size, los) < p.minCareDayShareBp;
    if (!fewCareDays && bedShare < p.maxBedShareBp) return [];
    return [
      {
        facts: { lengthOfStay: los, careDays: dated ? careDates.size : '未知', bedShare: percent(bedShare) },
        lines: bedLines.map((l) => l.lineNo),
      },
    ];
  },
});

// 低标准入院: a short stay, no operation, for a condition an outpatient visit treats, or mostly tests.
export const lowAdmissionStandard = defineClaimRule({
  type: 'low-admission-standard',
  title: '低标准入院',
  parameters: z.strictObject({
    maxLengthOfStayDays: z.number().int().nonnegative(),
    outpatientDiagnoses: z.array(codePattern).default([]),
    examCategories: z.array(z.string().min(1)).min(1),
    /** Hit when examinations and tests make at least this share of the bill (检查化验为主). */
    minExamShareBp: basisPoints,
  }),
  facts: ['lengthOfStay', 'diagnosis', 'examShare'],
  evaluate(claim, p) {
    if (claim.visitType !== 'inpatient' || claim.emergency || claim.procedures.length > 0) return [];
    const los = claim.lengthOfStayDays;
    if (los === undefined || los > p.maxLengthOfStayDays) return [];
    const principal = claim.diagnoses[0] ?? '';
    const examShare = shareBp(
      claim.lines.filter((l) => p.examCategories.includes(l.category)).reduce((s, l) => s + l.amountFen, 0),
      claim.totals.billedFen,
    );
    if (!matchesAny(p.outpatientDiagnoses, principal) && examShare < p.minExamShareBp) return [];
    return [{ facts: { lengthOfStay: los, diagnosis: principal || '无诊断', examShare: percent(examShare) } }];
  },
});

export const perClaimRuleTypes = [
  duplicateCharge,
  priceLimit,
  sexAgeRestriction,
  indicationRestriction,
  levelRestriction,
  diagnosisMismatch,
  excessQuantity,
  splitCharge,
  serviceAfterDeath,
  ghostBed,
  lowAdmissionStandard,
] as const;
