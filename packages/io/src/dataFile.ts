/**
 * The data file, JSON or CSV:
 *   JSON: {"X": [[..d..] x N], "y": [N integer labels]}, optional "name", "featureNames" (d),
 *         "classNames" (bounds the labels), "source" (a string), "about": {...} (free-form provenance).
 *   CSV:  a header row, numeric feature columns and one integer column named `label` (any
 *         position), read by csv.ts. Row numbers in messages are the file's line numbers (the
 *         header is row 1), which is what a spreadsheet or editor shows.
 * Why so strict: a silently coerced NaN or a dropped ragged row would give a plausible-looking
 * but wrong curvature bound, and the user would never know.
 */
import { extname } from 'node:path';
import { type Dataset, type Model, ShapeError, checkCompatible } from '@hsr/numeric';
import { csvRecords, CSV_NUMBER } from './csv.ts';
import { InputError, type InputLocation, describeValue as describe, entries, fieldLocation } from './errors.ts';
import { parseJsonText } from './json.ts';
import { DATA_FIELDS, dataFileSchema, validate } from './schemas.ts';
import { readText, stripBom } from './textFile.ts';

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
