/**
 * Knowledge-base layers (kind `knowledge-base`, 知识库): one document per region layer and version
 * (policies/knowledge-base/<region>/v<n>.json), validated by shared/knowledge/document.ts. A region's
 * knowledge base is its own layer over its province's and the national one (000000), each the
 * version in force on the day, stacked as the catalogue's layers are (shared/catalogue/version.ts
 * `regionChain`): the versioning is the registry's (immutable, effective-dated, history kept,
 * published with `POST /v1/policies` or `npm run knowledge -- import`).
 */
import k000000V1 from '../../policies/knowledge-base/000000/v1.json' with { type: 'json' };
import { knowledgeDocumentSchema, type KnowledgeDocument } from '../knowledge/document.ts';
import { definePolicyKind, shippedPolicies } from './registry.ts';

export const knowledgeBaseKind = definePolicyKind<KnowledgeDocument>({
  kind: 'knowledge-base',
  schema: knowledgeDocumentSchema,
  keyFields: [],
  keyOf: (d) => ({ region: d.region }),
  fileOf: (d) => `${d.region}/v${d.version}.json`,
  header: (d) => d,
  describe: (d) => ({
    regionName: d.regionName,
    title: d.title,
    entries:
      d.indications.length +
      d.sexAge.length +
      d.levels.length +
      d.priceLimits.length +
      d.quantityLimits.length +
      d.exclusions.length +
      d.bundles.length +
      d.frequentTreatments.length +
      d.longPrescriptions.length +
      d.diseaseGroups.length,
  }),
  shipped: {
    'policies/knowledge-base/000000/v1.json': k000000V1,
  },
});

/** Every shipped layer (tests, benchmarks, tools). */
export const shippedKnowledge = (): KnowledgeDocument[] => shippedPolicies(knowledgeBaseKind);
