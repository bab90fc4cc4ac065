/**
 * RFC 4180 records: quoted fields may hold commas, quotes ("") and line breaks; LF, CRLF and
 * CR line ends; blank lines are dropped. Each record keeps the line it starts on, so a later
 * check can name the row a spreadsheet or editor shows.
 *
 * Records are handed to a callback one at a time and unquoted fields are slices of the text,
 * so memory stays at the size of the text plus one record (a 200 MB file must not become
 * gigabytes of per-character strings). A NUL byte anywhere refuses the file before parsing, and
 * a field longer than MAX_CSV_FIELD_LENGTH stops the parse at once: that is binary data or a
 * file without separators, not a table.
 */
import { InputError } from './errors.ts';

export interface CsvRecord {
  readonly fields: string[];
  /** 1-based line on which the record starts. */
  readonly line: number;
}

/**
 * Longest field accepted: 1,024 characters. A float64 needs at most 24 characters to round-trip
 * and column names are words; a longer field means the file is not comma-separated text.
 */
export const MAX_CSV_FIELD_LENGTH = 1024;

const tooLong = (file: string, row: number, column: number): InputError =>
  new InputError(file, { kind: 'cell', row }, `field ${column} is longer than ${MAX_CSV_FIELD_LENGTH} characters (is this a comma-separated text file?)`);

/** The 1-based line and column of a character offset. */
function positionOf(text: string, at: number): { kind: 'position'; line: number; column: number; offset: number } {
  let line = 1;
  let lineStart = 0;
  for (let k = 0; k < at; k++) {
    const ch = text.charCodeAt(k);
    if (ch === 10 || (ch === 13 && text.charCodeAt(k + 1) !== 10)) {
      line++;
      lineStart = k + 1;
    }
  }
  return { kind: 'position', line, column: at - lineStart + 1, offset: at };
}

/**
 * Call `onRecord` for each record, in order; `onRecord` may throw to stop. Throws InputError
 * (naming the row) for an unterminated quote, a stray quote, a NUL byte or an overlong field.
 */
export function forEachCsvRecord(text: string, file: string, onRecord: (record: CsvRecord) => void): void {
  const nul = text.indexOf('\0');
  if (nul >= 0) throw new InputError(file, positionOf(text, nul), 'a NUL byte: this is binary data, not a comma-separated text file');
  const n = text.length;
  let fields: string[] = [];
  let line = 1;
  let recordLine = 1;
  let quotedRecord = false;
  let i = 0;
  while (i < n) {
    // Leading spaces before an opening quote are tolerated.
    let j = i;
    while (j < n && (text[j] === ' ' || text[j] === '\t')) j++;
    if (text[j] === '"') {
      const openLine = line;
      quotedRecord = true;
      let field = '';
      j++;
      while (true) {
        const close = text.indexOf('"', j);
        if (close < 0) throw new InputError(file, { kind: 'cell', row: openLine }, 'unterminated quoted field (a " is never closed)');
        for (let k = j; k < close; k++) {
          const q = text.charCodeAt(k);
          if (q === 10 || (q === 13 && text.charCodeAt(k + 1) !== 10)) line++;
        }
        field += text.slice(j, close);
        if (field.length > MAX_CSV_FIELD_LENGTH) throw tooLong(file, openLine, fields.length + 1);
        if (text[close + 1] === '"') {
          field += '"';
          j = close + 2;
          continue;
        }
        j = close + 1;
        break;
      }
      while (text[j] === ' ' || text[j] === '\t') j++;
      const after = text[j];
      if (after !== undefined && after !== ',' && after !== '\n' && after !== '\r') {
        throw new InputError(file, { kind: 'cell', row: line }, `unexpected ${JSON.stringify(after)} after a closing quote (expected "," or the end of the row)`);
      }
      fields.push(field);
      i = j;
    } else {
      // An unquoted field runs to the next comma or line end.
      let k = i;
      while (k < n) {
        const ch = text.charCodeAt(k);
        if (ch === 44 || ch === 10 || ch === 13) break;
        if (ch === 34) throw new InputError(file, { kind: 'cell', row: line }, 'a " inside an unquoted field (quote the whole field and double the inner quotes)');
        if (++k - i > MAX_CSV_FIELD_LENGTH) throw tooLong(file, line, fields.length + 1);
      }
      fields.push(text.slice(i, k));
      i = k;
    }
    if (i >= n) break;
    if (text.charCodeAt(i) === 44) {
      i++;
      if (i >= n) fields.push('');
      continue;
    }
    // A line end closes the record; a blank line is dropped.
    if (quotedRecord || fields.length > 1 || fields[0]!.trim() !== '') onRecord({ fields, line: recordLine });
    fields = [];
    quotedRecord = false;
    i += text.charCodeAt(i) === 13 && text.charCodeAt(i + 1) === 10 ? 2 : 1;
    line++;
    recordLine = line;
  }
  if (fields.length > 0 && (quotedRecord || fields.length > 1 || fields[0]!.trim() !== '')) onRecord({ fields, line: recordLine });
}

/** Every record at once (small files and tests); see forEachCsvRecord. */
export function csvRecords(text: string, file: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  forEachCsvRecord(text, file, (record) => records.push(record));
  return records;
}

/** A numeric CSV cell: optional sign, digits with an optional point, optional exponent. */
export const CSV_NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
