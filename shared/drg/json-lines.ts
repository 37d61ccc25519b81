/**
 * Grouping results as JSON lines of UTF-8 bytes, byte for byte what `JSON.stringify(result) + '\n'`
 * encoded as UTF-8 gives, written straight into a byte buffer.
 *
 * Why not JSON.stringify: the batch command (`npm run drg`) writes ≈ 800 bytes a case, mostly its
 * trace's notes with their Chinese names. Stringifying made a two-byte JS string of each line, joined
 * into a block and encoded to UTF-8 at the end: about half of a worker's time on 1,000,000 lines. Here
 * each string is escaped and encoded in one pass into the block's bytes, with no string in between.
 *
 * The shape is GroupResult's (and the batch's error line's): `RESULT_KEYS` is checked against the type,
 * so a field added to GroupResult fails the typecheck here instead of going missing from the lines;
 * test/unit/drg-json-lines.test.ts compares the bytes with JSON.stringify's on every kind of string.
 */
import type { GroupResult, TraceEntry } from './case.ts';

/** GroupResult's keys, in the order the grouper builds a result (the order JSON.stringify follows). */
const RESULT_KEYS = ['id', 'version', 'mdc', 'adrg', 'drg', 'ccLevel', 'outcome', 'trace'] as const;
// Both directions: a key listed that GroupResult lacks, or a key of GroupResult not listed, is a type error.
type Exactly<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const resultKeysComplete: Exactly<(typeof RESULT_KEYS)[number], keyof GroupResult> = true;
void resultKeysComplete;

/** A line that is not a valid case: `{ id?, version, line, error }`, as the batch command writes it. */
export interface ErrorLine {
  id?: string;
  version: string;
  line: number;
  error: string;
}

/** A character JSON.stringify escapes (or a surrogate, which the loop pairs or escapes); none: the runtime encodes the string. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what JSON escapes
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;
const HEX = '0123456789abcdef';
/** JSON.stringify's short escapes for control characters (the rest are \u00xx). */
const SHORT_ESCAPES: Record<number, number> = { 8: 98, 9: 116, 10: 110, 12: 102, 13: 114 };

const ascii = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));
const OPEN_ID = ascii('{"id":');
const OPEN_VERSION = ascii('{"version":');
const VERSION_KEY = ascii('"version":');
const VERSION = ascii(',"version":');
const MDC = ascii(',"mdc":');
const ADRG = ascii(',"adrg":');
const DRG = ascii(',"drg":');
const CC_LEVEL = ascii(',"ccLevel":');
const OUTCOME = ascii(',"outcome":');
const TRACE = ascii(',"trace":');
const STEP = ascii(',{"step":');
const NOTE = ascii(',"note":');
const LINE = ascii(',"line":');
const ERROR = ascii(',"error":');
const NULL = ascii('null');
const END = ascii(']}\n');

/*
 * What repeats from line to line is written once and copied after: a result is mostly bytes that
 * depend on its group alone. Each cache holds a bounded number of entries, so a stream of results
 * unlike any other (not the grouper's) is only slower, never a leak.
 */
const CACHE_LIMIT = 1 << 16;

const EMPTY = Buffer.alloc(0);

/**
 * The bytes of each shared trace entry (the grouper freezes an entry it shares among results: an
 * ADRG's wording, a DRG's name), with the comma before it, encoded the first time it is written:
 * most of a line's bytes are those entries'. Weak, so it keeps no grouper alive.
 */
const sharedEntries = new WeakMap<TraceEntry, Uint8Array>();
let sharedCount = 0;

/** A result's fields from version to `"trace":` (a few thousand kinds a package), listed by DRG. */
interface Header {
  version: string;
  mdc: string | null;
  adrg: string | null;
  ccLevel: string | null;
  outcome: string;
  bytes: Uint8Array;
}
const headers = new Map<string, Header[]>();
let headerCount = 0;

/** `,{"step":"…","note":` by step. */
const stepOpenings = new Map<string, Uint8Array>();

export class JsonLines {
  // Not zeroed: only the bytes written are ever read or handed over.
  private bytes: Buffer;
  private at = 0;

  private readonly capacity: number;

