// Product search: barcode, Chinese name, English name and pinyin (initials `kkkl`, full `kekoukele`).
//
// A catalog may hold 100,000 products and the cashier searches as they type, so search runs over an
// in-memory index instead of SQL LIKE. The till builds it in the background when it starts and after a
// catalog change, a slice at a time; a search that comes first finishes it at once.
// - ASCII queries (pinyin, English, barcodes: the common case) use one-byte strings of the Latin fields
//   plus posting lists of the products containing each character and each character pair. The rarest
//   pair of the query picks the candidates; only they are checked with String#includes.
// - Other queries (Chinese) scan strings of the names with String#indexOf, which is native and fast.
// Ranking: exact barcode, barcode prefix, a name starting with the query (the Chinese name, the English
// name, its pinyin initials or full pinyin: `kl` finds 可乐 before 巧克力), a word inside it starting with
// the query, pinyin initials containing it (`kl` in 可口可乐), then anywhere; within a rank, listing order
// (category, then how the name is said).
import { createRequire } from 'node:module';
import type { IndexLatin } from '../db/products';

/** Separates fields within a product's search text. */
export const FIELD_SEP = '\u001f';
const SEP = 0x1f;
/** Ends an entry (U+001E), so no match spans two products. */
const END_BYTE = 0x1e;
/** Stands in for characters an ASCII query can never match, keeping the Latin text one byte a character. */
const OTHER = '\u0001';

function compact(s: string): string {
  return s.toLowerCase().replace(/\s+/g, '');
}

type Pinyin = typeof import('pinyin-pro').pinyin;
let loadedPinyin: Pinyin | undefined;

/**
 * pinyin-pro, loaded on the first name that needs it: its dictionary costs ~15 MB of memory, and a till
 * that only sells (the usual day) never computes pinyin; search reads what products.search_text stored.
 */
function pinyin(): Pinyin {
  if (!loadedPinyin) {
    // import.meta.url in ES modules (tests, the host bundle); __filename in the CommonJS Electron bundle.
    const here = typeof __filename === 'string' ? __filename : (import.meta as { url?: string }).url;
    loadedPinyin = createRequire(here ?? `${process.cwd()}/`)('pinyin-pro').pinyin as Pinyin;
  }
  return loadedPinyin;
}

/** Pinyin initials and full pinyin of a name; non-Chinese characters are kept as they are. */
export function namePinyin(name: string): { initials: string; full: string } {
  const opts = { toneType: 'none', separator: '', nonZh: 'consecutive' } as const;
  return {
    initials: compact(pinyin()(name, { ...opts, pattern: 'first' })),
    full: compact(pinyin()(name, opts)),
  };
}

/** Lower case, accents dropped ("Café" -> "cafe"), anything else outside ASCII replaced. */
function latinOnly(s: string): string {
  return s
    .toLowerCase()
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\u0020-\u007e]/g, OTHER);
}

/** What products.search_text stores: English name, pinyin initials and full pinyin, ASCII only.
 * The Chinese name is searched from its own column. */
export function searchText(name: string, nameEn: string, py = namePinyin(name)): string {
  return [latinOnly(nameEn), latinOnly(py.initials), latinOnly(py.full)].join(FIELD_SEP);
}

/** What products.sort_key stores: lists sort by how the name is said, then by the name. */
export function sortKey(name: string, py = namePinyin(name)): string {
  return `${py.full}${FIELD_SEP}${name}`;
}

/** What decides a product's place in the index. */
export interface ProductFacts {
  barcode: string;
  name: string;
  nameEn: string;
  category: string;
}

export interface SearchQuery {
  query: string;
  category?: string;
  includeInactive: boolean;
  limit: number;
  offset: number;
}

export interface SearchResult {
  /** Product ids of the page asked for, best first. */
  ids: number[];
  /** How many products match in all. */
  total: number;
}

// Ranks, best first.
const EXACT_BARCODE = 0;
const BARCODE_PREFIX = 1;
const NAME_PREFIX = 2;
const WORD_PREFIX = 3;
const INITIALS = 4;
const ANYWHERE = 5;
const RANKS = 6;
// Hint bits in SearchIndex.marks.
const WORD_START = 1;
const IN_INITIALS = 2;
const FIELD_START = 4;

/** Whether `term` starts a field of a Latin entry other than the barcode (English name, initials, full pinyin). */
function startsField(entry: string, term: string): boolean {
  for (let i = entry.indexOf(FIELD_SEP); i !== -1; i = entry.indexOf(FIELD_SEP, i + 1)) {
    if (entry.startsWith(term, i + 1)) return true;
  }
  return false;
}

