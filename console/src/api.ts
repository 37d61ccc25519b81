/**
 * The console's one way to the platform's API: the bearer token of the signed-in user, the API's
 * address from config.json (empty: the same origin, as on the local cloud), errors as the API words
 * them (its `{ error: { code, message, details } }`), and downloads of its CSV answers.
 */
import { reactive } from 'vue';

export type Role = 'staff' | 'regulator' | 'provider';
export interface Principal {
  sub: string;
  role: Role;
  region?: string;
  providerCode?: string;
  permissions?: string[];
}
export interface ConsoleConfig {
  environment: string;
  apiUrl: string;
  localSignIn: boolean;
}

const TOKEN_KEY = 'yibao.console.token';

export const session = reactive<{ token?: string; principal?: Principal; config: ConsoleConfig }>({
  config: { environment: 'local', apiUrl: '', localSignIn: false },
});

export async function loadConfig(): Promise<void> {
  try {
    const res = await fetch(`${import.meta.env.BASE_URL}config.json`, { cache: 'no-cache' });
    if (res.ok) session.config = { ...session.config, ...((await res.json()) as Partial<ConsoleConfig>) };
  } catch {
    // No config: the API is on this origin and sign-in is by pasted token.
  }
  const saved = sessionStorage.getItem(TOKEN_KEY);
  if (saved) signIn(saved);
}

