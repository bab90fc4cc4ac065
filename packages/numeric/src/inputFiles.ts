/**
 * Reading (and atomically writing) the files a user names on the command line: a model
 * file (JSON) and a data file (JSON or CSV). Every problem becomes one `InputError` whose
 * message is a single line naming the file and the exact place:
 *
 *   model.json: W[2][1]: must be a finite number, got "NaN"
 *   data.csv: row 7, column "sepal_width": not a number: "abc"
 *   data.json: line 3, column 14: expected "," or "]" after an array element, got "}"
 *
 * Why so strict: a silently coerced NaN, a dropped ragged row or a misspelt optional field
 * (`"bias"` for `"b"`) would give a plausible-looking but wrong curvature bound, and the
 * user would never know. Unknown top-level fields are therefore rejected by name.
 *
 * File formats (documented for users in the CLI help):
 *   model: {"activation": "tanh", "W": [[..d..] x h], "b": [..h..], "V": [[..h..] x c], "a": [..c..]}
 *          with `b` and `a` both present or both absent (no biases); optional "source" (a string)
 *          and "about": {...} (free-form notes).
 *   data (JSON): {"X": [[..d..] x N], "y": [N integer labels]}, optional "name", "featureNames" (d),
 *          "classNames" (bounds the labels), "source" (a string), "about": {...} (free-form provenance).
 *   data (CSV): a header row, numeric feature columns and one integer column named `label`
 *          (any position). RFC 4180 quoting, LF / CRLF / CR line ends, blank lines ignored.
 *          Row numbers in messages are the file's line numbers (the header is row 1), which
 *          is what a spreadsheet or editor shows.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { z } from 'zod';
import { ACTIVATION_NAMES } from './activations.ts';
import { ShapeError, checkCompatible, createModel, modelToArrays } from './model.ts';
import type { Dataset, Model } from './types.ts';

/** Where in a file a problem is: a JSON field path, a CSV cell, or a text position. */
export type InputLocation =
  | { readonly kind: 'field'; readonly field: string }
  | { readonly kind: 'cell'; readonly row: number; readonly column?: string }
  | { readonly kind: 'position'; readonly line: number; readonly column: number; readonly offset: number };

/** `W[2][1]`, `row 7, column "x"`, `line 3, column 14`. */
export function formatLocation(location: InputLocation): string {
  switch (location.kind) {
    case 'field':
      return location.field;
    case 'cell':
      return location.column === undefined ? `row ${location.row}` : `row ${location.row}, column ${JSON.stringify(location.column)}`;
    case 'position':
      return `line ${location.line}, column ${location.column}`;
  }
}

/** A problem with a file the user named: one line, `<file>: <location>: <reason>`. */
export class InputError extends Error {
  constructor(
    /** The file as the user named it (or a label such as `<stdin>`). */
    readonly file: string,
    /** The place in the file, or null for whole-file problems (unreadable, empty). */
    readonly location: InputLocation | null,
    /** What is wrong there, without the file or location. */
    readonly reason: string,
  ) {
    super(oneLine(location === null ? `${file}: ${reason}` : `${file}: ${formatLocation(location)}: ${reason}`));
    this.name = 'InputError';
  }
}

function oneLine(text: string): string {
  return text.replace(/\r\n|\r|\n/g, ' ');
}

/** How a value looks in a message: strings quoted (and cut), so `"NaN"` differs from `NaN`. */
function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return 'an array';
  return 'an object';
}

const entries = (count: number): string => `${count} ${count === 1 ? 'entry' : 'entries'}`;

const fieldLocation = (field: string): InputLocation => ({ kind: 'field', field });

// ---------------------------------------------------------------------------------------
// Reading files

function readText(path: string): string {
  try {
    const text = readFileSync(path, 'utf8');
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch (error) {
    throw new InputError(path, null, `cannot read file: ${systemReason(error)}`);
  }
}

function systemReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EISDIR':
      return 'is a directory, not a file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOTDIR':
      return 'a parent of this path is not a directory';
    default:
      return error instanceof Error ? error.message : String(error);
  }
}

// ---------------------------------------------------------------------------------------
// JSON text: the fast built-in parser first; on failure, a small strict parser that finds
// the line and column (V8's messages carry no position for many errors and quote the whole
// file for others) and that reads the non-JSON literals NaN / Infinity / -Infinity, which
// other tools write, as numbers so that validation can name the field they sit in.

