/**
 * Schemas. zod checks types and names; the shape rules (ragged rows, h/c agreement) come
 * after, so that each message can say which dimension a length should have matched.
 * Unknown top-level fields are rejected by name (with a "did you mean" for a near miss):
 * a misspelt optional field (`"bias"` for `"b"`) would otherwise be ignored silently.
 */
import { z } from 'zod';
import { ACTIVATION_NAMES, LOSS_NAMES } from '@hsr/numeric';
import { InputError, describeValue as describe, fieldLocation } from './errors.ts';

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

/** "loss" and "labelSmoothing", in both model-file shapes (checked against the loss table by lossFieldsOf). */
const lossField = z.string({ error: (issue) => `must be a string (one of ${LOSS_NAMES.join(', ')}), got ${describe(issue.input)}` });

export const modelFileSchema = z.strictObject({
  activation: z.string({
    error: (issue) => (issue.input === undefined ? `is missing (one of ${ACTIVATION_NAMES.join(', ')})` : `must be a string, got ${describe(issue.input)}`),
  }),
  W: numberMatrix,
  b: numberRow.nullable().optional(),
  V: numberMatrix,
  a: numberRow.nullable().optional(),
  loss: lossField.optional(),
  labelSmoothing: finiteNumber.optional(),
  source: sourceField.optional(),
  about: aboutField.optional(),
});

/**
 * Largest class index a data file may hold: 65,535 (c <= 65,536 classes). Checked exactly, as a
 * number, before any integer array holds it: an Int32Array would turn 2^32 into class 0 and
 * 2^31 into -2^31. Every sample carries a c x c softmax covariance, so a c past this is no
 * three-layer classifier this toolkit can evaluate, only a typo or a corrupt column.
 */
export const MAX_LABEL = 65_535;

/** Why a number is not a class index, or null when it is one. */
export function labelProblem(value: number): string | null {
  if (!Number.isInteger(value)) return `must be an integer class index, got ${describe(value)}`;
  if (value < 0) return `label ${describe(value)} is negative (labels are class indices 0..c-1)`;
  if (value > MAX_LABEL) return `label ${describe(value)} is too large (class indices go up to ${MAX_LABEL})`;
  return null;
}

const labelValue = z.number({ error: (issue) => (issue.input === undefined ? 'is missing' : `must be an integer class index, got ${describe(issue.input)}`) }).superRefine((v, ctx) => {
  const problem = labelProblem(v);
  if (problem !== null) ctx.addIssue({ code: 'custom', message: problem, input: v });
});

export const dataFileSchema = z.strictObject({
  X: numberMatrix,
  y: z.array(labelValue, { error: (issue) => (issue.input === undefined ? 'is missing' : `must be an array of integer class indices, got ${describe(issue.input)}`) }),
  name: z.string({ error: (issue) => `must be a string, got ${describe(issue.input)}` }).optional(),
  featureNames: stringList.optional(),
  classNames: stringList.optional(),
  source: sourceField.optional(),
  about: aboutField.optional(),
});

export const MODEL_FIELDS = Object.keys(modelFileSchema.shape);
export const DATA_FIELDS = Object.keys(dataFileSchema.shape);

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
export function validate<T>(schema: z.ZodType<T>, value: unknown, file: string, known: readonly string[]): T {
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

/** One layer of a layered model file: its weight matrix and, with biases, its bias vector. */
export const layerSchema = z.strictObject({
  W: numberMatrix,
  b: numberRow.nullable().optional(),
});

/** The layered model file: `{"activation", "activations"?, "loss"?, "labelSmoothing"?, "layers": [{"W", "b"?}, ...]}`. */
export const layeredModelFileSchema = z.strictObject({
  activation: z.string({
    error: (issue) => (issue.input === undefined ? `is missing (one of ${ACTIVATION_NAMES.join(', ')})` : `must be a string, got ${describe(issue.input)}`),
  }),
  activations: stringList.optional(),
  loss: lossField.optional(),
  labelSmoothing: finiteNumber.optional(),
  layers: z.array(layerSchema, { error: (issue) => (issue.input === undefined ? 'is missing' : `must be an array of layers ({"W": [[...]], "b": [...]}), got ${describe(issue.input)}`) }),
  source: sourceField.optional(),
  about: aboutField.optional(),
});

export const LAYERED_MODEL_FIELDS = Object.keys(layeredModelFileSchema.shape);
export const LAYER_FIELDS = Object.keys(layerSchema.shape);
