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
import { type Dataset, type Model, type RangeProblem, MAX_ROW_NORM, ShapeError, checkCompatible, findInputRangeProblem, findOutputOverflow, findRangeProblem } from '@hsr/numeric';
import { CSV_NUMBER, forEachCsvRecord } from './csv.ts';
import { InputError, type InputLocation, describeValue as describe, entries, fieldLocation } from './errors.ts';
import { parseJsonText } from './json.ts';
import { DATA_FIELDS, dataFileSchema, labelProblem, validate } from './schemas.ts';
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

/** For CSV data: the file row of each sample, the header and the label column, so later checks can point at the cell. */
interface CsvOrigin {
  readonly rows: Int32Array;
  readonly headerRow: number;
  readonly featureNames: readonly string[];
  readonly labelColumn: string;
}
const csvOrigins = new WeakMap<Dataset, CsvOrigin>();

function sampleLabelLocation(data: Dataset, n: number): InputLocation {
  const origin = csvOrigins.get(data);
  return origin === undefined ? fieldLocation(`y[${n}]`) : { kind: 'cell', row: origin.rows[n]!, column: origin.labelColumn };
}

/** Sample n (and feature j, if given) as the file shows it: `X[n][j]`, or the CSV row and column. */
function sampleLocation(data: Dataset, n: number, j: number | null): InputLocation {
  const origin = csvOrigins.get(data);
  if (origin === undefined) return fieldLocation(j === null ? `X[${n}]` : `X[${n}][${j}]`);
  return j === null ? { kind: 'cell', row: origin.rows[n]! } : { kind: 'cell', row: origin.rows[n]!, column: origin.featureNames[j]! };
}

