/**
 * Rule types that read one claim. Each returns findings with the facts its explanation quotes and
 * the lines (or amount) at stake; the engine turns them into hits and a score.
 */
import * as z from 'zod';
import { anyMatches, codeMatches, drugIdentity } from '../../knowledge/codes.ts';
import type { KnowledgeBase } from '../../knowledge/knowledge-base.ts';
import { applyRatio, divideRoundHalfUp } from '../../money/fen.ts';
import { isStay, type FraudClaim, type FraudLine } from '../claim.ts';
import { defineClaimRule, type Finding } from './define.ts';
import { LEVEL_NAME, LEVEL_RANK, matchesAny, matchesCode, percent, shareBp, yuan } from './match.ts';

const nameOf = (l: FraudLine) => l.itemName ?? l.itemCode;
/** Whether any diagnosis of the claim falls under one of `patterns` (categories name their codes: K35 names K35.800). */
const hasDiagnosis = (claim: Pick<FraudClaim, 'diagnoses'>, patterns: readonly string[]) =>
  claim.diagnoses.some((d) => anyMatches('diagnosis', patterns, d));
/** The stay's chargeable days (算入不算出): discharge − admission, a same-day stay one. */
const stayDays = (claim: FraudClaim) => Math.max(1, claim.lengthOfStayDays ?? 1);

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

// 重复收费: the same chargeable item twice on one day, or two items the knowledge base says exclude each other
// on one day (two nursing levels, two bed grades). An item with a per-day maximum in the knowledge base
// (bedside glucose, CT per body part) may repeat up to it: the excess-quantity rule judges its count.
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
  evaluate(claim, p, { knowledge }) {
    const candidates = claim.lines.filter(
      (l) =>
        p.categories.includes(l.category) &&
        !matchesAny(p.exemptItems, l.itemCode) &&
        knowledge.quantityLimit(l.itemCode)?.maxPerDay === undefined,
    );
    const findings: Finding[] = [];
    for (const group of byKey(candidates, (l) => `${l.itemCode}#${l.date}`).values()) {
      if (group.length < 2) continue;
      const [first, ...repeats] = group as [FraudLine, ...FraudLine[]];
      findings.push({
        facts: { itemCode: first.itemCode, itemName: nameOf(first), date: first.date, count: group.length },
        lines: repeats.map((l) => l.lineNo),
      });
    }
    findings.push(...exclusiveOnOneDay(claim.lines, knowledge));
    return findings;
  },
});

/** Lines of two or more items of one exclusion group on one day: the first item stands, the others are the duplicates. */
function exclusiveOnOneDay(lines: readonly FraudLine[], knowledge: KnowledgeBase): Finding[] {
  const findings: Finding[] = [];
  const byGroupDay = new Map<string, { name: string; lines: FraudLine[] }>();
  for (const l of lines) {
    for (const g of knowledge.exclusionsOf(l.itemCode)) {
      const key = `${g.id}#${l.date}`;
      const entry = byGroupDay.get(key) ?? { name: g.name, lines: [] };
      entry.lines.push(l);
      byGroupDay.set(key, entry);
    }
  }
  for (const { name, lines: group } of byGroupDay.values()) {
    const codes = [...new Set(group.map((l) => l.itemCode))];
    if (codes.length < 2) continue;
    const extra = group.filter((l) => l.itemCode !== codes[0]);
    findings.push({
      facts: {
        itemCode: codes.join('+'),
        itemName: `${name}：${[...new Set(group.map(nameOf))].join('、')}`,
        date: group[0]!.date,
        count: codes.length,
      },
      lines: extra.map((l) => l.lineNo),
    });
  }
  return findings;
}