/** Like startsWord for the names' UTF-8 bytes: a word starts after ASCII that is not a letter or digit. */
function startsNameWord(entry: string, term: string): boolean {
  for (let i = entry.indexOf(term); i !== -1; i = entry.indexOf(term, i + 1)) {
    const c = entry.charCodeAt(i - 1);
    if (i === 0 || (c < 0x80 && !alnum(c))) return true;
  }
  return false;
}

/** Whether `term` occurs in `entry` at the start of a word (after a separator or a non-letter). */
function startsWord(entry: string, term: string): boolean {
  for (let i = entry.indexOf(term); i !== -1; i = entry.indexOf(term, i + 1)) {
    if (i === 0 || !alnum(entry.charCodeAt(i - 1))) return true;
  }
  return false;
}

/**
 * Entries, each ending with U+001E, in a few strings ("parts") of UTF-8 bytes, one character a byte:
 * one-byte strings, which V8 scans several times faster than two-byte ones (measured), and Chinese takes
 * 3 bytes a character instead of 2 + the English name. A substring of valid UTF-8 matches only at
 * character boundaries, so matching bytes is matching characters. Offsets run across the parts: entry e
 * is [starts[e], starts[e + 1]) in parts[part[e]], which begins at offset bases[part[e]]; no entry spans
 * two parts. Each part is big enough (over Node's ~1M-character threshold) to be an external string, its
 * characters outside the V8 heap: 100,000 products' text on the heap made V8 grow its young generation
 * to the maximum while the index was built (+30 MB RSS, measured). Parts are never joined, so a build
 * never copies the whole catalog either.
 */
interface Haystack {
  parts: string[];
  bases: number[];
  /** The first entry of each part. */
  firsts: number[];
  part: Uint16Array;
  starts: Int32Array;
}

function newHaystack(n: number): Haystack {
  return { parts: [], bases: [], firsts: [], part: new Uint16Array(n), starts: new Int32Array(n + 1) };
}

/** Entry e's text. */
function entryOf(h: Haystack, e: number): string {
  const p = h.part[e];
  return h.parts[p].slice(h.starts[e] - h.bases[p], h.starts[e + 1] - h.bases[p]);
}

/** Characters a part aims at: over Node's threshold for external strings (0xFBEE9), with some margin. */
const PART_CHARS = 1_100_000;

/** ES2024's resizable ArrayBuffer (Node 20 has it; the ES2023 typings do not). */
type ResizableArrayBuffer = ArrayBuffer & { resize(byteLength: number): void };
const ResizableArrayBuffer = ArrayBuffer as unknown as new (
  byteLength: number,
  options: { maxByteLength: number },
) => ResizableArrayBuffer;

/**
 * Where parts are gathered, outside the V8 heap: one per build, grown as needed (address space is only
 * reserved up to the maximum), and shrunk to nothing when the build ends, which gives its memory back at
 * once instead of leaving it for a later garbage collection.
 */
class Scratch {
  private static readonly MAX = 64 << 20;
  private readonly memory = new ResizableArrayBuffer(0, { maxByteLength: Scratch.MAX });
  buf = Buffer.alloc(0);

  /** Makes `buf` at least `size` bytes, keeping what it holds. */
  grow(size: number): void {
    if (size <= this.memory.byteLength) return;
    if (size > Scratch.MAX) throw new Error('A slice of the catalog is too large for the search index');
    this.memory.resize(Math.min(Scratch.MAX, Math.max(size, 2 * this.memory.byteLength)));
    this.buf = Buffer.from(this.memory, 0, this.memory.byteLength);
  }

  release(): void {
    this.memory.resize(0);
    this.buf = Buffer.alloc(0);
  }
}

/** Gathers slices of entries (each ending with U+001E) into a haystack's parts. */
class PartWriter {
  /** Characters written before the part under way. */
  private base = 0;
  private chars = 0;
  private first = 0;
  private count = 0;

  constructor(
    private readonly h: Haystack,
    private readonly scratch: Scratch,
  ) {}