/** "row 7" or "X[6]": a sample named the way the data file shows it, for messages about another file. */
function sampleName(data: Dataset, dataPath: string, n: number): string {
  const origin = csvOrigins.get(data);
  return origin === undefined ? `${dataPath} X[${n}]` : `${dataPath} row ${origin.rows[n]!}`;
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
  // Each label was checked as a number (labelProblem: an integer in 0..MAX_LABEL) before it
  // is stored, so the Int32Array holds exactly the file's values.
  const y = new Int32Array(samples);
  const c = doc.classNames?.length;
  doc.y.forEach((label, n) => {
    const problem = labelProblem(label);
    if (problem !== null) fail(`y[${n}]`, problem);
    if (c !== undefined && label >= c) fail(`y[${n}]`, `label ${label} is out of range 0..${c - 1} (classNames has ${c} entries)`);
    y[n] = label;
  });
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

/** A Float64Array that doubles as it fills, for a CSV read one row at a time. */
class GrowingArray {
  data = new Float64Array(1024);
  length = 0;
  push(x: number): void {
    if (this.length === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = x;
  }
}

function buildCsvDocument(text: string, file: string, labelColumn: string): DataDocument {
  let names: string[] | null = null;
  let headerRow = 1;
  let labelIndex = -1;
  const X = new GrowingArray();
  const y = new GrowingArray();
  const lines = new GrowingArray();
  forEachCsvRecord(text, file, (record) => {
    if (names === null) {
      names = readCsvHeader(record, file, labelColumn);
      headerRow = record.line;
      labelIndex = names.indexOf(labelColumn);
      return;
    }
    const row = record.line;
    if (record.fields.length !== names.length) {
      throw new InputError(file, { kind: 'cell', row }, `has ${record.fields.length} field${record.fields.length === 1 ? '' : 's'}, expected ${names.length} (as in the header)`);
    }
    record.fields.forEach((raw, k) => {
      const token = raw.trim();
      const cell: InputLocation = { kind: 'cell', row, column: names![k]! };
      if (token === '') throw new InputError(file, cell, k === labelIndex ? 'empty label' : 'empty field (missing values are not supported)');
      if (!CSV_NUMBER.test(token)) {
        const nonFinite = /^[+-]?(nan|inf|infinity)$/i.test(token);
        const what = k === labelIndex ? 'not an integer class index' : nonFinite ? 'not a finite number' : 'not a number';
        throw new InputError(file, cell, `${what}: ${describe(token)}`);
      }
      const value = Number(token);
      if (!Number.isFinite(value)) throw new InputError(file, cell, `not a finite number: ${describe(token)} (overflows float64)`);
      if (k === labelIndex) {
        const problem = labelProblem(value);
        if (problem !== null) throw new InputError(file, cell, problem.startsWith('must be') ? `not an integer class index: ${describe(token)}` : problem);
        y.push(value);
      } else {
        X.push(value);
      }
    });
    lines.push(row);
  });
  if (names === null) throw new InputError(file, null, `empty file (expected a header row with a "${labelColumn}" column, then one row per sample)`);
  const featureNames = (names as string[]).filter((_, k) => k !== labelIndex);
  const samples = y.length;
  if (samples === 0) throw new InputError(file, null, 'no data rows after the header (N = 0)');
  // Labels (checked by labelProblem) and line numbers are exact small integers here.
  const labels = new Int32Array(samples);
  const rows = new Int32Array(samples);
  for (let n = 0; n < samples; n++) {
    labels[n] = y.data[n]!;
    rows[n] = lines.data[n]!;
  }
  const data: Dataset = { samples, features: featureNames.length, X: X.data.slice(0, X.length), y: labels };
  csvOrigins.set(data, { rows, headerRow, featureNames, labelColumn });
  return { data, featureNames };
}

/** The header's column names, checked: not all numbers, a label column, no empty or repeated name, a feature. */
function readCsvHeader(header: { fields: string[]; line: number }, file: string, labelColumn: string): string[] {
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
  return names;
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
 * For CSV data the label problem points at the file row and the label column. Then the range
 * check (numeric's inputRange.ts): an input, pre-activation, hidden activation or logit the
 * closed forms cannot square in float64 is refused naming the file, the field and the sample.
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
      const expects = `${modelPath} expects d = ${model.inputDim} (the number of columns of W)`;
      const origin = csvOrigins.get(data);
      if (origin !== undefined) {
        throw new InputError(
          dataPath,
          { kind: 'cell', row: origin.headerRow },
          `has ${data.features} feature column${data.features === 1 ? '' : 's'} (${origin.featureNames.map((name) => JSON.stringify(name)).join(', ')}), but ${expects}`,
        );
      }
      throw new InputError(dataPath, fieldLocation('X[0]'), `has ${data.features} feature${data.features === 1 ? '' : 's'} per sample, but ${expects}`);
    }
    throw new InputError(dataPath, fieldLocation(error.field), error.message.slice(error.field.length + 2));
  }
  const problem = findRangeProblem(model, data);
  if (problem !== null) throw rangeError(problem, data, dataPath, modelPath);
}

/** The inputs alone (before a model exists, as `hsr train` loads them): rows the closed forms cannot square. */
export function checkDataRange(data: Dataset, dataPath: string, bias: boolean): void {
  const problem = findInputRangeProblem(data, bias);
  if (problem !== null) throw rangeError(problem, data, dataPath, null);
}

const LIMIT = MAX_ROW_NORM.toPrecision(3);

function rangeError(problem: RangeProblem, data: Dataset, dataPath: string, modelPath: string | null): InputError {
  const at = sampleName(data, dataPath, problem.sample);
  const size = problem.magnitude.toPrecision(3);
  switch (problem.kind) {
    case 'input':
      return new InputError(
        dataPath,
        sampleLocation(data, problem.sample, problem.index),
        `the sample's norm |(x, 1)| = ${size} is out of range: tr H^2 is quartic in the inputs, so it must be below ${LIMIT} in float64 (rescale or standardise the features)`,
      );
    case 'pre-activation':
      return new InputError(modelPath!, fieldLocation(`W[${problem.index}]`), `the pre-activation of hidden unit ${problem.index} overflows float64 on ${at} (|W x + b| > 1.8e308)`);
    case 'hidden':
      return new InputError(modelPath!, fieldLocation(`W[${problem.index}]`), `the hidden activations on ${at} have norm ${size}, out of range: tr H^2 is quartic in them, so it must be below ${LIMIT} in float64`);
    case 'logit':
      return new InputError(modelPath!, fieldLocation(`V[${problem.index}]`), `the logit of class ${problem.index} overflows float64 on ${at} (|V z + a| > 1.8e308)`);
  }
}

/**
 * The last guard before a result is printed: if any output is not finite (a T2 or gradient
 * genuinely beyond float64, since checkModelData has refused every input the closed forms
 * cannot square), an InputError naming the largest input, which is what to scale down, and the
 * quantity that overflowed. Never a NaN or null with exit 0.
 */
export function checkOutputsFinite(outputs: Readonly<Record<string, number | ArrayLike<number>>>, model: Model, modelPath: string, data: Dataset, dataPath: string): void {
  const overflow = findOutputOverflow(outputs);
  if (overflow === null) return;
  let best = { magnitude: -1, file: dataPath, location: fieldLocation('X') as InputLocation };
  const consider = (magnitude: number, file: string, location: () => InputLocation) => {
    if (magnitude > best.magnitude) best = { magnitude, file, location: location() };
  };
  const d = data.features;
  for (let i = 0; i < data.X.length; i++) consider(Math.abs(data.X[i]!), dataPath, () => sampleLocation(data, Math.floor(i / d), i % d));
  const parts: [string, Float64Array | null, number][] = [
    ['W', model.W, model.inputDim],
    ['b', model.b, 0],
    ['V', model.V, model.hiddenDim],
    ['a', model.a, 0],
  ];
  for (const [name, values, cols] of parts) {
    if (values === null) continue;
    for (let i = 0; i < values.length; i++) consider(Math.abs(values[i]!), modelPath, () => fieldLocation(cols === 0 ? `${name}[${i}]` : `${name}[${Math.floor(i / cols)}][${i % cols}]`));
  }
  throw new InputError(best.file, best.location, `${overflow} overflows float64 (beyond 1.8e308) for this model and data; the largest input is ${best.magnitude.toPrecision(3)} here: scale it down`);
}
