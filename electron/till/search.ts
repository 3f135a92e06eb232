// Product search: barcode, Chinese name, English name and pinyin (initials `kkkl`, full `kekoukele`).
//
// A catalog may hold 100,000 products and the cashier searches as they type, so search runs over an
// in-memory index, rebuilt on the first search after a catalog change, instead of SQL LIKE:
// - ASCII queries (pinyin, English, barcodes: the common case) use a one-byte string of the Latin fields
//   plus posting lists of the products containing each character and each character pair. The rarest
//   pair of the query picks the few candidates; only they are checked with String#includes.
// - Other queries (Chinese) scan a string of the names with String#indexOf, which is native and fast.
// Ranking: exact barcode, barcode prefix, a word starting with the query, pinyin initials containing it
// (`kl` in 可口可乐), then anywhere; within a rank, listing order (category, then how the name is said).
import { pinyin } from 'pinyin-pro';
import type { ProductIndexSnapshot } from '../db/products';

/** Separates fields within a product's search text. */
export const FIELD_SEP = '\u001f';
const SEP = 0x1f;
/** Ends an entry, so no match spans two products. */
const ENTRY_END = '\u001e';
/** Stands in for characters an ASCII query can never match, keeping the Latin text one-byte. */
const OTHER = '\u0001';

function compact(s: string): string {
  return s.toLowerCase().replace(/\s+/g, '');
}

