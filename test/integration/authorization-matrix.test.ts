/**
 * The authorization matrix (issue 20.7c), table-driven: every route infra/topology.ts declares ×
 * every kind of caller × own tenant or another. The routes come from the topology, the roles each
 * accepts from docs/openapi.json (`x-roles`) and the staff permission from `routePermissions`; the
 * one thing written here per route is what another tenant gets (`TENANCY`, a Record over every
 * route name: a new route without its line does not compile, and the test checks the table against
 * the document). Each cell asserts an outcome class:
 *   allowed    past authorization: 2xx, or a 4xx about the request itself (400 for the minimal body,
 *              404 for an id no fixture holds, 409 …): anything but 401, 403 and 5xx;
 *   401        no token (API Gateway, before any function);
 *   403        the authorizer denies the token (expired, no exp, signed by another key), the role may
 *              not call the route, the staff token lacks the route's permission (code FORBIDDEN naming
 *              it), or the path names another tenant's collection (a region's report);
 *   missing    another tenant's record answers exactly as a missing one (404 NOT_FOUND, the body a
 *              record that does not exist gets).
 * Prints the number of cases.
 */
import { importJWK, generateKeyPair, exportJWK, SignJWT } from 'jose';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../infra/local/cloud.ts';
import { LOCAL_AUDIENCE, LOCAL_ISSUER } from '../../infra/local/signing-key.ts';
import { routes, routePermissions, type RouteName } from '../../infra/topology.ts';
import { ALL_STAFF_PERMISSIONS, allPermissionsBut, type Principal } from '../../shared/auth/principal.ts';
import { creditCodeCheckCharacter } from '../../shared/employers/credit-code.ts';
import { exampleLine } from '../../shared/settlement/examples.ts';
import { idNumbers } from '../support/id-numbers.ts';
import { api, eventually, registerProvider, startTestCloud } from '../support/local-cloud.ts';

/** Tenant A owns every record the paths name; B is another region with its own provider. */
const A = { region: '210900', district: '210902', provider: 'H21090200001' };
const B = { region: '330900', district: '330902', provider: 'H33090200001' };

/**
 * What a provider or regulator of another tenant gets, for each role of the route that is bound to a
 * tenant (staff act for any): `any` (the same as its own tenant: a catalogue, a calculation),
 * `missing` (a record addressed by id: 404 exactly as a missing one), `forbidden` (the path or body
 * names another tenant's collection or acts for another provider: 403). A role the route does not
 * accept has no entry (it gets 403 in every tenant).
 */
type Tenancy = 'any' | 'missing' | 'forbidden';
interface Entry {
  provider?: Tenancy;
  regulator?: Tenancy;
  /** A body naming tenant A, where the tenant travels in the body (else `{}`: 400 once past authorization). */
  body?: () => unknown;
}

const fixtures: Record<string, string> = {};
const doc = JSON.parse(readFileSync(new URL('../../docs/openapi.json', import.meta.url), 'utf8'));
const operationOf = (method: string, path: string) => doc.paths[path]?.[method.toLowerCase()];

const bill = () => ({
  providerCode: A.provider,
  claimNo: `AM-${Math.random().toString(36).slice(2, 10)}`,
  memberId: fixtures.memberId,
  visit: { type: 'outpatient', serviceDate: '2020-05-11' },
  diagnoses: { principal: 'J06.900' },
  lines: [exampleLine(1, 'A', 'drug', 100)],
});