/** Parse JSON text; throws InputError with line and column. NaN/Infinity literals become numbers. */
export function parseJsonText(raw: string, file: string): unknown {
  const text = stripBom(raw);
  try {
    return JSON.parse(text);
  } catch (builtinError) {
    const parser = new LenientJsonParser(text, file);
    const value = parser.parseDocument();
    if (!parser.sawNonFinite) {
      // Our parser accepted what V8 rejected without the one extension it allows: report V8's verdict.
      const message = builtinError instanceof Error ? builtinError.message.split('\n')[0]!.slice(0, 120) : 'invalid JSON';
      throw new InputError(file, null, `invalid JSON: ${message}`);
    }
    return value;
  }
}

class LenientJsonParser {
  private i = 0;
  sawNonFinite = false;
  constructor(
    private readonly text: string,
    private readonly file: string,
  ) {}

  parseDocument(): unknown {
    this.skipSpace();
    if (this.i >= this.text.length) throw new InputError(this.file, null, 'empty file (expected a JSON object)');
    const value = this.parseValue('a value');
    this.skipSpace();
    if (this.i < this.text.length) this.fail(`unexpected ${this.here()} after the end of the JSON value`);
    return value;
  }

  private fail(reason: string, at = this.i): never {
    let line = 1;
    let lineStart = 0;
    for (let k = 0; k < at && k < this.text.length; k++) {
      const ch = this.text.charCodeAt(k);
      if (ch === 10 || (ch === 13 && this.text.charCodeAt(k + 1) !== 10)) {
        line++;
        lineStart = k + 1;
      }
    }
    throw new InputError(this.file, { kind: 'position', line, column: at - lineStart + 1, offset: at }, reason);
  }

  private here(): string {
    if (this.i >= this.text.length) return 'end of file';
    const cp = this.text.codePointAt(this.i)!;
    return cp < 0x20 ? `control character U+${cp.toString(16).padStart(4, '0').toUpperCase()}` : JSON.stringify(String.fromCodePoint(cp));
  }

  private skipSpace(): void {
    const t = this.text;
    while (this.i < t.length) {
      const ch = t.charCodeAt(this.i);
      if (ch === 32 || ch === 9 || ch === 10 || ch === 13) this.i++;
      else break;
    }
  }

  private parseValue(expected: string): unknown {
    this.skipSpace();
    const t = this.text;
    const ch = t[this.i];
    if (ch === '{') return this.parseObject();
    if (ch === '[') return this.parseArray();
    if (ch === '"') return this.parseString();
    if (ch === '-' || (ch !== undefined && ch >= '0' && ch <= '9')) {
      if (t.startsWith('-Infinity', this.i)) return this.literal('-Infinity', -Infinity);
      return this.parseNumber();
    }
    if (t.startsWith('true', this.i)) return this.literal('true', true);
    if (t.startsWith('false', this.i)) return this.literal('false', false);
    if (t.startsWith('null', this.i)) return this.literal('null', null);
    if (t.startsWith('NaN', this.i)) return this.literal('NaN', NaN);
    if (t.startsWith('Infinity', this.i)) return this.literal('Infinity', Infinity);
    return this.fail(`unexpected ${this.here()} (expected ${expected})`);
  }

  private literal(word: string, value: unknown): unknown {
    this.i += word.length;
    if (typeof value === 'number' && !Number.isFinite(value)) this.sawNonFinite = true;
    return value;
  }

  private parseNumber(): number {
    const match = /-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;
    match.lastIndex = this.i;
    const m = match.exec(this.text);
    if (!m || m[0] === '-' || m[0].length === 0) this.fail('invalid number');
    this.i += m[0].length;
    const next = this.text[this.i];
    if (next !== undefined && /[0-9.eE+\-a-zA-Z]/.test(next)) this.fail(`invalid number (unexpected ${this.here()})`);
    return Number(m[0]);
  }

