/**
 * The model file: {"activation": "tanh", "W": [[..d..] x h], "b": [..h..], "V": [[..h..] x c],
 * "a": [..c..]} with `b` and `a` both present or both absent (no biases); optional "loss"
 * (cross-entropy, mse, label-smoothing or binary-cross-entropy; absent: cross-entropy) and
 * "labelSmoothing" (eps in (0, 1)), "source" (a string) and "about": {...} (free-form notes). Read strictly (errors.ts), written in
 * shortest round-trip form and atomically.
 */
import { type Loss, type Model, ShapeError, createModel, modelToArrays, ACTIVATION_NAMES, LOSS_NAMES, isLabelSmoothing, isLoss } from '@hsr/numeric';
import { writeFileAtomic } from './atomicWrite.ts';
import { InputError, describeValue as describe, entries, fieldLocation } from './errors.ts';
import { parseJsonText } from './json.ts';
import { MODEL_FIELDS, modelFileSchema, validate } from './schemas.ts';
import { readText } from './textFile.ts';

/**
 * The "loss" and "labelSmoothing" fields of a model file of either shape, checked against the
 * loss table: an unknown loss or an eps outside (0, 1) is an InputError at its field.
 */
export function lossFieldsOf(doc: { loss?: string | undefined; labelSmoothing?: number | undefined }, fileLabel: string): { loss: Loss | undefined; labelSmoothing: number | undefined } {
  if (doc.loss !== undefined && !isLoss(doc.loss)) throw new InputError(fileLabel, fieldLocation('loss'), `unknown loss ${describe(doc.loss)} (expected one of ${LOSS_NAMES.join(', ')})`);
  if (doc.labelSmoothing !== undefined && !isLabelSmoothing(doc.labelSmoothing)) throw new InputError(fileLabel, fieldLocation('labelSmoothing'), `must be in (0, 1), got ${describe(doc.labelSmoothing)}`);
  return { loss: doc.loss as Loss | undefined, labelSmoothing: doc.labelSmoothing };
}

/** The "loss" and "labelSmoothing" lines of a model file (written when the model names them). */
export function lossFieldLines(arrays: { loss?: string | undefined; labelSmoothing?: number | undefined }): string[] {
  const lines: string[] = [];
  // A model trained with another loss says so, so that hsr bound measures the same objective.
  if (arrays.loss !== undefined) lines.push(`  "loss": ${JSON.stringify(arrays.loss)}`);
  if (arrays.labelSmoothing !== undefined) lines.push(`  "labelSmoothing": ${JSON.stringify(arrays.labelSmoothing)}`);
  return lines;
}

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
  const { loss, labelSmoothing } = lossFieldsOf(doc, fileLabel);
  try {
    return createModel({ activation: doc.activation, loss, labelSmoothing, W: doc.W, b, V: doc.V, a });
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
  const lines = [`  "activation": ${JSON.stringify(arrays.activation)}`, ...lossFieldLines(arrays)];
  lines.push(`  "W": ${matrix(arrays.W)}`);
  if (arrays.b) lines.push(`  "b": ${row(arrays.b)}`);
  lines.push(`  "V": ${matrix(arrays.V)}`);
  if (arrays.a) lines.push(`  "a": ${row(arrays.a)}`);
  if (notes.source !== undefined) lines.push(`  "source": ${JSON.stringify(notes.source)}`);
  if (notes.about !== undefined) lines.push(`  "about": ${JSON.stringify(notes.about)}`);
  return `{\n${lines.join(',\n')}\n}\n`;
}

/** Write a model in the model-file shape, atomically (see `writeFileAtomic`). */
export function writeModelFile(path: string, model: Model, notes: ModelNotes = {}): void {
  writeFileAtomic(path, formatModelJson(model, notes));
}
