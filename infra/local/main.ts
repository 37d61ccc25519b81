/**
 * `npm start`: the whole platform on this machine, up at once, then the demo year (Zhoushan 2026: a
 * region's year of enrolment, claims, fraud alerts, prepayments and year-end, through the real API)
 * filling in the background with its progress on `GET /local/demo/progress` and the console. Data lives
 * in .yibao/ (YIBAO_DATA_DIR) and survives restarts: a finished demo year is not run again (its figures
 * are kept in .yibao/demo-year.json). Ctrl-C stops cleanly.
 *
 *   YIBAO_DEMO=off              skip the demo year
 *   YIBAO_DEMO_SCALE=<members>  the year's size (default DEFAULT_SCALE members in Zhoushan, ≈3.5 claims each, and a tenth as many in Honghe)
 *   YIBAO_EXIT_AFTER_DEMO=1     stop once the demo year is ready (exit 0), or failed (exit 1): a CI-like check
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startLocalCloud } from './cloud.ts';
import { ensureConsoleBuilt } from './console.ts';
import type { DemoProgress } from './demo/progress.ts';
import { progressLine, readyBlock } from './demo/summary.ts';
import { hongheSize } from './demo/honghe.ts';
import { DEFAULT_SCALE, DEFAULT_SEED, runDemoYear } from './demo/year.ts';
import { quietNodeVersionNotice } from './quiet.ts';

quietNodeVersionNotice();
const startedAt = performance.now();
const dataDir = process.env.YIBAO_DATA_DIR ?? '.yibao';
const apiPort = Number(process.env.YIBAO_PORT ?? 3000);
const say = (line: string) => process.stderr.write(`[local-cloud] ${line}\n`);
const print = (text: string) => process.stdout.write(`${text}\n`);

const demoOn = process.env.YIBAO_DEMO !== 'off';
const exitAfterDemo = process.env.YIBAO_EXIT_AFTER_DEMO === '1';
const scale = Number(process.env.YIBAO_DEMO_SCALE ?? DEFAULT_SCALE);
if (demoOn && !(Number.isInteger(scale) && scale >= 20)) {
  say(`YIBAO_DEMO_SCALE must be a whole number of members, at least 20 (got ${process.env.YIBAO_DEMO_SCALE})`);
  process.exit(2);
}

// The console's build runs beside the cloud's start (vite, a few seconds; nothing when it is current).
const consoleBuild = ensureConsoleBuilt(say).then(
  (b) => (b.built ? say(`console built in ${b.ms} ms`) : undefined),
  (error: unknown) =>
    say(`console build failed (npm run console:build shows why): ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`),
);
const cloud = await startLocalCloud({
  dataDir,
  apiPort,
  scheduleTimers: true,
  logLevel: (process.env.LOG_LEVEL as 'INFO' | undefined) ?? 'WARN',
  say,
});
await consoleBuild;
const readyMs = Math.round(performance.now() - startedAt);
const host = `localhost:${new URL(cloud.apiUrl).port}`;
say(`Ready in ${readyMs} ms`);
print(
  [
    '',
    `  yibao is running on the local cloud (ready in ${readyMs} ms)`,
    `  API            ${cloud.apiUrl}        (try: curl ${host}/health)`,
    `  Console        http://${host}/console`,
    `  Local control  ${cloud.apiUrl}/_local (routes, queues, rules, schedules)`,
    `  Tokens         npm run token -- --role staff`,
    `  Fire schedule  npm run trigger -- monthlyPrepayment`,
    `  Data folder    ${dataDir}/`,
    '',
  ].join('\n'),
);

let stopping = false;
const stop = async (signal: string, code = 0) => {
  if (stopping) return;
  stopping = true;
  say(`${signal}: stopping…`);
  await cloud.stop();
  say('Stopped cleanly.');
  process.exit(code);
};
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
// A closed terminal: stop as for Ctrl-C (the JVM, in its own process group, would not get the hang-up).
process.on('SIGHUP', () => void stop('SIGHUP'));

/** The finished year of an earlier start on this data folder, if it was built at this scale. */
const keptFile = join(dataDir, 'demo-year.json');
function keptYear(): DemoProgress | undefined {
  if (!existsSync(keptFile)) return undefined;
  try {
    const kept = JSON.parse(readFileSync(keptFile, 'utf8')) as DemoProgress;
    return kept.phase === 'ready' && kept.scale === scale && kept.seed === DEFAULT_SEED ? kept : undefined;
  } catch {
    return undefined;
  }
}

async function demoYear(): Promise<boolean> {
  const kept = keptYear();
  if (kept) {
    cloud.setDemoProgress(() => kept);
    print(readyBlock(kept, cloud.apiUrl, `built ${kept.readyAt}, kept in ${keptFile}`));
    return true;
  }
  print(
    `  The demo year fills in now, month by month (Zhoushan 2026: ${scale.toLocaleString('en-US')} members; Honghe 2025: ${hongheSize(scale).toLocaleString('en-US')} for long-term care, maternity, DIP;`,
  );
  print('  YIBAO_DEMO_SCALE to change, YIBAO_DEMO=off to skip). The API and the console answer meanwhile:');
  print(`  Console http://${host}/console    Progress curl -s ${host}/local/demo/progress\n`);
  let latest: DemoProgress | undefined;
  let printed = 0;
  cloud.setDemoProgress(() => latest!);
  try {
    const result = await runDemoYear({
      baseUrl: cloud.apiUrl,
      mint: (principal) => cloud.mint(principal),
      scale,
      consoleReadyMs: readyMs,
      onProgress: (p) => {
        latest = p;
        if (Date.now() - printed >= 20_000) {
          printed = Date.now();
          print(progressLine(p));
        }
      },
    });
    latest = result.progress;
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(keptFile, `${JSON.stringify(result.progress, null, 2)}\n`);
    for (const r of result.refused.slice(0, 5)) say(`demo: claim ${r.claimNo} refused (${r.status}): ${r.message}`);
    if (result.serverErrors > 0) say(`demo: ${result.serverErrors} answer(s) 500 under load, sent again`);
    say(
      `demo phases: ${Object.entries(result.timings.phases)
        .map(([phase, ms]) => `${phase} ${Math.round(ms / 1000)} s`)
        .join(', ')}; ready ${Math.round((performance.now() - startedAt) / 1000)} s after npm start`,
    );
    print(readyBlock(result.progress, cloud.apiUrl));
    print('Ctrl-C stops the platform; data stays in the data folder.');
    return true;
  } catch (error) {
    say(`demo year failed: ${error instanceof Error ? error.message : String(error)}`);
    return false;
  }
}

if (demoOn) {
  const ok = await demoYear();
  if (exitAfterDemo) await stop('demo done', ok ? 0 : 1);
} else if (exitAfterDemo) await stop('demo off');