  /**
   * `into`: the bytes first written into, a size to allocate or a buffer handed back for reuse (its
   * memory already mapped: a batch writes hundreds of megabytes, and fresh pages each cost a fault);
   * the buffer grows as needed.
   */
  constructor(into: Buffer | number = 1 << 20) {
    this.bytes = typeof into === 'number' ? Buffer.allocUnsafeSlow(into) : into;
    this.capacity = this.bytes.length;
  }

  /** Bytes written so far. */
  get length(): number {
    return this.at;
  }

  /** The lines written so far, as a view of a buffer of their own; the writer starts empty (and allocates when written to). */
  take(): Uint8Array {
    const lines = this.bytes.subarray(0, this.at);
    this.bytes = EMPTY;
    this.at = 0;
    return lines;
  }

  /** One result, as `JSON.stringify(result)` and a newline. */
  result(r: GroupResult): void {
    if (r.id !== undefined) {
      this.raw(OPEN_ID);
      this.string(r.id);
      this.byte(44);
    } else this.byte(123);
    this.header(r);
    const trace = r.trace;
    if (trace.length === 0) this.byte(91);
    const first = this.at;
    // Every entry is written with a comma before it; the first one's becomes the list's `[`.
    for (let i = 0; i < trace.length; i++) {
      const entry = trace[i]!;
      const bytes = sharedEntries.get(entry);
      if (bytes !== undefined) this.raw(bytes);
      else if (sharedCount < CACHE_LIMIT && Object.isFrozen(entry)) {
        const from = this.at;
        this.entry(entry);
        sharedEntries.set(entry, this.copy(from));
        sharedCount++;
      } else this.entry(entry);
    }
    if (trace.length > 0) this.bytes[first] = 91;
    this.raw(END);
  }

  /** `"version":…,"outcome":…,"trace":`, copied when a result of the same DRG and fields was written before. */
  private header(r: GroupResult): void {
    const known = headers.get(r.drg);
    if (known !== undefined)
      for (let i = 0; i < known.length; i++) {
        const h = known[i]!;
        if (h.version === r.version && h.mdc === r.mdc && h.adrg === r.adrg && h.ccLevel === r.ccLevel && h.outcome === r.outcome) {
          this.raw(h.bytes);
          return;
        }
      }
    const from = this.at;
    // The brace (and the id before it) is written already.
    this.raw(VERSION_KEY);
    this.string(r.version);
    this.raw(MDC);
    this.nullable(r.mdc);
    this.raw(ADRG);
    this.nullable(r.adrg);
    this.raw(DRG);
    this.string(r.drg);
    this.raw(CC_LEVEL);
    this.nullable(r.ccLevel);
    this.raw(OUTCOME);
    this.string(r.outcome);
    this.raw(TRACE);
    if (headerCount >= CACHE_LIMIT) return;
    const header = {
      version: r.version,
      mdc: r.mdc,
      adrg: r.adrg,
      ccLevel: r.ccLevel,
      outcome: r.outcome,
      bytes: this.copy(from),
    };
    if (known !== undefined) known.push(header);
    else headers.set(r.drg, [header]);
    headerCount++;
  }

  /** `,{"step":…,"note":…}`. */
  private entry(entry: TraceEntry): void {
    const opening = stepOpenings.get(entry.step);
    if (opening === undefined) {
      const from = this.at;
      this.raw(STEP);
      this.string(entry.step);
      this.raw(NOTE);
      if (stepOpenings.size < CACHE_LIMIT) stepOpenings.set(entry.step, this.copy(from));
    } else this.raw(opening);
    this.string(entry.note);
    this.byte(125);
  }

  /** A line that is not a valid case, as `JSON.stringify({ id?, version, line, error })` and a newline. */
  error(e: ErrorLine): void {
    if (e.id !== undefined) {
      this.raw(OPEN_ID);
      this.string(e.id);
      this.raw(VERSION);
    } else this.raw(OPEN_VERSION);
    this.string(e.version);
    this.raw(LINE);
    this.number(e.line);
    this.raw(ERROR);
    this.string(e.error);
    this.byte(125);
    this.byte(10);
  }

  private nullable(value: string | null): void {
    if (value === null) this.raw(NULL);
    else this.string(value);
  }

