/**
 * Where DynamoDB Local's JVM spends its CPU, sampled by Java Flight Recorder: the JDK's own `jcmd`
 * starts a recording in the running JVM and `jfr` prints its samples; both ship beside `java`, so
 * nothing is installed for it. `npm run bench:profile -- --jfr <file>` records over the measured
 * window and prints the summary below.
 *
 * Why it is worth a line of its own: the JVM's CPU per claim is as large as this process's, and none
 * of it is our code. What it does per request (parse the request's JSON, check and size each item,
 * write it to SQLite, write the answer's JSON) is what a smaller request or item saves.
 */
import { execFileSync } from 'node:child_process';

const RECORDING = 'yibao-bench';

/**
 * The JDK's `default` settings (lib/jfr/default.jfc): running Java code and threads inside native
 * code each sampled every 20 ms; the `profile` settings record much more (allocations among them) for
 * no more of what is summarised here.
 */
const SETTINGS = 'default';

/**
 * Starts a recording in the JVM `pid`; `stop` ends it, writes `file` and summarises the samples taken
 * between `from` and `to` (the measured window). Start it well before the window: a recording's start
 * costs the JVM a burst of CPU (measured here: begun just before the window, the JVM's CPU per claim
 * over it was 22–25 ms against 6–7 without a recording, the same with the `profile` and the `default`
 * settings), which a warm-up absorbs.
 */
export function startJvmRecording(pid: number, file: string): { stop(window: { from: number; to: number }): string[] } {
  try {
    execFileSync('jcmd', [String(pid), 'JFR.start', `name=${RECORDING}`, `settings=${SETTINGS}`, `filename=${file}`], { stdio: 'pipe' });
  } catch (error) {
    // A Java runtime without the JDK's tools runs DynamoDB Local but cannot record it.
    throw new Error(`--jfr needs the JDK's jcmd and jfr beside java (Debian: openjdk-17-jdk-headless): ${String(error)}`);
  }
  return {
    stop(window) {
      execFileSync('jcmd', [String(pid), 'JFR.stop', `name=${RECORDING}`], { stdio: 'pipe' });
      const json = execFileSync('jfr', ['print', '--json', '--events', 'jdk.ExecutionSample,jdk.NativeMethodSample', file], {
        encoding: 'utf8',
        maxBuffer: 1 << 30,
      });
      return summariseJvmSamples(JSON.parse(json) as JfrPrint, window);
    },
  };
}

interface JfrFrame {
  method: { type: { name: string }; name: string };
}
interface JfrEvent {
  type: string;
  values: { startTime: string; stackTrace?: { frames: JfrFrame[] } | null };
}
/** What `jfr print --json` writes (the fields read here). */
export interface JfrPrint {
  recording: { events: JfrEvent[] };
}

/** Whose code a class is, by its package (JVM names, with slashes). The first match counts. */
const OWNERS: [prefix: string, owner: string][] = [
  ['com/fasterxml/jackson/', 'JSON (Jackson)'],
  ['org/eclipse/jetty/', 'HTTP server (Jetty)'],
  ['com/almworks/sqlite4java/', 'SQLite (sqlite4java)'],
  ['software/amazon/dynamodb/', 'DynamoDB Local'],
  ['com/amazonaws/', 'DynamoDB Local'],
  ['software/amazon/awssdk/', 'AWS SDK for Java (the request models)'],
  ['org/antlr/', 'expressions (ANTLR parser)'],
];

/** A class's name with slashes: a hidden class (a lambda's, a method handle's) is named with dots. */
const slashed = (className: string) => className.replaceAll('.', '/');

/** The JDK's own classes: their time is counted to the code that called them. */
const isJdk = (className: string) => /^(java|javax|jdk|sun|com\/sun)\//.test(slashed(className));

const ownerOf = (className: string): string => {
  const name = slashed(className);
  for (const [prefix, owner] of OWNERS) if (name.startsWith(prefix)) return owner;
  return name.split('/').slice(0, 3).join('.');
};

/**
 * Each sample of running Java code taken in the window (epoch milliseconds) counted to whose code was
 * running (a JDK method, such as a HashMap's put, to the first caller outside the JDK), and the
 * heaviest methods by self samples; the native samples that were inside SQLite's C code, apart (the
 * others wait: accept, epoll).
 */
export function summariseJvmSamples(print: JfrPrint, window: { from: number; to: number }, rows = 12): string[] {
  const byOwner = new Map<string, number>();
  const byMethod = new Map<string, number>();
  let running = 0;
  let native = 0;
  let inSqlite = 0;
  for (const event of print.recording.events) {
    const frames = event.values.stackTrace?.frames ?? [];
    const at = Date.parse(event.values.startTime);
    if (frames.length === 0 || !(at >= window.from && at <= window.to)) continue;
    if (event.type === 'jdk.NativeMethodSample') {
      native++;
      if (frames[0]!.method.type.name.startsWith('com/almworks/sqlite4java/')) inSqlite++;
      continue;
    }
    if (event.type !== 'jdk.ExecutionSample') continue;
    running++;
    const top = frames[0]!.method;
    const method = `${top.type.name.replaceAll('/', '.')}.${top.name}`;
    byMethod.set(method, (byMethod.get(method) ?? 0) + 1);
    const caller = frames.find((f) => !isJdk(f.method.type.name));
    const owner = caller ? ownerOf(caller.method.type.name) : 'the Java library';
    byOwner.set(owner, (byOwner.get(owner) ?? 0) + 1);
  }
  if (running === 0) return ['DynamoDB Local JVM: no samples of running Java code in the window'];
  const share = (n: number) => `${((n / running) * 100).toFixed(1).padStart(5)}%`;
  const top = (counts: Map<string, number>) =>
    [...counts]
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .slice(0, rows)
      .map(([name, n]) => `    ${share(n)}  ${name}`);
  return [
    `DynamoDB Local's JVM over the window, Java Flight Recorder: ${running} samples of running Java code (20 ms apart)`,
    '  by whose code ran (a JDK method counted to the caller outside the JDK):',
    ...top(byOwner),
    '  heaviest methods (self):',
    ...top(byMethod),
    `  inside SQLite's C code: ${inSqlite} of ${native} samples of threads in native code (20 ms apart; the rest were waiting)`,
  ];
}
