/**
 * `npm run openapi`: writes docs/openapi.json from the zod schemas the routes validate with.
 * `npm run openapi -- --check` fails when docs/openapi.json is not what the code would write.
 *
 * How a function documents its routes: export `routeDocs = routeDocsOf<'fn'>({ routeName: … })` (tools/route-docs.ts) from
 * functions/<name>/openapi.ts, using the same zod schemas its handler parses with. This tool finds
 * every such module, checks each documented route against infra/topology.ts (a doc for a route
 * the stack does not serve, or served by another function, is an error), adds what every route
 * shares (bearer auth, the uniform error body, 401/403), and lists the topology's routes nobody
 * has documented yet as stubs marked `x-documented: false`, so the document always shows the whole
 * surface of the API.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { OpenAPIRegistry, OpenApiGeneratorV31, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import * as z from 'zod';
import { functions, permissionOf, routeKey, routes, type FunctionKey } from '../infra/topology.ts';
import { STAFF_PERMISSIONS, type StaffPermission } from '../shared/auth/principal.ts';
import type { RouteDoc } from './route-docs.ts';

export type { RouteDoc } from './route-docs.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The one error body every route answers with (shared/http/errors.ts). */
export const errorBodySchema = z
  .object({
    error: z.object({
      code: z.string().meta({ example: 'BAD_REQUEST' }),
      message: z.string(),
      details: z
        .object({
          problems: z
            .array(
              z.object({
                field: z.string().meta({ example: 'body.idNumber' }),
                rule: z.string().meta({ example: 'id_check_digit' }),
                message: z.string(),
              }),
            )
            .optional(),
        })
        .catchall(z.unknown()),
    }),
  })
  .meta({ id: 'ErrorBody' });

const STANDARD_ERRORS: Record<number, string> = {
  400: 'Bad input: details.problems names each field and the rule it broke',
  401: 'No valid bearer token (answered by the gateway, body { message })',
  403: "The caller's role (or region, or provider) may not do this",
  404: 'Not found',
  409: 'Conflicts with what is stored: details say with what',
  415: 'The body was sent as something other than JSON (content-type must be application/json)',
  503:
    'Retryable, never a 500: the request did not finish in time (code `TIMEOUT`; the route gives up a second before ' +
    "its function's 29-second deadline, as API Gateway's HTTP API answers 503 for an integration that has not answered in 30 s), " +
    'with header `Retry-After` (seconds). Its outcome is unknown: send the same request again after that; every write is ' +
    'idempotent by its natural key and commits whole or not at all, so the retry answers what was done (a replay) or does it once.',
};

/** The functions' route docs, found on disk: functions/<folder>/openapi.ts exporting routeDocs. */
export async function collectRouteDocs(root = ROOT): Promise<{ folder: string; docs: RouteDoc[] }[]> {
  const out: { folder: string; docs: RouteDoc[] }[] = [];
  for (const folder of readdirSync(join(root, 'functions')).sort()) {
    const file = join(root, 'functions', folder, 'openapi.ts');
    if (!existsSync(file)) continue;
    const mod = (await import(pathToFileURL(file).href)) as { routeDocs?: RouteDoc[] };
    if (!Array.isArray(mod.routeDocs)) throw new Error(`functions/${folder}/openapi.ts must export routeDocs: RouteDoc[]`);
    out.push({ folder, docs: mod.routeDocs });
  }
  return out;
}

const functionOfFolder = (folder: string): FunctionKey | undefined =>
  (Object.entries(functions) as [FunctionKey, { entry: string }][]).find(
    ([, spec]) => spec.entry === `functions/${folder}/handler.ts`,
  )?.[0];

const jsonContent = (schema: z.ZodType) => ({ content: { 'application/json': { schema } } });

