/**
 * Issue 16.3: the web console in a real browser (Debian's Chromium through playwright-core) over its own
 * local cloud, seeded through the API (test/support/console-seed.ts). The journeys: sign in as each role,
 * find a member, open and print a settlement slip, work an alert to confirmed, run a prepayment and
 * download its CSV, read the dashboard's charts; axe on the main pages finds nothing serious. Each
 * journey leaves a screenshot under test-artifacts/console/.
 */
import { readFile } from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../infra/local/cloud.ts';
import { ensureConsoleBuilt } from '../../infra/local/console.ts';
import { launchChromium, newConsolePage, screenshot, seriousViolations, signInAs } from '../support/browser.ts';
import { SEED_REGION, SEED_YEAR, seedConsoleYear, settled, type Seeded } from '../support/console-seed.ts';
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
});