  private parseString(): string {
    const t = this.text;
    const start = this.i;
    this.i++;
    let out = '';
    while (true) {
      if (this.i >= t.length) this.fail('unterminated string', start);
      const ch = t.charCodeAt(this.i);
      if (ch === 34) {
        this.i++;
        return out;
      }
      if (ch < 0x20) this.fail(`${this.here()} inside a string (escape it)`);
      if (ch === 92) {
        const esc = t[this.i + 1];
        const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        if (esc !== undefined && esc in simple) {
          out += simple[esc];
          this.i += 2;
        } else if (esc === 'u' && /^[0-9a-fA-F]{4}$/.test(t.slice(this.i + 2, this.i + 6))) {
          out += String.fromCharCode(parseInt(t.slice(this.i + 2, this.i + 6), 16));
          this.i += 6;
        } else {
          this.fail('invalid escape sequence in a string');
        }
      } else {
        out += t[this.i];
        this.i++;
      }
    }
  }

  private parseArray(): unknown[] {
    const out: unknown[] = [];
    this.i++;
    this.skipSpace();
    if (this.text[this.i] === ']') {
      this.i++;
      return out;
    }
    while (true) {
      out.push(this.parseValue('an array element'));
      this.skipSpace();
      const ch = this.text[this.i];
      if (ch === ',') {
        this.i++;
        this.skipSpace();
        if (this.text[this.i] === ']') this.fail('trailing comma before "]"');
      } else if (ch === ']') {
        this.i++;
        return out;
      } else {
        this.fail(`expected "," or "]" after an array element, got ${this.here()}`);
      }
    }
  }

  private parseObject(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    this.i++;
    this.skipSpace();
    if (this.text[this.i] === '}') {
      this.i++;
      return out;
    }
    while (true) {
      this.skipSpace();
      if (this.text[this.i] !== '"') this.fail(`expected a field name in double quotes, got ${this.here()}`);
      const key = this.parseString();
      this.skipSpace();
      if (this.text[this.i] !== ':') this.fail(`expected ":" after the field name ${JSON.stringify(key)}, got ${this.here()}`);
      this.i++;
      Object.defineProperty(out, key, { value: this.parseValue(`a value for ${JSON.stringify(key)}`), enumerable: true, writable: true, configurable: true });
      this.skipSpace();
      const ch = this.text[this.i];
      if (ch === ',') {
        this.i++;
        this.skipSpace();
        if (this.text[this.i] === '}') this.fail('trailing comma before "}"');
      } else if (ch === '}') {
        this.i++;
        return out;
      } else {
        this.fail(`expected "," or "}" after a field, got ${this.here()}`);
      }
    }
  }
}

// ---------------------------------------------------------------------------------------
// Schemas. zod checks types and names; the shape rules (ragged rows, h/c agreement) come
// after, so that each message can say which dimension a length should have matched.

const finiteNumber = z.number({
  error: (issue) => (issue.input === undefined ? 'is missing' : `must be a finite number, got ${describe(issue.input)}`),
});
const numberRow = z.array(finiteNumber, {
  error: (issue) => (issue.input === undefined ? 'is missing' : `must be an array of numbers, got ${describe(issue.input)}`),
});
const numberMatrix = z.array(numberRow, {
  error: (issue) => (issue.input === undefined ? 'is missing' : `must be an array of rows (arrays of numbers), got ${describe(issue.input)}`),
});
const aboutField = z.record(z.string(), z.unknown(), {
  error: (issue) => `must be an object (free-form notes), got ${describe(issue.input)}`,
});
const sourceField = z.string({ error: (issue) => `must be a string (where the numbers come from), got ${describe(issue.input)}` });
const stringList = z.array(z.string({ error: (issue) => `must be a string, got ${describe(issue.input)}` }), {
  error: (issue) => `must be an array of strings, got ${describe(issue.input)}`,
});

const modelFileSchema = z.strictObject({
  activation: z.string({
    error: (issue) => (issue.input === undefined ? `is missing (one of ${ACTIVATION_NAMES.join(', ')})` : `must be a string, got ${describe(issue.input)}`),
  }),
  W: numberMatrix,
  b: numberRow.nullable().optional(),
  V: numberMatrix,
  a: numberRow.nullable().optional(),
  source: sourceField.optional(),
  about: aboutField.optional(),
});

const labelValue = z
  .number({ error: (issue) => (issue.input === undefined ? 'is missing' : `must be an integer class index, got ${describe(issue.input)}`) })
  .refine((v) => Number.isInteger(v), { error: (issue) => `must be an integer class index, got ${describe(issue.input)}`, abort: true })
  .refine((v) => v >= 0, { error: (issue) => `label ${describe(issue.input)} is negative (labels are class indices 0..c-1)` });

