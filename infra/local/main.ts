/**
 * `npm start`: the whole platform on this machine, then a short demo through the real handler
 * path. Data lives in .yibao/ (YIBAO_DATA_DIR) and survives restarts; Ctrl-C stops cleanly.
 */
import { startLocalCloud } from './cloud.ts';
import { runDemo } from './demo.ts';
import { quietNodeVersionNotice } from './quiet.ts';

quietNodeVersionNotice();
const startedAt = performance.now();
const dataDir = process.env.YIBAO_DATA_DIR ?? '.yibao';
const apiPort = Number(process.env.YIBAO_PORT ?? 3000);
const say = (line: string) => process.stderr.write(`[local-cloud] ${line}\n`);

const cloud = await startLocalCloud({
  dataDir,
  apiPort,
  scheduleTimers: true,
  logLevel: (process.env.LOG_LEVEL as 'INFO' | undefined) ?? 'WARN',
  say,
});
const readyMs = Math.round(performance.now() - startedAt);
say(`Ready in ${readyMs} ms`);
process.stdout.write(
  `${[
    '',
    `  yibao is running on the local cloud (ready in ${readyMs} ms)`,
    `  API            ${cloud.apiUrl}        (try: curl ${cloud.apiUrl}/health)`,
    `  Local control  ${cloud.apiUrl}/_local (routes, queues, rules, schedules)`,
    `  Tokens         npm run token -- --role staff`,
    `  Fire schedule  npm run trigger -- monthlyPrepayment`,
    `  Data folder    ${dataDir}/`,
    '',
  ].join('\n')}\n`,
);

let stopping = false;
const stop = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  say(`${signal}: stopping…`);
  await cloud.stop();
  say('Stopped cleanly.');
  process.exit(0);
};
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));

if (process.env.YIBAO_DEMO !== 'off') {
  try {
    await runDemo(cloud, (line) => process.stdout.write(`${line}\n`));
  } catch (error) {
    say(`demo failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
if (process.env.YIBAO_EXIT_AFTER_DEMO === '1') await stop('demo done');