function toRouteConfig(doc: RouteDoc, authorized: boolean, permission: StaffPermission | undefined): RouteConfig {
  const responses: RouteConfig['responses'] = {};
  for (const [status, r] of Object.entries(doc.responses)) {
    responses[status] = {
      description: r.description,
      ...(r.schema ? jsonContent(r.schema) : Number(status) >= 400 ? jsonContent(errorBodySchema) : {}),
    };
  }
  // A route without a token or a request to check (the health check) cannot answer 400 either.
  const refusals = [...(authorized ? [400, 401, 403] : doc.request ? [400] : []), ...(doc.request?.body ? [415] : [])];
  for (const status of refusals) {
    // A missing or bad token is refused by the gateway itself, whose body is { message } only.
    responses[status] ??= { description: STANDARD_ERRORS[status]!, ...(status === 401 ? {} : jsonContent(errorBodySchema)) };
  }
  // Every route behind httpApi may time out (shared/http/api.ts): a route that documents its own 503 gains the timeout's.
  if (authorized) {
    const own = responses[503] as { description: string } | undefined;
    responses[503] = own
      ? { ...own, description: `${own.description}. Or \`TIMEOUT\`: ${STANDARD_ERRORS[503]!}` }
      : { description: STANDARD_ERRORS[503]!, ...jsonContent(errorBodySchema) };
  }
  return {
    method: doc.method.toLowerCase() as RouteConfig['method'],
    path: doc.path,
    summary: doc.summary,
    description: [
      doc.description,
      doc.roles.length ? `Roles: ${doc.roles.join(', ')}.` : 'No token needed.',
      // The one declaration is infra/topology.ts; httpApi refuses a staff token without it.
      permission ? `Staff need the permission \`${permission}\` (${STAFF_PERMISSIONS[permission]}); without it, 403 naming it.` : undefined,
    ]
      .filter(Boolean)
      .join('\n\n'),
    tags: doc.tags,
    ...(authorized ? { security: [{ bearer: [] }] } : {}),
    'x-roles': doc.roles,
    ...(permission ? { 'x-permission': permission } : {}),
    request: {
      ...(doc.request?.params ? { params: doc.request.params } : {}),
      ...(doc.request?.query ? { query: doc.request.query } : {}),
      ...(doc.request?.body ? { body: { required: true, ...jsonContent(doc.request.body) } } : {}),
    },
    responses,
  };
}

/** The whole document, in memory (the tests read it from here). */
export async function buildOpenApiDocument(root = ROOT) {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description:
      "A JWT from the agency's identity provider; its claims carry the role (provider, staff, regulator) and the provider code or region",
  });

  const documented = new Set<string>();
  for (const { folder, docs } of await collectRouteDocs(root)) {
    const fn = functionOfFolder(folder);
    for (const doc of docs) {
      const key = routeKey(doc);
      const route = routes.find((r) => routeKey(r) === key);
      if (!route) throw new Error(`functions/${folder}/openapi.ts documents ${key}, which infra/topology.ts does not declare`);
      if (route.function !== fn) throw new Error(`functions/${folder}/openapi.ts documents ${key}, which ${route.function} serves`);
      if (documented.has(key)) throw new Error(`${key} is documented twice`);
      documented.add(key);
      registry.registerPath(toRouteConfig(doc, route.authorized, permissionOf(route.name)));
    }
  }
  for (const route of routes) {
    if (documented.has(routeKey(route))) continue;
    registry.registerPath({
      method: route.method.toLowerCase() as RouteConfig['method'],
      path: route.path,
      summary: `${routeKey(route)} (not documented yet)`,
      tags: [route.function],
      'x-documented': false,
      ...(route.authorized ? { security: [{ bearer: [] }] } : {}),
      request: route.path.includes('{')
        ? { params: z.object(Object.fromEntries([...route.path.matchAll(/\{([^}]+)\}/g)].map((m) => [m[1]!, z.string()]))) }
        : {},
      responses: { default: { description: 'See the function for now', ...jsonContent(errorBodySchema) } },
    });
  }

  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string; description: string };
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: { title: 'yibao API', version: pkg.version, description: pkg.description },
    servers: [{ url: 'http://127.0.0.1:3000', description: 'The local cloud (npm start)' }],
  });
}

export const OPENAPI_FILE = join(ROOT, 'docs', 'openapi.json');

async function main() {
  const text = `${JSON.stringify(await buildOpenApiDocument(), null, 2)}\n`;
  if (process.argv.includes('--check')) {
    const current = existsSync(OPENAPI_FILE) ? readFileSync(OPENAPI_FILE, 'utf8') : '';
    if (current !== text) {
      process.stderr.write('docs/openapi.json is out of date: run npm run openapi\n');
      process.exit(1);
    }
    process.stdout.write('docs/openapi.json is up to date\n');
    return;
  }
  mkdirSync(dirname(OPENAPI_FILE), { recursive: true });
  writeFileSync(OPENAPI_FILE, text);
  const doc = JSON.parse(text) as { paths: Record<string, Record<string, { 'x-documented'?: boolean }>> };
  const operations = Object.values(doc.paths).flatMap((p) => Object.values(p));
  const stubs = operations.filter((o) => o['x-documented'] === false).length;
  process.stdout.write(
    `wrote docs/openapi.json: ${operations.length} operations, ${operations.length - stubs} documented, ${stubs} not yet\n`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) await main();
