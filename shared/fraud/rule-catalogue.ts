/**
 * A fraud-rule catalogue (智能审核规则库) as data: one document per pooling region and version, each
 * rule with its type, parameters, severity, weight in the score, result kind (可疑 / 明确违规), the
 * window it looks at and the text that explains a hit. Validated here so a bad document fails when
 * it is loaded, never while a claim is scored: every rule's parameters are checked against its
 * type's schema, its window against its scope, and its explanation's placeholders against the facts
 * the type provides.
 */
import * as z from 'zod';
import { checkCitations } from '../policy/citations.ts';
import { basisSchema, policyHeader } from '../policy/document-header.ts';
import { RESULT_KINDS, SEVERITIES, type RuleScope } from './rules/define.ts';
import { RULE_TYPE_NAMES, ruleTypeByName } from './rules/index.ts';
import { alertingProblem, alertingSchema } from './alerting.ts';

export const windowSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('claim') }),
  z.strictObject({ kind: z.literal('days'), days: z.number().int().positive().max(3660) }),
  z.strictObject({ kind: z.literal('months'), months: z.number().int().positive().max(36) }),
  z.strictObject({ kind: z.literal('insurance-year') }),
]);
export type RuleWindow = z.infer<typeof windowSchema>;

const WINDOWS_BY_SCOPE: Record<RuleScope, RuleWindow['kind'][]> = {
  claim: ['claim'],
  'cross-claim': ['days', 'insurance-year'],
  provider: ['months', 'insurance-year'],
};

const PLACEHOLDER = /\{([A-Za-z]+)\}/g;

const ruleInputSchema = z.strictObject({
  id: z.string().regex(/^[A-Z0-9][A-Z0-9-]{2,40}$/, 'an upper-case rule id: ZS-DUP-01'),
  type: z.enum(RULE_TYPE_NAMES),
  title: z.string().min(1).max(100),
  severity: z.enum(SEVERITIES),
  /** Points this rule adds to a claim's (or a provider's) score when it hits; a score caps at 100. */
  weight: z.number().int().min(0).max(100),
  result: z.enum(RESULT_KINDS),
  window: windowSchema,
  /** Shown to the regulator for each finding; `{fact}` placeholders are filled from the finding. */
  explanation: z.string().min(1).max(500),
  parameters: z.unknown(),
  enabled: z.boolean().default(true),
  /** Where the numbers come from, in the one citation shape (document-header.ts). */
  basis: basisSchema.optional(),
});

export const ruleSchema = ruleInputSchema.transform((rule, ctx) => {
  const type = ruleTypeByName.get(rule.type)!;
  const params = type.parameters.safeParse(rule.parameters ?? {});
  if (!params.success) {
    for (const issue of params.error.issues) {
      ctx.addIssue({
        code: 'custom',
        message: issue.message,
        path: ['parameters', ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))],
      });
    }
    return z.NEVER;
  }
  if (!WINDOWS_BY_SCOPE[type.scope].includes(rule.window.kind)) {
    ctx.addIssue({
      code: 'custom',
      message: `a ${type.scope} rule looks at a window of ${WINDOWS_BY_SCOPE[type.scope].join(' or ')}`,
      path: ['window', 'kind'],
    });
  }
  for (const [, name] of rule.explanation.matchAll(PLACEHOLDER)) {
    if (!type.facts.includes(name!)) {
      ctx.addIssue({
        code: 'custom',
        message: `{${name}} is not a fact of ${type.type} (it has ${type.facts.join(', ')})`,
        path: ['explanation'],
      });
    }
  }
  return { ...rule, scope: type.scope, parameters: params.data as unknown };
});
export type CatalogueRule = z.output<typeof ruleSchema>;

const severityBandSchema = z.strictObject({ minScore: z.number().int().min(0).max(100), severity: z.enum(SEVERITIES) });

export const catalogueSchema = z
  .strictObject({
    ...policyHeader('fraud-rules'),
    region: z.string().regex(/^\d{6}$/, 'a 6-digit region code (000000: the national baseline)'),
    /** The baseline used for a region that keeps no catalogue of its own. */
    fallback: z.boolean().default(false),
    thresholds: z.strictObject({
      /** A claim whose score reaches this raises an alert. */
      claimScore: z.number().int().min(1).max(100),
      /** A provider whose running risk reaches this raises an alert (once per insurance year). */
      providerScore: z.number().int().min(1).max(100),
      /** Claims a provider must have in the year before its mean claim score counts towards its risk. */
      providerMinClaims: z.number().int().positive(),
    }),
    /** An alert's severity from its score (the highest band reached), unless a hit's severity is higher. */
    alertSeverity: z
      .array(severityBandSchema)
      .min(1)
      .refine((bands) => bands.some((b) => b.minScore === 0), 'one band must start at score 0'),
    rules: z.array(ruleSchema).min(1),
    /** The alert policy (alerting.ts): where hits below the claim threshold go, and the thresholds in words. */
    alerting: alertingSchema.optional(),
  })
  .superRefine((doc, ctx) => {
    const seen = new Set<string>();
    doc.rules.forEach((rule, i) => {
      if (seen.has(rule.id)) ctx.addIssue({ code: 'custom', message: `rule id ${rule.id} is used twice`, path: ['rules', i, 'id'] });
      seen.add(rule.id);
    });
    const problem = alertingProblem(doc);
    if (problem) ctx.addIssue({ code: 'custom', ...problem });
    checkCitations(doc, ctx);
  });
export type FraudCatalogue = z.output<typeof catalogueSchema>;
