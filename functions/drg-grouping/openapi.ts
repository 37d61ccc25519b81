/**
 * The DRG pre-grouping route, documented from the schemas the handler validates with (the case:
 * shared/drg/case.ts; the query: pre-group.ts). `npm run openapi` collects this (tools/openapi.ts)
 * into docs/openapi.json.
 */
import * as z from 'zod';
import { routeDocsOf } from '../../tools/route-docs.ts';
import { drgCaseSchema, type GroupResult } from '../../shared/drg/case.ts';
import { GROUPER_VERSIONS } from '../../shared/drg/package.ts';
import { query } from './pre-group.ts';

const tags = ['DRG'];

/** The grouper's answer (shared/drg/case.ts, GroupResult): typed against it, so it cannot claim a field the grouper does not return. */
const groupResult: z.ZodType<GroupResult> = z
  .object({
    id: z.string().optional().meta({ description: 'The case id, when the request sent one' }),
    version: z.enum(GROUPER_VERSIONS),
    mdc: z.string().nullable().meta({ description: '"MDCF"; null when no MDC was found' }),
    adrg: z.string().nullable(),
    drg: z.string().meta({ description: '"FR13", "FQY" (歧义组) or "0000" (ungroupable)' }),
    ccLevel: z.enum(['MCC', 'CC', 'none']).nullable(),
    outcome: z.enum(['grouped', 'qy', 'ungroupable']),
    trace: z
      .array(
        z.object({
          step: z.enum(['codes', 'MDCA', 'MDCP', 'MDCY', 'MDCZ', 'MDC', 'ADRG', 'QY', 'CC', 'DRG']),
          note: z.string(),
        }),
      )
      .meta({ description: 'Every decision of the chain, in the order the grouper made it' }),
  })
  .meta({ id: 'DrgGroupResult' });

export const routeDocs = routeDocsOf<'drgPreGroup'>({
  preGroupCase: {
    tags,
    roles: ['provider', 'staff'],
    summary: 'Pre-group an inpatient case (CHS-DRG): the group it would get, with the trace; nothing stored',
    description:
      "Synchronous; the case has the shape of the batch command's lines (`npm run drg`). The CHS-DRG version is `version`, " +
      'else that of the newest DRG policy of `region`, else 2.0; the QY switch and the code standard are `qy` and `codes`, ' +
      "else the region's policy's, else QY on and 医保版 codes. " +
      'Codes the grouper does not know are not a 400: the answer is 200 with drg "0000", outcome `ungroupable` and the reason in the trace. ' +
      'Unknown query parameters are refused (400).',
    request: { query, body: drgCaseSchema.meta({ id: 'DrgCase' }) },
    responses: {
      200: { description: 'The group and its trace', schema: groupResult },
      404: { description: 'No DRG policy for `region` (details.field: query.region)' },
    },
  },
});