  /** Adds the next `count` entries, from entry `first`: UTF-8 bytes, or a string written as UTF-8. */
  add(text: Buffer | string, first: number, count: number): void {
    if (this.count === 0) this.first = first;
    const { h, scratch } = this;
    const bytes = typeof text === 'string' ? Buffer.byteLength(text, 'utf8') : text.length;
    scratch.grow(this.chars + bytes);
    const { buf } = scratch;
    if (typeof text === 'string') buf.write(text, this.chars, bytes, 'utf8');
    else text.copy(buf, this.chars);
    const end = this.chars + bytes;
    const p = h.parts.length;
    let at = this.chars;
    for (let e = first; e < first + count; e++) {
      h.part[e] = p;
      h.starts[e] = this.base + at;
      at = buf.indexOf(END_BYTE, at) + 1;
      // A name holding U+001E would shift every entry after it; the till never writes one (cleanText).
      if (at === 0 || at > end) break;
    }
    if (at !== end) throw new Error('A product has U+001E in its text; the search index cannot be built');
    this.chars = end;
    this.count += count;
    if (this.chars >= PART_CHARS) this.flush();
  }

  /** Ends the part under way; after the last, also the haystack. */
  flush(): void {
    const { h } = this;
    h.starts[h.part.length] = this.base + this.chars;
    if (this.count === 0) return;
    h.parts.push(this.scratch.buf.toString('latin1', 0, this.chars));
    h.bases.push(this.base);
    h.firsts.push(this.first);
    this.base += this.chars;
    this.chars = 0;
    this.count = 0;
  }
}

/** Text as the haystacks hold it: its UTF-8 bytes, one character each. ASCII stays as it is. */
function asBytes(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ASCII is what passes unchanged
  return /^[\u0000-\u007f]*$/.test(text) ? text : Buffer.from(text, 'utf8').toString('latin1');
}

// Gram keys: a printable ASCII character c is key c; a pair (a, b) is 128 + a * 128 + b.
const KEYS = 128 + 128 * 128;
const printable = (c: number) => c > 0x20 && c < 0x7f;
const alnum = (c: number) => (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x7a);
const pairKey = (a: number, b: number) => 128 + a * 128 + b;

/** Collects posting lists in two passes over the entries: count every entry's keys, then fill them in. */
class PostingsBuilder {
  private readonly last = new Int32Array(KEYS).fill(-1);
  private readonly counts = new Int32Array(KEYS);
  private readonly at = new Int32Array(KEYS);
  private readonly dense = new Uint8Array(KEYS);
  private words = 0;
  private lists = new Int32Array(0);
  private bits = new Uint32Array(0);
  private next = new Int32Array(0);

  /** First pass, entry by entry in order: entry e has the first m of `keys` (repeats are fine). */
  count(e: number, keys: Int32Array, m: number): void {
    const { last, counts } = this;
    for (let i = 0; i < m; i++) {
      const k = keys[i];
      if (last[k] !== e) {
        last[k] = e;
        counts[k]++;
      }
    }
  }

  /** Between the passes: a bitmap for each key that more than one entry in 32 has, a list for the others. */
  allocate(n: number): void {
    const { counts, at, dense } = this;
    const words = (n + 31) >>> 5;
    let listed = 0;
    let mapped = 0;
    for (let k = 0; k < KEYS; k++) {
      if (counts[k] > words) {
        dense[k] = 1;
        at[k] = mapped;
        mapped += words;
      } else {
        at[k] = listed;
        listed += counts[k];
      }
    }
    this.words = words;
    this.lists = new Int32Array(listed);
    this.bits = new Uint32Array(mapped);
    this.next = at.slice();
    this.last.fill(-1);
  }

  /** Second pass, the same entries in the same order. */
  fill(e: number, keys: Int32Array, m: number): void {
    const { last, dense, at, bits, lists, next } = this;
    for (let i = 0; i < m; i++) {
      const k = keys[i];
      if (last[k] === e) continue;
      last[k] = e;
      if (dense[k]) bits[at[k] + (e >>> 5)] |= 1 << (e & 31);
      else lists[next[k]++] = e;
    }
  }

  finish(): Postings {
    return new Postings(this.counts, this.at, this.dense, this.lists, this.bits, this.words);
  }
}

/**
 * The keys of one entry's text [from, to) for each posting list: every character and pair of characters
 * (grams), those at the start of a word, those of the pinyin initials (the third field, up to its first
 * character that is not printable), and those at the start of a field after the barcode (a subset of the
 * word starts). One scan; `lens` gets how many of each.
 */
