/**
 * The web console on the local cloud: built by vite from console/ into console/dist (ignored by git),
 * served under /console on the API's port, and its local-only sign-in (POST /local/tokens mints a
 * demo token for the role picked). On AWS the same build is served from S3 behind CloudFront
 * (infra/stack/console-hosting.ts) and tokens come from the agency's identity provider.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import * as z from 'zod';
import { principalSchema, STAFF_PERMISSIONS, type Principal } from '../../shared/auth/principal.ts';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const CONSOLE_SOURCE = join(ROOT, 'console');
export const CONSOLE_DIST = join(CONSOLE_SOURCE, 'dist');
/** Where the console is served on the API's port (and the base vite builds it for). */
export const CONSOLE_PATH = '/console';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
};

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const name of readdirSync(path)) {
    if (name === 'dist' || name === 'node_modules') continue;
    newest = Math.max(newest, newestMtime(join(path, name)));
  }
  return newest;
}

/** True when console/dist is missing or older than any file of console/ (sources, config, index.html). */
export function consoleBuildIsStale(): boolean {
  const built = join(CONSOLE_DIST, 'index.html');
  if (!existsSync(built)) return true;
  return newestMtime(CONSOLE_SOURCE) > statSync(built).mtimeMs;
}

/** Builds the console with vite when stale (npm start, the browser tests, `npm run console:build`). */
export async function ensureConsoleBuilt(say: (line: string) => void = () => undefined): Promise<{ built: boolean; ms: number }> {
  const started = performance.now();
  if (!consoleBuildIsStale()) return { built: false, ms: 0 };
  say('building the console (vite)…');
  await promisify(execFile)(
    process.execPath,
    [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'console/vite.config.ts', '--logLevel', 'warn'],
    {
      cwd: ROOT,
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  return { built: true, ms: Math.round(performance.now() - started) };
}

export interface StaticAnswer {
  statusCode: number;
  headers: Record<string, string>;
  body: Buffer | string;
}

/**
 * A file of the built console for a path under /console; any other path under it is the single
 * page (index.html), so a reload on /console/claims works. Undefined for paths outside /console.
 */
export async function consoleFile(pathname: string): Promise<StaticAnswer | undefined> {
  if (pathname !== CONSOLE_PATH && !pathname.startsWith(`${CONSOLE_PATH}/`)) return undefined;
  if (pathname === CONSOLE_PATH) return { statusCode: 302, headers: { location: `${CONSOLE_PATH}/` }, body: '' };
  if (!existsSync(join(CONSOLE_DIST, 'index.html'))) {
    return {
      statusCode: 503,
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      body: 'The console is not built yet: run `npm run console:build` (npm start builds it when stale).\n',
    };
  }
  let relative: string;
  try {
    relative = decodeURIComponent(pathname.slice(CONSOLE_PATH.length + 1));
  } catch {
    return { statusCode: 400, headers: { 'content-type': 'text/plain' }, body: 'Bad Request\n' };
  }
  // No way out of dist/: a normalised path that climbs is refused.
  const file = normalize(join(CONSOLE_DIST, relative));
  if (file !== CONSOLE_DIST && !file.startsWith(`${CONSOLE_DIST}${sep}`)) {
    return { statusCode: 404, headers: { 'content-type': 'text/plain' }, body: 'Not Found\n' };
  }
  const isAsset = relative.startsWith('assets/');
  const target = existsSync(file) && statSync(file).isFile() ? file : isAsset ? undefined : join(CONSOLE_DIST, 'index.html');
  if (!target) return { statusCode: 404, headers: { 'content-type': 'text/plain' }, body: 'Not Found\n' };
  return {
    statusCode: 200,
    headers: {
      'content-type': CONTENT_TYPES[extname(target)] ?? 'application/octet-stream',
      // Hashed assets never change; index.html is read anew so a rebuild shows at once.
      'cache-control': target.includes(`${sep}assets${sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
    },
    body: await readFile(target),
  };
}

/** The roles the local sign-in offers: what the console needs of each. */
export const tokenRequestSchema = z.discriminatedUnion('role', [
  z.object({
    role: z.literal('staff'),
    sub: z.string().min(1).max(64).default('clerk-console'),
    permissions: z.array(z.enum(Object.keys(STAFF_PERMISSIONS) as [keyof typeof STAFF_PERMISSIONS])).optional(),
  }),
  z.object({ role: z.literal('regulator'), sub: z.string().min(1).max(64).default('regulator-console'), region: z.string() }),
  z.object({ role: z.literal('provider'), sub: z.string().min(1).max(64).default('his-console'), providerCode: z.string() }),
]);

/** The token lifetime of the console's demo sign-in: one working day. */
export const CONSOLE_TOKEN_SECONDS = 8 * 3600;

/**
 * POST /local/tokens (local cloud only): the principal the console's role picker asked for, checked
 * by the same schema the authorizer reads tokens with. Staff get every permission unless a list is
 * given: the demo clerk may do all a clerk can.
 */
export async function mintConsoleToken(
  body: Buffer,
  mint: (p: Principal, ttl: number) => Promise<string>,
): Promise<{ statusCode: number; body: unknown }> {
  let raw: unknown;
  try {
    raw = JSON.parse(body.toString('utf8') || '{}');
  } catch {
    return { statusCode: 400, body: { error: { code: 'BAD_REQUEST', message: 'the body is not JSON', details: {} } } };
  }
  const request = tokenRequestSchema.safeParse(raw);
  const principal = request.success
    ? principalSchema.safeParse(
        request.data.role === 'staff'
          ? { ...request.data, permissions: request.data.permissions ?? Object.keys(STAFF_PERMISSIONS) }
          : request.data,
      )
    : request;
  if (!principal.success) {
    return {
      statusCode: 400,
      body: {
        error: {
          code: 'BAD_REQUEST',
          message: 'not a principal the console can sign in as',
          details: {
            problems: principal.error.issues.map((i) => ({ field: i.path.join('.') || 'role', rule: i.code, message: i.message })),
          },
        },
      },
    };
  }
  return {
    statusCode: 201,
    body: { token: await mint(principal.data, CONSOLE_TOKEN_SECONDS), principal: principal.data, expiresIn: CONSOLE_TOKEN_SECONDS },
  };
}