const dataFileSchema = z.strictObject({
  X: numberMatrix,
  y: z.array(labelValue, { error: (issue) => (issue.input === undefined ? 'is missing' : `must be an array of integer class indices, got ${describe(issue.input)}`) }),
  name: z.string({ error: (issue) => `must be a string, got ${describe(issue.input)}` }).optional(),
  featureNames: stringList.optional(),
  classNames: stringList.optional(),
  source: sourceField.optional(),
  about: aboutField.optional(),
});

const MODEL_FIELDS = Object.keys(modelFileSchema.shape);
const DATA_FIELDS = Object.keys(dataFileSchema.shape);

function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : out === '' ? String(key) : `.${String(key)}`;
  return out;
}

/** Levenshtein distance, for "did you mean" on misspelt field names. */
function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

function unknownFieldReason(key: string, known: readonly string[]): string {
  const close = known.find((k) => k.toLowerCase() === key.toLowerCase()) ?? known.find((k) => editDistance(k, key) <= Math.min(2, key.length - 1));
  const hint = close === undefined ? '' : `; did you mean "${close}"?`;
  return `unknown field ${JSON.stringify(key)} (expected ${known.join(', ')})${hint}`;
}

/** Validate a parsed document against a schema; the first problem (unknown fields first) becomes an InputError. */
function validate<T>(schema: z.ZodType<T>, value: unknown, file: string, known: readonly string[]): T {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InputError(file, null, `expected a JSON object at the top level, got ${describe(value)}`);
  }
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues;
  const unknown = issues.find((issue) => issue.code === 'unrecognized_keys');
  if (unknown !== undefined && unknown.code === 'unrecognized_keys') {
    const key = unknown.keys[0]!;
    throw new InputError(file, fieldLocation(key), unknownFieldReason(key, known));
  }
  const first = issues[0]!;
  throw new InputError(file, fieldLocation(fieldPath(first.path)), first.message);
}

// ---------------------------------------------------------------------------------------
// Models

/**
 * A model from model-file JSON text. `fileLabel` names the file in messages.
 * Shapes: W is h x d (d, h >= 1), V is c x h (c >= 2), b has h and a has c entries.
 */
export function parseModelJson(text: string, fileLabel: string): Model {
  const doc = validate(modelFileSchema, parseJsonText(text, fileLabel), fileLabel, MODEL_FIELDS);
  const fail = (field: string, reason: string): never => {
    throw new InputError(fileLabel, fieldLocation(field), reason);
  };
  if (!ACTIVATION_NAMES.includes(doc.activation as never)) {
    fail('activation', `unknown activation ${describe(doc.activation)} (expected one of ${ACTIVATION_NAMES.join(', ')})`);
  }
  const h = doc.W.length;
  if (h === 0) fail('W', 'has no rows (expected h >= 1 rows of d numbers)');
  const d = doc.W[0]!.length;
  if (d === 0) fail('W[0]', 'is empty (expected d >= 1 numbers)');
  doc.W.forEach((row, i) => {
    if (row.length !== d) fail(`W[${i}]`, `has ${entries(row.length)}, expected d = ${d} (the length of W[0]): rows must not be ragged`);
  });
  const c = doc.V.length;
  if (c < 2) fail('V', `has ${c} row${c === 1 ? '' : 's'}, expected c >= 2 (one row per class)`);
  doc.V.forEach((row, k) => {
    if (row.length !== h) fail(`V[${k}]`, `has ${entries(row.length)}, expected h = ${h} (the number of rows of W)`);
  });
  const b = doc.b ?? undefined;
  const a = doc.a ?? undefined;
  if (b !== undefined && b.length !== h) fail('b', `has ${entries(b.length)}, expected h = ${h} (the number of rows of W)`);
  if (a !== undefined && a.length !== c) fail('a', `has ${entries(a.length)}, expected c = ${c} (the number of rows of V)`);
  if ((b === undefined) !== (a === undefined)) {
    fail(b === undefined ? 'b' : 'a', `is missing while ${b === undefined ? 'a' : 'b'} is given (biases are on for both layers or for neither)`);
  }
  try {
    return createModel({ activation: doc.activation, W: doc.W, b, V: doc.V, a });
  } catch (error) {
    if (error instanceof ShapeError) throw new InputError(fileLabel, fieldLocation(error.field), error.message.slice(error.field.length + 2));
    throw error;
  }
}