/** The claims of a JWT (read, not verified: the API verifies every call). */
export function decodeToken(token: string): Principal & { exp?: number } {
  const part = token.split('.')[1];
  if (!part) throw new Error('不是有效的令牌');
  const json = decodeURIComponent(
    atob(part.replace(/-/g, '+').replace(/_/g, '/'))
      .split('')
      .map((c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
      .join(''),
  );
  return JSON.parse(json) as Principal & { exp?: number };
}

export function signIn(token: string): void {
  const claims = decodeToken(token);
  if (claims.exp && claims.exp * 1000 < Date.now()) {
    signOut();
    return;
  }
  session.token = token;
  session.principal = claims;
  sessionStorage.setItem(TOKEN_KEY, token);
}

export function signOut(): void {
  session.token = undefined;
  session.principal = undefined;
  sessionStorage.removeItem(TOKEN_KEY);
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly body: unknown,
  ) {
    super(message);
  }
}

function messageOf(status: number, body: any): string {
  const e = body?.error;
  if (e) {
    const problems = (e.details?.problems ?? []) as { field: string; message: string }[];
    // A problem the message already words is not said twice.
    const more = problems.filter((p) => !String(e.message).includes(p.message));
    return more.length ? `${e.message}：${more.map((p) => `${p.field} ${p.message}`).join('；')}` : e.message;
  }
  if (status === 401) return '未登录或令牌已过期，请重新登录';
  if (status === 403) return '无权访问';
  if (status === 404) return '未找到';
  return body?.message ?? `请求失败（${status}）`;
}

/** Calls the API; answers the parsed JSON (or the text of a text answer). */
export async function api<T = any>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${session.config.apiUrl}${path}`, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(session.token ? { authorization: `Bearer ${session.token}` } : {}),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  const parsed = res.headers.get('content-type')?.includes('json') && text ? JSON.parse(text) : text;
  if (res.status === 401) signOut();
  if (!res.ok) throw new ApiError(res.status, messageOf(res.status, parsed), parsed);
  return parsed as T;
}

export const get = <T = any>(path: string) => api<T>('GET', path);
export const post = <T = any>(path: string, body?: unknown) => api<T>('POST', path, body ?? {});

/** Saves text as a file the browser downloads. */
export function saveFile(name: string, text: string, type = 'text/csv;charset=utf-8'): void {
  // A BOM so Excel opens the Chinese columns as UTF-8.
  const blob = new Blob([type.startsWith('text/csv') ? `\ufeff${text}` : text], { type });
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

/** Downloads an API route's CSV answer (format=csv) as a file. */
export async function downloadCsv(path: string, name: string): Promise<void> {
  const text = await api<string>('GET', path);
  saveFile(name, typeof text === 'string' ? text : JSON.stringify(text));
}

const csvCell = (v: unknown): string => {
  const s = v === undefined || v === null ? '' : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};
export function toCsv(columns: { label: string; value: (row: any) => unknown }[], rows: readonly any[]): string {
  return [columns.map((c) => csvCell(c.label)).join(','), ...rows.map((r) => columns.map((c) => csvCell(c.value(r))).join(','))].join(
    '\r\n',
  );
}

/** Today in the agency's calendar (China Standard Time), as the API dates everything. */
export const agencyToday = (): string => new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });

/** Fen as yuan with two decimals and thousands separators (the API's money is integer fen). */
export function yuan(fen: number | null | undefined): string {
  if (fen === null || fen === undefined || Number.isNaN(fen)) return '—';
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(Math.round(fen));
  const whole = Math.floor(abs / 100).toLocaleString('zh-CN');
  return `${sign}${whole}.${String(abs % 100).padStart(2, '0')}`;
}

/** Basis points or hundredths as a percentage. */
export const percent = (hundredths: number | null | undefined): string =>
  hundredths === null || hundredths === undefined ? '—' : `${(hundredths / 100).toFixed(2)}%`;

export const ROLE_NAMES: Record<Role, string> = { staff: '经办人员', regulator: '监管人员', provider: '定点医药机构' };

export const LAYER_NAMES: Record<string, string> = {
  basic: '基本医保统筹',
  catastrophic: '大病保险',
  subsidy: '补充补助',
  assistance: '医疗救助',
  assistanceTilted: '倾斜救助',
  supplementary: '补充保险',
  familyCap: '家庭自付封顶',
};
export const SCHEME_NAMES: Record<string, string> = { employee: '职工医保', resident: '城乡居民医保' };
/** The assistance categories the enrolment policies name (a region may define more; those show by code). */
export const CATEGORY_NAMES: Record<string, string> = {
  tekun: '特困人员',
  dibao: '低保对象',
  'dibao-edge': '低保边缘家庭成员',
  monitored: '防返贫监测对象',
  'registered-poor': '建档立卡贫困人口',
  'severely-disabled': '重度残疾人',
};
/** The fraud rules' types as the alert inbox and the risk report name them. */
export const RULE_TYPES: Record<string, string> = {
  'duplicate-charge': '重复收费',
  'price-limit': '超限价',
  'sex-age-restriction': '性别年龄限制',
  'indication-restriction': '限适应症',
  'level-restriction': '限医院等级',
  'diagnosis-mismatch': '诊断不符',
  'excess-quantity': '超量',
  'split-charge': '分解收费',
  'service-after-death': '死亡后就医',
  'ghost-bed': '挂床住院',
  'low-admission-standard': '低标准入院',
  readmission: '再入院',
  'overlapping-visits': '重叠就诊',
  'visit-frequency': '就诊频次',
  'early-refill': '提前配药',
  'trace-code-reuse': '追溯码重复',
  'high-coding': '高套编码',
  'drg-outlier': 'DRG 异常',
  'volume-surge': '量异常增长',
  'provider-risk': '机构风险',
};
export const STATUS_NAMES: Record<string, string> = {
  open: '待处理',
  investigating: '调查中',
  confirmed: '已确认',
  dismissed: '已排除',
  appealed: '申诉中',
};
export const SEVERITY_NAMES: Record<string, string> = { low: '低', medium: '中', high: '高', critical: '严重' };
export const VISIT_NAMES: Record<string, string> = {
  outpatient: '普通门诊',
  'chronic-outpatient': '门诊慢特病',
  inpatient: '住院',
  'bed-day': '按床日住院',
  pharmacy: '药店购药',
  maternity: '生育',
};
