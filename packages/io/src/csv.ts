/**
 * RFC 4180 records: quoted fields may hold commas, quotes ("") and line breaks; LF, CRLF and
 * CR line ends; blank lines are dropped. Each record keeps the line it starts on, so a later
 * check can name the row a spreadsheet or editor shows.
 */
import { InputError } from './errors.ts';

export interface CsvRecord {
  readonly fields: string[];
  /** 1-based line on which the record starts. */
  readonly line: number;
}

/** RFC 4180 records; quoted fields may hold commas, quotes ("") and line breaks. Blank lines are dropped. */
export function csvRecords(text: string, file: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let recordLine = 1;
  let quotedRecord = false;
  let i = 0;
  const n = text.length;
  const endRecord = () => {
    fields.push(field);
    const blank = !quotedRecord && fields.length === 1 && fields[0]!.trim() === '';
    if (!blank) records.push({ fields, line: recordLine });
    fields = [];
    field = '';
    quotedRecord = false;
  };
  while (i < n) {
    const ch = text[i]!;
    if (ch === '"' && field.trim() === '') {
      // A quoted field (leading spaces before the quote are tolerated).
      const openLine = line;
      quotedRecord = true;
      field = '';
      i++;
      while (true) {
        if (i >= n) throw new InputError(file, { kind: 'cell', row: openLine }, 'unterminated quoted field (a " is never closed)');
        const q = text[i]!;
        if (q === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (q === '\n' || (q === '\r' && text[i + 1] !== '\n')) line++;
        field += q;
        i++;
      }
      while (text[i] === ' ' || text[i] === '\t') i++;
      const after = text[i];
      if (after !== undefined && after !== ',' && after !== '\n' && after !== '\r') {
        throw new InputError(file, { kind: 'cell', row: line }, `unexpected ${JSON.stringify(after)} after a closing quote (expected "," or the end of the row)`);
      }
      continue;
    }
    if (ch === ',') {
      fields.push(field);
      field = '';
      i++;
    } else if (ch === '\n' || ch === '\r') {
      endRecord();
      i += ch === '\r' && text[i + 1] === '\n' ? 2 : 1;
      line++;
      recordLine = line;
    } else if (ch === '"') {
      throw new InputError(file, { kind: 'cell', row: line }, 'a " inside an unquoted field (quote the whole field and double the inner quotes)');
    } else {
      field += ch;
      i++;
    }
  }
  if (field !== '' || fields.length > 0 || quotedRecord) endRecord();
  return records;
}

/** A numeric CSV cell: optional sign, digits with an optional point, optional exponent. */
export const CSV_NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