/** Read a model file (see the module comment for the format). Throws InputError. */
export function readModelFile(path: string): Model {
  return parseModelJson(readText(path), path);
}

/** Optional provenance written beside the weights (how the model was trained, from what). */
export interface ModelNotes {
  source?: string;
  about?: Record<string, unknown>;
}

/**
 * The model-file text of a model: one matrix row per line, numbers in shortest round-trip
 * form (so reading it back gives the identical float64 values; -0 is written as 0).
 */
export function formatModelJson(model: Model, notes: ModelNotes = {}): string {
  const arrays = modelToArrays(model);
  const row = (xs: readonly number[]) => `[${xs.map((x) => JSON.stringify(x)).join(', ')}]`;
  const matrix = (rows: readonly (readonly number[])[]) => `[\n${rows.map((r) => `    ${row(r)}`).join(',\n')}\n  ]`;
  const lines = [`  "activation": ${JSON.stringify(arrays.activation)}`, `  "W": ${matrix(arrays.W)}`];
  if (arrays.b) lines.push(`  "b": ${row(arrays.b)}`);
  lines.push(`  "V": ${matrix(arrays.V)}`);
  if (arrays.a) lines.push(`  "a": ${row(arrays.a)}`);
  if (notes.source !== undefined) lines.push(`  "source": ${JSON.stringify(notes.source)}`);
  if (notes.about !== undefined) lines.push(`  "about": ${JSON.stringify(notes.about)}`);
  return `{\n${lines.join(',\n')}\n}\n`;
}

/**
 * Write `text` to `path` atomically: into a temporary file in the same directory (same file
 * system, so the rename is atomic), flushed to disk, then renamed over the target. A crash or
 * error leaves either the old file or the new one, never a partial one. Throws InputError
 * naming the path if the directory is not writable.
 */
export function writeFileAtomic(path: string, text: string): void {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let fd: number | null = null;
  try {
    fd = openSync(temp, 'wx', 0o644);
    writeSync(fd, text);
    fsyncSync(fd);
    closeSync(fd);
    fd = null;
    renameSync(temp, path);
  } catch (error) {
    if (fd !== null) closeSync(fd);
    try {
      unlinkSync(temp);
    } catch {
      // The temporary file was never created or is already gone.
    }
    throw new InputError(path, null, `cannot write file: ${systemReason(error)}`);
  }
}

/** Write a model in the model-file shape, atomically (see `writeFileAtomic`). */
export function writeModelFile(path: string, model: Model, notes: ModelNotes = {}): void {
  writeFileAtomic(path, formatModelJson(model, notes));
}

// ---------------------------------------------------------------------------------------
// Data

/** A data set with what the file said about it (names, provenance). */
export interface DataDocument {
  readonly data: Dataset;
  readonly name?: string;
  /** d names: the JSON `featureNames`, or the CSV header minus the label column. */
  readonly featureNames?: readonly string[];
  /** The JSON `classNames`, whose length bounds the labels. */
  readonly classNames?: readonly string[];
  /** One-line provenance. */
  readonly source?: string;
  /** Free-form provenance (source, citation, licence). */
  readonly about?: Readonly<Record<string, unknown>>;
}

export type DataFormat = 'json' | 'csv';

export interface DataFileOptions {
  /** Default: by extension (.json / .csv), else by content (JSON starts with "{"). */
  format?: DataFormat;
  /** CSV only: the label column's header (default "label"). */
  labelColumn?: string;
}

/** For CSV data: the file row of each sample and the label column, so later checks can point at the cell. */
interface CsvOrigin {
  readonly rows: Int32Array;
  readonly labelColumn: string;
}
const csvOrigins = new WeakMap<Dataset, CsvOrigin>();

function sampleLabelLocation(data: Dataset, n: number): InputLocation {
  const origin = csvOrigins.get(data);
  return origin === undefined ? fieldLocation(`y[${n}]`) : { kind: 'cell', row: origin.rows[n]!, column: origin.labelColumn };
}