const TENANCY: Record<RouteName, Entry> = {
  health: {},
  ping: { provider: 'any', regulator: 'any' },
  enrolMember: {},
  listMembers: { regulator: 'forbidden' },
  enrolMembersInBulk: {},
  lookUpMember: { provider: 'any' },
  getMember: { regulator: 'missing' },
  getEligibility: { provider: 'any', regulator: 'missing' },
  recordContribution: {},
  recordCategory: {},
  recordTransfer: {},
  registerOutOfArea: {},
  getMemberHouseholds: {},
  createHousehold: {},
  importHouseholds: {},
  getHousehold: { regulator: 'missing' },
  addHouseholdMember: {},
  removeHouseholdMember: {},
  changeHouseholdHead: {},
  recordRegisterEntry: { provider: 'any' },
  listRegisterEntries: { provider: 'any', regulator: 'missing' },
  amendRegisterEntry: { provider: 'any' },
  endRegisterEntry: { provider: 'any' },
  importRegister: {},
  certifyProvider: {},
  // A provider code in the path that is not the caller's: refused before anything is read (tells nothing).
  getProviderCertification: { provider: 'forbidden' },
  registerEmployer: {},
  listEmployers: { regulator: 'forbidden' },
  getEmployer: { regulator: 'missing' },
  changeEmployer: {},
  recordEmployment: {},
  recordEmployeeContribution: {},
  getEmployeeContributions: { regulator: 'missing' },
  importEmployeeContributions: {},
  preSettleClaim: { provider: 'forbidden', body: bill },
  settleClaim: { provider: 'forbidden', body: bill },
  getClaim: { provider: 'missing', regulator: 'missing' },
  listProviderClaims: { provider: 'forbidden' },
  reverseClaim: { provider: 'forbidden' },
  getClaimAudit: { provider: 'missing', regulator: 'missing' },
  appealClaimAudit: { provider: 'missing', body: () => ({ text: '病历可证实' }) },
  getPersonalAccount: { provider: 'any', regulator: 'missing' },
  putPersonalAccount: {},
  listAccountEntries: { regulator: 'missing' },
  postAccountAdjustment: {},
  listFamilyBindings: { regulator: 'missing' },
  putFamilyBinding: {},
  payFamilyContribution: {},
  transferPersonalAccount: {},
  preGroupCase: { provider: 'any' },
  listAlerts: { regulator: 'any' },
  getAlert: { regulator: 'missing' },
  getAlertDigest: { regulator: 'any' },
  transitionAlert: { regulator: 'missing', body: () => ({ to: 'investigating' }) },
  listSubscriptions: { regulator: 'any' },
  createSubscription: { regulator: 'any' },
  deleteSubscription: { regulator: 'missing' },
  // Another region's events are left out: its trail answers as an unknown correlation id's (an empty list), checked below.
  getAuditTrail: { regulator: 'any' },
  listDeadLetters: {},
  replayDeadLetters: {},
  startReconciliation: {},
  getReconciliation: {},
  getRiskReport: { regulator: 'forbidden' },
  registerProvider: {},
  getProvider: { provider: 'missing' },
  publishPolicy: {},
  listPolicies: { provider: 'any', regulator: 'forbidden' },
  startCatalogueImport: {},
  putCatalogueImportChunk: {},
  validateCatalogueImport: {},
  publishCatalogueImport: {},
  getCatalogueImport: {},
  listCatalogueVersions: { provider: 'any', regulator: 'any' },
  searchCatalogue: { provider: 'any', regulator: 'any' },
  getCatalogueEntry: { provider: 'any', regulator: 'any' },
  downloadCatalogue: { provider: 'any', regulator: 'any' },
  putBudget: {},
  getBudget: { regulator: 'forbidden' },
  registerCommunity: {},
  getCommunity: { regulator: 'missing' },
  putAssessment: {},
  addCapitatedMembers: {},
  startPrepaymentRun: {},
  getPrepaymentRun: { regulator: 'forbidden' },
  getFundReport: { regulator: 'forbidden' },
  getFundAccounts: { regulator: 'forbidden' },
  getProviderFunds: { provider: 'forbidden' },
  startYearEndRun: {},
  getYearEndRun: { regulator: 'forbidden' },
  getYearEndProviderReport: { regulator: 'forbidden' },
  getYearEndCommunityReport: { regulator: 'forbidden' },
  getYearEndSummary: { regulator: 'forbidden' },
  getCaseMix: { regulator: 'forbidden' },
  startSimulation: {},
  listSimulations: { regulator: 'forbidden' },
  getSimulation: { regulator: 'missing' },
  getSimulationReport: { regulator: 'missing' },
  putCareAssessor: {},
  getCareAssessor: {},
  certifyCareInstitution: {},
  getCareInstitution: { provider: 'any', regulator: 'missing' },
  applyForCareAssessment: { provider: 'any' },
  getCareAssessment: { provider: 'missing', regulator: 'missing' },
  assignCareAssessors: {},
  scoreCareAssessment: {},
  confirmCareAssessment: {},
  appealCareAssessment: { provider: 'missing', body: () => ({ reason: '复评申请' }) },
  // Another region's member answers as one with no assessment (200, level null): nothing learnt.
  getCareLevel: { provider: 'any', regulator: 'any' },
  submitCareClaim: {
    provider: 'forbidden',
    body: () => ({
      providerCode: A.provider,
      memberId: fixtures.memberId,
      month: '2020-05',
      institutional: { periods: [{ from: '2020-05-01', to: '2020-05-10' }], dailyChargeFen: 12_000 },
    }),
  },
  getCareClaim: { provider: 'missing', regulator: 'missing' },
  reverseCareClaim: {},
  getCareReport: { regulator: 'forbidden' },
  getCareFundReport: { regulator: 'forbidden' },
  registerPregnancy: { provider: 'any' },
  getPregnancy: { provider: 'missing', regulator: 'missing' },
  // The list holds only what the caller may see: another tenant's caller gets 200 and an empty list.
  listMemberPregnancies: { provider: 'any', regulator: 'any' },
  getMaternityEligibility: { provider: 'any' },
  grantMaternityAllowance: {},
  getEmployerWages: {},
};

