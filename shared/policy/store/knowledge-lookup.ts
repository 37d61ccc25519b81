/**
 * The scorer's knowledge-base lookup: for a region and a date, the layer in force in each region of
 * its chain (330902 → 330900 → 330000 → 000000, the catalogue's `regionChain`), shipped and
 * published, through the registry, merged into one KnowledgeBase. Built once per set of versions
 * (a version never changes) and kept for the container's life, so scoring a claim costs no build.
 */
import { regionChain } from '../../catalogue/version.ts';
import type { KnowledgeDocument } from '../../knowledge/document.ts';
import { EMPTY_KNOWLEDGE, KnowledgeBase } from '../../knowledge/knowledge-base.ts';
import { knowledgeBaseKind } from '../knowledge-base.ts';
import { pickInForce } from '../registry.ts';
import { policies, type PolicyRegistry } from './registry.ts';

/** How a consumer asks for the knowledge base in force: a function, so tests can hand in their own. */
export type KnowledgeLookup = (region: string, date: string) => Promise<KnowledgeBase>;

const KEPT = 16;

/** The knowledge base of already-chosen layers (most local first), from a cache keyed by their versions. */
export function knowledgeOf(layers: readonly KnowledgeDocument[], cache: Map<string, KnowledgeBase> = built): KnowledgeBase {
  if (layers.length === 0) return EMPTY_KNOWLEDGE;
  const key = layers.map((l) => `${l.region}@${l.version}@${l.effectiveFrom}`).join('+');
  let kb = cache.get(key);
  if (!kb) {
    kb = new KnowledgeBase(layers);
    cache.set(key, kb);
    if (cache.size > KEPT) cache.delete(cache.keys().next().value!);
  }
  return kb;
}
const built = new Map<string, KnowledgeBase>();

export function knowledgeLookup(registry: PolicyRegistry = policies): KnowledgeLookup {
  return async (region, date) => {
    const chain = regionChain(region);
    const versions = await Promise.all(chain.map((r) => registry.versions(knowledgeBaseKind, { region: r })));
    const layers = versions.map((v) => pickInForce(v, date)?.policy).filter((p): p is KnowledgeDocument => p !== undefined);
    return knowledgeOf(layers);
  };
}