function entryKeys(
  text: string,
  from: number,
  to: number,
  grams: Int32Array,
  words: Int32Array,
  initials: Int32Array,
  fields: Int32Array,
  lens: Int32Array,
): void {
  let g = 0;
  let w = 0;
  let ini = 0;
  let f = 0;
  let prevGram = 0;
  let prev = SEP;
  let field = 0;
  let inInitials = true;
  let prevInitial = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    const p = printable(c);
    if (p) {
      grams[g++] = c;
      if (prevGram) grams[g++] = pairKey(prevGram, c);
      prevGram = c;
      if (!alnum(prev)) {
        words[w++] = c;
        const d = text.charCodeAt(i + 1);
        if (printable(d)) words[w++] = pairKey(c, d);
        if (prev === SEP && field > 0) {
          fields[f++] = c;
          if (printable(d)) fields[f++] = pairKey(c, d);
        }
      }
    } else prevGram = 0;
    if (field === 2 && inInitials) {
      if (p) {
        initials[ini++] = c;
        if (prevInitial) initials[ini++] = pairKey(prevInitial, c);
        prevInitial = c;
      } else inInitials = false;
    }
    if (c === SEP) field++;
    prev = c;
  }
  lens[0] = g;
  lens[1] = w;
  lens[2] = ini;
  lens[3] = f;
}

/**
 * For each gram key, the entries (ascending) that contain it. A key that more than one entry in 32 has
 * (a common letter or pair) is a bitmap of n bits; the others are lists of 4-byte entries. Each form is
 * the smaller for its keys: at 100,000 products this is about a quarter of lists alone.
 */
class Postings {
  constructor(
    private readonly counts: Int32Array,
    /** Per key: where its list starts in `lists`, or its bitmap's first word in `bits`. */
    private readonly at: Int32Array,
    private readonly dense: Uint8Array,
    private readonly lists: Int32Array,
    private readonly bits: Uint32Array,
    private readonly words: number,
  ) {}

  count(key: number): number {
    return this.counts[key];
  }

  /** The entries with `key`, ascending; a bitmap is spelled out into `scratch` (at least n long). */
  list(key: number, scratch: Int32Array): Int32Array {
    const at = this.at[key];
    if (!this.dense[key]) return this.lists.subarray(at, at + this.counts[key]);
    let m = 0;
    for (let w = 0; w < this.words; w++) {
      for (let word = this.bits[at + w]; word !== 0; word &= word - 1) {
        scratch[m++] = (w << 5) | (31 - Math.clz32(word & -word));
      }
    }
    return scratch.subarray(0, m);
  }

  /** Sets `bit` in marks[e] for every entry e with `key`; with bit 0, clears those marks instead. */
  mark(key: number, marks: Uint8Array, bit: number): void {
    const at = this.at[key];
    if (!this.dense[key]) {
      for (let i = at, end = at + this.counts[key]; i < end; i++) {
        const e = this.lists[i];
        marks[e] = bit === 0 ? 0 : marks[e] | bit;
      }
      return;
    }
    for (let w = 0; w < this.words; w++) {
      for (let word = this.bits[at + w]; word !== 0; word &= word - 1) {
        const e = (w << 5) | (31 - Math.clz32(word & -word));
        marks[e] = bit === 0 ? 0 : marks[e] | bit;
      }
    }
  }
}

/** The keys of a term's pairs, or of its one character. */
function termKeys(term: string): number[] {
  if (term.length === 1) return [term.charCodeAt(0)];
  const keys: number[] = [];
  for (let i = 0; i + 1 < term.length; i++) keys.push(pairKey(term.charCodeAt(i), term.charCodeAt(i + 1)));
  return keys;
}

/** What the index reads: ProductsRepo. */
export interface IndexSource {
  /** Grows with every product row written (see ProductsRepo.version): a changed number means stale. */
  version(): number;
  /** Up to `limit` product ids in listing order (category, then how the name is said), after product `afterId`
   * (0: from the start). */
  indexListingPage(afterId: number, limit: number): number[];
  /** The categories in listing order, with how many products each has. */
  indexCategories(): { name: string; count: number }[];
  indexLatin(fromId: number, toId: number): IndexLatin;
  indexNames(fromId: number, toId: number): string;
}

/** Entries per slice of a build's passes over the index (a few ms each). */
const SLICE = 4000;
/** Characters that toLowerCase changes. */
const CHANGES_WHEN_LOWERED = /\p{Changes_When_Lowercased}/u;

/**
 * Products read at a time: few enough that a slice's text is a regular young object in V8 (under 128 KB)
 * and dies in the next young-generation collection, leaving nothing behind.
 */
const READ = 1000;

/** Product ids read at a time from the listing: a few ms a page. */
const LISTING_PAGE = 10_000;