type Outcome = 'allowed' | '401' | '403' | 'missing';
type CallerKey =
  | 'none'
  | 'expired'
  | 'no-exp'
  | 'foreign-signed'
  | 'staff'
  | 'staff-only-its-permission'
  | 'staff-all-but-its-permission'
  | 'provider'
  | 'regulator'
  | 'provider-other-tenant'
  | 'regulator-other-tenant';

let cloud: LocalCloud;
const tokens = {} as Record<Exclude<CallerKey, 'none' | 'staff-only-its-permission' | 'staff-all-but-its-permission'>, string>;
const staffTokens = new Map<string, string>();

async function foreignSigned(principal: Principal): Promise<string> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = await exportJWK(publicKey);
  const { sub, ...claims } = principal;
  // The same issuer, audience and kid-shaped header as the cloud's own tokens: only the key differs.
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'ES256', kid: String(jwk.x).slice(0, 16), typ: 'JWT' })
    .setSubject(sub)
    .setIssuer(LOCAL_ISSUER)
    .setAudience(LOCAL_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime('10m')
    .sign(await importJWK(await exportJWK(privateKey), 'ES256'));
}

beforeAll(async () => {
  cloud = await startTestCloud();
  const staff = await cloud.mint({ sub: 'matrix-clerk', role: 'staff', permissions: ALL_STAFF_PERMISSIONS });
  Object.assign(tokens, {
    staff,
    expired: await cloud.mint({ sub: 'matrix-clerk', role: 'staff', permissions: ALL_STAFF_PERMISSIONS }, -60),
    'no-exp': await cloud.mint({ sub: 'matrix-clerk', role: 'staff', permissions: ALL_STAFF_PERMISSIONS }, null),
    'foreign-signed': await foreignSigned({ sub: 'matrix-clerk', role: 'staff', permissions: ALL_STAFF_PERMISSIONS }),
    provider: await cloud.mint({ sub: 'his-a', role: 'provider', providerCode: A.provider }),
    regulator: await cloud.mint({ sub: 'office-a', role: 'regulator', region: A.region }),
    'provider-other-tenant': await cloud.mint({ sub: 'his-b', role: 'provider', providerCode: B.provider }),
    'regulator-other-tenant': await cloud.mint({ sub: 'office-b', role: 'regulator', region: B.region }),
  });
  for (const permission of ALL_STAFF_PERMISSIONS) {
    staffTokens.set(`only ${permission}`, await cloud.mint({ sub: 'matrix-clerk', role: 'staff', permissions: [permission] }));
    staffTokens.set(
      `all but ${permission}`,
      await cloud.mint({ sub: 'matrix-clerk', role: 'staff', permissions: allPermissionsBut(permission) }),
    );
  }
  staffTokens.set('none', await cloud.mint({ sub: 'matrix-clerk', role: 'staff', permissions: [] }));

  // Tenant A's records: its provider, a member of its region, a claim its provider settled, a household.
  await registerProvider(cloud, staff, {
    providerCode: A.provider,
    name: '阜新市第二人民医院',
    level: 'secondary',
    region: A.district,
    kind: 'hospital',
  });
  await registerProvider(cloud, staff, {
    providerCode: B.provider,
    name: '舟山市第二人民医院',
    level: 'secondary',
    region: B.district,
    kind: 'hospital',
  });
  const ids = idNumbers(Date.UTC(1960, 0, 1));
  const members: string[] = [];
  for (const seq of ['003', '005']) {
    const enrolled = await api(cloud, 'POST', '/v1/members', {
      token: staff,
      body: {
        idNumber: ids(A.district, seq),
        year: 2020,
        region: A.region,
        scheme: 'resident',
        categories: [{ code: 'dibao', validFrom: '2019-01-01' }],
      },
    });
    expect(enrolled.status, JSON.stringify(enrolled.body)).toBe(201);
    members.push(enrolled.body.member.memberId);
  }
  fixtures.memberId = members[0]!;
  // The same blood count charged twice on one day: the national duplicate-charge rule raises an alert on it.
  const lab = (lineNo: number) => ({ ...exampleLine(lineNo, 'A', 'lab', 20), itemCode: '250101015', itemName: '血细胞分析' });
  const settled = await api(cloud, 'POST', '/v1/claims', {
    token: tokens.provider,
    body: { ...bill(), claimNo: 'AM-1', lines: [exampleLine(1, 'A', 'drug', 100), lab(2), lab(3)] },
  });
  expect(settled.status, JSON.stringify(settled.body)).toBe(201);
  fixtures.correlationId = settled.headers.get('x-correlation-id')!;
  const account = await api(cloud, 'PUT', `/v1/accounts/${fixtures.memberId}`, {
    token: staff,
    body: { region: A.region, status: 'in-service' },
  });
  expect(account.status, JSON.stringify(account.body)).toBeLessThan(300);
  // Region A has no contribution policy, so no employer: a well-formed code that no tenant holds.
  fixtures.creditCode = `91210900MA0000001${creditCodeCheckCharacter('91210900MA0000001')}`;
  const household = await api(cloud, 'POST', '/v1/households', {
    token: staff,
    body: { householdId: 'HH-210902-000001', region: A.region, from: '2020-01-01', head: members[1] },
  });
  expect(household.status, JSON.stringify(household.body)).toBe(201);
  const community = await api(cloud, 'POST', '/v1/health-communities', {
    token: staff,
    body: { communityId: 'FX-HC-1', region: A.region, name: '阜新医共体', members: [{ providerCode: A.provider, tier: 'county' }] },
  });
  expect(community.status, JSON.stringify(community.body)).toBe(201);
  const subscription = await api(cloud, 'POST', '/v1/subscriptions', {
    token: tokens.regulator,
    body: { description: 'matrix', target: { url: 'http://127.0.0.1:9/hook' } },
  });
  expect(subscription.status, JSON.stringify(subscription.body)).toBe(201);
  fixtures.subscriptionId = subscription.body.subscriptionId;
  fixtures.alertId = await eventually(
    async () => {
      const res = await api(cloud, 'GET', '/v1/alerts', { token: tokens.regulator });
      return res.body.items?.find((a: { claim?: { claimNo: string } }) => a.claim?.claimNo === 'AM-1')?.alertId;
    },
    'the alert on tenant A’s claim',
    60_000,
  );
}, 300_000);

