/**
 * Issue 16.3: the web console in a real browser (Debian's Chromium through playwright-core) over its own
 * local cloud, seeded through the API (test/support/console-seed.ts). The journeys: sign in as each role,
 * find a member, open and print a settlement slip, work an alert to confirmed, run a prepayment and
 * download its CSV, read the dashboard's charts; axe on the main pages finds nothing serious. And the
 * rest of issue 16.1's work: enrol at the counter and change the registers and the household, dismiss
 * an alert with a note, run the year-end and download its CSV, a hospital's advances and year-end,
 * what changed in a policy version, the long-term-care fund and a member's maternity record. Each
 * journey leaves a screenshot under test-artifacts/console/.
 */
const nextIdNumber = idNumbers(Date.UTC(1980, 2, 1));
const yuanText = (fen: number) =>
  `${fen < 0 ? '-' : ''}${Math.floor(Math.abs(fen) / 100).toLocaleString('zh-CN')}.${String(Math.abs(fen) % 100).padStart(2, '0')}`;
/** Clicks Element Plus's message box's confirm button (its prompt's 确定 / OK). */
const confirmBox = (page: Page) => page.locator('.el-message-box__btns .el-button--primary').click();
/** Picks an option of an Element Plus select named `label` (its wrapper takes the click, not the hidden input). */
async function choose(page: Page, label: string, option: string | RegExp) {
  await page
    .locator('.el-select', { has: page.getByRole('combobox', { name: label, exact: true }) })
    .locator('.el-select__wrapper')
    .click();
  await page.getByRole('option', { name: option }).click();
}
import { readFile } from 'node:fs/promises';
import { ALL_STAFF_PERMISSIONS } from '../../shared/auth/principal.ts';
import { creditCodeCheckCharacter } from '../../shared/employers/credit-code.ts';
import { lastDayOf } from '../../shared/employers/months.ts';
import { exampleLine } from '../../shared/settlement/examples.ts';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../infra/local/cloud.ts';
import { ensureConsoleBuilt } from '../../infra/local/console.ts';
import { launchChromium, newConsolePage, screenshot, seriousViolations, signInAs } from '../support/browser.ts';
import { SEED_REGION, SEED_YEAR, seedConsoleYear, settled, type Seeded } from '../support/console-seed.ts';
import { idNumbers } from '../support/id-numbers.ts';
import { api, startTestCloud } from '../support/local-cloud.ts';

let cloud: LocalCloud;
let browser: Browser;
let seeded: Seeded;

beforeAll(async () => {
  const [, started] = await Promise.all([ensureConsoleBuilt(), startTestCloud()]);
  cloud = started;
  [seeded, browser] = await Promise.all([seedConsoleYear(cloud), launchChromium()]);
}, 240_000);
afterAll(async () => {
  await browser?.close();
  await cloud?.stop();
});