/** One build of the index: products in id order ("entries"), as they were at `version`. */
interface Built {
  version: number;
  n: number;
  ids: Float64Array;
  active: Uint8Array;
  category: Int32Array;
  categoryNames: string[];
  /** Entries in listing order (category, then how the name is said). */
  listing: Int32Array;
  /** barcode SEP English name SEP pinyin initials SEP full pinyin: one byte a character. */
  latin: Haystack;
  /** Name (SEP English name when it is not plain ASCII), lower case. */
  names: Haystack;
  grams: Postings;
  /** Grams at the start of a word (or field): which products have a word starting with the query. */
  wordStarts: Postings;
  /** Grams of the pinyin initials: which products' initials contain the query. */
  initialGrams: Postings;
  /** Grams at the start of the English name, initials or full pinyin: whose name starts with the query. */
  fieldStarts: Postings;
  /** Scratch, by entry: 1 + the rank of a match, 0 for none. Allocated once per build, so even a search
   * matching everything makes no garbage. */
  rankAt: Uint8Array;
  /** Scratch, by entry: WORD_START and IN_INITIALS hints for the search under way. */
  marks: Uint8Array;
  /** Scratch for a bitmap's entries. */
  candidates: Int32Array;
}

/** The entry of a product id in ascending `ids`, or -1. */
function entryOfId(ids: Float64Array, id: number): number {
  let lo = 0;
  let hi = ids.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (ids[mid] === id) return mid;
    if (ids[mid] < id) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

interface Listing {
  /** Product ids in id order: entry e is product ids[e]. */
  ids: Float64Array;
  /** Entries in listing order. */
  listing: Int32Array;
  /** Each entry's category, as an index into categoryNames. */
  category: Int32Array;
  categoryNames: string[];
}

/**
 * The products in id order ("entries"), the listing as entries, and each entry's category, a page per step;
 * undefined if the catalog changed meanwhile.
 */
function* readListing(source: IndexSource, version: number): Generator<void, Listing | undefined> {
  const categories = source.indexCategories();
  const n = categories.reduce((a, c) => a + c.count, 0);
  const listed = new Float64Array(n);
  let m = 0;
  for (;;) {
    yield;
    if (source.version() !== version) return undefined;
    const page = source.indexListingPage(m === 0 ? 0 : listed[m - 1], LISTING_PAGE);
    // The version said no product changed: more or fewer rows are a writer this process does not know.
    if (m + page.length > n) throw new Error('The catalog changed while the search index read it');
    listed.set(page, m);
    m += page.length;
    if (page.length < LISTING_PAGE) break;
  }
  if (m !== n) throw new Error('The catalog changed while the search index read it');
  yield;
  const ids = listed.slice().sort();
  const listing = new Int32Array(n);
  const category = new Int32Array(n);
  let p = 0;
  categories.forEach((c, i) => {
    for (const end = p + c.count; p < end; p++) {
      const e = entryOfId(ids, listed[p]);
      listing[p] = e;
      category[e] = i;
    }
  });
  return { ids, listing, category, categoryNames: categories.map((c) => c.name) };
}

/**
 * Reads the products' text into the haystacks (and their active flags), a slice per step; false if the
 * catalog changed meanwhile.
 */
function* readText(
  source: IndexSource,
  version: number,
  ids: Float64Array,
  active: Uint8Array,
  latin: Haystack,
  names: Haystack,
  scratch: Scratch,
): Generator<void, boolean> {
  const n = ids.length;
  const latinParts = new PartWriter(latin, scratch);
  for (let from = 0; from < n; from += READ) {
    const to = Math.min(n, from + READ);
    if (source.version() !== version) return false;
    const slice = source.indexLatin(ids[from], ids[to - 1]);
    // The version said no product changed: a different count is a writer this process does not know.
    if (slice.active.length !== to - from) throw new Error('The catalog changed while the search index read it');
    for (let i = 0; i < slice.active.length; i++) active[from + i] = slice.active.charCodeAt(i) === 0x31 ? 1 : 0;
    latinParts.add(slice.latin, from, to - from);
    yield;
  }
  latinParts.flush();
  const nameParts = new PartWriter(names, scratch);
  for (let from = 0; from < n; from += READ) {
    const to = Math.min(n, from + READ);
    if (source.version() !== version) return false;
    const text = source.indexNames(ids[from], ids[to - 1]);
    // SQLite lowered the ASCII letters; a copy only for the few names with other capitals.
    nameParts.add(CHANGES_WHEN_LOWERED.test(text) ? text.toLowerCase() : text, from, to - from);
    yield;
  }
  nameParts.flush();
  return true;
}

/**
 * Reads the catalog and builds the index, yielding between slices. Returns undefined if the catalog
 * changed under it (the caller starts again).
 */
function* build(source: IndexSource, version: number): Generator<void, Built | undefined> {
  const read = yield* readListing(source, version);
  if (!read) return undefined;
  const { ids, listing, category, categoryNames } = read;
  const n = ids.length;
  yield;

  const active = new Uint8Array(n);
  const latin = newHaystack(n);
  const names = newHaystack(n);
  const scratch = new Scratch();
  try {
    if (!(yield* readText(source, version, ids, active, latin, names, scratch))) return undefined;
  } finally {
    scratch.release();
  }

  const { parts, bases, part, starts } = latin;
  let longest = 0;
  for (let e = 0; e < n; e++) longest = Math.max(longest, starts[e + 1] - starts[e]);
  // Barcode SEP English name SEP initials SEP full pinyin: each entry scanned once for all four lists.
  const builders = [new PostingsBuilder(), new PostingsBuilder(), new PostingsBuilder(), new PostingsBuilder()];
  const keys = builders.map(() => new Int32Array(2 * longest));
  const lens = new Int32Array(4);
  for (const pass of ['count', 'fill'] as const) {
    if (pass === 'fill') for (const b of builders) b.allocate(n);
    for (let from = 0; from < n; from += SLICE) {
      for (let e = from, end = Math.min(n, from + SLICE); e < end; e++) {
        const base = bases[part[e]];
        entryKeys(parts[part[e]], starts[e] - base, starts[e + 1] - base, keys[0], keys[1], keys[2], keys[3], lens);
        for (let j = 0; j < 4; j++) builders[j][pass](e, keys[j], lens[j]);
      }
      yield;
    }
  }
  const [grams, wordStarts, initialGrams, fieldStarts] = builders.map((b) => b.finish());
  return {
    version,
    n,
    ids,
    active,
    category,
    categoryNames,
    listing,
    latin,
    names,
    grams,
    wordStarts,
    initialGrams,
    fieldStarts,
    rankAt: new Uint8Array(n),
    marks: new Uint8Array(n),
    candidates: new Int32Array(n),
  };
}

export class SearchIndex {
  /** The last build; stale once the catalog version moved past it. */
  private built: Built | undefined;
  /** A build under way, from the catalog at `version`. */
  private building: { version: number; steps: Generator<void, Built | undefined> } | undefined;
  private background: NodeJS.Immediate | undefined;
  /** Those waiting for warm() to end. */
  private warming: (() => void)[] = [];
  /** Holds taken (hold()); while there is one, a stale build still answers and no build starts. */
  private holds = 0;

  /**
   * `source.version()` is cheap and grows with every product change, so any write (a save, an import, a
   * bulk seed) makes the index stale: the next search, or warm(), builds it again.
   */
  constructor(private readonly source: IndexSource) {}

  /**
   * Builds the index in the background, a slice per turn of the event loop, so that the first search does
   * not wait for a whole build and nothing else waits more than a slice (under 30 ms, at 100,000 products,
   * measured; reading the whole listing in one step took 50-100 ms, so it is read a page at a time). A search
   * that comes first finishes the build at once (unless held, see hold()). Resolves when warming ends: the
   * index is current, or the build failed (logged; the next search tries again), or stop() was called.
   */
  warm(): Promise<void> {
    const ended = new Promise<void>((resolve) => this.warming.push(resolve));
    if (!this.background) this.background = setImmediate(() => this.warmStep());
    return ended;
  }

  private warmStep(): void {
    this.background = undefined;
    // Held: building now would only be thrown away; the release starts again.
    if (this.holds > 0) return;
    try {
      if (!this.current()) {
        const version = this.source.version();
        if (this.building?.version !== version) this.start(version);
        this.advance(false);
        // Until the index is current: a product written meanwhile means building again.
        this.background = setImmediate(() => this.warmStep());
        return;
      }
    } catch (err) {
      // The index is a cache: a failed background build is retried by the next search.
      console.error('[search] background index build failed', err);
    }
    this.endWarming();
  }

  private endWarming(): void {
    for (const resolve of this.warming.splice(0)) resolve();
  }

  /**
   * For a bulk change written in many slices (a catalog import): until the release, searches answer from the
   * last build even though the catalog has moved on (products it does not know yet are not found by name; the
   * rows shown are read fresh), and nothing is built, neither in the background nor by a search. Building
   * after every slice would cost more than the import, and a search finishing a build at once would hold
   * every other call. The release (once; it is idempotent) builds again in the background.
   */
  hold(): () => void {
    this.holds++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.holds--;
      if (this.holds === 0 && this.warming.length > 0 && !this.background) {
        this.background = setImmediate(() => this.warmStep());
      }
    };
  }

  /** Stops a background build (before the database closes). */
  stop(): void {
    if (this.background) clearImmediate(this.background);
    this.background = undefined;
    this.abandon();
    this.endWarming();
  }

  /** Drops the build under way, letting it give back its scratch memory. */
  private abandon(): void {
    this.building?.steps.return(undefined);
    this.building = undefined;
  }

  /**
   * After saving one product: a change that leaves the searchable text and the listing order alone (price,
   * tax, active) is patched in place instead of rebuilding, if it is the only change since the build.
   */
  productSaved(before: ProductFacts | undefined, after: ProductFacts & { id: number; active: boolean }): void {
    const same =
      before !== undefined &&
      before.barcode === after.barcode &&
      before.name === after.name &&
      before.nameEn === after.nameEn &&
      before.category === after.category;
    const b = this.built;
    if (!same || !b || this.source.version() !== b.version + 1) return;
    const e = entryOfId(b.ids, after.id);
    if (e === -1) return;
    b.active[e] = after.active ? 1 : 0;
    b.version++;
  }

  get size(): number {
    return this.ensure().n;
  }

  /** The last build if the catalog has not changed since; a stale one is let go unless held. */
  private current(): Built | undefined {
    if (!this.built || this.built.version === this.source.version()) return this.built;
    if (this.holds === 0) this.built = undefined;
    return undefined;
  }

  private start(version: number): void {
    this.abandon();
    this.built = undefined;
    this.building = { version, steps: build(this.source, version) };
  }

  /** Runs the build under way one slice (`all`: to the end). A build that fails is dropped. */
  private advance(all: boolean): void {
    const job = this.building!;
    for (;;) {
      let step: IteratorResult<void, Built | undefined>;
      try {
        step = job.steps.next();
      } catch (err) {
        this.building = undefined;
        throw err;
      }
      if (!step.done) {
        if (all) continue;
        return;
      }
      this.building = undefined;
      if (step.value && step.value.version === this.source.version()) this.built = step.value;
      return;
    }
  }

  private ensure(): Built {
    for (;;) {
      const built = this.current() ?? (this.holds > 0 ? this.built : undefined);
      if (built) return built;
      const version = this.source.version();
      if (this.building?.version !== version) this.start(version);
      this.advance(true);
    }
  }

  search(q: SearchQuery): SearchResult {
    const b = this.ensure();
    let cat = -1;
    if (q.category) {
      cat = b.categoryNames.indexOf(q.category);
      if (cat === -1) return { ids: [], total: 0 };
    }
    const filter: Filter = { active: b.active, category: b.category, all: q.includeInactive, cat };
    const terms = q.query
      .toLowerCase()
      // Control characters would match the separators; nobody types them.
      // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
      .replace(/[\u0000-\u001f]/g, '')
      .split(/\s+/)
      .filter(Boolean)
      .sort((a, c) => c.length - a.length);
    const counts = new Array<number>(RANKS).fill(0);
    if (terms.length === 0) {
      for (let e = 0; e < b.n; e++) if (accepts(filter, e)) found(b, e, ANYWHERE, counts);
    } else if (terms.every(isLatin)) searchLatin(b, terms, filter, counts);
    else searchNames(b, terms, filter, counts);
    return page(b, counts, q);
  }
}