afterAll(async () => {
  await cloud?.stop();
});

/** Path parameters of tenant A's records; an id no fixture holds is one no tenant has (404 to all who may ask). */
const PATH_VALUES: Record<string, () => string> = {
  providerCode: () => A.provider,
  claimNo: () => 'AM-1',
  memberId: () => fixtures.memberId!,
  relatedMemberId: () => fixtures.memberId!,
  region: () => A.region,
  year: () => '2020',
  kind: () => 'benefits',
  householdId: () => 'HH-210902-000001',
  register: () => 'chronic-approvals',
  entryId: () => 'hypertension-2020-01-01',
  creditCode: () => fixtures.creditCode!,
  month: () => '2020-05',
  period: () => '2020-05',
  date: () => '2020-05-11',
  runId: () => '0123456789abcdef01234567',
  importId: () => '00000000-0000-4000-8000-000000000000',
  chunkNo: () => '1',
  code: () => 'XA01',
  assessorId: () => 'assessor-none',
  assessmentId: () => 'LA00000000',
  communityId: () => 'FX-HC-1',
  alertId: () => fixtures.alertId!,
  subscriptionId: () => fixtures.subscriptionId!,
  // The correlation id tenant A's claim was settled under: its audit trail.
  correlationId: () => fixtures.correlationId!,
  pregnancyId: () => 'P00000001',
};
/** The answer, its body parsed when it is JSON (the catalogue download is CSV). */
async function send(method: string, path: string, token: string | undefined, body: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${cloud.apiUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: (res.headers.get('content-type') ?? '').includes('json') && text ? JSON.parse(text) : text };
}