  private number(n: number): void {
    // A line number: an integer, which JSON writes as JavaScript does.
    const text = JSON.stringify(n);
    this.reserve(text.length);
    for (let i = 0; i < text.length; i++) this.bytes[this.at++] = text.charCodeAt(i);
  }

  private byte(b: number): void {
    this.reserve(1);
    this.bytes[this.at++] = b;
  }

  private raw(chunk: Uint8Array): void {
    const n = chunk.length;
    this.reserve(n);
    // A chunk of a few bytes is quicker copied here than through a call into the runtime.
    if (n > 8) {
      this.bytes.set(chunk, this.at);
      this.at += n;
      return;
    }
    const bytes = this.bytes;
    let at = this.at;
    for (let i = 0; i < n; i++) bytes[at++] = chunk[i]!;
    this.at = at;
  }

  /**
   * A string as JSON.stringify quotes it, in UTF-8: `"` and `\` escaped, control characters as
   * \b \t \n \f \r or \u00xx, a lone surrogate as \udxxx (JSON.stringify's well-formed output), a
   * surrogate pair as its one 4-byte character; everything else as itself.
   */
  private string(s: string): void {
    // At most 6 bytes a UTF-16 unit (\u00xx, \udxxx; a pair is 4 bytes for 2 units), and the quotes.
    this.reserve(s.length * 6 + 2);
    // The common string needs no escape: the runtime encodes it, much faster than a loop here over a
    // string built by concatenation (each character read through the pieces).
    if (!NEEDS_ESCAPE.test(s)) {
      this.bytes[this.at++] = 34;
      this.at += this.bytes.write(s, this.at);
      this.bytes[this.at++] = 34;
      return;
    }
    const bytes = this.bytes;
    let at = this.at;
    bytes[at++] = 34;
    const n = s.length;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x80) {
        if (c >= 0x20 && c !== 34 && c !== 92) bytes[at++] = c;
        else {
          bytes[at++] = 92;
          if (c === 34 || c === 92) bytes[at++] = c;
          else {
            const short = SHORT_ESCAPES[c];
            if (short !== undefined) bytes[at++] = short;
            else at = unicodeEscape(bytes, at, c);
          }
        }
      } else if (c < 0x800) {
        bytes[at++] = 0xc0 | (c >> 6);
        bytes[at++] = 0x80 | (c & 0x3f);
      } else if (c < 0xd800 || c > 0xdfff) {
        bytes[at++] = 0xe0 | (c >> 12);
        bytes[at++] = 0x80 | ((c >> 6) & 0x3f);
        bytes[at++] = 0x80 | (c & 0x3f);
      } else {
        const next = i + 1 < n ? s.charCodeAt(i + 1) : 0;
        if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
          const cp = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
          bytes[at++] = 0xf0 | (cp >> 18);
          bytes[at++] = 0x80 | ((cp >> 12) & 0x3f);
          bytes[at++] = 0x80 | ((cp >> 6) & 0x3f);
          bytes[at++] = 0x80 | (cp & 0x3f);
          i++;
        } else {
          bytes[at++] = 92;
          at = unicodeEscape(bytes, at, c);
        }
      }
    }
    bytes[at++] = 34;
    this.at = at;
  }

  /** A copy of the bytes written since `from` (Buffer's slice would be a view of this buffer). */
  private copy(from: number): Uint8Array {
    return new Uint8Array(this.bytes.subarray(from, this.at));
  }

  private reserve(n: number): void {
    if (this.at + n <= this.bytes.length) return;
    let size = Math.max(this.bytes.length * 2, this.capacity, 64);
    while (size < this.at + n) size *= 2;
    const grown = Buffer.allocUnsafeSlow(size);
    grown.set(this.bytes.subarray(0, this.at));
    this.bytes = grown;
  }
}

/** `u` and four lowercase hex digits (the backslash is written already). */
function unicodeEscape(bytes: Uint8Array, at: number, c: number): number {
  bytes[at++] = 117;
  bytes[at++] = HEX.charCodeAt(c >> 12);
  bytes[at++] = HEX.charCodeAt((c >> 8) & 15);
  bytes[at++] = HEX.charCodeAt((c >> 4) & 15);
  bytes[at++] = HEX.charCodeAt(c & 15);
  return at;
}
