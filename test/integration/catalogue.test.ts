/**
 * Catalogues (医保目录) on the local cloud, through the HTTP front, the authorizer and the real
 * handlers: a file with bad rows is reported row by row and nothing of it is imported; the starter
 * catalogues (national 000000 + Zhoushan 330900) are imported with the `npm run catalogue` code path;
 * the same file again changes nothing; a new version reports its diff; search by code, name and
 * pinyin initials; the download providers map their items with (对码). Then settlement reads the
 * catalogue: a 丙 item billed as 甲 is settled as 丙 with a note, items outside their restricted
 * scope are self-paid naming the rule, the Zhoushan addition's own first self-pay applies, a code in
 * no catalogue is out of catalogue, and the statement names the catalogue versions.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../infra/local/cloud.ts';
import { idNumbers } from '../support/id-numbers.ts';
import { downloadCatalogueCsv, importCatalogueFile, type ImportHeader } from '../../tools/catalogue.ts';
import { api, onAuditEvent, registerProvider, eventually, startTestCloud } from '../support/local-cloud.ts';
import { allPermissionsBut } from '../../shared/auth/principal.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const starter = (region: string) => join(ROOT, 'catalogues', region, 'v1.csv');
const manifest = (region: string) => JSON.parse(readFileSync(join(ROOT, 'catalogues', region, 'v1.json'), 'utf8')) as ImportHeader;

let cloud: LocalCloud;
let clerk: string; // staff with catalogue:write
let reader: string; // staff without it
let his: string; // a Zhoushan hospital
let dir: string;
/** Every event the audit consumer was handed (every yibao event passes there). */
const events: { 'detail-type': string; detail: Record<string, any> }[] = [];

const HOSPITAL = 'H33090200001';
const COUSIN = 'H33090200002'; // a primary clinic of the same city

// Codes of the starter catalogue (catalogues/000000/v1.csv, catalogues/330900/v1.csv).
const CORDYCEPS = 'T000101073'; // 冬虫夏草, 丙
const CLOPIDOGREL = 'XB01ACL106B002010110090'; // 氯吡格雷片, 乙, 限 I20–I25, I63; Zhoushan: first self-pay 5%
const DYDROGESTERONE = 'XG03DBD178B002010110152'; // 地屈孕酮片, 乙, 限女性
const AMOXICILLIN = 'XJ01CAA040A001010110000'; // 阿莫西林胶囊, 甲
const MEROPENEM = 'XJ01DHM061D004010110038'; // 美罗培南注射液, 乙, 限三级
const ATORVASTATIN = 'XC10AAA100B002010110084'; // 阿托伐他汀片, 乙, ≤ 90 days; Zhoushan 5%
const CT_HEAD = '001306000220000'; // CT平扫（头颅）, 乙, limit 200.00