/** Pinyin initials and full pinyin of a name; non-Chinese characters are kept as they are. */
export function namePinyin(name: string): { initials: string; full: string } {
  const opts = { toneType: 'none', separator: '', nonZh: 'consecutive' } as const;
  return {
    initials: compact(pinyin(name, { ...opts, pattern: 'first' })),
    full: compact(pinyin(name, opts)),
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
const WORD_PREFIX = 2;
const INITIALS = 3;
const ANYWHERE = 4;
// Hint bits in SearchIndex.marks.
const WORD_START = 1;
const IN_INITIALS = 2;

/** Whether `term` occurs in `entry` at the start of a word (after a separator or a non-letter). */
function startsWord(entry: string, term: string): boolean {
  for (let i = entry.indexOf(term); i !== -1; i = entry.indexOf(term, i + 1)) {
    if (i === 0 || !alnum(entry.charCodeAt(i - 1))) return true;
  }
  return false;
}

/** Entries, each ending with ENTRY_END, in one string; starts[i] is where entry i begins. */
interface Haystack {
  text: string;
  starts: Int32Array;
}

function haystack(text: string, n: number): Haystack {
  const starts = new Int32Array(n + 1);
  let at = 0;
  for (let i = 0; i < n; i++) {
    starts[i] = at;
    at = text.indexOf(ENTRY_END, at) + 1;
  }
  starts[n] = text.length;
  return { text, starts };
}

// Gram keys: a printable ASCII character c is key c; a pair (a, b) is 128 + a * 128 + b.
const KEYS = 128 + 128 * 128;
const printable = (c: number) => c > 0x20 && c < 0x7f;
const alnum = (c: number) => (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x7a);
const pairKey = (a: number, b: number) => 128 + a * 128 + b;

/** For each gram key, the entries (ascending) that contain it: compressed sparse rows. */
class Postings {
  constructor(
    private readonly offsets: Int32Array,
    private readonly entries: Int32Array,
  ) {}

  /** `keysOf(e, out)` writes entry e's gram keys to `out` and returns how many; duplicates are fine. */
  static build(n: number, keysOf: (e: number, out: Int32Array) => number, maxKeys: number): Postings {
    const out = new Int32Array(maxKeys);
    const last = new Int32Array(KEYS).fill(-1);
    const offsets = new Int32Array(KEYS + 1);
    for (let e = 0; e < n; e++) {
      const m = keysOf(e, out);
      for (let i = 0; i < m; i++) {
        const k = out[i];
        if (last[k] !== e) {
          last[k] = e;
          offsets[k + 1]++;
        }
      }
    }
    for (let k = 0; k < KEYS; k++) offsets[k + 1] += offsets[k];
    const entries = new Int32Array(offsets[KEYS]);
    const fill = offsets.slice(0, KEYS);
    last.fill(-1);
    for (let e = 0; e < n; e++) {
      const m = keysOf(e, out);
      for (let i = 0; i < m; i++) {
        const k = out[i];
        if (last[k] !== e) {
          last[k] = e;
          entries[fill[k]++] = e;
        }
      }
    }
    return new Postings(offsets, entries);
  }

  list(key: number): Int32Array {
    return this.entries.subarray(this.offsets[key], this.offsets[key + 1]);
  }

  count(key: number): number {
    return this.offsets[key + 1] - this.offsets[key];
  }
}

const EMPTY = new Postings(new Int32Array(KEYS + 1), new Int32Array(0));

/** The keys of a term's pairs, or of its one character. */
function termKeys(term: string): number[] {
  if (term.length === 1) return [term.charCodeAt(0)];
  const keys: number[] = [];
  for (let i = 0; i + 1 < term.length; i++) keys.push(pairKey(term.charCodeAt(i), term.charCodeAt(i + 1)));
  return keys;
}

export class SearchIndex {
  /** The catalog version the index was built from; -1 before the first build. */
  private builtFrom = -1;
  // Entries are products in id order (as stored, so the index loads as a few big strings).
  private n = 0;
  private ids = new Float64Array(0);
  private active = new Uint8Array(0);
  private category = new Int32Array(0);
  private categoryNames: string[] = [];
  /** Entries in listing order (category, then how the name is said), and each entry's place in it. */
  private listing = new Int32Array(0);
  private place = new Int32Array(0);
  /** barcode SEP English name SEP pinyin initials SEP full pinyin: ASCII only, so V8 keeps it one-byte. */
  private latin = haystack('', 0);
  /** Name SEP English name, lower case. */
  private names = haystack('', 0);
  private grams = EMPTY;
  /** Grams at the start of a word (or field): which products have a word starting with the query. */
  private wordStarts = EMPTY;
  /** Grams of the pinyin initials: which products' initials contain the query. */
  private initialGrams = EMPTY;
  /** Scratch, indexed by listing place: 1 + the rank of a match there, 0 for none. Allocated once per
   * build, so even a search matching everything makes no garbage. */
  private rankAt = new Uint8Array(0);
  /** Scratch, by entry: WORD_START and IN_INITIALS hints for the search under way. */
  private marks = new Uint8Array(0);

  /**
   * `snapshot` reads the catalog; `version` is cheap and grows with every product change (see
   * ProductsRepo.version), so any write (a save, an import, a bulk seed) makes the next search rebuild.
   */
  constructor(
    private readonly snapshot: () => ProductIndexSnapshot,
    private readonly version: () => number,
  ) {}

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
    if (!same || this.builtFrom === -1 || this.version() !== this.builtFrom + 1) return;
    const e = this.entryOf(after.id);
    if (e === -1) return;
    this.active[e] = after.active ? 1 : 0;
    this.builtFrom++;
  }

  get size(): number {
    this.ensure();
    return this.n;
  }

  /** The entry of a product id (ids are ascending), or -1. */
  private entryOf(id: number): number {
    const { ids } = this;
    let lo = 0;
    let hi = this.n - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (ids[mid] === id) return mid;
      if (ids[mid] < id) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  private ensure(): void {
    if (this.builtFrom !== -1 && this.version() === this.builtFrom) return;
    const snap = this.snapshot();
    const n = snap.listing.length;
    this.n = n;
    this.ids = Float64Array.from(n ? snap.ids.split(',') : [], Number);
    this.active = new Uint8Array(n);
    for (let e = 0; e < n; e++) this.active[e] = snap.active.charCodeAt(e) === 0x31 ? 1 : 0;
    this.category = new Int32Array(n);
    this.categoryNames = snap.categories.map((c) => c.name);
    snap.categories.forEach((c, i) => {
      for (const id of c.ids.split(',')) this.category[this.entryOf(Number(id))] = i;
    });
    this.listing = new Int32Array(n);
    this.place = new Int32Array(n);
    snap.listing.forEach((id, p) => {
      const e = this.entryOf(id);
      this.listing[p] = e;
      this.place[e] = p;
    });
    // Through a Buffer: Node hands back an external one-byte string, which the loops below read several
    // times faster than the string SQLite produced (measured).
    this.latin = haystack(Buffer.from(snap.latin, 'latin1').toString('latin1'), n);
    // Lower-cased whole when that keeps every position (nearly always); else entry by entry.
    const lowered = snap.names.toLowerCase();
    this.names = haystack(
      lowered.length === snap.names.length
        ? lowered
        : snap.names
            .split(ENTRY_END)
            .map((s) => s.toLowerCase())
            .join(ENTRY_END),
      n,
    );
    this.rankAt = new Uint8Array(n);
    this.marks = new Uint8Array(n);
    const { text, starts } = this.latin;
    let longest = 0;
    for (let e = 0; e < n; e++) longest = Math.max(longest, starts[e + 1] - starts[e]);
    this.grams = Postings.build(
      n,
      (e, out) => {
        let m = 0;
        let prev = 0;
        for (let i = starts[e], end = starts[e + 1]; i < end; i++) {
          const c = text.charCodeAt(i);
          if (printable(c)) {
            out[m++] = c;
            if (prev) out[m++] = pairKey(prev, c);
            prev = c;
          } else prev = 0;
        }
        return m;
      },
      2 * longest,
    );
    this.wordStarts = Postings.build(
      n,
      (e, out) => {
        let m = 0;
        let prev = SEP;
        for (let i = starts[e], end = starts[e + 1]; i < end; i++) {
          const c = text.charCodeAt(i);
          if (printable(c) && !alnum(prev)) {
            out[m++] = c;
            const d = text.charCodeAt(i + 1);
            if (printable(d)) out[m++] = pairKey(c, d);
          }
          prev = c;
        }
        return m;
      },
      2 * longest,
    );
    // Initials are the third field: barcode SEP English name SEP initials SEP full pinyin.
    this.initialGrams = Postings.build(
      n,
      (e, out) => {
        let m = 0;
        let prev = 0;
        const from = text.indexOf(FIELD_SEP, text.indexOf(FIELD_SEP, starts[e]) + 1) + 1;
        for (let i = from, c = text.charCodeAt(i); printable(c); c = text.charCodeAt(++i)) {
          out[m++] = c;
          if (prev) out[m++] = pairKey(prev, c);
          prev = c;
        }
        return m;
      },
      2 * longest,
    );
    this.builtFrom = snap.version;
  }

  search(q: SearchQuery): SearchResult {
    this.ensure();
    let cat = -1;
    if (q.category) {
      cat = this.categoryNames.indexOf(q.category);
      if (cat === -1) return { ids: [], total: 0 };
    }
    const filter: Filter = { active: this.active, category: this.category, all: q.includeInactive, cat };
    const terms = q.query
      .toLowerCase()
      // Control characters would match the separators; nobody types them.
      // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
      .replace(/[\u0000-\u001f]/g, '')
      .split(/\s+/)
      .filter(Boolean)
      .sort((a, b) => b.length - a.length);
    const counts = [0, 0, 0, 0, 0];
    if (terms.length === 0) {
      for (let e = 0; e < this.n; e++) if (accepts(filter, e)) this.found(e, ANYWHERE, counts);
    } else if (terms.every(isLatin)) this.searchLatin(terms, filter, counts);
    else this.searchNames(terms, filter, counts);
    return this.page(counts, q);
  }

  private found(e: number, rank: number, counts: number[]): void {
    this.rankAt[this.place[e]] = rank + 1;
    counts[rank]++;
  }

  /** Candidates from the rarest gram of all terms; each checked unless the gram is the whole query. */
  private searchLatin(terms: string[], filter: Filter, counts: number[]): void {
    const { text, starts } = this.latin;
    const { marks } = this;
    const [lead, ...rest] = terms;
    let best = -1;
    for (const key of terms.flatMap(termKeys)) {
      if (best === -1 || this.grams.count(key) < this.grams.count(best)) best = key;
    }
    const candidates = this.grams.list(best);
    const { rankAt, place } = this;
    const exact = terms.length === 1 && lead.length <= 2;

    // Hints from the lead's first one or two characters: a word starts with them, the initials have them.
    const key = termKeys(lead.slice(0, 2))[0];
    const wordStarts = this.wordStarts.list(key);
    const inInitials = this.initialGrams.list(key);
    for (let i = 0; i < wordStarts.length; i++) marks[wordStarts[i]] |= WORD_START;
    for (let i = 0; i < inInitials.length; i++) marks[inInitials[i]] |= IN_INITIALS;
    const first = lead.charCodeAt(0);
    const { active, category, all, cat } = filter;
    for (let i = 0; i < candidates.length; i++) {
      const e = candidates[i];
      if ((!all && active[e] === 0) || (cat !== -1 && category[e] !== cat)) continue;
      const start = starts[e];
      const mark = marks[e];
      let r = ANYWHERE;
      if (text.charCodeAt(start) === first && text.startsWith(lead, start)) {
        // The barcode starts with the lead: a match (once the other words are found) without a copy.
        r = text.charCodeAt(start + lead.length) === SEP ? EXACT_BARCODE : BARCODE_PREFIX;
        if (rest.length && !rest.every((t) => text.slice(start, starts[e + 1]).includes(t))) continue;
      } else if (exact) {
        // The hints are the whole truth for a one- or two-character query.
        if (mark & WORD_START) r = WORD_PREFIX;
        else if (mark & IN_INITIALS) r = INITIALS;
      } else {
        const entry = text.slice(start, starts[e + 1]);
        if (!terms.every((t) => entry.includes(t))) continue;
        if (mark & WORD_START && startsWord(entry, lead)) r = WORD_PREFIX;
        else if (mark & IN_INITIALS && entry.split(FIELD_SEP)[2].includes(lead)) r = INITIALS;
      }
      rankAt[place[e]] = r + 1;
      counts[r]++;
    }
    for (let i = 0; i < wordStarts.length; i++) marks[wordStarts[i]] = 0;
    for (let i = 0; i < inInitials.length; i++) marks[inInitials[i]] = 0;
  }

  /** Scans the names for the first non-Latin term; the others may be in the names or the Latin fields. */
  private searchNames(terms: string[], filter: Filter, counts: number[]): void {
    const { text, starts } = this.names;
    const latin = this.latin;
    const lead = terms.find((t) => !isLatin(t)) ?? terms[0];
    const rest = terms.filter((t) => t !== lead);
    let e = 0;
    let pos = text.indexOf(lead);
    while (pos !== -1) {
      // Matches come in text order, so walking forward costs O(entries) over the whole search.
      while (starts[e + 1] <= pos) e++;
      const start = starts[e];
      const end = starts[e + 1];
      if (accepts(filter, e)) {
        const entry = text.slice(start, end);
        const latinEntry = latin.text.slice(latin.starts[e], latin.starts[e + 1]);
        if (rest.every((t) => entry.includes(t) || latinEntry.includes(t))) {
          const atFieldStart = pos === start || text.charCodeAt(pos - 1) === SEP || entry.includes(FIELD_SEP + lead);
          this.found(e, atFieldStart ? WORD_PREFIX : ANYWHERE, counts);
        }
      }
      pos = text.indexOf(lead, end);
    }
  }

  /** Reads the page off rankAt, rank by rank in listing order, and clears rankAt for the next search. */
  private page(counts: number[], q: SearchQuery): SearchResult {
    const { rankAt, listing, ids } = this;
    const out: number[] = [];
    let skip = q.offset;
    for (let r = 1; r <= counts.length; r++) {
      const count = counts[r - 1];
      if (skip >= count || out.length >= q.limit) {
        skip -= Math.min(skip, count);
        continue;
      }
      for (let p = 0; p < this.n && out.length < q.limit; p++) {
        if (rankAt[p] !== r) continue;
        if (skip > 0) skip--;
        else out.push(ids[listing[p]]);
      }
    }
    rankAt.fill(0);
    return { ids: out, total: counts.reduce((a, b) => a + b, 0) };
  }
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
