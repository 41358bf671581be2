/**
 * A small seeded PRNG, so demo data is reproducible on every machine (no Math.random, no clock).
 *
 * sfc32 (Chris Doty-Humphrey's "small fast chaotic" generator) rather than mulberry32: mulberry32 has only 32 bits of
 * state, so a million UUIDs drawn from it would collide (birthday bound ≈ 2^16 draws). sfc32 keeps 128 bits, its
 * step is a bijection, and distinct seed words give distinct starting states.
 * Only integer and IEEE-exact arithmetic is used (no Math.log/exp), so the output is identical across platforms.
 */
export class SeededRandom {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** Up to four 32-bit seed words; each distinct tuple gives its own sequence. */
  constructor(w0: number, w1 = 0, w2 = 0, w3 = 0) {
    this.a = w0 | 0;
    this.b = w1 | 0;
    this.c = w2 | 0;
    this.d = (w3 ^ 0x9e3779b9) | 0;
    for (let i = 0; i < 16; i++) this.uint32(); // mix the seed words through the state
  }

  uint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.uint32() / 4294967296;
  }

  /** Uniform integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return max <= min ? min : min + Math.floor(this.next() * (max - min + 1));
  }

  /** Uniform real in [min, max). */
  real(min: number, max: number): number {
    return min + this.next() * (max - min);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** Picks by relative weight: `[[value, weight], …]`. */
  weighted<T>(entries: readonly (readonly [T, number])[]): T {
    let total = 0;
    for (const [, w] of entries) total += w;
    let r = this.next() * total;
    for (const [value, w] of entries) {
      r -= w;
      if (r < 0) return value;
    }
    return entries[entries.length - 1][0];
  }

  /** `count` distinct items in random order (all of them when count ≥ length). */
  sample<T>(items: readonly T[], count: number): T[] {
    const copy = items.slice();
    const n = Math.min(count, copy.length);
    for (let i = 0; i < n; i++) {
      const j = i + Math.floor(this.next() * (copy.length - i));
      [copy[i], copy[j]] = [copy[j], copy[i]];
    }
    return copy.slice(0, n);
  }

  /** A version-4-shaped UUID (random bits from this generator, version and variant bits set). */
  uuid(): string {
    const w0 = this.uint32();
    const w1 = (this.uint32() & 0xffff0fff) | 0x00004000; // version 4 in the high nibble of the 3rd group
    const w2 = (this.uint32() & 0x3fffffff) | 0x80000000; // RFC 4122 variant
    const w3 = this.uint32();
    return `${hex8(w0)}-${hex4(w1 >>> 16)}-${hex4(w1)}-${hex4(w2 >>> 16)}-${hex4(w2)}${hex8(w3)}`;
  }
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const hex4 = (w: number): string => HEX[(w >>> 8) & 0xff] + HEX[w & 0xff];
const hex8 = (w: number): string => hex4(w >>> 16) + hex4(w);

/** FNV-1a over a string, for folding text (an id prefix) into a seed word. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
