import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { TillError } from '../../shared/api';
import { CsvRecords, MAX_RECORD_CHARS } from './csv-reader';
import { seededRandom } from './seed';

function readAll(text: string, chunkChars?: number): string[][] {
  const records = new CsvRecords(text, chunkChars);
  const out: string[][] = [];
  while (!records.done) out.push(...records.next());
  return out;
}

const whole = (text: string) => Papa.parse<string[]>(text, { skipEmptyLines: false }).data;

describe('reading a CSV a chunk at a time', () => {
  it('gives the records Papa.parse gives for the whole text, wherever the chunks cut it', () => {
    const rnd = seededRandom(42);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];
    // Quoted fields with the delimiter, quotes and line breaks inside, empty lines and fields, Chinese, a
    // stray quote inside an unquoted field, a quoted field with characters after its closing quote.
    const cells = ['a', '', '可口可乐', '"x,y"', '"say ""hi"""', '"two\nlines"', '"cr\r\nlf"', 'b"c', '"q"z', ' sp '];
    for (let t = 0; t < 200; t++) {
      const delimiter = pick([',', ';', '\t']);
      const newline = pick(['\n', '\r\n', '\r']);
      const rows = Array.from({ length: 1 + Math.floor(rnd() * 12) }, () =>
        Array.from({ length: 1 + Math.floor(rnd() * 5) }, () => pick(cells).replaceAll(',', delimiter)).join(delimiter),
      );
      const text = `barcode${delimiter}name${delimiter}price${newline}${rows.join(newline)}${rnd() < 0.5 ? newline : ''}`;
      const expected = whole(text);
      for (const chunk of [1, 2, 3, 7, 16, 1000]) expect(readAll(text, chunk), JSON.stringify(text)).toEqual(expected);
    }
  });

  it('reads nothing from an empty text', () => {
    expect(readAll('')).toEqual([]);
  });

  it('refuses a row that never ends (a quote not closed) instead of reading the rest of the file into it', () => {
    const text = `barcode,name,price\n1,"open quote,1\n${'2,x,1\n'.repeat(MAX_RECORD_CHARS / 4)}`;
    const records = new CsvRecords(text);
    let err: unknown;
    try {
      while (!records.done) records.next();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TillError);
    expect(err).toMatchObject({ code: 'CSV_INVALID', params: { line: 2, reason: 'rowTooLong' } });
  });
});
