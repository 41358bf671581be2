/**
 * Canonical JSON (idempotency.ts `canonicalJson`) straight from JSON TEXT, without building the value:
 * `canonicalJsonText(text) === canonicalJson(JSON.parse(text))` for every JSON text, and it throws where JSON.parse
 * throws.
 *
 * Why: verifying the hash chain recomputes the canonical envelope of every stored event, and the store keeps data
 * and metadata as JSONB, whose text is not canonical (PostgreSQL orders keys by length first and writes a space after
 * `:` and `,`; numbers keep their decimal text, `1e21` reads back as `1000000000000000000000`). Parsing that text into
 * objects only to sort their keys and print them again cost more than the SHA-256 itself; this scanner re-orders the
 * members of each object and copies everything else as it stands:
 * - a string without a backslash, a control character or a surrogate is already what JSON.stringify writes (that is
 *   the common case, copied as is); any other string is decoded and written again by JSON.parse/JSON.stringify;
 * - a number is written as JavaScript prints it (`String(Number(text))`, non-finite as `null`), a short integer
 *   without a fraction or exponent as it stands (it prints the same);
 * - object members are sorted by their decoded key (UTF-16 code units, as `Array.prototype.sort`); a key given
 *   twice keeps its last value, as JSON.parse does.
 */
export function canonicalJsonText(text: string): string {
  const scanner = new CanonicalScanner(text);
  const out = scanner.value();
  scanner.end();
  return out;
}

const enum Char {
  Tab = 0x09,
  LineFeed = 0x0a,
  CarriageReturn = 0x0d,
  Space = 0x20,
  Quote = 0x22,
  Plus = 0x2b,
  Comma = 0x2c,
  Minus = 0x2d,
  Dot = 0x2e,
  Zero = 0x30,
  Nine = 0x39,
  Colon = 0x3a,
  UpperE = 0x45,
  OpenBracket = 0x5b,
  Backslash = 0x5c,
  CloseBracket = 0x5d,
  LowerE = 0x65,
  OpenBrace = 0x7b,
  CloseBrace = 0x7d,
}

/** Integers up to 15 digits are exact doubles that print as written. */
const MAX_PLAIN_INTEGER_DIGITS = 15;
const JSON_NUMBER = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$/;

type Member = { key: string; text: string };

class CanonicalScanner {
  private at = 0;
  /** The decoded value of the last string read by `string()`. */
  private decoded = '';

  constructor(private readonly src: string) {}

  value(): string {
    this.skipWhitespace();
    const c = this.src.charCodeAt(this.at);
    if (c === Char.OpenBrace) return this.object();
    if (c === Char.OpenBracket) return this.array();
    if (c === Char.Quote) return this.string();
    if (c === Char.Minus || (c >= Char.Zero && c <= Char.Nine)) return this.number();
    if (this.src.startsWith('true', this.at)) return this.literal('true');
    if (this.src.startsWith('false', this.at)) return this.literal('false');
    if (this.src.startsWith('null', this.at)) return this.literal('null');
    return this.fail();
  }

  /** Only whitespace may follow the value. */
  end(): void {
    this.skipWhitespace();
    if (this.at !== this.src.length) this.fail();
  }

  private object(): string {
    this.at += 1;
    this.skipWhitespace();
    if (this.src.charCodeAt(this.at) === Char.CloseBrace) {
      this.at += 1;
      return '{}';
    }
    const members: Member[] = [];
    for (;;) {
      this.skipWhitespace();
      if (this.src.charCodeAt(this.at) !== Char.Quote) this.fail();
      const keyText = this.string();
      const key = this.decoded;
      this.skipWhitespace();
      if (this.src.charCodeAt(this.at) !== Char.Colon) this.fail();
      this.at += 1;
      members.push({ key, text: `${keyText}:${this.value()}` });
      if (this.separator(Char.CloseBrace)) break;
    }
    return `{${sortedMembers(members)}}`;
  }