function buildJsonDocument(value: unknown, file: string): DataDocument {
  const doc = validate(dataFileSchema, value, file, DATA_FIELDS);
  const fail = (field: string, reason: string): never => {
    throw new InputError(file, fieldLocation(field), reason);
  };
  const samples = doc.X.length;
  if (samples === 0) fail('X', 'has no samples (N = 0)');
  const d = doc.X[0]!.length;
  if (d === 0) fail('X[0]', 'is empty (expected d >= 1 features)');
  if (doc.y.length !== samples) fail('y', `has ${doc.y.length} labels for ${samples} samples (the rows of X)`);
  if (doc.featureNames !== undefined && doc.featureNames.length !== d) {
    fail('featureNames', `has ${doc.featureNames.length} names for d = ${d} features (the length of X[0])`);
  }
  const X = new Float64Array(samples * d);
  doc.X.forEach((row, n) => {
    if (row.length !== d) fail(`X[${n}]`, `has ${entries(row.length)}, expected d = ${d} (the length of X[0]): rows must not be ragged`);
    X.set(row, n * d);
  });
  const y = Int32Array.from(doc.y);
  if (doc.classNames !== undefined) {
    const c = doc.classNames.length;
    y.forEach((label, n) => {
      if (label >= c) fail(`y[${n}]`, `label ${label} is out of range 0..${c - 1} (classNames has ${c} entries)`);
    });
  }
  const data: Dataset = { samples, features: d, X, y };
  return {
    data,
    ...(doc.name !== undefined && { name: doc.name }),
    ...(doc.featureNames !== undefined && { featureNames: doc.featureNames }),
    ...(doc.classNames !== undefined && { classNames: doc.classNames }),
    ...(doc.source !== undefined && { source: doc.source }),
    ...(doc.about !== undefined && { about: doc.about }),
  };
}

/** A data set from data-file JSON text. */
export function parseDataJson(text: string, fileLabel: string): Dataset {
  return buildJsonDocument(parseJsonText(text, fileLabel), fileLabel).data;
}

interface CsvRecord {
  readonly fields: string[];
  /** 1-based line on which the record starts. */
  readonly line: number;
}