const QUERY_VALUES: Record<string, string> = { year: '2020', region: A.region, date: '2020-05-11' };

interface Cell {
  route: RouteName;
  caller: CallerKey;
  tenant: 'own' | 'other' | '-';
  expected: Outcome;
  token: string | undefined;
}

function cellsOf(): Cell[] {
  const cells: Cell[] = [];
  for (const route of routes) {
    const name = route.name as RouteName;
    const roles: string[] = operationOf(route.method, route.path)?.['x-roles'] ?? [];
    const entry = TENANCY[name];
    const permission = routePermissions[name];
    const push = (caller: CallerKey, tenant: Cell['tenant'], expected: Outcome, token: string | undefined) =>
      cells.push({ route: name, caller, tenant, expected, token });
    if (!route.authorized) {
      push('none', '-', 'allowed', undefined);
      continue;
    }
    push('none', '-', '401', undefined);
    push('expired', '-', '403', tokens.expired);
    push('no-exp', '-', '403', tokens['no-exp']);
    push('foreign-signed', '-', '403', tokens['foreign-signed']);
    const staff = roles.includes('staff');
    push('staff', '-', staff ? 'allowed' : '403', tokens.staff);
    if (permission) {
      push('staff-only-its-permission', '-', staff ? 'allowed' : '403', staffTokens.get(`only ${permission}`));
      push('staff-all-but-its-permission', '-', '403', staffTokens.get(`all but ${permission}`));
    } else {
      push('staff-only-its-permission', '-', staff ? 'allowed' : '403', staffTokens.get('none'));
    }
    for (const role of ['provider', 'regulator'] as const) {
      const accepts = roles.includes(role);
      push(role, 'own', accepts ? 'allowed' : '403', tokens[role]);
      const other = entry[role];
      const expected: Outcome = !accepts ? '403' : other === 'missing' ? 'missing' : other === 'forbidden' ? '403' : 'allowed';
      push(`${role}-other-tenant`, 'other', expected, tokens[`${role}-other-tenant`]);
    }
  }
  return cells;
}

/** The class of an answer; a 5xx is never one (it fails whatever the cell expected). */
function outcomeOf(status: number, body: any): Outcome | `5xx ${number}` {
  if (status >= 500) return `5xx ${status}`;
  if (status === 401) return '401';
  if (status === 403) return '403';
  if (status === 404 && body?.error?.code === 'NOT_FOUND') return 'missing';
  return 'allowed';
}

