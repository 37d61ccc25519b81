/**
 * `npm run screenshots`: the console's pictures for the README and for review. Starts a local cloud in
 * memory, fills it with a demo year through the API (infra/local/demo/year.ts, `--scale` members,
 * default 120), builds the console when stale, and photographs its main pages in Debian's Chromium:
 * the fund dashboard to docs/console-dashboard.png (the README's first picture), the others to
 * test-artifacts/console/screens/ (Honghe's long-term care and DIP dashboard where the demo runs those
 * programmes). Prints each path.
 *   --scale 120   members of the demo year (at least 20)
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startLocalCloud } from '../infra/local/cloud.ts';
import { ensureConsoleBuilt } from '../infra/local/console.ts';
import { quietNodeVersionNotice } from '../infra/local/quiet.ts';
import { runDemoYear } from '../infra/local/demo/year.ts';
import { launchChromium, newConsolePage, signInAs } from '../test/support/browser.ts';

quietNodeVersionNotice();
const { values } = parseArgs({ options: { scale: { type: 'string', default: '120' } } });
const started = performance.now();
const say = (line: string) => process.stdout.write(`${line}\n`);

const [, cloud] = await Promise.all([ensureConsoleBuilt(say), startLocalCloud({ logLevel: 'SILENT', retryDelaySeconds: 0 })]);
try {
  say(`local cloud at ${cloud.apiUrl}; demo year of ${values.scale} members…`);
  const year = await runDemoYear({ baseUrl: cloud.apiUrl, mint: (p) => cloud.mint(p), scale: Number(values.scale) });
  const f = year.progress.figures;
  say(`demo year ready: ${f.members} members, ${f.claims} claims, ${f.alerts} alerts, point value ${f.pointValue ?? '—'}`);
  const region = year.progress.region;
  const browser = await launchChromium();
  try {
    const screens = resolve('test-artifacts/console/screens');
    mkdirSync(screens, { recursive: true });
    const shoot = async (page: Awaited<ReturnType<typeof newConsolePage>>['page'], path: string, file: string) => {
      await page.goto(`${cloud.apiUrl}/console${path}`);
      await page.locator('main h1').waitFor();
      await page.waitForLoadState('networkidle');
      await page.waitForTimeout(400); // ECharts draws on the next frames
      await page.screenshot({ path: file, fullPage: path !== '/dashboard' });
      say(`screenshot: ${file}`);
    };
    const staff = await newConsolePage(browser);
    await staff.page.setViewportSize({ width: 1440, height: 1000 });
    await signInAs(staff.page, cloud, 'staff');
    // The staff pages read the region and year picked in the header (kept in the tab's session storage).
    await staff.page.evaluate(
      `sessionStorage.setItem('yibao.console.workspace', ${JSON.stringify(JSON.stringify({ region, year: year.progress.year }))})`,
    );
    await shoot(staff.page, '/dashboard', resolve('docs/console-dashboard.png'));
    for (const [path, name] of [
      ['/members', 'members'],
      ['/runs', 'runs'],
      ['/policies', 'policies'],
    ] as const)
      await shoot(staff.page, path, join(screens, `${name}.png`));
    // The programmes Zhoushan has no policy for run in Honghe (infra/local/demo/honghe.ts).
    const programmes = year.progress.figures.programmes;
    if (programmes) {
      await staff.page.evaluate(
        `sessionStorage.setItem('yibao.console.workspace', ${JSON.stringify(JSON.stringify({ region: programmes.region, year: programmes.year }))})`,
      );
      for (const [path, name] of [
        ['/long-term-care', 'long-term-care'],
        ['/dashboard', 'dashboard-dip'],
      ] as const)
        await shoot(staff.page, path, join(screens, `${name}.png`));
    }
    await staff.context.close();
    const regulator = await newConsolePage(browser);
    await signInAs(regulator.page, cloud, 'regulator', { region });
    for (const [path, name] of [
      ['/alerts', 'alerts'],
      ['/risk', 'risk'],
    ] as const)
      await shoot(regulator.page, path, join(screens, `${name}.png`));
    await regulator.context.close();
  } finally {
    await browser.close();
  }
} finally {
  await cloud.stop();
}
say(`done in ${Math.round((performance.now() - started) / 1000)} s`);
process.exit(0);