/** RFC 4180 records; quoted fields may hold commas, quotes ("") and line breaks. Blank lines are dropped. */
function csvRecords(text: string, file: string): CsvRecord[] {
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

const CSV_NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function buildCsvDocument(text: string, file: string, labelColumn: string): DataDocument {
  const records = csvRecords(text, file);
  if (records.length === 0) throw new InputError(file, null, `empty file (expected a header row with a "${labelColumn}" column, then one row per sample)`);
  const header = records[0]!;
  const names = header.fields.map((name) => name.trim());
  const headerCell: InputLocation = { kind: 'cell', row: header.line };
  if (names.every((name) => CSV_NUMBER.test(name))) {
    throw new InputError(file, headerCell, `no header row: the first row is all numbers (expected column names, one of them "${labelColumn}")`);
  }
  const labelIndex = names.indexOf(labelColumn);
  if (labelIndex < 0) {
    const near = names.find((name) => name.toLowerCase() === labelColumn.toLowerCase());
    const separator = names.length === 1 && /[;\t]/.test(names[0]!) ? '; only comma-separated files are supported' : '';
    const hint = near !== undefined ? `; did you mean "${near}"?` : separator;
    throw new InputError(file, headerCell, `no "${labelColumn}" column in the header (columns: ${names.map((s) => JSON.stringify(s)).join(', ')})${hint}`);
  }
  names.forEach((name, k) => {
    if (name === '') throw new InputError(file, headerCell, `column ${k + 1} has an empty name`);
    const first = names.indexOf(name);
    if (first !== k) throw new InputError(file, headerCell, `column name ${JSON.stringify(name)} appears twice (columns ${first + 1} and ${k + 1})`);
  });
  if (names.length < 2) throw new InputError(file, headerCell, `no feature columns (only "${labelColumn}")`);
  const rows = records.slice(1);
  if (rows.length === 0) throw new InputError(file, null, 'no data rows after the header (N = 0)');
  const d = names.length - 1;
  const X = new Float64Array(rows.length * d);
  const y = new Int32Array(rows.length);
  const lines = new Int32Array(rows.length);
  rows.forEach((record, n) => {
    const row = record.line;
    if (record.fields.length !== names.length) {
      throw new InputError(file, { kind: 'cell', row }, `has ${record.fields.length} field${record.fields.length === 1 ? '' : 's'}, expected ${names.length} (as in the header)`);
    }
    let j = 0;
    record.fields.forEach((raw, k) => {
      const token = raw.trim();
      const cell: InputLocation = { kind: 'cell', row, column: names[k]! };
      if (token === '') throw new InputError(file, cell, k === labelIndex ? 'empty label' : 'empty field (missing values are not supported)');
      if (!CSV_NUMBER.test(token)) {
        const nonFinite = /^[+-]?(nan|inf|infinity)$/i.test(token);
        const what = k === labelIndex ? 'not an integer class index' : nonFinite ? 'not a finite number' : 'not a number';
        throw new InputError(file, cell, `${what}: ${describe(token)}`);
      }
      const value = Number(token);
      if (!Number.isFinite(value)) throw new InputError(file, cell, `not a finite number: ${describe(token)} (overflows float64)`);
      if (k === labelIndex) {
        if (!Number.isInteger(value)) throw new InputError(file, cell, `not an integer class index: ${describe(token)}`);
        if (value < 0) throw new InputError(file, cell, `label ${value} is negative (labels are class indices 0..c-1)`);
        if (value > 0x7fffffff) throw new InputError(file, cell, `label ${value} is too large`);
        y[n] = value;
      } else {
        X[n * d + j++] = value;
      }
    });
    lines[n] = row;
  });
  const data: Dataset = { samples: rows.length, features: d, X, y };
  csvOrigins.set(data, { rows: lines, labelColumn });
  return { data, featureNames: names.filter((_, k) => k !== labelIndex) };
}

/** A data set from CSV text: header row, numeric features, an integer `label` column anywhere. */
export function parseDataCsv(text: string, fileLabel: string, opts: Pick<DataFileOptions, 'labelColumn'> = {}): Dataset {
  return buildCsvDocument(stripBom(text), fileLabel, opts.labelColumn ?? 'label').data;
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function detectFormat(text: string, fileLabel: string, format: DataFormat | undefined): DataFormat {
  if (format !== undefined) return format;
  const extension = extname(fileLabel).toLowerCase();
  if (extension === '.json') return 'json';
  if (extension === '.csv') return 'csv';
  return /^\s*[{[]/.test(text) ? 'json' : 'csv';
}

/** A data document (data plus names and provenance) from JSON or CSV text. */
export function parseDataText(text: string, fileLabel: string, opts: DataFileOptions = {}): DataDocument {
  const clean = stripBom(text);
  return detectFormat(clean, fileLabel, opts.format) === 'json' ? buildJsonDocument(parseJsonText(clean, fileLabel), fileLabel) : buildCsvDocument(clean, fileLabel, opts.labelColumn ?? 'label');
}

/** Read a data file with its names and provenance. Throws InputError. */
export function readDataDocument(path: string, opts: DataFileOptions = {}): DataDocument {
  return parseDataText(readText(path), path, opts);
}

/** Read a data file (JSON or CSV, see the module comment). Throws InputError. */
export function readDataFile(path: string, opts: DataFileOptions = {}): Dataset {
  return readDataDocument(path, opts).data;
}

/**
 * `checkCompatible` with its ShapeError turned into an InputError naming the data file (the
 * data is what disagrees with the model): feature count vs the model's d, labels vs its c.
 * For CSV data the label problem points at the file row and the label column.
 */
export function checkModelData(model: Model, modelPath: string, data: Dataset, dataPath: string): void {
  try {
    checkCompatible(model, data);
  } catch (error) {
    if (!(error instanceof ShapeError)) throw error;
    const sample = /^y\[(\d+)\]$/.exec(error.field);
    if (sample !== null) {
      const n = Number(sample[1]);
      throw new InputError(dataPath, sampleLabelLocation(data, n), `label ${data.y[n]} is out of range 0..${model.classes - 1} (${modelPath} has c = ${model.classes} classes)`);
    }
    if (error.field === 'X') {
      throw new InputError(dataPath, null, `has ${data.features} features per sample, but ${modelPath} expects d = ${model.inputDim} (the number of columns of W)`);
    }
    throw new InputError(dataPath, fieldLocation(error.field), error.message.slice(error.field.length + 2));
  }
}