describe('the authorization matrix', () => {
  it('has a line for every route of infra/topology.ts, naming exactly the tenant-bound roles docs/openapi.json gives it', () => {
    expect(Object.keys(TENANCY).sort()).toEqual(routes.map((r) => r.name).sort());
    for (const route of routes) {
      const roles: string[] = operationOf(route.method, route.path)?.['x-roles'] ?? [];
      const entry = TENANCY[route.name as RouteName];
      expect(
        Object.keys(entry)
          .filter((k) => k !== 'body')
          .sort(),
        `${route.name}: roles ${roles.join(', ')}`,
      ).toEqual(roles.filter((r) => r !== 'staff').sort());
    }
  });

  it('answers every role × route × tenant cell as its class says', async () => {
    const started = Date.now();
    // Another tenant's cells first: its DELETE of tenant A's subscription, its transition of A's alert
    // meet the records as they stand (the own tenant's cells may then change them).
    const cells = cellsOf().sort((a, b) => Number(b.tenant === 'other') - Number(a.tenant === 'other'));
    const wrong: string[] = [];
    const tally = new Map<string, number>();
    const CONCURRENCY = 6;
    for (let i = 0; i < cells.length; i += CONCURRENCY) {
      await Promise.all(
        cells.slice(i, i + CONCURRENCY).map(async (cell) => {
          const route = routes.find((r) => r.name === cell.route)!;
          const path = route.path.replace(/\{(\w+)\}/g, (_, p: string) => {
            const value = PATH_VALUES[p];
            if (!value) throw new Error(`${cell.route}: no value for path parameter {${p}}: add it to PATH_VALUES`);
            return encodeURIComponent(value());
          });
          const op = operationOf(route.method, route.path);
          const query = (op?.parameters ?? [])
            .filter((p: any) => p.in === 'query' && (p.required || p.name === 'date'))
            .map((p: any) => `${p.name}=${encodeURIComponent(QUERY_VALUES[p.name] ?? '')}`)
            .join('&');
          const entry = TENANCY[cell.route];
          const withBody = route.method !== 'GET' && route.method !== 'DELETE';
          const res = await send(
            route.method,
            `${path}${query ? `?${query}` : ''}`,
            cell.token,
            withBody ? (entry.body?.() ?? {}) : undefined,
          ).catch((e: Error) => ({ status: 599, body: { error: { code: String(e) } } }));
          const got = outcomeOf(res.status, res.body);
          const key = `${cell.expected}`;
          tally.set(key, (tally.get(key) ?? 0) + 1);
          // An own-tenant cell past authorization may still find no record (an id no fixture holds): allowed.
          const matches = got === cell.expected || (cell.expected === 'allowed' && got === 'missing');
          if (!matches)
            wrong.push(
              `${cell.route} (${route.method} ${route.path}) as ${cell.caller}: expected ${cell.expected}, got ${res.status} ${JSON.stringify(res.body?.error?.code ?? res.body?.message ?? '')}`,
            );
        }),
      );
    }
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(
      [
        `authorization matrix: ${cells.length} cases (${routes.length} routes × up to 11 callers × own/other tenant) in ${seconds} s`,
        `authorization matrix: expected ${[...tally.entries()].map(([k, n]) => `${k} ${n}`).join(', ')}; wrong ${wrong.length}`,
        ...wrong.map((w) => `  ${w}`),
      ].join('\n'),
    );
    expect(wrong).toEqual([]);
  }, 600_000);

  it("leaves another region's events out of an audit trail: the trail answers as an unknown correlation id's", async () => {
    const trail = (token: string, id: string) => api(cloud, 'GET', `/v1/audit/${encodeURIComponent(id)}`, { token });
    // The audit consumer writes the claim's events after the settlement answered.
    for (let i = 0; i < 200 && !(await trail(tokens.regulator, fixtures.correlationId!)).body.events?.length; i++)
      await new Promise((r) => setTimeout(r, 100));
    const own = await trail(tokens.regulator, fixtures.correlationId!);
    expect(own.body.events.map((e: { detailType: string }) => e.detailType)).toContain('ClaimSettled');
    const other = await trail(tokens['regulator-other-tenant'], fixtures.correlationId!);
    const unknown = await trail(tokens['regulator-other-tenant'], 'no-such-correlation');
    expect({ status: other.status, events: other.body.events }).toEqual({ status: unknown.status, events: unknown.body.events });
    expect(other.body.events).toEqual([]);
  });
});
