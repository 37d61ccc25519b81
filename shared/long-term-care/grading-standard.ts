/**
 * The national disability grading standard for long-term care insurance, as data:
 * 《长期护理失能等级评估标准(试行)》, 国家医保局办公室 民政部办公厅 医保办发〔2021〕37号 (2021-07-16).
 *
 * It scores three first-level indicators from 17 second-level items:
 *  - 日常生活活动能力 (activities of daily living, ADL): 10 items, 0–100;
 *  - 认知能力 (cognition): 4 items, 0–16;
 *  - 感知觉与沟通能力 (perception and communication): 3 items, 0–12 (a comatose member, 昏迷, is not
 *    scored further and is graded severe on this indicator).
 * Each indicator's total falls in one of four grades (能力完好 intact, 轻度受损 mild, 中度受损 moderate,
 * 重度受损 severe), and the combination table (组合法) turns the ADL grade and the worse of the other
 * two grades into the level: 0 基本正常, 1 轻度失能, 2 中度失能, 3 重度失能Ⅰ级, 4 重度失能Ⅱ级, 5 重度失能Ⅲ级.
 * Levels 3–5 are the severe levels the insurance mainly pays for (a region's policy says which qualify).
 *
 * Pure: no I/O. The figures are the standard's; they are not a region's choice, so they are not a
 * policy document (a region's policy only names which levels qualify and what each is paid).
 */

export const GRADING_STANDARD_CITATION = {
  title: '长期护理失能等级评估标准(试行)',
  documentNo: '医保办发〔2021〕37号',
  issuer: '国家医疗保障局办公室、民政部办公厅',
  date: '2021-07-16',
  clause: '评估指标(一级指标3个、二级指标17个); 一级指标等级划分; 表: 长期护理失能等级划分(组合法)',
  where: 'public reference (nhsa.gov.cn); digest: domain/POLICY-DIGEST.md, national rules, long-term care',
} as const;

export const INDICATORS = ['adl', 'cognition', 'perception'] as const;
export type Indicator = (typeof INDICATORS)[number];

/** One second-level item: its maximum and the steps it is scored in. */
export interface ItemSpec {
  name: string;
  max: number;
  /** The scores an assessor may give (the standard scores ADL items in steps of 5, the others in whole points). */
  step: number;
}

export const ITEMS: Record<Indicator, Record<string, ItemSpec>> = {
  adl: {
    eating: { name: '进食', max: 10, step: 5 },
    bathing: { name: '洗澡', max: 5, step: 5 },
    grooming: { name: '面部与口腔清洁', max: 5, step: 5 },
    dressing: { name: '穿衣', max: 10, step: 5 },
    bowels: { name: '大便控制', max: 10, step: 5 },
    bladder: { name: '小便控制', max: 10, step: 5 },
    toileting: { name: '用厕', max: 10, step: 5 },
    transfer: { name: '床椅转移', max: 15, step: 5 },
    walking: { name: '平地行走', max: 15, step: 5 },
    stairs: { name: '上下楼梯', max: 10, step: 5 },
  },
  cognition: {
    timeOrientation: { name: '时间定向', max: 4, step: 1 },
    personOrientation: { name: '人物定向', max: 4, step: 1 },
    placeOrientation: { name: '空间定向', max: 4, step: 1 },
    memory: { name: '记忆力', max: 4, step: 1 },
  },
  perception: {
    vision: { name: '视力', max: 4, step: 1 },
    hearing: { name: '听力', max: 4, step: 1 },
    communication: { name: '沟通能力', max: 4, step: 1 },
  },
};

export const GRADES = ['intact', 'mild', 'moderate', 'severe'] as const;
export type Grade = (typeof GRADES)[number];
export const GRADE_NAMES: Record<Grade, string> = { intact: '能力完好', mild: '轻度受损', moderate: '中度受损', severe: '重度受损' };

/** The lowest total of each grade, per indicator (a total below the mild floor is severe…). */
export const GRADE_FLOORS: Record<Indicator, { intact: number; mild: number; moderate: number }> = {
  // ADL: 100 intact, 65–95 mild, 45–60 moderate, 0–40 severe.
  adl: { intact: 100, mild: 65, moderate: 45 },
  // Cognition: 16 intact, 12–15 mild, 4–11 moderate, 0–3 severe.
  cognition: { intact: 16, mild: 12, moderate: 4 },
  // Perception and communication: 12 intact, 8–11 mild, 4–7 moderate, 0–3 severe.
  perception: { intact: 12, mild: 8, moderate: 4 },
};

