/**
 * What a text a caller sends may hold (issue 20.5). Names and free texts end up in the registers, in
 * events, in the audit trail, on a clerk's screen and in CSV files: a NUL cuts a C string, a bidi
 * override makes 张三 read as someone else on screen (Trojan Source), a lone surrogate is no
 * character at all (a queue or a JSON encoder elsewhere may refuse it). So every string of every
 * request is checked here, once, by the same rule, and a refusal names the field and the rule.
 */
import * as z from 'zod';

/** C0 controls but tab, line feed and carriage return (which files and texts carry); DEL; the C1 controls. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is this regex's whole purpose.
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
/** Bidirectional embeddings, overrides and isolates, and the invisible direction marks. */
const BIDI = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/;
/** In a `u` regex a paired surrogate is one code point, so this matches only a lone one. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;
/** What a name or a one-line text may not hold on top of the above. */
const LINE_BREAK = /[\t\n\r\u2028\u2029]/;

/** Any one string field longer than this is refused unless its own schema allows more (a whole file). */
export const MAX_TEXT_LENGTH = 10_000;

export type TextRule = 'control_character' | 'bidi_control' | 'lone_surrogate' | 'line_break';

export interface TextProblem {
  rule: TextRule;
  message: string;
}

const at = (s: string, i: number) => `U+${s.codePointAt(i)!.toString(16).toUpperCase().padStart(4, '0')} at position ${i}`;

/** The first thing wrong with a text, if any: a control character, a bidi control, a lone surrogate (a line break too, for one line). */
export function textProblem(s: string, oneLine = false): TextProblem | undefined {
  let i = s.search(LONE_SURROGATE);
  if (i >= 0) return { rule: 'lone_surrogate', message: `a lone surrogate (${at(s, i)}) is no character` };
  i = s.search(CONTROL);
  if (i >= 0) return { rule: 'control_character', message: `a control character (${at(s, i)}) is not text` };
  i = s.search(BIDI);
  if (i >= 0) return { rule: 'bidi_control', message: `a bidirectional control (${at(s, i)}) can make a text read as another` };
  if (oneLine) {
    i = s.search(LINE_BREAK);
    if (i >= 0) return { rule: 'line_break', message: `a line break or tab (${at(s, i)}) in a one-line text` };
  }
  return undefined;
}

/** The refinement itself, for any string schema: `z.string().max(200).check(plainText())`. */
export const plainText = (oneLine = false) =>
  z.superRefine<string>((s, ctx) => {
    const problem = textProblem(s, oneLine);
    if (problem) ctx.addIssue({ code: 'custom', message: problem.message, params: { rule: problem.rule }, input: s });
  });

/** A free text of at most `max` characters (a reason, a note, a summary): line breaks allowed. */
export const text = (max: number) => z.string().max(max, `at most ${max} characters`).check(plainText(false));

/** A name or title of at most `max` characters, on one line (a person, an item, a department, a policy's title). */
export const name = (max: number) => z.string().max(max, `at most ${max} characters`).check(plainText(true));