// 超标准收费: a unit price above the price limit (which may differ by hospital level).
export const priceLimit = defineClaimRule({
  type: 'price-limit',
  title: '超标准收费',
  parameters: z.strictObject({
    /** A region's own limits, read before the knowledge base's price limits. */
    limits: z
      .array(z.strictObject({ itemCode: codePattern, maxUnitPriceFen: z.number().int().nonnegative(), level: level.optional() }))
      .default([]),
  }),
  facts: ['itemCode', 'itemName', 'unitPrice', 'limit', 'excess'],
  evaluate(claim, p, { knowledge }) {
    const findings: Finding[] = [];
    for (const line of claim.lines) {
      const candidates = p.limits.filter((l) => matchesCode(l.itemCode, line.itemCode));
      const limit =
        candidates.find((l) => l.level !== undefined && l.level === claim.provider.level) ??
        candidates.find((l) => l.level === undefined) ??
        knowledge.priceLimit(line.itemCode, claim.provider.level);
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
interface SexAgeLimit {
  code: string;
  on: 'item' | 'diagnosis' | 'procedure';
  sex?: 'M' | 'F' | undefined;
  minAgeYears?: number | undefined;
  maxAgeYears?: number | undefined;
}

export const sexAgeRestriction = defineClaimRule({
  type: 'sex-age-restriction',
  title: '性别/年龄限定',
  parameters: z.strictObject({
    /** A region's own restrictions, besides the knowledge base's sex/age limits. */
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
      .default([]),
  }),
  facts: ['code', 'allowed', 'sex', 'ageYears'],
  evaluate(claim, p, { knowledge }) {
    const patient = claim.patient;
    if (!patient) return [];
    const findings: Finding[] = [];
    const reported = new Set<string>();
    const fits = (r: SexAgeLimit) =>
      (r.sex === undefined || r.sex === patient.sex) &&
      (r.minAgeYears === undefined || patient.ageYears >= r.minAgeYears) &&
      (r.maxAgeYears === undefined || patient.ageYears <= r.maxAgeYears);
    const facts = (r: SexAgeLimit, code: string) => ({
      code,
      allowed: [
        r.sex ? (r.sex === 'F' ? '限女性' : '限男性') : '',
        r.minAgeYears !== undefined || r.maxAgeYears !== undefined ? `限${r.minAgeYears ?? 0}–${r.maxAgeYears ?? '∞'}岁` : '',
      ]
        .filter(Boolean)
        .join('，'),
      sex: patient.sex === 'F' ? '女' : '男',
      ageYears: patient.ageYears,
    });
    const system = (on: SexAgeLimit['on']) => (on === 'item' ? 'item' : on);
    // The region's own restrictions first, as they always read.
    for (const r of p.restrictions) {
      if (fits(r)) continue;
      if (r.on === 'item') {
        const lines = claim.lines.filter((l) => codeMatches('item', r.code, l.itemCode));
        if (lines.length === 0) continue;
        lines.forEach((l) => reported.add(`item:${l.itemCode}`));
        findings.push({ facts: facts(r, lines[0]!.itemCode), lines: lines.map((l) => l.lineNo) });
      } else {
        const codes = r.on === 'diagnosis' ? claim.diagnoses : claim.procedures;
        const hit = codes.find((c) => codeMatches(system(r.on), r.code, c));
        if (!hit) continue;
        reported.add(`${r.on}:${hit}`);
        findings.push({ facts: facts(r, hit) });
      }
    }
    // Then every code of the claim against the knowledge base.
    const byItem = byKey(claim.lines, (l) => l.itemCode);
    for (const [code, lines] of byItem) {
      if (reported.has(`item:${code}`)) continue;
      const broken = knowledge.sexAge('item', code).find((r) => !fits(r));
      if (broken) findings.push({ facts: facts(broken, code), lines: lines.map((l) => l.lineNo) });
    }
    for (const [on, codes] of [
      ['diagnosis', claim.diagnoses],
      ['procedure', claim.procedures],
    ] as const) {
      for (const code of new Set(codes)) {
        if (reported.has(`${on}:${code}`)) continue;
        const broken = knowledge.sexAge(on, code).find((r) => !fits(r));
        if (broken) findings.push({ facts: facts(broken, code) });
      }
    }
    return findings;
  },
});

const restrictedItems = (
  claim: { diagnoses: string[]; lines: FraudLine[] },
  items: { itemCode: string; diagnoses: string[]; indication?: string | undefined }[],
  fundLinesOnly: boolean,
  knowledge: KnowledgeBase,
): Finding[] => {
  const findings: Finding[] = [];
  const reported = new Set<number>();
  const finding = (lines: FraudLine[], indication: string) => ({
    facts: {
      itemCode: lines[0]!.itemCode,
      itemName: nameOf(lines[0]!),
      indication,
      diagnoses: claim.diagnoses.join('/') || '无诊断',
    },
    lines: lines.map((l) => l.lineNo),
  });
  const payable = (l: FraudLine) => !fundLinesOnly || l.itemClass !== 'C';
  for (const item of items) {
    const lines = claim.lines.filter((l) => matchesCode(item.itemCode, l.itemCode) && payable(l));
    lines.forEach((l) => reported.add(l.lineNo));
    if (hasDiagnosis(claim, item.diagnoses) || lines.length === 0) continue;
    findings.push(finding(lines, item.indication ?? item.diagnoses.map((d) => d.replace('*', '')).join('/')));
  }
  // The knowledge base's indications for every other fund-paid line, one finding per entry.
  const byEntry = new Map<object, { lines: FraudLine[]; text: string }>();
  for (const l of claim.lines) {
    if (reported.has(l.lineNo) || !payable(l)) continue;
    const entry = knowledge.indication('item', l.itemCode);
    if (!entry?.diagnoses || hasDiagnosis(claim, entry.diagnoses)) continue;
    const found = byEntry.get(entry) ?? { lines: [], text: entry.text ?? entry.diagnoses.join('/') };
    found.lines.push(l);
    byEntry.set(entry, found);
  }
  for (const { lines, text } of byEntry.values()) findings.push(finding(lines, text));
  return findings;
};

// 限定适应症: a catalogue item the fund pays only for certain diagnoses, billed to the fund without one.
export const indicationRestriction = defineClaimRule({
  type: 'indication-restriction',
  title: '限定适应症',
  parameters: z.strictObject({
    /** A region's own restrictions, besides the knowledge base's indications. */
    items: z
      .array(z.strictObject({ itemCode: codePattern, diagnoses: z.array(codePattern).min(1), indication: z.string().max(200).optional() }))
      .default([]),
  }),
  facts: ['itemCode', 'itemName', 'indication', 'diagnoses'],
  // Self-paid (丙类) lines are the patient's own business: the restriction is on fund payment.
  evaluate: (claim, p, { knowledge }) => restrictedItems(claim, p.items, true, knowledge),
});

// 限二级及以上医院 (or any minimum level): an item billed by a provider below its level.
export const levelRestriction = defineClaimRule({
  type: 'level-restriction',
  title: '限定医疗机构级别',
  parameters: z.strictObject({
    /** A region's own items, besides the knowledge base's minimum levels. */
    items: z.array(z.strictObject({ itemCode: codePattern, minLevel: level })).default([]),
  }),
  facts: ['itemCode', 'itemName', 'level', 'minLevel'],
  evaluate(claim, p, { knowledge }) {
    const providerLevel = claim.provider.level;
    if (!providerLevel) return [];
    const findings: Finding[] = [];
    const named = (code: string) => p.items.some((i) => matchesCode(i.itemCode, code));
    const fromKnowledge = new Map<string, { itemCode: string; minLevel: z.infer<typeof level> }>();
    for (const l of claim.lines) {
      if (named(l.itemCode)) continue;
      const entry = knowledge.minLevel(l.itemCode);
      if (entry) fromKnowledge.set(entry.code, { itemCode: entry.code, minLevel: entry.minLevel });
    }
    for (const item of [...p.items, ...fromKnowledge.values()]) {
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

// 诊疗/用药与诊断不符: a procedure or drug no diagnosis of the claim calls for (clinical plausibility), or a drug
// given with a diagnosis that rules it out (禁忌症). Procedure codes are a hierarchy: 36.07 names 36.0700.
export const diagnosisMismatch = defineClaimRule({
  type: 'diagnosis-mismatch',
  title: '诊疗项目或药品与诊断不符',
  parameters: z.strictObject({
    /** A region's own pairs, besides the knowledge base's procedure indications and contraindications. */
    rules: z
      .array(z.strictObject({ code: codePattern, on: z.enum(['procedure', 'item']), diagnoses: z.array(codePattern).min(1) }))
      .default([]),
  }),
  facts: ['code', 'expected', 'diagnoses'],
  evaluate(claim, p, { knowledge }) {
    const findings: Finding[] = [];
    const diagnoses = claim.diagnoses.join('/') || '无诊断';
    const reported = new Set<string>();
    for (const r of p.rules) {
      const facts = { expected: r.diagnoses.map((d) => d.replace('*', '')).join('/'), diagnoses };
      if (r.on === 'procedure') {
        const hit = claim.procedures.find((c) => codeMatches('procedure', r.code, c));
        if (hit) reported.add(`procedure:${hit}`);
        if (hit && !hasDiagnosis(claim, r.diagnoses)) findings.push({ facts: { ...facts, code: hit } });
      } else {
        const lines = claim.lines.filter((l) => matchesCode(r.code, l.itemCode));
        lines.forEach((l) => reported.add(`item:${l.itemCode}`));
        if (lines.length && !hasDiagnosis(claim, r.diagnoses))
          findings.push({ facts: { ...facts, code: lines[0]!.itemCode }, lines: lines.map((l) => l.lineNo) });
      }
    }
    for (const code of new Set(claim.procedures)) {
      if (reported.has(`procedure:${code}`)) continue;
      const entry = knowledge.indication('procedure', code);
      if (entry?.diagnoses && !hasDiagnosis(claim, entry.diagnoses))
        findings.push({ facts: { code, expected: entry.text ?? entry.diagnoses.join('/'), diagnoses } });
    }
    for (const [code, lines] of byKey(claim.lines, (l) => l.itemCode)) {
      if (reported.has(`item:${code}`)) continue;
      const entry = knowledge.indication('item', code);
      const ruledOut = entry?.contraindications && claim.diagnoses.find((d) => anyMatches('diagnosis', entry.contraindications!, d));
      if (ruledOut)
        findings.push({
          facts: { code, expected: `无禁忌症者（${entry.text ?? `禁忌 ${entry.contraindications!.join('/')}`}）`, diagnoses },
          lines: lines.map((l) => l.lineNo),
        });
    }
    return findings;
  },
});

// 超量开药/超频次: more days' supply than a prescription may carry (the days of one drug prescribed on one
// day add up across the lines that carry them), more of an item per day than allowed, or more in a stay.
// A chronic disease the knowledge base lists allows a long prescription (长期处方) on any visit.
export const excessQuantity = defineClaimRule({
  type: 'excess-quantity',
  title: '超量开药/超频次收费',
  parameters: z.strictObject({
    drugCategories: z.array(z.string().min(1)).min(1),
    maxSupplyDays: z.number().int().positive(),
    emergencyMaxSupplyDays: z.number().int().positive(),
    /** 长期处方: visits for chronic disease may carry a longer supply. */
    longPrescription: z.strictObject({ visitTypes: z.array(z.string()).min(1), maxSupplyDays: z.number().int().positive() }).optional(),
    /** A region's own per-day limits, besides the knowledge base's per-day and per-stay maximums. */
    dailyLimits: z.array(z.strictObject({ itemCode: codePattern, maxPerDay: z.number().positive() })).default([]),
  }),
  facts: ['itemCode', 'itemName', 'date', 'quantity', 'limit', 'unit'],
  evaluate(claim, p, { knowledge }) {
    const findings: Finding[] = [];
    const byVisit = p.longPrescription?.visitTypes.includes(claim.visitType) ? p.longPrescription.maxSupplyDays : p.maxSupplyDays;
    const supplied = claim.lines.filter((l) => p.drugCategories.includes(l.category) && l.supplyDays !== undefined);
    for (const supply of byKey(supplied, (l) => `${drugIdentity(l.itemCode)}#${l.date}`).values()) {
      const first = supply[0]!;
      const days = supply.reduce((sum, l) => sum + l.supplyDays!, 0);
      const allowed = claim.emergency
        ? p.emergencyMaxSupplyDays
        : Math.max(byVisit, knowledge.longPrescriptionDays(claim.diagnoses, first.itemCode)?.days ?? 0);
      if (days <= allowed) continue;
      const amount = supply.reduce((sum, l) => sum + l.amountFen, 0);
      findings.push({
        facts: { itemCode: first.itemCode, itemName: nameOf(first), date: first.date, quantity: days, limit: allowed, unit: '天用量' },
        lines: supply.map((l) => l.lineNo),
        // The days beyond the limit, as their share of the supply.
        amountFen: divideRoundHalfUp(amount * (days - allowed), days),
      });
    }
    const overQuantity = (lines: FraudLine[], limit: number, date: string, unit: string) => {
      const quantity = lines.reduce((sum, l) => sum + l.quantity, 0);
      if (quantity <= limit) return;
      const amount = lines.reduce((sum, l) => sum + l.amountFen, 0);
      findings.push({
        facts: { itemCode: lines[0]!.itemCode, itemName: nameOf(lines[0]!), date, quantity, limit, unit },
        lines: lines.map((l) => l.lineNo),
        amountFen: divideRoundHalfUp(amount * Math.round((quantity - limit) * 10_000), Math.round(quantity * 10_000)),
      });
    };
    const named = new Set<number>();
    for (const limit of p.dailyLimits) {
      const lines = claim.lines.filter((l) => matchesCode(limit.itemCode, l.itemCode));
      lines.forEach((l) => named.add(l.lineNo));
      for (const day of byKey(lines, (l) => l.date).values()) overQuantity(day, limit.maxPerDay, day[0]!.date, '次/日');
    }
    // The knowledge base's maximums for every other line: per day, and per stay.
    for (const [code, lines] of byKey(
      claim.lines.filter((l) => !named.has(l.lineNo)),
      (l) => l.itemCode,
    )) {
      const limit = knowledge.quantityLimit(code);
      if (!limit) continue;
      if (limit.maxPerDay !== undefined)
        for (const day of byKey(lines, (l) => l.date).values()) overQuantity(day, limit.maxPerDay, day[0]!.date, '次/日');
      if (limit.maxPerStay !== undefined && isStay(claim.visitType)) {
        const max = limit.maxPerStay === 'length-of-stay' ? stayDays(claim) : limit.maxPerStay;
        overQuantity(lines, max, `${claim.start}至${claim.end}`, limit.maxPerStay === 'length-of-stay' ? '（住院天数）' : '次/住院');
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
    /** A region's own bundles, besides the knowledge base's (a bundle of the same code here replaces it). */
    bundles: z
      .array(
        z.strictObject({
          bundleCode: codePattern,
          componentCodes: z.array(codePattern).min(1),
          /** Without the bundle on the bill, this many of its components on one day is a split charge. */
          minComponentsWithoutBundle: z.number().int().min(2).optional(),
        }),
      )
      .default([]),
  }),
  facts: ['bundleCode', 'components', 'date'],
  evaluate(claim, p, { knowledge }) {
    const findings: Finding[] = [];
    for (const day of byKey(claim.lines, (l) => l.date).values()) {
      const own = new Set(p.bundles.map((b) => b.bundleCode));
      const touched = new Map<string, (typeof p.bundles)[number]>();
      for (const l of day) for (const b of knowledge.bundlesTouching(l.itemCode)) if (!own.has(b.bundleCode)) touched.set(b.bundleCode, b);
      for (const bundle of [...p.bundles, ...touched.values()]) {
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
    /** A region's own list, besides the knowledge base's conditions an outpatient visit treats. */
    outpatientDiagnoses: z.array(codePattern).default([]),
    examCategories: z.array(z.string().min(1)).min(1),
    /** Hit when examinations and tests make at least this share of the bill (检查化验为主). */
    minExamShareBp: basisPoints,
  }),
  facts: ['lengthOfStay', 'diagnosis', 'examShare'],
  evaluate(claim, p, { knowledge }) {
    if (claim.visitType !== 'inpatient' || claim.emergency || claim.procedures.length > 0) return [];
    const los = claim.lengthOfStayDays;
    if (los === undefined || los > p.maxLengthOfStayDays) return [];
    const principal = claim.diagnoses[0] ?? '';
    // A planned stay of a course (a chemotherapy cycle, a dialysis start) is short by nature.
    if (knowledge.plannedStay({ principalDiagnosis: principal, itemCodes: claim.lines.map((l) => l.itemCode) })) return [];
    const examShare = shareBp(
      claim.lines.filter((l) => p.examCategories.includes(l.category)).reduce((s, l) => s + l.amountFen, 0),
      claim.totals.billedFen,
    );
    const treatable = matchesAny(p.outpatientDiagnoses, principal) || (principal !== '' && knowledge.outpatientTreatable(principal));
    if (!treatable && examShare < p.minExamShareBp) return [];
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