function found(b: Built, e: number, rank: number, counts: number[]): void {
  b.rankAt[e] = rank + 1;
  counts[rank]++;
}

/** Candidates from the rarest gram of all terms; each checked unless the gram is the whole query. */
function searchLatin(b: Built, terms: string[], filter: Filter, counts: number[]): void {
  const { parts, bases, part, starts } = b.latin;
  const { marks, rankAt } = b;
  const [lead, ...rest] = terms;
  let best = -1;
  for (const key of terms.flatMap(termKeys)) {
    if (best === -1 || b.grams.count(key) < b.grams.count(best)) best = key;
  }
  const candidates = b.grams.list(best, b.candidates);
  const exact = terms.length === 1 && lead.length <= 2;

  // Hints from the lead's first one or two characters: a word starts with them, the initials have them.
  const key = termKeys(lead.slice(0, 2))[0];
  b.wordStarts.mark(key, marks, WORD_START);
  b.initialGrams.mark(key, marks, IN_INITIALS);
  b.fieldStarts.mark(key, marks, FIELD_START);
  const first = lead.charCodeAt(0);
  const { active, category, all, cat } = filter;
  for (let i = 0; i < candidates.length; i++) {
    const e = candidates[i];
    if ((!all && active[e] === 0) || (cat !== -1 && category[e] !== cat)) continue;
    const p = part[e];
    const text = parts[p];
    const start = starts[e] - bases[p];
    const end = starts[e + 1] - bases[p];
    const mark = marks[e];
    let r = ANYWHERE;
    if (text.charCodeAt(start) === first && text.startsWith(lead, start)) {
      // The barcode starts with the lead: a match (once the other words are found) without a copy.
      r = text.charCodeAt(start + lead.length) === SEP ? EXACT_BARCODE : BARCODE_PREFIX;
      if (rest.length && !rest.every((t) => text.slice(start, end).includes(t))) continue;
    } else if (exact) {
      // The hints are the whole truth for a one- or two-character query.
      if (mark & FIELD_START) r = NAME_PREFIX;
      else if (mark & WORD_START) r = WORD_PREFIX;
      else if (mark & IN_INITIALS) r = INITIALS;
    } else {
      const entry = text.slice(start, end);
      if (!terms.every((t) => entry.includes(t))) continue;
      if (mark & FIELD_START && startsField(entry, lead)) r = NAME_PREFIX;
      else if (mark & WORD_START && startsWord(entry, lead)) r = WORD_PREFIX;
      else if (mark & IN_INITIALS && entry.split(FIELD_SEP)[2].includes(lead)) r = INITIALS;
    }
    rankAt[e] = r + 1;
    counts[r]++;
  }
  // Field starts are word starts too, so clearing those clears them.
  b.wordStarts.mark(key, marks, 0);
  b.initialGrams.mark(key, marks, 0);
}

