/**
 * How far the demo year has got, as `GET /local/demo/progress` answers it on the local cloud (the
 * console shows it while the year fills in the background). `done`/`total` count the year's units
 * of work (a member enrolled, a claim settled, a month advanced, a run); `figures` grow as it goes.
 */

export const DEMO_PHASES = [
  'starting',
  'policies',
  'catalogues',
  'providers',
  'members',
  'registers',
  'budget',
  'claims',
  'fraud-review',
  'year-end',
  'ready',
  'failed',
  'off',
] as const;
export type DemoPhase = (typeof DEMO_PHASES)[number];

/** What each phase is, in the console's language. */
export const PHASE_LABELS: Record<DemoPhase, string> = {
  starting: '启动中',
  policies: '核对舟山 2026 年、红河 2025 年政策',
  catalogues: '导入医保目录',
  providers: '登记定点医药机构、医共体、护理机构与评估员',
  members: '参保登记与缴费',
  registers: '家庭、慢特病认定、家庭医生签约、舟惠保',
  budget: '编制总额预算',
  claims: '逐月结算、月度预拨；红河失能评估、长期护理、生育',
  'fraud-review': '智能审核告警处理',
  'year-end': '年终清算',
  ready: '演示年度已就绪',
  failed: '演示年度失败',
  off: '未运行演示（YIBAO_DEMO=off）',
};

export interface DemoFigures {
  members: number;
  employees: number;
  residents: number;
  /** Members with an assistance category (低保, 特困, 低保边缘, severely disabled). */
  poorMembers: number;
  households: number;
  providers: number;
  chronicApprovals: number;
  familyDoctorContracts: number;
  /** Claims settled (each once), by visit type. */
  claims: number;
  claimsByType: Record<string, number>;
  billedFen: number;
  fundPaidFen: number;
  /** Months whose prepayment run completed. */
  prepaymentMonths: number;
  prepaidFen: number;
  /** Alerts and review items in the region's inbox (GET /v1/alerts), by tier. */
  alerts: number;
  alertsByTier: Record<string, number>;
  /** Alerts by the rule types they name (an alert naming two counts in both). */
  alertsByRuleType: Record<string, number>;
  /** Injected fraud patterns, and how many of them the rules raised. */
  injected: number;
  injectedCaught: number;
  /** Year-end point value, yuan per point ("98.7654"). */
  pointValue?: string;
  staysByPoints?: number;
  staysByItems?: number;
  /** Claims settled per second through the API while the year's claims ran. */
  claimsPerSecond?: number;
  timeToReadyMs?: number;
  /** When the console could first be used: the API up and the console built (ms after the start). */
  timeToConsoleMs?: number;
  /** Zhoushan's claims by month of settlement ("2026-03": 412), as the year fills. */
  claimsByMonth?: Record<string, number>;
  /**
   * The programmes Zhoushan's papers do not give it, run for Honghe (532500) 2025 where their policies
   * are (infra/local/demo/honghe.ts): long-term care, maternity, DIP. Kept apart from Zhoushan's
   * figures above, which are one region's and agree with its reports.
   */
  programmes?: ProgrammeFigures;
}

export interface ProgrammeFigures {
  region: string;
  regionName: string;
  year: number;
  /** Honghe's employees (in service and retired). */
  members: number;
  retirees: number;
  /** Claims settled through POST /v1/claims (stays, antenatal, deliveries), by visit type. */
  claims: number;
  claimsByType: Record<string, number>;
  fundPaidFen: number;
  longTermCare: {
    /** Disability assessments concluded, by the level the standard gave. */
    assessments: number;
    byLevel: Record<string, number>;
    qualifying: number;
    /** Monthly care claims settled, by setting (institutional, home-care, family-carer). */
    careClaims: number;
    careClaimsBySetting: Record<string, number>;
    billedFen: number;
    fundPaidFen: number;
    refusedFen: number;
    findings: number;
    /** The fund's income of the year (GET /v1/ltc/fund/{region}/{year}). */
    fundIncomeFen?: number;
  };
  maternity: {
    pregnancies: number;
    antenatal: number;
    deliveries: number;
    deliveriesByType: Record<string, number>;
    fundPaidFen: number;
    allowances: number;
    allowanceFen: number;
  };
  /** The year's stays as DIP scored them (GET /v1/reports/case-mix/{region}/{year}). */
  dip: { cases: number; method?: string; totalCentipoints?: number };
}

export interface DemoProgress {
  phase: DemoPhase;
  label: string;
  done: number;
  total: number;
  /** ISO times. */
  startedAt: string;
  readyAt?: string;
  /** Scale (members) and seed of the year being built. */
  scale: number;
  seed: number;
  region: string;
  year: number;
  figures: DemoFigures;
  error?: string;
}

export function emptyFigures(): DemoFigures {
  return {
    members: 0,
    employees: 0,
    residents: 0,
    poorMembers: 0,
    households: 0,
    providers: 0,
    chronicApprovals: 0,
    familyDoctorContracts: 0,
    claims: 0,
    claimsByType: {},
    billedFen: 0,
    fundPaidFen: 0,
    prepaymentMonths: 0,
    prepaidFen: 0,
    alerts: 0,
    alertsByTier: {},
    alertsByRuleType: {},
    injected: 0,
    injectedCaught: 0,
  };
}