export const LEVELS = [0, 1, 2, 3, 4, 5] as const;
export type CareLevel = (typeof LEVELS)[number];
export const LEVEL_NAMES: Record<CareLevel, string> = {
  0: '基本正常',
  1: '轻度失能',
  2: '中度失能',
  3: '重度失能Ⅰ级',
  4: '重度失能Ⅱ级',
  5: '重度失能Ⅲ级',
};

/**
 * The combination table: rows the ADL grade, columns the worse of the cognition and the perception
 * grades (以失能等级严重的判断), cells the level.
 */
export const COMBINATION: Record<Grade, Record<Grade, CareLevel>> = {
  intact: { intact: 0, mild: 0, moderate: 1, severe: 1 },
  mild: { intact: 1, mild: 1, moderate: 1, severe: 2 },
  moderate: { intact: 2, mild: 2, moderate: 2, severe: 3 },
  severe: { intact: 3, mild: 3, moderate: 4, severe: 5 },
};

export type ItemScores = Record<Indicator, Record<string, number>>;

export interface IndicatorResult {
  total: number;
  grade: Grade;
}

export interface Grading {
  adl: IndicatorResult;
  cognition: IndicatorResult;
  perception: IndicatorResult;
  /** The worse of cognition and perception: the table's column. */
  column: Grade;
  level: CareLevel;
  levelName: string;
}

export interface ScoreProblem {
  field: string;
  rule: 'unknown_item' | 'missing_item' | 'out_of_range' | 'step';
  message: string;
}

export function gradeOf(indicator: Indicator, total: number): Grade {
  const f = GRADE_FLOORS[indicator];
  if (total >= f.intact) return 'intact';
  if (total >= f.mild) return 'mild';
  if (total >= f.moderate) return 'moderate';
  return 'severe';
}

const worse = (a: Grade, b: Grade): Grade => (GRADES.indexOf(a) >= GRADES.indexOf(b) ? a : b);

/** Every item present once, within 0..max and on its step; the problems name the item. */
export function checkScores(scores: ItemScores): ScoreProblem[] {
  const problems: ScoreProblem[] = [];
  for (const indicator of INDICATORS) {
    const given = scores[indicator] ?? {};
    for (const [item, spec] of Object.entries(ITEMS[indicator])) {
      const v = given[item];
      const field = `scores.${indicator}.${item}`;
      if (v === undefined) problems.push({ field, rule: 'missing_item', message: `${spec.name} is not scored` });
      else if (!Number.isInteger(v) || v < 0 || v > spec.max)
        problems.push({ field, rule: 'out_of_range', message: `${spec.name} scores 0–${spec.max}` });
      else if (v % spec.step !== 0) problems.push({ field, rule: 'step', message: `${spec.name} scores in steps of ${spec.step}` });
    }
    for (const item of Object.keys(given)) {
      if (!(item in ITEMS[indicator]))
        problems.push({
          field: `scores.${indicator}.${item}`,
          rule: 'unknown_item',
          message: `the standard has no ${indicator} item ${item}`,
        });
    }
  }
  return problems;
}

/**
 * The level from the 17 item scores (checked first: checkScores). A comatose member (`comatose`) is
 * graded severe on perception and communication whatever its items say, as the standard directs.
 */
export function gradeDisability(scores: ItemScores, comatose = false): Grading {
  const total = (i: Indicator) => Object.keys(ITEMS[i]).reduce((s, item) => s + (scores[i]?.[item] ?? 0), 0);
  const adl = { total: total('adl'), grade: gradeOf('adl', total('adl')) };
  const cognition = { total: total('cognition'), grade: gradeOf('cognition', total('cognition')) };
  const perceptionTotal = total('perception');
  const perception = { total: perceptionTotal, grade: comatose ? ('severe' as const) : gradeOf('perception', perceptionTotal) };
  const column = worse(cognition.grade, perception.grade);
  const level = COMBINATION[adl.grade][column];
  return { adl, cognition, perception, column, level, levelName: LEVEL_NAMES[level] };
}