/** Scans the names for the first non-Latin term; the others may be in the names or the Latin fields. */
function searchNames(b: Built, terms: string[], filter: Filter, counts: number[]): void {
  const { parts, bases, firsts, starts } = b.names;
  const latin = b.latin;
  const word = terms.find((t) => !isLatin(t)) ?? terms[0];
  const lead = asBytes(word);
  const rest = terms.filter((t) => t !== word).map(asBytes);
  parts.forEach((text, p) => {
    const base = bases[p];
    let e = firsts[p];
    let pos = text.indexOf(lead);
    while (pos !== -1) {
      // Matches come in text order, so walking forward costs O(entries) over the whole search.
      while (starts[e + 1] - base <= pos) e++;
      const start = starts[e] - base;
      const end = starts[e + 1] - base;
      if (accepts(filter, e)) {
        const entry = text.slice(start, end);
        const latinEntry = entryOf(latin, e);
        if (rest.every((t) => entry.includes(t) || latinEntry.includes(t))) {
          const atFieldStart = pos === start || text.charCodeAt(pos - 1) === SEP || entry.includes(FIELD_SEP + lead);
          // A word inside the name: after a space or ASCII punctuation (一次性 筷子, 可乐(大)).
          const rank = atFieldStart ? NAME_PREFIX : startsNameWord(entry, lead) ? WORD_PREFIX : ANYWHERE;
          found(b, e, rank, counts);
        }
      }
      pos = text.indexOf(lead, end);
    }
  });
}

/** Reads the page off rankAt, rank by rank in listing order, and clears rankAt for the next search. */
function page(b: Built, counts: number[], q: SearchQuery): SearchResult {
  const { rankAt, listing, ids } = b;
  const out: number[] = [];
  let skip = q.offset;
  for (let r = 1; r <= counts.length; r++) {
    const count = counts[r - 1];
    if (skip >= count || out.length >= q.limit) {
      skip -= Math.min(skip, count);
      continue;
    }
    for (let p = 0; p < b.n && out.length < q.limit; p++) {
      const e = listing[p];
      if (rankAt[e] !== r) continue;
      if (skip > 0) skip--;
      else out.push(ids[e]);
    }
  }
  rankAt.fill(0);
  return { ids: out, total: counts.reduce((a, c) => a + c, 0) };
}

interface Filter {
  active: Uint8Array;
  category: Int32Array;
  /** Include inactive products. */
  all: boolean;
  /** Category index, or -1 for any. */
  cat: number;
}

function accepts(f: Filter, e: number): boolean {
  return (f.all || f.active[e] === 1) && (f.cat === -1 || f.category[e] === f.cat);
}

function isLatin(term: string): boolean {
  return /^[\u0020-\u007e]+$/.test(term);
}
