/**
 * A generated stream of clinically normal claims (nothing a reviewer would question), per member over
 * a quarter, in the order they happen: acute outpatient visits (some with a check-up a few days later), chronic patients on four-week
 * prescriptions (some in four weekly lines, some split over two claims of one day; one refill in five
 * a few days early, as patients do), dialysis three
 * times a week, two body parts imaged the same day, diabetic stays with bedside glucose four times a
 * day (four lines a day, one a test), myocardial infarctions transferred the same day (离院方式 2, 医嘱转院) for a stent, emergency visits
 * on the admission day, chemotherapy cycles, rehabilitation courses, antenatal care. Codes are the
 * starter catalogue's (catalogues/000000), prices at or below its limits. Deterministic (seeded).
 */
import type { FraudClaim, FraudLine } from '../shared/fraud/claim.ts';
import { addDays, daysBetween } from '../shared/fraud/dates.ts';

export const PROFILES = [
  'acute',
  'chronic',
  'dialysis',
  'imaging',
  'diabetic-stay',
  'transfer',
  'emergency-admission',
  'chemotherapy',
  'rehabilitation',
  'antenatal',
] as const;
export type Profile = (typeof PROFILES)[number];
/** Members per 100 of each profile. */
const WEIGHTS: Record<Profile, number> = {
  acute: 32,
  chronic: 24,
  dialysis: 3,
  imaging: 8,
  'diabetic-stay': 6,
  transfer: 3,
  'emergency-admission': 5,
  chemotherapy: 3,
  rehabilitation: 4,
  antenatal: 12,
};

const C = {
  consult: '001101000010000',
  bed: '001105000050000',
  icuBed: '001107000070000',
  nursing1: '001108000080000',
  nursing2: '001201000090000',
  infusion: '001202000100000',
  bloodCount: '001204000120000',
  urine: '001205000130000',
  liver: '001206000140000',
  renal: '001207000150000',
  hba1c: '001301000170000',
  ecg: '001303000190000',
  xray: '001305000210000',
  ct: '001306000220000',
  ultrasound: '001401000250000',
  dialysis: '001404000280000',
  acupuncture: '001405000290000',
  rehabEval: '001408000320000',
  stentProcedure: '001503000360000',
  glucose: '250302002',
  amoxicillin: 'XJ01CAA040A001010110000',
  ceftriaxone: 'XJ01DDT049D004010110020',
  paracetamol: 'XN02BED070B002010110050',
  metoprolol: 'XC07ABM082B002010110064',
  amlodipine: 'XC08CAA085B002010110070',
  atorvastatin: 'XC10AAA100B002010110084',
  clopidogrel: 'XB01ACL106B002010110090',
  metformin: 'XA10BAE118B002010110100',
  glargine: 'XA10AEG133D004010110116',
  ambroxol: 'XR05CBA160B002010110136',
  omeprazole: 'XA02BCA139L012010110120',
  osimertinib: 'XL01EBA190B002010110160',
  saline: 'XB05BBL214D004010110176',
  dialyser: 'C02010102500400160000010015',
  stent: 'C06010301500300150000010013',
} as const;

const PRICES: Record<string, number> = {
  [C.consult]: 1_000,
  [C.bed]: 4_000,
  [C.icuBed]: 20_000,
  [C.nursing1]: 3_000,
  [C.nursing2]: 2_000,
  [C.infusion]: 800,
  [C.bloodCount]: 2_000,
  [C.urine]: 1_000,
  [C.liver]: 6_000,
  [C.renal]: 3_000,
  [C.hba1c]: 6_000,
  [C.ecg]: 2_500,
  [C.xray]: 6_000,
  [C.ct]: 20_000,
  [C.ultrasound]: 12_000,
  [C.dialysis]: 42_000,
  [C.acupuncture]: 2_500,
  [C.rehabEval]: 6_000,
  [C.stentProcedure]: 350_000,
  [C.glucose]: 800,
  [C.dialyser]: 12_000,
  [C.stent]: 600_000,
};
const DRUG_PRICE_PER_DAY: Record<string, number> = {
  [C.amoxicillin]: 300,
  [C.ceftriaxone]: 2_500,
  [C.paracetamol]: 100,
  [C.metoprolol]: 120,
  [C.amlodipine]: 150,
  [C.atorvastatin]: 250,
  [C.clopidogrel]: 300,
  [C.metformin]: 80,
  [C.glargine]: 900,
  [C.ambroxol]: 100,
  [C.omeprazole]: 150,
  [C.osimertinib]: 15_200,
  [C.saline]: 300,
};

