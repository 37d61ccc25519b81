/** Canonical JSON (shared/runtime/canonical-json.ts): the text depends on the data, not on the order its keys were written in. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { canonicalJson } from '../../shared/runtime/canonical-json.ts';

/** The same value with every object's keys in reverse order. */
const reordered = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(reordered);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.keys(value)
        .reverse()
        .map((k) => [k, reordered((value as Record<string, unknown>)[k])]),
    );
  return value;
};

describe('canonical JSON', () => {
  it('gives the same text for the same data in any key order, and the data back when parsed', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = canonicalJson(value);
        return (
          text === canonicalJson(reordered(value)) &&
          JSON.stringify(JSON.parse(text)) === JSON.stringify(JSON.parse(canonicalJson(JSON.parse(text))))
        );
      }),
    );
  });

  it('sorts keys at every depth and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}');
  });
});