beforeAll(async () => {
  cloud = await startTestCloud();
  onAuditEvent(cloud, (body) => events.push(JSON.parse(body)));
  clerk = await cloud.mint({ sub: 'catalogue-clerk', role: 'staff', permissions: ['catalogue:write'] });
  reader = await cloud.mint({ sub: 'front-desk', role: 'staff', permissions: allPermissionsBut('catalogue:write') });
  dir = mkdtempSync(join(tmpdir(), 'yibao-catalogue-'));
  for (const [providerCode, level, name] of [
    [HOSPITAL, 'secondary', '舟山市某二级医院'],
    [COUSIN, 'primary', '舟山市某社区卫生服务中心'],
  ] as const) {
    await registerProvider(cloud, reader, {
      providerCode,
      name,
      level,
      region: '330902',
      kind: level === 'primary' ? 'community-centre' : 'hospital',
    });
  }
  his = await cloud.mint({ sub: 'his-zs', role: 'provider', providerCode: HOSPITAL });
});
afterAll(async () => {
  await cloud?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const HEADER = 'code,name,kind,form,spec,unit,class,firstSelfPay,paymentStandard,priceLimit,scopeText,scopeIcd10,scopeLevels,scopeSex';

describe('importing a catalogue', () => {
  it('refuses staff without catalogue:write (403 naming it)', async () => {
    const res = await api(cloud, 'POST', '/v1/catalogues/000000/imports', {
      token: reader,
      body: { version: 1, effectiveFrom: '2025-01-01', title: 't', source: { illustrative: 'test' } },
    });
    expect(res.status).toBe(403);
    expect(res.body.error.details.requiredPermission).toBe('catalogue:write');
  });

  it('reports every bad row by row, column and rule, and imports nothing of the file', async () => {
    const start = await api(cloud, 'POST', '/v1/catalogues/000000/imports', {
      token: clerk,
      body: { version: 1, effectiveFrom: '2025-01-01', title: 'with bad rows', source: { illustrative: 'test' }, expectedRows: 7 },
    });
    expect(start.status, JSON.stringify(start.body)).toBe(201);
    const id = start.body.importId;
    const content = [
      HEADER,
      `${AMOXICILLIN},阿莫西林胶囊,western,胶囊,0.25g,粒,甲,,,,,,,`, //            row 2: fine
      'XJ01CA,头孢短码,western,片剂,,,A,,,,,,,', //                              row 3: code shape
      `${CLOPIDOGREL},氯吡格雷片,,片剂,75mg,,丁,,,,,,,`, //                     row 4: class
      `${DYDROGESTERONE},地屈孕酮片,,片剂,10mg,,A,10%,,,,,,`, //                row 5: first self-pay on a 甲 item
      `${CT_HEAD},CT平扫,service,,,次,B,,,二百,,,,`, //                          row 6: yuan
      `${MEROPENEM},美罗培南注射液,,,,,B,,,,限三级,J18,fourth,X`, //             row 7: ICD prefix ok, level and sex bad
    ].join('\n');
    const chunk = await api(cloud, 'PUT', `/v1/catalogue-imports/${id}/chunks/1`, { token: clerk, body: { content } });
    expect(chunk.status, JSON.stringify(chunk.body)).toBe(200);
    expect(chunk.body).toMatchObject({ rows: 6, accepted: 1, rejected: 5 });
    // A second chunk, a row repeating row 2's code.
    const again = await api(cloud, 'PUT', `/v1/catalogue-imports/${id}/chunks/2`, {
      token: clerk,
      body: { rows: [{ rowNumber: 8, code: AMOXICILLIN, name: '阿莫西林胶囊', class: 'A' }] },
    });
    expect(again.status).toBe(200);
    // The same chunk again is a replay; other rows under its number a conflict.
    expect(
      (await api(cloud, 'PUT', `/v1/catalogue-imports/${id}/chunks/1`, { token: clerk, body: { content } })).headers.get(
        'x-idempotent-replay',
      ),
    ).toBe('true');
    expect((await api(cloud, 'PUT', `/v1/catalogue-imports/${id}/chunks/1`, { token: clerk, body: { content: HEADER } })).status).toBe(409);

    const validated = await api(cloud, 'POST', `/v1/catalogue-imports/${id}/validation`, { token: clerk });
    expect(validated.status).toBe(200);
    expect(validated.body.status).toBe('rejected');
    const problems = validated.body.problems.map((p: { row: number; column: string; rule: string }) => `${p.row} ${p.column} ${p.rule}`);
    expect(problems).toEqual([
      '3 code code_shape',
      '4 class unknown_class',
      '5 firstSelfPay class_b_only',
      '6 paymentStandard yuan'.replace('paymentStandard', 'priceLimit'),
      '7 scopeLevels level',
      '7 scopeSex sex',
      '8 code duplicate_code',
    ]);
    expect(validated.body.rows).toMatchObject({ received: 7, rejected: 6 });
    // Nothing published: no version, no search hit, and publishing is refused.
    expect((await api(cloud, 'POST', `/v1/catalogue-imports/${id}/publication`, { token: clerk })).status).toBe(409);
    expect((await api(cloud, 'GET', '/v1/catalogues/000000', { token: reader })).body.versions).toEqual([]);
    expect((await api(cloud, 'GET', `/v1/catalogues/000000/entries?q=${AMOXICILLIN}`, { token: reader })).body.entries).toEqual([]);
  });

  let nationalImportId: string;
  it('imports and publishes the starter catalogues through the CLI path, with progress', async () => {
    const seen: string[] = [];
    const national = await importCatalogueFile({
      file: starter('000000'),
      header: manifest('000000'),
      apiUrl: cloud.apiUrl,
      token: clerk,
      publish: true,
      onProgress: (p) => seen.push(`${p.phase} ${p.done}/${p.total}`),
    });
    expect(national).toMatchObject({
      status: 'published',
      rows: 313,
      problems: [],
      published: { region: '000000', version: 1, entries: 313 },
    });
    expect(national.diff?.counts).toEqual({ added: 313, removed: 0, changed: 0, unchanged: 0 });
    expect(seen).toContain('upload 313/313');
    nationalImportId = national.importId;
    const zhoushan = await importCatalogueFile({
      file: starter('330900'),
      header: manifest('330900'),
      apiUrl: cloud.apiUrl,
      token: clerk,
      publish: true,
    });
    expect(zhoushan).toMatchObject({ status: 'published', published: { region: '330900', version: 1, entries: 23 } });

    const versions = await api(cloud, 'GET', '/v1/catalogues/330902?on=2025-06-01', { token: his });
    expect(versions.body.layers).toEqual([
      { region: '330900', version: 1, effectiveFrom: '2025-01-01' },
      { region: '000000', version: 1, effectiveFrom: '2025-01-01' },
    ]);
  });

  it('importing the same file again changes nothing (content hash)', async () => {
    const header = { ...manifest('000000'), version: 2 };
    const again = await importCatalogueFile({ file: starter('000000'), header, apiUrl: cloud.apiUrl, token: clerk, publish: true });
    expect(again.status).toBe('unchanged');
    expect(again.sameAs).toMatchObject({ region: '000000', version: 1 });
    expect(again.published).toBeUndefined();
    const versions = await api(cloud, 'GET', '/v1/catalogues/000000', { token: reader });
    expect(versions.body.versions.map((v: { version: number }) => v.version)).toEqual([1]);
  });

  it('a new version reports what it adds, removes and changes against the version in force', async () => {
    const lines = readFileSync(starter('000000'), 'utf8').trimEnd().split('\n');
    const header = lines[0]!;
    const changed = lines
      .slice(1)
      .filter((l) => !l.startsWith(CORDYCEPS)) // removed
      .map((l) => (l.startsWith(AMOXICILLIN) ? l.replace(',A,', ',B,') : l)); // changed: 甲 → 乙
    changed.push('T000999999,海马,herbal,饮片,,克,B,,,,,,,,,,,,,,'); // added
    // Rows in another order: the diff is by code, not by line.
    changed.reverse();
    const file = join(dir, 'national-v2.csv');
    writeFileSync(file, `${[header, ...changed].join('\n')}\n`);
    const v2 = await importCatalogueFile({
      file,
      header: { ...manifest('000000'), version: 2, effectiveFrom: '2026-01-01', title: 'National list 2026 (test)' },
      apiUrl: cloud.apiUrl,
      token: clerk,
    });
    expect(v2.status).toBe('validated');
    expect(v2.diff).toMatchObject({
      counts: { added: 1, removed: 1, changed: 1, unchanged: 311 },
      added: ['T000999999'],
      removed: [CORDYCEPS],
      changed: [AMOXICILLIN],
      truncated: false,
    });
    const published = await api(cloud, 'POST', `/v1/catalogue-imports/${v2.importId}/publication`, { token: clerk });
    expect(published.status).toBe(201);
    expect(published.body.published).toMatchObject({ version: 2, effectiveFrom: '2026-01-01', diff: { added: 1, removed: 1, changed: 1 } });
    // History stays: 2025 still reads v1, 2026 reads v2.
    const on2025 = await api(cloud, 'GET', `/v1/catalogues/000000/entries/${AMOXICILLIN}?on=2025-06-01`, { token: his });
    const on2026 = await api(cloud, 'GET', `/v1/catalogues/000000/entries/${AMOXICILLIN}?on=2026-06-01`, { token: his });
    expect([on2025.body.entry.class, on2025.body.entry.from.version]).toEqual(['A', 1]);
    expect([on2026.body.entry.class, on2026.body.entry.from.version]).toEqual(['B', 2]);
    expect((await api(cloud, 'GET', `/v1/catalogues/000000/entries/${CORDYCEPS}?on=2026-06-01`, { token: his })).status).toBe(404);
    // A version not above the newest is refused up front.
    const stale = await api(cloud, 'POST', '/v1/catalogues/000000/imports', {
      token: clerk,
      body: { version: 2, effectiveFrom: '2027-01-01', title: 'x', source: { illustrative: 'x' } },
    });
    expect(stale.status).toBe(409);
    expect(stale.body.error.details).toMatchObject({ rule: 'not_newer', newestVersion: 2 });
    expect(nationalImportId).not.toBe(v2.importId);
  });

  it('puts a CataloguePublished on the bus for each version published, and none for an unchanged or rejected import', async () => {
    const published = await eventually(() => {
      const found = events.filter((e) => e['detail-type'] === 'CataloguePublished');
      return found.length >= 3 ? found : undefined;
    }, 'three CataloguePublished');
    expect(published.map((e) => `${e.detail.region} v${e.detail.version} ${JSON.stringify(e.detail.diff)}`).sort()).toEqual([
      '000000 v1 {"added":313,"removed":0,"changed":0,"unchanged":0}',
      '000000 v2 {"added":1,"removed":1,"changed":1,"unchanged":311}',
      '330900 v1 {"added":23,"removed":0,"changed":0,"unchanged":0}',
    ]);
    expect(published[0]!.detail).toMatchObject({ eventId: expect.stringMatching(/^catalogue\/\d{6}\/\d+\/CataloguePublished$/) });
  });
});

describe('searching and downloading the catalogue in force', () => {
  it('finds entries by pinyin initials, by name and by code prefix, paged, the Zhoushan layer over the national one', async () => {
    const byPinyin = await api(cloud, 'GET', '/v1/catalogues/330900/entries?on=2025-06-01&q=lbgl', { token: his });
    expect(byPinyin.status).toBe(200);
    expect(byPinyin.body.entries.map((e: { name: string }) => e.name)).toEqual(['氯吡格雷片', '氯吡格雷片']);
    // The Zhoushan entry overrides the national one for the first maker's code (its own first self-pay).
    expect(byPinyin.body.entries[0]).toMatchObject({ code: CLOPIDOGREL, firstSelfPayBp: 500, from: { region: '330900', version: 1 } });
    expect(byPinyin.body.entries[1]).toMatchObject({ from: { region: '000000' } });
    expect(byPinyin.body.entries[1].firstSelfPayBp).toBeUndefined();

    const byName = await api(cloud, 'GET', `/v1/catalogues/330900/entries?on=2025-06-01&name=${encodeURIComponent('阿莫西林')}&limit=3`, {
      token: his,
    });
    expect(byName.body.entries).toHaveLength(3);
    expect(byName.body.nextCursor).toBe(byName.body.entries[2].code);
    const next = await api(
      cloud,
      'GET',
      `/v1/catalogues/330900/entries?on=2025-06-01&name=${encodeURIComponent('阿莫西林')}&limit=50&cursor=${byName.body.nextCursor}`,
      {
        token: his,
      },
    );
    // 阿莫西林 comes as capsules, tablets and granules (4 specs × 2 makers) and 阿莫西林克拉维酸钾 (3 × 2).
    expect(byName.body.entries.length + next.body.entries.length).toBe(14);
    expect(next.body.nextCursor).toBeUndefined();

    const byCode = await api(cloud, 'GET', '/v1/catalogues/330900/entries?on=2025-06-01&code=0033', { token: his });
    expect(byCode.body.entries.map((e: { code: string }) => e.code.slice(-9))).toEqual(
      Array.from({ length: 8 }, (_, i) => `-3309${String(i + 1).padStart(4, '0')}`),
    );
  });

  it('a provider downloads the catalogue in force as CSV pages (for 对码) and as JSON', async () => {
    const csv = await downloadCatalogueCsv({ apiUrl: cloud.apiUrl, token: his, region: '330900', on: '2025-06-01' });
    const rows = csv.trimEnd().split('\n');
    // 313 national + 18 Zhoushan additions (5 of its 23 rows override national codes).
    expect(rows).toHaveLength(1 + 313 + 18);
    expect(rows[0]).toMatch(/^code,name,kind,.*,fromRegion,fromVersion$/);
    expect(rows.find((r) => r.startsWith(CLOPIDOGREL))).toMatch(/,5%,.*,330900,1$/);
    const page = await fetch(`${cloud.apiUrl}/v1/catalogues/330900/download?on=2025-06-01&limit=100`, {
      headers: { authorization: `Bearer ${his}` },
    });
    expect(page.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(page.headers.get('x-total-entries')).toBe('331');
    expect(page.headers.get('x-catalogue-versions')).toBe('330900-v1+000000-v1');
    expect((await page.text()).trimEnd().split('\n')).toHaveLength(101);
    const json = await api(cloud, 'GET', '/v1/catalogues/330900/download?on=2025-06-01&format=json&limit=5', { token: his });
    expect(json.body).toMatchObject({ total: 331 });
    expect(json.body.entries).toHaveLength(5);
  });
});

// ---- settlement reads the catalogue --------------------------------------------------------

const nextIdNumber = idNumbers(Date.UTC(1960, 0, 1));
async function zhoushanMember(sex: 'M' | 'F'): Promise<string> {
  const res = await api(cloud, 'POST', '/v1/members', {
    token: reader,
    body: {
      idNumber: nextIdNumber('330902', sex === 'M' ? '001' : '002'),
      year: 2025,
      region: '330900',
      scheme: 'resident',
      categories: [{ code: 'dibao', validFrom: '2024-01-01' }],
    },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.member.memberId;
}

let claimNo = 0;
interface Line {
  itemCode: string;
  itemClass?: 'A' | 'B' | 'C';
  category: string;
  unitPriceFen: number;
  quantity?: number;
  supplyDays?: number;
}
function bill(memberId: string, lines: Line[], principal = 'J18.900', secondary: string[] = []) {
  return {
    providerCode: HOSPITAL,
    claimNo: `CAT-${++claimNo}`,
    memberId,
    visit: { type: 'inpatient', serviceDate: '2025-06-01', dischargeDate: '2025-06-05' },
    diagnoses: { principal, secondary },
    lines: lines.map((l, i) => ({
      lineNo: i + 1,
      category: l.category,
      itemCode: l.itemCode,
      ...(l.itemClass ? { itemClass: l.itemClass } : {}),
      quantity: l.quantity ?? 1,
      unitPriceFen: l.unitPriceFen,
      amountFen: l.unitPriceFen * (l.quantity ?? 1),
      ...(l.supplyDays ? { supplyDays: l.supplyDays } : {}),
    })),
  };
}

describe('settlement reads the catalogue in force', () => {
  it('settles a 丙 item billed as 甲 as 丙, self-paid, with a note on the line', async () => {
    const member = await zhoushanMember('M');
    const res = await api(cloud, 'POST', '/v1/claims', {
      token: his,
      body: bill(member, [
        { itemCode: CORDYCEPS, itemClass: 'A', category: 'tcm-herbal', unitPriceFen: 60_00, quantity: 10 },
        { itemCode: AMOXICILLIN, category: 'drug', unitPriceFen: 12_50, quantity: 2 },
      ]),
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const [cordyceps, amoxicillin] = res.body.statement.lines;
    expect(cordyceps).toMatchObject({
      itemClass: 'C',
      amountFen: 600_00,
      outOfCatalogueFen: 600_00,
      coveredFen: 0,
      patientFen: 600_00,
      rules: { outOfCatalogue: `catalogue[${CORDYCEPS}].class` },
      catalogue: { region: '000000', version: 1 },
    });
    expect(cordyceps.notes[0]).toBe('class 丙 C per catalogue 000000 v1 (billed as 甲 A)');
    // No class declared: the catalogue's 甲, fully covered.
    expect(amoxicillin).toMatchObject({ itemClass: 'A', outOfCatalogueFen: 0, firstSelfPayFen: 0, coveredFen: 25_00 });
    expect(res.body.statement.catalogue).toEqual([
      { region: '330900', version: 1, effectiveFrom: '2025-01-01' },
      { region: '000000', version: 1, effectiveFrom: '2025-01-01' },
    ]);
  });

  it('self-pays an item outside its restricted scope, naming the rule; inside it the Zhoushan first self-pay applies', async () => {
    const man = await zhoushanMember('M');
    const outside = await api(cloud, 'POST', '/v1/claims', {
      token: his,
      body: bill(man, [
        { itemCode: CLOPIDOGREL, itemClass: 'B', category: 'drug', unitPriceFen: 3_00, quantity: 28 }, // no I2x/I63 diagnosis
        { itemCode: DYDROGESTERONE, category: 'drug', unitPriceFen: 5_00, quantity: 20 }, // a man
        { itemCode: MEROPENEM, category: 'drug', unitPriceFen: 80_00, quantity: 4 }, // a secondary hospital
        { itemCode: ATORVASTATIN, category: 'drug', unitPriceFen: 2_00, quantity: 100, supplyDays: 100 }, // > 90 days
      ]),
    });
    expect(outside.status, JSON.stringify(outside.body)).toBe(201);
    const lines = outside.body.statement.lines;
    expect(lines.map((l: { outOfCatalogueFen: number; coveredFen: number }) => [l.outOfCatalogueFen, l.coveredFen])).toEqual([
      [84_00, 0],
      [100_00, 0],
      [320_00, 0],
      [200_00, 0],
    ]);
    expect(lines.map((l: { rules: { outOfCatalogue: string } }) => l.rules.outOfCatalogue)).toEqual([
      `catalogue[${CLOPIDOGREL}].scope.indications`,
      `catalogue[${DYDROGESTERONE}].scope.sex`,
      `catalogue[${MEROPENEM}].scope.levels`,
      `catalogue[${ATORVASTATIN}].scope.maxDays`,
    ]);
    expect(lines[0].notes[0]).toContain('限急性冠脉综合征、冠心病支架术后及缺血性脑卒中患者');
    expect(lines[0].notes[0]).toContain('no diagnosis of the bill is an indication (I20, I21, I24, I25, I63)');

    // The same clopidogrel with a coronary diagnosis: inside its scope, the Zhoushan addition's 5%
    // first self-pay (not the policy's 10% for 乙): 84.00 × 5% = 4.20 first, 79.80 covered.
    const inside = await api(cloud, 'POST', '/v1/claims', {
      token: his,
      body: bill(man, [{ itemCode: CLOPIDOGREL, category: 'drug', unitPriceFen: 3_00, quantity: 28 }], 'I25.100'),
    });
    expect(inside.status, JSON.stringify(inside.body)).toBe(201);
    expect(inside.body.statement.lines[0]).toMatchObject({
      itemClass: 'B',
      outOfCatalogueFen: 0,
      firstSelfPayFen: 4_20,
      coveredFen: 79_80,
      rules: { firstSelfPay: `catalogue[${CLOPIDOGREL}].firstSelfPay` },
      catalogue: { region: '330900', version: 1 },
    });
  });

  it('caps a line at the catalogue price limit and self-pays a code in no catalogue, with notes', async () => {
    const member = await zhoushanMember('F');
    const res = await api(cloud, 'POST', '/v1/claims', {
      token: his,
      body: bill(member, [
        // The HIS declares a higher limit; the catalogue's 200.00 decides: 50.00 over it, then 乙 10% of 200.00.
        { itemCode: CT_HEAD, category: 'exam', unitPriceFen: 250_00 },
        { itemCode: 'XZ99ZZZ999Z999000000001', itemClass: 'A', category: 'drug', unitPriceFen: 30_00 },
      ]),
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const [ct, unknown] = res.body.statement.lines;
    expect(ct).toMatchObject({
      overLimitFen: 50_00,
      firstSelfPayFen: 20_00,
      coveredFen: 180_00,
      rules: { overLimit: `catalogue[${CT_HEAD}].priceLimit` },
    });
    expect(unknown).toMatchObject({
      itemClass: 'C',
      outOfCatalogueFen: 30_00,
      rules: { outOfCatalogue: 'catalogue[XZ99ZZZ999Z999000000001]' },
    });
    expect(unknown.notes[0]).toBe(
      '目录外: XZ99ZZZ999Z999000000001 is in no catalogue in force (catalogue 330900 v1, catalogue 000000 v1): 30.00 self-paid',
    );
  });
});

describe('settlement reads the catalogue in force: fund ratio and a strict region', () => {
  const HIP = 'C09040301800100090000010008'; // 人工髋关节（进口）, 乙, limit 12,000.00, its own fund ratio 60%

  it('pays an item at the catalogue entry’s own fund ratio (12.5a), outside the deductible and coinsurance', async () => {
    const member = await zhoushanMember('M');
    const res = await api(cloud, 'POST', '/v1/claims', {
      token: his,
      body: bill(member, [{ itemCode: HIP, category: 'material', unitPriceFen: 10_000_00 }], 'M16.100'),
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    // 乙 material: 20% first (2,000.00); 8,000.00 covered, paid at its own 60% = 4,800.00, no deductible on it.
    expect(res.body.statement.lines[0]).toMatchObject({
      firstSelfPayFen: 2_000_00,
      coveredFen: 8_000_00,
      deductibleFen: 0,
      fundRatioBp: 6_000,
      paidFen: { basic: 4_800_00 },
    });
    expect(res.body.statement.lines[0].rules.basic).toContain(`catalogue[${HIP}].fundRatio`);
  });

  it('refuses a bill with a code in no catalogue, naming the line, once the region’s policy says so', async () => {
    const document = JSON.parse(readFileSync(join(ROOT, 'policies/benefits/330900/2025-resident.json'), 'utf8'));
    document.version += 1;
    document.items.outOfCatalogue = { mode: 'refuse', basis: { illustrative: 'test: Zhoushan settles catalogue items only' } };
    const published = await api(cloud, 'POST', '/v1/policies', { token: reader, body: document });
    expect(published.status, JSON.stringify(published.body)).toBe(201);
    const member = await zhoushanMember('F');
    const res = await api(cloud, 'POST', '/v1/claims', {
      token: his,
      body: bill(member, [
        { itemCode: AMOXICILLIN, category: 'drug', unitPriceFen: 12_50 },
        { itemCode: 'XZ99ZZZ999Z999000000001', itemClass: 'A', category: 'drug', unitPriceFen: 30_00 },
      ]),
    });
    expect(res.status).toBe(400);
    expect(res.body.error.details.problems).toEqual([
      {
        field: 'body.lines.1.itemCode',
        rule: 'not_in_catalogue',
        message:
          'line 2: XZ99ZZZ999Z999000000001 is in no catalogue in force (catalogue 330900 v1, catalogue 000000 v1); this region settles catalogue items only (items.outOfCatalogue)',
      },
    ]);
  });
});