  private array(): string {
    this.at += 1;
    this.skipWhitespace();
    if (this.src.charCodeAt(this.at) === Char.CloseBracket) {
      this.at += 1;
      return '[]';
    }
    let out = '[';
    for (;;) {
      out += this.value();
      if (this.separator(Char.CloseBracket)) return `${out}]`;
      out += ',';
    }
  }

  /** After a member or element: true at the closing character (consumed), false at a comma (consumed). */
  private separator(close: Char): boolean {
    this.skipWhitespace();
    const c = this.src.charCodeAt(this.at);
    this.at += 1;
    if (c === close) return true;
    if (c !== Char.Comma) this.fail();
    return false;
  }

  /** The canonical text of the string at `at` (its decoded value in `decoded`). */
  private string(): string {
    const src = this.src;
    const start = this.at;
    let plain = true;
    let i = start + 1;
    for (;;) {
      const c = src.charCodeAt(i);
      if (c === Char.Quote) break;
      if (Number.isNaN(c)) this.fail();
      if (c === Char.Backslash) {
        plain = false;
        i += 2;
        continue;
      }
      if (c < Char.Space || (c >= 0xd800 && c <= 0xdfff)) plain = false;
      i += 1;
    }
    this.at = i + 1;
    if (plain) {
      this.decoded = src.slice(start + 1, i);
      return src.slice(start, i + 1);
    }
    // Escapes, control characters (JSON.parse rejects them raw) or surrogates (JSON.stringify escapes a lone one).
    this.decoded = JSON.parse(src.slice(start, i + 1)) as string;
    return JSON.stringify(this.decoded);
  }

  private number(): string {
    const src = this.src;
    const start = this.at;
    let i = start;
    let plainInteger = true;
    if (src.charCodeAt(i) === Char.Minus) i += 1;
    for (;;) {
      const c = src.charCodeAt(i);
      if (c >= Char.Zero && c <= Char.Nine) i += 1;
      else if (c === Char.Dot || c === Char.LowerE || c === Char.UpperE || c === Char.Plus || c === Char.Minus) {
        plainInteger = false;
        i += 1;
      } else break;
    }
    this.at = i;
    const text = src.slice(start, i);
    const negative = src.charCodeAt(start) === Char.Minus;
    const digits = i - start - (negative ? 1 : 0);
    // A leading zero is only valid as the number 0 itself, and "-0" prints as "0": both go the long way.
    const leadingZero = src.charCodeAt(i - digits) === Char.Zero;
    if (plainInteger && digits > 0 && digits <= MAX_PLAIN_INTEGER_DIGITS && (!leadingZero || (digits === 1 && !negative))) return text;
    if (!JSON_NUMBER.test(text)) this.fail();
    const value = Number(text);
    return Number.isFinite(value) ? String(value) : 'null';
  }

  private literal(word: string): string {
    this.at += word.length;
    return word;
  }

  private skipWhitespace(): void {
    const src = this.src;
    let c = src.charCodeAt(this.at);
    while (c === Char.Space || c === Char.LineFeed || c === Char.CarriageReturn || c === Char.Tab) c = src.charCodeAt(++this.at);
  }

  private fail(): never {
    throw new SyntaxError(`canonicalJsonText: not JSON at position ${this.at}`);
  }
}

/**
 * The members joined in key order; of a key given more than once only the last (insertion sort is stable, so the
 * last one given is the last of its run).
 */
function sortedMembers(members: Member[]): string {
  for (let i = 1; i < members.length; i++) {
    const m = members[i];
    let j = i - 1;
    while (j >= 0 && members[j].key > m.key) {
      members[j + 1] = members[j];
      j -= 1;
    }
    members[j + 1] = m;
  }
  let out = '';
  for (let i = 0; i < members.length; i++) {
    if (i + 1 < members.length && members[i + 1].key === members[i].key) continue;
    out += out === '' ? members[i].text : `,${members[i].text}`;
  }
  return out;
}