const CATEGORY: Record<string, FraudLine['category']> = {
  [C.consult]: 'treatment',
  [C.bed]: 'bed',
  [C.icuBed]: 'bed',
  [C.nursing1]: 'nursing',
  [C.nursing2]: 'nursing',
  [C.infusion]: 'treatment',
  [C.bloodCount]: 'lab',
  [C.urine]: 'lab',
  [C.liver]: 'lab',
  [C.renal]: 'lab',
  [C.hba1c]: 'lab',
  [C.glucose]: 'lab',
  [C.ecg]: 'exam',
  [C.xray]: 'exam',
  [C.ct]: 'exam',
  [C.ultrasound]: 'exam',
  [C.dialysis]: 'treatment',
  [C.acupuncture]: 'treatment',
  [C.rehabEval]: 'treatment',
  [C.stentProcedure]: 'surgery',
  [C.dialyser]: 'material',
  [C.stent]: 'material',
};

export interface NormalClaim {
  profile: Profile;
  claim: FraudClaim;
}

/** `members` members' quarters of care (2026-01-01 to 2026-03-31), every claim in the order it happened. */
export function normalStream(members: number, seed = 7): NormalClaim[] {
  let state = seed;
  const rand = (n: number) => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return Math.floor((state / 2_147_483_648) * n);
  };
  const out: NormalClaim[] = [];
  const weighted = PROFILES.flatMap((p) => Array<Profile>(WEIGHTS[p]).fill(p));
  let claimSeq = 0;

  for (let m = 0; m < members; m++) {
    const profile = weighted[rand(weighted.length)]!;
    const memberId = `N-${m}`;
    const female = profile === 'antenatal' || rand(2) === 0;
    const age = profile === 'antenatal' ? 22 + rand(16) : profile === 'acute' || profile === 'imaging' ? 5 + rand(70) : 45 + rand(40);
    const patient = { sex: female ? ('F' as const) : ('M' as const), ageYears: age };
    const home = `H${String(rand(40)).padStart(4, '0')}`;
    const other = `H${String(40 + rand(40)).padStart(4, '0')}`;
    const day = (d: number) => addDays('2026-01-01', d);

    const make = (
      o: Omit<Partial<FraudClaim>, 'lines'> & {
        start: string;
        lines: [string, { quantity?: number; date?: string; supplyDays?: number }?][];
      },
    ): FraudClaim => {
      const { lines: spec, ...rest } = o;
      const lines: FraudLine[] = spec.map(([code, x = {}], i) => {
        const quantity = x.quantity ?? 1;
        const days = x.supplyDays;
        const unit = days !== undefined ? DRUG_PRICE_PER_DAY[code]! * days : (PRICES[code] ?? DRUG_PRICE_PER_DAY[code]!);
        return {
          lineNo: i + 1,
          itemCode: code,
          itemClass: 'A',
          category: CATEGORY[code] ?? 'drug',
          quantity,
          unitPriceFen: unit,
          amountFen: unit * quantity,
          date: x.date ?? o.start,
          ...(days !== undefined ? { supplyDays: days } : {}),
        };
      });
      const end = o.end ?? o.start;
      const billed = lines.reduce((s, l) => s + l.amountFen, 0);
      const providerCode = o.provider?.code ?? home;
      return {
        ref: { providerCode, claimNo: `N${++claimSeq}` },
        memberId,
        region: '330900',
        provider: { code: providerCode, level: 'secondary', region: '330900' },
        visitType: 'outpatient',
        end,
        emergency: false,
        patient,
        diagnoses: [],
        procedures: [],
        ...rest,
        lines,
        totals: { billedFen: billed, fundPaidFen: Math.round(billed * 0.7), patientPaidFen: billed - Math.round(billed * 0.7) },
        ...(o.visitType === 'inpatient' ? { lengthOfStayDays: daysBetween(o.start, end) } : {}),
      };
    };
    const push = (claim: FraudClaim) => out.push({ profile, claim });

    /** A stay: a bed and a nursing level each charged day (算入不算出), care every day. */
    const stayLines = (
      start: string,
      los: number,
      daily: [string, { quantity?: number; supplyDays?: number }?][],
      once: [string, { quantity?: number }?][] = [],
      nursing: string = C.nursing2,
    ) => {
      const lines: [string, { quantity?: number; date?: string; supplyDays?: number }?][] = [];
      for (let d = 0; d < Math.max(1, los); d++) {
        const date = addDays(start, d);
        lines.push([C.bed, { date }], [nursing, { date }]);
        for (const [code, x] of daily) lines.push([code, { ...x, date }]);
      }
      for (const [code, x] of once) lines.push([code, { ...x, date: start }]);
      return lines;
    };

    switch (profile) {
      case 'acute': {
        // One to three episodes a quarter, at least three weeks apart.
        for (let d = rand(30), n = 1 + rand(3); n > 0 && d < 90; n--, d += 21 + rand(20)) {
          const start = day(d);
          const dx = ['J06.900', 'J20.900', 'J02.900', 'K29.700'][rand(4)]!;
          const lines: [string, { supplyDays?: number }?][] = dx.startsWith('K')
            ? [[C.consult], [C.omeprazole, { supplyDays: 7 }]]
            : [[C.consult], [C.bloodCount], [C.amoxicillin, { supplyDays: 3 + rand(5) }], [C.paracetamol, { supplyDays: 3 }]];
          push(make({ start, diagnoses: [dx], lines }));
          // One in ten comes back two to four days later for a check, no new drug.
          if (rand(10) === 0) push(make({ start: day(d + 2 + rand(3)), diagnoses: [dx], lines: [[C.consult], [C.bloodCount]] }));
        }
        break;
      }
      case 'chronic': {
        const dx = rand(2) ? ['I10.x00', 'E78.500'] : ['E11.900', 'I10.x00'];
        const drugs = dx[0] === 'I10.x00' ? [C.amlodipine, C.atorvastatin] : [C.metformin, C.amlodipine];
        const visitType = rand(3) === 0 ? ('chronic-outpatient' as const) : ('outpatient' as const);
        let d = rand(10);
        while (d < 90) {
          const start = day(d);
          const style = rand(20);
          if (style < 3) {
            // Split over two claims of one day (a HIS that caps a prescription at 14 days).
            for (let k = 0; k < 2; k++) push(make({ start, visitType, diagnoses: dx, lines: drugs.map((c) => [c, { supplyDays: 14 }]) }));
          } else if (style < 9) {
            // Four weekly lines of one supply.
            push(
              make({
                start,
                visitType,
                diagnoses: dx,
                lines: [
                  [C.consult],
                  ...drugs.flatMap((c) => [7, 7, 7, 7].map((s) => [c, { supplyDays: s }] as [string, { supplyDays: number }])),
                ],
              }),
            );
          } else {
            push(
              make({
                start,
                visitType,
                diagnoses: dx,
                lines: [
                  [C.consult],
                  ...drugs.map((c) => [c, { supplyDays: 28 }] as [string, { supplyDays: number }]),
                  ...(rand(3) === 0 ? [[C.hba1c] as [string]] : []),
                ],
              }),
            );
          }
          // Most come back as the supply runs out; one in five a few days early (a trip, a holiday), as patients do.
          d += rand(5) === 0 ? 22 + rand(4) : 26 + rand(3);
        }
        break;
      }
      case 'dialysis': {
        const visitType = rand(2) ? ('chronic-outpatient' as const) : ('outpatient' as const);
        for (let d = rand(2); d < 90; d += [2, 2, 3][(d % 7) % 3]!) {
          const start = day(d);
          push(
            make({
              start,
              visitType,
              provider: { code: 'H0900', level: 'tertiary', region: '330900' },
              diagnoses: ['N18.500', 'I12.000'],
              lines: [[C.dialysis], [C.dialyser], ...(d % 14 === 0 ? [[C.renal] as [string], [C.bloodCount] as [string]] : [])],
            }),
          );
        }
        break;
      }
      case 'imaging': {
        const start = day(rand(88));
        push(make({ start, diagnoses: ['S09.900', 'S20.200'], emergency: rand(2) === 0, lines: [[C.consult], [C.ct], [C.ct], [C.xray]] }));
        break;
      }
      case 'diabetic-stay': {
        const start = day(rand(80));
        const los = 5 + rand(4);
        push(
          make({
            start,
            end: addDays(start, los),
            visitType: 'inpatient',
            diagnoses: ['E11.900', 'I10.x00'],
            provider: { code: home, level: 'tertiary', region: '330900' },
            lines: stayLines(
              start,
              los,
              [[C.glucose], [C.glucose], [C.glucose], [C.glucose], [C.glargine], [C.metformin]],
              [[C.hba1c], [C.liver], [C.renal], [C.ecg]],
            ),
          }),
        );
        break;
      }
      case 'transfer': {
        const start = day(rand(80));
        const firstLos = rand(2); // 0: transferred the day of admission
        const moved = addDays(start, firstLos);
        push(
          make({
            start,
            end: moved,
            visitType: 'inpatient',
            emergency: true,
            provider: { code: home, level: 'secondary', region: '330900' },
            diagnoses: ['I21.000'],
            dischargeStatus: '2',
            lines: stayLines(start, firstLos, [[C.clopidogrel], [C.saline]], [[C.ecg], [C.bloodCount]], C.nursing1),
          }),
        );
        const los = 6 + rand(3);
        push(
          make({
            start: moved,
            end: addDays(moved, los),
            visitType: 'inpatient',
            emergency: true,
            provider: { code: 'H0901', level: 'tertiary', region: '330900' },
            diagnoses: ['I21.000', 'I10.x00'],
            procedures: ['36.0700', '00.6600x001'],
            lines: stayLines(moved, los, [[C.clopidogrel], [C.atorvastatin]], [[C.stentProcedure], [C.stent], [C.ecg]], C.nursing1),
          }),
        );
        break;
      }
      case 'emergency-admission': {
        const start = day(rand(80));
        push(
          make({
            start,
            emergency: true,
            provider: { code: other, level: 'secondary', region: '330900' },
            diagnoses: ['J18.900'],
            lines: [[C.consult], [C.bloodCount], [C.xray]],
          }),
        );
        const los = 5 + rand(4);
        push(
          make({
            start,
            end: addDays(start, los),
            visitType: 'inpatient',
            diagnoses: ['J18.900'],
            lines: stayLines(start, los, [[C.ceftriaxone], [C.infusion], [C.ambroxol]], [[C.ct], [C.bloodCount]]),
          }),
        );
        break;
      }
      case 'chemotherapy': {
        for (let d = rand(10); d < 88; d += 21) {
          const start = day(d);
          push(
            make({
              start,
              end: addDays(start, 2),
              visitType: 'inpatient',
              diagnoses: ['Z51.100', 'C34.900'],
              procedures: ['99.2500'],
              provider: { code: 'H0902', level: 'tertiary', region: '330900' },
              lines: stayLines(start, 2, [[C.infusion]], [[C.bloodCount], [C.liver], [C.renal], [C.osimertinib]]),
            }),
          );
        }
        break;
      }
      case 'rehabilitation': {
        const from = rand(50);
        for (let d = from; d < from + 28; d++) {
          if (d % 7 >= 5) continue; // five days a week
          push(
            make({
              start: day(d),
              diagnoses: ['I69.300'],
              provider: { code: 'H0903', level: 'secondary', region: '330900' },
              lines: [[C.rehabEval], [C.acupuncture]],
            }),
          );
        }
        break;
      }
      case 'antenatal': {
        for (let d = rand(20); d < 90; d += 28) {
          push(make({ start: day(d), diagnoses: ['Z34.900'], lines: [[C.consult], [C.ultrasound], [C.urine]] }));
        }
        break;
      }
    }
  }
  return out.sort((a, b) => (a.claim.start === b.claim.start ? 0 : a.claim.start < b.claim.start ? -1 : 1));
}
