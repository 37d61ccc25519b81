/**
 * The console's browser tests' harness: the distribution's Chromium (no browser download; `.ci/run`
 * installs `chromium` and the CJK font `fonts-wqy-microhei` with apt when missing) driven by
 * playwright-core, the console built by vite when stale, screenshots kept under test-artifacts/
 * (ignored by git) with their paths printed, and axe's accessibility check.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { LocalCloud } from '../../infra/local/cloud.ts';

export const CHROMIUM = process.env.YIBAO_CHROMIUM ?? '/usr/bin/chromium';
export const ARTIFACTS = resolve('test-artifacts/console');

export function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(`No Chromium at ${CHROMIUM}: apt-get install -y chromium fonts-wqy-microhei (as .ci/run does)`);
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}

export async function newConsolePage(browser: Browser): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN', acceptDownloads: true });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  return { context, page };
}

/** Signs in through the local role picker (POST /local/tokens behind it). */
export async function signInAs(
  page: Page,
  cloud: LocalCloud,
  role: 'staff' | 'regulator' | 'provider',
  options: { region?: string; providerCode?: string } = {},
): Promise<void> {
  await page.goto(`${cloud.apiUrl}/console/sign-in`);
  // The picker offers Zhoushan (330900) first; another region is chosen from its list.
  if (role === 'regulator' && options.region && options.region !== '330900') {
    await page.locator('.el-select__wrapper').first().click();
    await page.getByRole('option', { name: new RegExp(options.region) }).click();
  }
  if (role === 'provider' && options.providerCode) await page.getByLabel('机构编码').fill(options.providerCode);
  await page.locator(`[data-test="sign-in-${role}"]`).click();
  await page.locator('[data-test="who"]').waitFor();
}

/** A full-page screenshot under test-artifacts/console/, its path printed so CI's log says where it is. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  process.stdout.write(`screenshot: ${path}\n`);
  return path;
}

/** axe's violations of impact serious or critical on the page as it stands (WCAG 2 A and AA rules). */
export async function seriousViolations(page: Page): Promise<{ id: string; impact: string; help: string; nodes: string[] }[]> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({
      id: v.id,
      impact: v.impact!,
      help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => `${n.target.join(' ')}: ${n.html.slice(0, 160)}`),
    }));
}
