// Reading a CSV text a chunk at a time, so that a big file never holds the till for long.
import Papa from 'papaparse';
import { TillError } from '../../shared/api';

/** Characters parsed at a time: a millisecond or two of work. */
const CHUNK_CHARS = 64 * 1024;
/**
 * What the line break and the delimiter are guessed from. Papa.parse looks at up to 1 MB for the line break
 * (~15 ms of regular expressions on a 5 MB file); the first 64 kB, hundreds of rows, tell the same.
 */
const GUESS_CHARS = 64 * 1024;
/** No product row is this long: a quote that is never closed has swallowed the rest of the file. */
export const MAX_RECORD_CHARS = 256 * 1024;

/**
 * The records of a CSV text, a chunk at a time, so that a 5 MB file is parsed in steps of a millisecond or
 * two. They are the records Papa.parse gives for the whole text: the delimiter and line break are guessed once,
 * from the start of the text the way Papa.parse guesses them, and a record cut by a chunk's end is parsed again
 * with the next chunk. A record longer than MAX_RECORD_CHARS is refused (CSV_INVALID, reason rowTooLong).
 */
export class CsvRecords {
  private pos = 0;
  private partial = '';
  private readonly parser: Papa.Parser;
  /** Records read so far (the header is record 1). */
  count = 0;

  /** `chunkChars`: characters parsed per step (tests use a few, to cut records everywhere). */
  constructor(
    private readonly text: string,
    private readonly chunkChars = CHUNK_CHARS,
  ) {
    const head = Papa.parse<string[]>(text.slice(0, GUESS_CHARS), { preview: 10 });
    this.parser = new Papa.Parser({
      delimiter: head.meta.delimiter,
      newline: head.meta.linebreak as Papa.ParseConfig['newline'],
      quoteChar: '"',
    });
  }

  get done(): boolean {
    return this.pos >= this.text.length && this.partial === '';
  }

  /** The complete records in the next chunk of text (none, when a long record goes on past it). */
  next(): string[][] {
    if (this.done) return [];
    const end = Math.min(this.text.length, this.pos + this.chunkChars);
    const last = end === this.text.length;
    const input = this.partial + this.text.slice(this.pos, end);
    this.pos = end;
    const parsed = this.parser.parse(input, 0, !last) as Papa.ParseResult<string[]>;
    const records = parsed.data.filter((r): r is string[] => Array.isArray(r));
    this.partial = last ? '' : input.slice(parsed.meta.cursor);
    this.count += records.length;
    if (this.partial.length > MAX_RECORD_CHARS) {
      const line = this.count + 1;
      throw new TillError(
        'CSV_INVALID',
        `Row ${line} never ends: it is over ${MAX_RECORD_CHARS / 1024} kB, so a quote (") in it is not closed`,
        { line, reason: 'rowTooLong' },
      );
    }
    return records;
  }
}
