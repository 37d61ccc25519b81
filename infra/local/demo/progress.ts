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
  policies: '核对舟山 2026 年政策',
  catalogues: '导入医保目录',
  providers: '登记定点医药机构与医共体',
  members: '参保登记与缴费',
  registers: '家庭、慢特病认定、家庭医生签约、舟惠保',
  budget: '编制总额预算',
  claims: '逐月结算、月度预拨',
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