describe('the console in a browser', () => {
  it('signs in as each role through the local role picker, each seeing its own menu', async () => {
    const { context, page } = await newConsolePage(browser);
    const menus: Record<string, string[]> = {};
    for (const [role, options] of [
      ['staff', {}],
      ['regulator', { region: SEED_REGION }],
      ['provider', { providerCode: 'ZS0001' }],
    ] as const) {
      await signInAs(page, cloud, role, options);
      menus[role] = await page.locator('nav .el-menu-item').allInnerTexts();
      await screenshot(page, `sign-in-${role}`);
      await page.getByRole('button', { name: '退出' }).click();
      await page.locator('[data-test="sign-in-staff"]').waitFor();
    }
    expect(menus.staff).toEqual(expect.arrayContaining(['基金看板', '参保人查询', '结算查询', '政策版本', '预算与清算']));
    expect(menus.staff).not.toContain('预警工作台');
    expect(menus.regulator).toEqual(expect.arrayContaining(['基金看板', '预警工作台', '风险分析', '预警订阅']));
    expect(menus.provider).toEqual(['结算查询', 'DRG 预分组', '预拨与清算']);
    // A token the picker minted is an ordinary one: the API answers it (and only within its role).
    const minted = await api(cloud, 'POST', '/local/tokens', { body: { role: 'provider', providerCode: 'ZS0201' } });
    expect(minted.status).toBe(201);
    expect((await api(cloud, 'GET', '/v1/claims/ZS0001?year=2026', { token: minted.body.token })).status).toBe(403);
    expect((await api(cloud, 'GET', '/v1/claims/ZS0201?year=2026', { token: minted.body.token })).body.claims).toHaveLength(2);
    await context.close();
  });

  it('shows the demo year’s progress from GET /local/demo/progress while it fills, then its figures', async () => {
    const { context, page } = await newConsolePage(browser);
    // The demo belongs to npm start (infra/local/demo/): its progress route is answered here as it answers.
    let calls = 0;
    const figures = { members: 500, households: 180, providers: 24, claims: 1234, alerts: 17, injected: 12, injectedCaught: 11 };
    await page.route('**/local/demo/progress', (route) => {
      calls += 1;
      const ready = calls > 1;
      return route.fulfill({
        json: {
          phase: ready ? 'ready' : 'claims',
          label: ready ? '就绪' : '结算本年度就诊',
          done: ready ? 100 : 40,
          total: 100,
          startedAt: new Date().toISOString(),
          region: SEED_REGION,
          year: SEED_YEAR,
          ...(ready ? { readyAt: new Date().toISOString() } : {}),
          figures: {
            ...figures,
            ...(ready ? { pointValue: '98.7654', timeToReadyMs: 185_000 } : {}),
            claimsByType: { inpatient: 300 },
            programmes: {
              region: '532500',
              regionName: '红河州',
              year: 2025,
              longTermCare: { assessments: 30, careClaims: 90 },
              maternity: { pregnancies: 8, deliveries: 6 },
              dip: { cases: 40 },
            },
          },
        },
      });
    });
    await signInAs(page, cloud, 'staff');
    const banner = page.locator('.demo-progress');
    await expect.poll(() => banner.innerText()).toContain('正在生成演示年度数据：结算本年度就诊');
    expect(await page.getByRole('progressbar', { name: '演示数据进度 40/100' }).count()).toBe(1);
    await expect.poll(() => banner.innerText(), { timeout: 10_000 }).toContain('演示年度数据已就绪（330900 2026）');
    const text = await banner.innerText();
    for (const shown of ['参保人：500', '结算：1234', '预警：17', '识别注入欺诈：11 / 12', '点值（元/点）：98.7654', '就绪用时：185 秒'])
      expect(text).toContain(shown);
    expect(text).toContain('红河州 2025：长护评估 30、护理结算 90，生育登记 8、分娩 6，DIP 病例 40');
    // Objects are summed up in words, never printed raw.
    expect(text).not.toContain('{');
    await context.close();
  });

  it('finds a member by ID number and shows the record with the ID number masked', async () => {
    const { context, page } = await newConsolePage(browser);
    await signInAs(page, cloud, 'staff');
    await page.getByRole('menuitem', { name: '参保人查询' }).click();
    const member = seeded.members[1]!;
    await page.getByLabel('身份证号', { exact: true }).fill(member.idNumber);
    await page.locator('[data-test="lookup"]').click();
    await page.waitForURL(`**/console/members/${member.memberId}`);
    const masked = await page.locator('[data-test="masked-id"]').innerText();
    expect(masked).toMatch(/^\d{4}\*+[\dX]{4}$/);
    expect(masked.slice(0, 4)).toBe(member.idNumber.slice(0, 4));
    expect(await page.locator('body').innerText()).not.toContain(member.idNumber);
    await expect.poll(() => page.getByText('参保登记').count()).toBeGreaterThan(0);
    await screenshot(page, 'member-record');
    await context.close();
  });

  it('enrols a person at the counter, records and ends a chronic-disease approval, and makes a household', async () => {
    const { context, page } = await newConsolePage(browser);
    await signInAs(page, cloud, 'staff');
    await page.getByRole('menuitem', { name: '参保人查询' }).click();
    // 参保登记: a new resident of Zhoushan 2026.
    const idNumber = nextIdNumber('330902', '203');
    await page.locator('[data-test="enrol-open"]').click();
    await page.getByLabel('登记身份证号').fill(idNumber);
    await page.locator('[data-test="enrol-submit"]').click();
    await page.waitForURL(/\/console\/members\/M[0-9A-Z]+$/);
    const newcomer = page.url().split('/').at(-1)!;
    const staff = await cloud.mint({ sub: 'check', role: 'staff', permissions: [] });
    const enrolled = await api(cloud, 'GET', `/v1/members/${newcomer}`, { token: staff });
    expect(enrolled.body.enrolments).toEqual([expect.objectContaining({ year: SEED_YEAR, region: SEED_REGION, scheme: 'resident' })]);
    expect(await page.locator('[data-test="masked-id"]').innerText()).toBe(enrolled.body.member.maskedId);
    // A household with the newcomer as head, and a seeded member joining as spouse.
    const householdId = 'HH-330902-000777';
    await page.getByLabel('户号').fill(householdId);
    await page.locator('[data-test="household-submit"]').click();
    await expect.poll(() => page.locator('[data-test="household"]').textContent()).toContain(householdId);
    await page.getByLabel('加入成员编号').fill(seeded.members[4]!.memberId);
    await page.getByRole('button', { name: '加入', exact: true }).click();
    await expect.poll(() => page.getByText(seeded.members[4]!.memberId).count()).toBeGreaterThan(0);
    const household = await api(cloud, 'GET', `/v1/households/${householdId}`, { token: staff });
    expect(household.body.household.head.memberId).toBe(newcomer);
    expect(household.body.household.members.map((m: { memberId: string; relation: string }) => [m.memberId, m.relation])).toEqual([
      [newcomer, 'head'],
      [seeded.members[4]!.memberId, 'spouse'],
    ]);
    await screenshot(page, 'enrolment-household');

    // 门诊慢特病认定 on a seeded member: recorded, then ended with a reason.
    const member = seeded.members[2]!.memberId;
    await page.goto(`${cloud.apiUrl}/console/members/${member}`);
    await page.locator('[data-test="register-form"]').waitFor();
    await choose(page, '病种', '高血压（hypertension）');
    await page.getByLabel('认定机构').fill('ZS0001');
    await page.getByLabel('认定医师代码').fill('D330900123');
    await page.getByLabel('认定医师姓名').fill('王医生');
    await page.getByLabel('依据编号').fill('BA-2026-0042');
    await page.locator('[data-test="register-submit"]').click();
    const today = new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });
    const entryId = `hypertension-${today}`;
    const endButton = page.locator('.toolbar', { hasText: entryId }).getByRole('button', { name: '终止' });
    await endButton.waitFor();
    await endButton.click();
    await page.locator('.el-message-box input').fill('患者迁出本统筹区');
    await confirmBox(page);
    await expect
      .poll(
        async () =>
          (await api(cloud, 'GET', `/v1/members/${member}/registers/chronic-approvals`, { token: staff })).body.entries[0]?.status,
      )
      .toBe('ended');
    const entries = (await api(cloud, 'GET', `/v1/members/${member}/registers/chronic-approvals`, { token: staff })).body.entries;
    expect(entries).toEqual([
      expect.objectContaining({
        entryId,
        validFrom: today,
        validTo: today,
        payload: expect.objectContaining({ diseaseGroup: 'hypertension', certifyingProvider: 'ZS0001' }),
      }),
    ]);
    expect(entries[0].history.map((h: { change: string }) => h.change)).toEqual(['created', 'ended']);
    await expect.poll(() => page.getByText('患者迁出本统筹区').count()).toBeGreaterThan(0);
    await screenshot(page, 'register-change');
    await context.close();
  });

  it('opens a claim from the hospital’s list and prints its settlement slip', async () => {
    const { context, page } = await newConsolePage(browser);
    await signInAs(page, cloud, 'provider', { providerCode: 'ZS0001' });
    await page.getByRole('button', { name: 'ZY-202602-1', exact: true }).click();
    await page.waitForURL('**/console/claims/ZS0001/ZY-202602-1');
    const slip = page.locator('[data-test="slip"]');
    await expect.poll(() => slip.locator('tbody tr').count()).toBeGreaterThan(4);
    const claim = (
      await api(cloud, 'GET', '/v1/claims/ZS0001/ZY-202602-1', { token: await cloud.mint({ sub: 't', role: 'staff', permissions: [] }) })
    ).body;
    const yuan = (fen: number) => `${Math.floor(fen / 100).toLocaleString('zh-CN')}.${String(fen % 100).padStart(2, '0')}`;
    expect(await page.locator('[data-test="billed"]').innerText()).toBe(yuan(claim.statement.totals.billedFen));
    expect(await page.locator('[data-test="fund-paid"]').innerText()).toBe(yuan(claim.statement.totals.fundPaidFen));
    expect(await page.locator('[data-test="patient-paid"]').innerText()).toBe(yuan(claim.statement.totals.patientPaidFen));
    // Each line explained: as many rows as the statement has lines.
    expect(await slip.locator('.slip__lines tbody tr').count()).toBe(claim.statement.lines.length);
    await screenshot(page, 'statement');
    // Printed: only the slip (the frame and buttons are screen-only), on A4.
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.el-aside').isVisible()).toBe(false);
    expect(await page.locator('[data-test="print"]').isVisible()).toBe(false);
    expect(await slip.isVisible()).toBe(true);
    const pdf = await page.pdf({ format: 'A4', path: 'test-artifacts/console/statement.pdf' });
    process.stdout.write('pdf: test-artifacts/console/statement.pdf\n');
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    await context.close();
  });

  it('works the duplicate-charge alert from open to confirmed with the amount to recover', async () => {
    const { context, page } = await newConsolePage(browser);
    await signInAs(page, cloud, 'regulator', { region: SEED_REGION });
    await page.getByRole('button', { name: seeded.duplicateClaim.claimNo, exact: true }).click();
    await expect.poll(() => page.locator('[data-test="alert-status"]').innerText()).toBe('待处理');
    await page.getByLabel('处理意见').fill('调取检验记录核实');
    await page.locator('[data-test="investigate"]').click();
    await expect.poll(() => page.locator('[data-test="alert-status"]').innerText()).toBe('调查中');
    await page.getByLabel('处理意见').fill('同日重复收取血细胞分析，属实');
    await page.getByLabel('追回金额（元）').fill('20');
    await page.locator('[data-test="confirm"]').click();
    await expect.poll(() => page.locator('[data-test="alert-status"]').innerText()).toBe('已确认');
    await screenshot(page, 'alert-confirmed');
    const regulator = await cloud.mint({ sub: 'check', role: 'regulator', region: SEED_REGION });
    const inbox = await api(cloud, 'GET', `/v1/alerts?claimNo=${seeded.duplicateClaim.claimNo}`, { token: regulator });
    const alert = await api(cloud, 'GET', `/v1/alerts/${inbox.body.items[0].alertId}`, { token: regulator });
    expect(alert.body).toMatchObject({ status: 'confirmed' });
    expect(alert.body.history.map((h: { to: string }) => h.to)).toEqual(['investigating', 'confirmed']);
    expect(alert.body.history[1]).toMatchObject({ recoveryFen: 2000, note: '同日重复收取血细胞分析，属实' });
    // The risk report counts it: ZS0001 first, one confirmed case, 20 yuan to recover.
    await page.keyboard.press('Escape');
    await page.locator('.el-drawer').waitFor({ state: 'hidden' });
    await page.getByRole('menuitem', { name: '风险分析' }).click();
    await expect.poll(() => page.locator('[data-test="chart-risk"]').getAttribute('data-points')).toBe('1');
    const risk = await api(cloud, 'GET', `/v1/reports/risk/${SEED_REGION}/${new Date().getFullYear()}`, { token: regulator });
    expect(risk.body.providers[0]).toMatchObject({ providerCode: 'ZS0001', confirmed: 1, recoveryFen: 2000 });
    await screenshot(page, 'risk');
    await context.close();
  });

  it('dismisses an alert with a note after investigating it', async () => {
    // A second duplicate charge, on another day: the rules alert on it too.
    const his = await cloud.mint({ sub: 'his-ZS0001', role: 'provider', providerCode: 'ZS0001' });
    const claimNo = `MZ-${SEED_YEAR}04-DUP`;
    const settledClaim = await api(cloud, 'POST', '/v1/claims', {
      token: his,
      body: {
        providerCode: 'ZS0001',
        claimNo,
        memberId: seeded.members[3]!.memberId,
        visit: { type: 'outpatient', serviceDate: `${SEED_YEAR}-04-08` },
        diagnoses: { principal: 'J20.900' },
        lines: [
          { ...exampleLine(1, 'A', 'lab', 20, 1, { itemCode: '250101015' }), itemName: '血细胞分析' },
          { ...exampleLine(2, 'A', 'lab', 20, 1, { itemCode: '250101015' }), itemName: '血细胞分析' },
        ],
      },
    });
    expect(settledClaim.status, JSON.stringify(settledClaim.body)).toBe(201);
    const regulator = await cloud.mint({ sub: 'check', role: 'regulator', region: SEED_REGION });
    await expect
      .poll(async () => (await api(cloud, 'GET', `/v1/alerts?claimNo=${claimNo}`, { token: regulator })).body.items?.length, {
        timeout: 30_000,
      })
      .toBe(1);

    const { context, page } = await newConsolePage(browser);
    await signInAs(page, cloud, 'regulator', { region: SEED_REGION });
    // The inbox's filters: open alerts of rule type 重复收费 at ZS0001.
    await choose(page, '状态', '待处理');
    await page.getByLabel('机构编码').fill('ZS0001');
    await page.locator('[data-test="filter-alerts"]').click();
    await page.getByRole('button', { name: claimNo, exact: true }).click();
    await expect.poll(() => page.locator('[data-test="alert-status"]').innerText()).toBe('待处理');
    // Open: only investigating is offered; a dismissal waits for the case and for its note.
    expect(await page.locator('[data-test="dismiss"]').count()).toBe(0);
    await page.locator('[data-test="investigate"]').click();
    await expect.poll(() => page.locator('[data-test="alert-status"]').innerText()).toBe('调查中');
    expect(await page.locator('[data-test="dismiss"]').isDisabled()).toBe(true);
    const note = '两次血细胞分析分属上午门诊与下午复查，有医嘱，非重复收费';
    await page.getByLabel('处理意见').fill(note);
    await page.locator('[data-test="dismiss"]').click();
    await expect.poll(() => page.locator('[data-test="alert-status"]').innerText()).toBe('已排除');
    await expect.poll(() => page.locator('.el-timeline').innerText()).toContain(note);
    await screenshot(page, 'alert-dismissed');
    const inbox = await api(cloud, 'GET', `/v1/alerts?claimNo=${claimNo}`, { token: regulator });
    const alert = await api(cloud, 'GET', `/v1/alerts/${inbox.body.items[0].alertId}`, { token: regulator });
    expect(alert.body).toMatchObject({ status: 'dismissed' });
    expect(alert.body.history.map((h: { to: string }) => h.to)).toEqual(['investigating', 'dismissed']);
    expect(alert.body.history[1]).toMatchObject({ note });
    await context.close();
  });

  it('runs a month’s prepayment, follows it to complete and downloads its CSV', async () => {
    const { context, page } = await newConsolePage(browser);
    await signInAs(page, cloud, 'staff');
    await page.getByRole('menuitem', { name: '预算与清算' }).click();
    const month = page.getByLabel('预拨月份');
    await month.fill(`${SEED_YEAR}-03`);
    await month.press('Enter');
    await page.locator('[data-test="start-prepayment"]').click();
    await page.locator('[data-test="prepayment-csv"]').waitFor({ timeout: 60_000 });
    const total = await page.locator('[data-test="prepayment-total"]').innerText();
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-test="prepayment-csv"]').click()]);
    const path = `test-artifacts/console/${download.suggestedFilename()}`;
    await download.saveAs(path);
    process.stdout.write(`csv: ${path}\n`);
    const csv = (await readFile(path, 'utf8')).replace(/^\ufeff/, '');
    const [header, ...rows] = csv.trim().split(/\r?\n/);
    expect(header).toMatch(/^provider_code,agreement,amount_yuan/);
    expect(rows.map((r) => r.split(',')[0]).sort()).toEqual(['ZS0001', 'ZS0201']);
    // 80% of 120,000 and of 12,000 over twelve months (the seed's budgets): 8,000 + 800 yuan.
    const amounts = Object.fromEntries(rows.map((r) => [r.split(',')[0], r.split(',')[2]]));
    expect(amounts).toEqual({ ZS0001: '8000.00', ZS0201: '800.00' });
    expect(total).toBe('8,800.00');
    await screenshot(page, 'prepayment');
    await context.close();
  });

  it('runs the year-end, reads its point value and totals and downloads its CSV', async () => {
    const { context, page } = await newConsolePage(browser);
    await signInAs(page, cloud, 'staff');
    await page.getByRole('menuitem', { name: '预算与清算' }).click();
    await expect.poll(() => page.getByText('本年度尚未年终清算').count()).toBe(1);
    await page.locator('[data-test="start-year-end"]').click();
    await page.locator('[data-test="year-end-csv"]').waitFor({ timeout: 60_000 });
    const staff = await cloud.mint({ sub: 'check', role: 'staff', permissions: [] });
    const run = (await api(cloud, 'GET', `/v1/runs/year-end/${SEED_REGION}/${SEED_YEAR}`, { token: staff })).body.run;
    expect(run).toMatchObject({ version: 1, status: 'complete' });
    expect(await page.locator('[data-test="year-end-version"]').innerText()).toBe('1');
    expect(await page.locator('[data-test="year-end-point-value"]').innerText()).toBe(run.summary.pointValue.yuanPerPoint);
    expect(await page.locator('[data-test="year-end-entitlement"]').innerText()).toBe(yuanText(run.summary.totals.entitlementFen));
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-test="year-end-csv"]').click()]);
    const path = `test-artifacts/console/${download.suggestedFilename()}`;
    await download.saveAs(path);
    process.stdout.write(`csv: ${path}\n`);
    const csv = (await readFile(path, 'utf8')).replace(/^\ufeff/, '');
    const [header, ...rows] = csv.trim().split(/\r?\n/);
    const columns = header!.split(',');
    expect(columns.slice(0, 5)).toEqual(['provider_code', 'community_id', 'tier', 'cases', 'points']);
    const byProvider = Object.fromEntries(rows.map((r) => [r.split(',')[0], r.split(',')]));
    expect(Object.keys(byProvider).sort()).toEqual(['ZS0001', 'ZS0201']);
    // The six stays: four at ZS0001, two at ZS0201; March's advance (8,000.00 and 800.00) counted as prepaid.
    expect(byProvider.ZS0001![columns.indexOf('cases')]).toBe('4');
    expect(byProvider.ZS0201![columns.indexOf('cases')]).toBe('2');
    expect(byProvider.ZS0001![columns.indexOf('prepaid_yuan')]).toBe('8000.00');
    expect(byProvider.ZS0201![columns.indexOf('prepaid_yuan')]).toBe('800.00');
    await screenshot(page, 'year-end');
    // Run again: the same version, nothing changes (the button is gone; the API answers existing).
    expect(await page.locator('[data-test="start-year-end"]').isDisabled()).toBe(true);
    await context.close();
  });

  it('shows a hospital its monthly advances and its year-end statement', async () => {
    const { context, page } = await newConsolePage(browser);
    await signInAs(page, cloud, 'provider', { providerCode: 'ZS0001' });
    await page.getByRole('menuitem', { name: '预拨与清算' }).click();
    const statement = page.locator('[data-test="year-end-statement"]');
    await statement.getByText('年度应拨（元）').waitFor();
    const his = await cloud.mint({ sub: 'check', role: 'provider', providerCode: 'ZS0001' });
    const funds = (await api(cloud, 'GET', `/v1/providers/ZS0001/funds/${SEED_YEAR}`, { token: his })).body;
    expect(funds.totals.advancedFen).toBe(800_000);
    expect(funds.months.find((m: { month: string }) => m.month === `${SEED_YEAR}-03`).advanceFen).toBe(800_000);
    const text = await statement.innerText();
    expect(text).toContain(`${SEED_REGION} 第 1 版`);
    expect(text).toContain(yuanText(funds.yearEnd.statement.entitlementFen));
    expect(text).toContain(yuanText(800_000));
    expect(text).toContain(funds.yearEnd.pointValue.yuanPerPoint);
    // The month table: March's advance on its row.
    expect(
      await page
        .getByRole('row', { name: new RegExp(`^${SEED_YEAR}-03`) })
        .first()
        .innerText(),
    ).toContain('8,000.00');
    await screenshot(page, 'hospital-funds');
    await context.close();
  });

  it('adjusts the year’s budget as a new version: one provider’s global budget changed, the rest as it stood', async () => {
    const staff = await cloud.mint({ sub: 'check', role: 'staff', permissions: [] });
    const before = (await api(cloud, 'GET', `/v1/budgets/${SEED_REGION}/${SEED_YEAR}`, { token: staff })).body.budget;
    const { context, page } = await newConsolePage(browser);
    await signInAs(page, cloud, 'staff');
    await page.getByRole('menuitem', { name: '预算与清算' }).click();
    await page.locator('[data-test="edit-budget"]').click();
    await page.getByLabel('调整机构编码').fill('ZS0201');
    await page.getByRole('spinbutton', { name: '机构总额预算（元）' }).fill('15000');
    await page.getByRole('spinbutton', { name: '机构总额预算（元）' }).press('Tab');
    await page.locator('[data-test="save-budget"]').click();
    await expect
      .poll(async () => (await api(cloud, 'GET', `/v1/budgets/${SEED_REGION}/${SEED_YEAR}`, { token: staff })).body.budget.version)
      .toBe(before.version + 1);
    const after = (await api(cloud, 'GET', `/v1/budgets/${SEED_REGION}/${SEED_YEAR}`, { token: staff })).body.budget;
    expect(after.providers).toEqual([
      expect.objectContaining({ providerCode: 'ZS0001', globalBudgetFen: 12_000_000 }),
      expect.objectContaining({ providerCode: 'ZS0201', globalBudgetFen: 1_500_000 }),
    ]);
    expect(after).toMatchObject({ totalFen: before.totalFen, drgBudgetFen: before.drgBudgetFen, schemes: before.schemes });
    await expect
      .poll(() =>
        page
          .getByRole('row', { name: /ZS0201/ })
          .first()
          .innerText(),
      )
      .toContain('15,000.00');
    await screenshot(page, 'budget');
    await context.close();
  });

  it('shows what changed in a published policy version against the one before it', async () => {
    const document = JSON.parse(await readFile('policies/benefits/330900/2026-resident.json', 'utf8'));
    const inpatient = document.basic.deductibles.findIndex((d: { when?: { visitTypes?: string[] } }) =>
      d.when?.visitTypes?.includes('inpatient'),
    );
    const before = document.basic.deductibles[inpatient].amount.tertiary;
    document.version = 2;
    document.effectiveFrom = `${SEED_YEAR}-07-01`;
    document.basic.deductibles[inpatient].amount.tertiary = before - 100;
    const publisher = await cloud.mint({ sub: 'clerk-policy', role: 'staff', permissions: ['policies:publish'] });
    const published = await api(cloud, 'POST', '/v1/policies', { token: publisher, body: document });
    expect(published.status, JSON.stringify(published.body)).toBe(201);

    const { context, page } = await newConsolePage(browser);
    await signInAs(page, cloud, 'staff');
    await page.getByRole('menuitem', { name: '政策版本' }).click();
    await page.getByRole('button', { name: '2', exact: true }).click();
    await expect.poll(() => page.getByText(`与 ${SEED_YEAR}-06-30 施行的第 1 版相比`).count()).toBe(1);
    const rows = await page.locator('.el-card', { hasText: '的变化' }).locator('tbody tr').allInnerTexts();
    expect(rows.map((r) => r.split('\t').map((c) => c.trim()))).toEqual([
      [`basic.deductibles[${inpatient}].amount.tertiary`, '修改', String(before), String(before - 100)],
    ]);
    await screenshot(page, 'policy-diff');
    await context.close();
  });

  it('reads the long-term-care fund and a member’s maternity record', async () => {
    // Honghe 2025 has long-term care (employees) and maternity: an employee paid three months, with a registered pregnancy.
    const staff = await cloud.mint({ sub: 'clerk-hh', role: 'staff', permissions: ALL_STAFF_PERMISSIONS });
    const ok = async (method: string, path: string, body: unknown) => {
      const res = await api(cloud, method, path, { token: staff, body });
      expect(res.status, `${path} ${JSON.stringify(res.body)}`).toBeLessThan(300);
      return res.body;
    };
    const employer = `91532501MA0000088${creditCodeCheckCharacter('91532501MA0000088')}`;
    await ok('POST', '/v1/providers', {
      providerCode: 'H53250100002',
      name: '红河州某妇幼保健院',
      level: 'secondary',
      region: '532501',
      kind: 'hospital',
    });
    await ok('POST', '/v1/employers', { creditCode: employer, name: '红河示例物流有限公司', region: '532500', validFrom: '2025-01-01' });
    const enrolled = await ok('POST', '/v1/members', {
      idNumber: nextIdNumber('532501', '204'),
      year: 2025,
      region: '532500',
      scheme: 'employee',
      employeeKind: 'employer',
      employerCode: employer,
      monthlyBaseFen: 600_000,
    });
    const memberId = enrolled.member.memberId as string;
    await ok('POST', `/v1/members/${memberId}/employment`, { status: 'in-service', employerCode: employer, validFrom: '2025-01-01' });
    for (const month of ['2025-01', '2025-02', '2025-03'])
      await ok('POST', `/v1/members/${memberId}/employee-contributions`, {
        month,
        employerCode: employer,
        declaredWageFen: 600_000,
        paidOn: lastDayOf(month),
      });
    await ok('POST', '/v1/maternity/pregnancies', {
      memberId,
      expectedDeliveryDate: '2025-09-20',
      providerCode: 'H53250100002',
      registeredOn: '2025-03-01',
    });
    // The long-term-care consumer books each month's funding from EmployeeContributionPaid.
    await expect
      .poll(async () => (await api(cloud, 'GET', '/v1/ltc/fund/532500/2025', { token: staff })).body.months?.length, { timeout: 30_000 })
      .toBe(3);
    const report = (await api(cloud, 'GET', '/v1/ltc/fund/532500/2025', { token: staff })).body;

    const { context, page } = await newConsolePage(browser);
    await signInAs(page, cloud, 'staff');
    await choose(page, '统筹区', /532500/);
    await page.getByRole('spinbutton', { name: '年度' }).first().fill('2025');
    await page.getByRole('spinbutton', { name: '年度' }).first().press('Enter');
    await page.getByRole('menuitem', { name: '长期护理保险' }).click();
    await page.locator('main h1', { hasText: '532500 2025' }).waitFor();
    await expect.poll(() => page.locator('[data-test="chart-ltc-fund"]').getAttribute('data-points')).not.toBe('0');
    // Four income sources and three settings, for each of the three months paid.
    expect(await page.locator('[data-test="chart-ltc-fund"]').getAttribute('data-points')).toBe(String(7 * 3));
    expect(await page.locator('[data-test="ltc-income"]').innerText()).toContain(yuanText(report.income.totalFen));
    expect(report.income.totalFen).toBeGreaterThan(0);
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-test="ltc-fund-csv"]').click()]);
    const path = `test-artifacts/console/${download.suggestedFilename()}`;
    await download.saveAs(path);
    const csv = (await readFile(path, 'utf8'))
      .replace(/^\ufeff/, '')
      .trim()
      .split(/\r?\n/);
    expect(csv[0]).toMatch(/^month,income_employer_yuan,/);
    // A row per month and the total row.
    expect(csv).toHaveLength(1 + 3 + 1);
    await screenshot(page, 'long-term-care');

    await page.getByRole('menuitem', { name: '生育保险' }).click();
    // The long-term-care page has a 参保人编号 field too: fill the maternity page's, once it is shown.
    await page.locator('main h1', { hasText: '生育保险' }).waitFor();
    await page.getByLabel('参保人编号').fill(memberId);
    await page.locator('[data-test="maternity-find"]').click();
    await page.getByRole('row', { name: /P20250920/ }).waitFor();
    expect(await page.getByRole('row', { name: /P20250920/ }).innerText()).toContain('H53250100002');
    await page.locator('[data-test="maternity-eligibility"]').waitFor();
    await screenshot(page, 'maternity');
    // The member's record lists it too, beside the (empty) long-term-care level.
    await page.goto(`${cloud.apiUrl}/console/members/${memberId}`);
    await page.getByRole('row', { name: /P20250920/ }).waitFor();
    expect(await page.locator('[data-test="care-level"]').innerText()).toContain('当前无在享的长期护理失能等级');
    await context.close();
  });

  it('pre-groups a stay for a hospital as the API groups it', async () => {
    const { context, page } = await newConsolePage(browser);
    await signInAs(page, cloud, 'provider', { providerCode: 'ZS0001' });
    await page.getByRole('menuitem', { name: 'DRG 预分组' }).click();
    await page.locator('[data-test="pre-group"]').click();
    const his = await cloud.mint({ sub: 'check', role: 'provider', providerCode: 'ZS0001' });
    const grouped = await api(cloud, 'POST', '/v1/drg/pre-group?region=330900', {
      token: his,
      body: { sex: 'M', ageYears: 67, principalDiagnosis: 'J18.900', secondaryDiagnoses: ['J96.000'], procedures: [], lengthOfStayDays: 9 },
    });
    expect(grouped.status, JSON.stringify(grouped.body)).toBe(200);
    await expect.poll(() => page.locator('[data-test="drg"]').innerText()).toBe(grouped.body.drg);
    expect(grouped.body.drg).toBe('ES31');
    expect(await page.locator('main ol li').count()).toBe(grouped.body.trace.length);
    await screenshot(page, 'pre-group');
    await context.close();
  });

  it('subscribes a regulator’s webhook to alerts and the residents’ fund warnings', async () => {
    const { context, page } = await newConsolePage(browser);
    await signInAs(page, cloud, 'regulator', { region: SEED_REGION });
    await page.getByRole('menuitem', { name: '预警订阅' }).click();
    await page.getByLabel('说明', { exact: true }).fill('舟山稽核科');
    await page.getByLabel('推送地址').fill('http://127.0.0.1:9/hook');
    await choose(page, '通知类型', '基金运行预警');
    await page.keyboard.press('Escape');
    await choose(page, '预警险种', '城乡居民医保');
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: '订阅', exact: true }).click();
    await expect.poll(() => page.getByText('签名密钥（仅显示一次）').count()).toBe(1);
    const regulator = await cloud.mint({ sub: 'check', role: 'regulator', region: SEED_REGION });
    const listed = (await api(cloud, 'GET', '/v1/subscriptions', { token: regulator })).body.items;
    expect(listed).toEqual([
      expect.objectContaining({
        description: '舟山稽核科',
        filter: expect.objectContaining({
          region: SEED_REGION,
          events: ['fraud.alert.raised', 'fund.warning.raised'],
          minSeverity: 'high',
          fundWarnings: { schemes: ['resident'], minLevel: 'watch' },
        }),
      }),
    ]);
    await expect.poll(() => page.getByRole('row', { name: /舟山稽核科/ }).innerText()).toContain('城乡居民医保');
    await screenshot(page, 'subscriptions');
    await context.close();
  });

  it('draws the fund dashboard’s charts from the report routes', async () => {
    await settled(cloud);
    const { context, page } = await newConsolePage(browser);
    await signInAs(page, cloud, 'staff');
    const points = (name: string) => page.locator(`[data-test="chart-${name}"]`).getAttribute('data-points');
    // Twelve months per series; one bar per scheme; one slice per DRG group; one bar per provider.
    await expect.poll(() => points('spending')).not.toBe('0');
    expect(Number(await points('spending')) % 12).toBe(0);
    await expect.poll(() => points('reserve')).toBe('1');
    await expect.poll(() => points('case-mix')).toBe('1');
    await expect.poll(() => points('execution')).toBe('2');
    expect(await page.locator('.chart canvas').count()).toBe(4);
    await page.waitForTimeout(300);
    await screenshot(page, 'dashboard');
    await context.close();
  });

  it('finds no serious or critical accessibility violation on the main pages (axe)', async () => {
    const { context, page } = await newConsolePage(browser);
    const found: Record<string, unknown> = {};
    await page.goto(`${cloud.apiUrl}/console/sign-in`);
    await page.locator('[data-test="sign-in-staff"]').waitFor();
    found['sign-in'] = await seriousViolations(page);
    await signInAs(page, cloud, 'staff');
    for (const [name, path] of [
      ['dashboard', '/dashboard'],
      ['members', '/members'],
      ['statement', '/claims/ZS0001/ZY-202601-1'],
      ['runs', '/runs'],
      ['policies', '/policies'],
    ] as const) {
      await page.goto(`${cloud.apiUrl}/console${path}`);
      await page.locator('main h1').waitFor();
      await page.waitForLoadState('networkidle');
      found[name] = await seriousViolations(page);
    }
    await signInAs(page, cloud, 'regulator', { region: SEED_REGION });
    await page.locator('main h1').waitFor();
    await page.waitForLoadState('networkidle');
    found.alerts = await seriousViolations(page);
    expect(found).toEqual(Object.fromEntries(Object.keys(found).map((k) => [k, []])));
    await context.close();
  });

  it('finds no serious or critical accessibility violation on the other pages of each role (axe)', async () => {
    const { context, page } = await newConsolePage(browser);
    const found: Record<string, unknown> = {};
    const visit = async (name: string, path: string) => {
      await page.goto(`${cloud.apiUrl}/console${path}`);
      await page.locator('main h1').waitFor();
      await page.waitForLoadState('networkidle');
      found[name] = await seriousViolations(page);
    };
    await signInAs(page, cloud, 'staff');
    await visit('member-record', `/members/${seeded.members[0]!.memberId}`);
    await visit('long-term-care', '/long-term-care');
    await visit('maternity', '/maternity');
    await visit('pre-group', '/pre-group');
    await signInAs(page, cloud, 'regulator', { region: SEED_REGION });
    await visit('risk', '/risk');
    await visit('subscriptions', '/subscriptions');
    // The claims list is one page for every role: read as the hospital's.
    await signInAs(page, cloud, 'provider', { providerCode: 'ZS0001' });
    await visit('provider-claims', '/claims');
    await visit('provider-funds', '/funds');
    expect(found).toEqual(Object.fromEntries(Object.keys(found).map((k) => [k, []])));
    await context.close();
  });
});
