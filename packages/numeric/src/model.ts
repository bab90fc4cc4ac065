/**
 * Building models and data sets from plain arrays (as in the JSON files), initialising
 * models from a seed, and writing a model back out in the model-file shape.
 * These constructors check shapes and finiteness and throw `ShapeError` naming the field;
 * the file readers of @hsr/io turn those into one-line messages naming the file.
 */
import { isActivation } from './activations.ts';
import { LOSS_NAMES, isLabelSmoothing, isLoss } from './losses.ts';
import { createRng } from './random.ts';
import { lossFields, type Activation, type Dataset, type Loss, type Model } from './types.ts';

/** A shape or value problem in one named field (`W[2][1]`, `y[7]`, ...). */
export class ShapeError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = 'ShapeError';
  }
}

export interface ModelArrays {
  activation: string;
  /** The loss (losses.ts); absent: cross-entropy. */
  loss?: string | undefined;
  /** eps of label-smoothing, in (0, 1). */
  labelSmoothing?: number | undefined;
  W: number[][];
  b?: number[] | undefined;
  V: number[][];
  a?: number[] | undefined;
}

function flattenMatrix(field: string, rows: number[][], cols: number | null): { data: Float64Array; cols: number } {
  if (!Array.isArray(rows) || rows.length === 0) throw new ShapeError(field, 'must be a non-empty array of rows');
  const width = cols ?? (Array.isArray(rows[0]) ? rows[0].length : 0);
  if (width === 0) throw new ShapeError(`${field}[0]`, 'must be a non-empty array of numbers');
  const data = new Float64Array(rows.length * width);
  rows.forEach((row, i) => {
    if (!Array.isArray(row)) throw new ShapeError(`${field}[${i}]`, 'must be an array of numbers');
    if (row.length !== width) throw new ShapeError(`${field}[${i}]`, `has ${row.length} entries, expected ${width}`);
    row.forEach((x, j) => {
      if (typeof x !== 'number' || !Number.isFinite(x)) throw new ShapeError(`${field}[${i}][${j}]`, `must be a finite number, got ${String(x)}`);
      data[i * width + j] = x;
    });
  });
  return { data, cols: width };
}

function flattenVector(field: string, xs: number[], length: number): Float64Array {
  if (!Array.isArray(xs)) throw new ShapeError(field, 'must be an array of numbers');
  if (xs.length !== length) throw new ShapeError(field, `has ${xs.length} entries, expected ${length}`);
  const out = new Float64Array(length);
  xs.forEach((x, i) => {
    if (typeof x !== 'number' || !Number.isFinite(x)) throw new ShapeError(`${field}[${i}]`, `must be a finite number, got ${String(x)}`);
    out[i] = x;
  });
  return out;
}

/** A model from nested arrays: W is h x d, V is c x h, b (h) and a (c) both or neither. */
export function createModel(arrays: ModelArrays): Model {
  if (!isActivation(arrays.activation)) {
    throw new ShapeError('activation', `unknown activation "${String(arrays.activation)}" (expected sigmoid, tanh, softplus, silu or gelu)`);
  }
  const W = flattenMatrix('W', arrays.W, null);
  const h = arrays.W.length;
  const V = flattenMatrix('V', arrays.V, h);
  const c = arrays.V.length;
  if (c < 2) throw new ShapeError('V', `has ${c} row, expected at least 2 classes`);
  const hasB = arrays.b !== undefined && arrays.b !== null;
  const hasA = arrays.a !== undefined && arrays.a !== null;
  if (hasB !== hasA) throw new ShapeError(hasB ? 'a' : 'b', 'biases must be given for both layers (b and a) or for neither');
  if (arrays.loss !== undefined && !isLoss(arrays.loss)) throw new ShapeError('loss', `unknown loss "${String(arrays.loss)}" (expected ${LOSS_NAMES.join(', ')})`);
  if (arrays.labelSmoothing !== undefined && !(typeof arrays.labelSmoothing === 'number' && isLabelSmoothing(arrays.labelSmoothing))) {
    throw new ShapeError('labelSmoothing', `must be a number in (0, 1), got ${String(arrays.labelSmoothing)}`);
  }
  return {
    activation: arrays.activation as Activation,
    ...(arrays.loss !== undefined ? { loss: arrays.loss as Loss } : {}),
    ...(arrays.labelSmoothing !== undefined ? { labelSmoothing: arrays.labelSmoothing } : {}),
    inputDim: W.cols,
    hiddenDim: h,
    classes: c,
    W: W.data,
    b: hasB ? flattenVector('b', arrays.b!, h) : null,
    V: V.data,
    a: hasA ? flattenVector('a', arrays.a!, c) : null,
  };
}

/** The model-file shape of a model (what `hsr bound --model` reads). */
export function modelToArrays(model: Model): ModelArrays {
  const rows = (x: Float64Array, r: number, cols: number) => Array.from({ length: r }, (_, i) => Array.from(x.subarray(i * cols, (i + 1) * cols)));
  const out = { activation: model.activation, ...lossFields(model), W: rows(model.W, model.hiddenDim, model.inputDim) } as ModelArrays;
  if (model.b) out.b = Array.from(model.b);
  out.V = rows(model.V, model.classes, model.hiddenDim);
  if (model.a) out.a = Array.from(model.a);
  return out;
}

/** A data set from N rows of d features and N integer labels. `classes`, if given, bounds the labels. */
export function createDataset(X: number[][], y: number[], classes?: number): Dataset {
  if (!Array.isArray(X) || X.length === 0) throw new ShapeError('X', 'must contain at least one sample (N = 0)');
  const { data, cols } = flattenMatrix('X', X, null);
  if (!Array.isArray(y)) throw new ShapeError('y', 'must be an array of integer class indices');
  if (y.length !== X.length) throw new ShapeError('y', `has ${y.length} labels for ${X.length} samples`);
  const labels = new Int32Array(y.length);
  y.forEach((v, n) => {
    if (typeof v !== 'number' || !Number.isInteger(v)) throw new ShapeError(`y[${n}]`, `must be an integer class index, got ${String(v)}`);
    if (v < 0 || (classes !== undefined && v >= classes)) {
      throw new ShapeError(`y[${n}]`, `label ${v} is out of range 0..${classes === undefined ? '' : classes - 1}`);
    }
    labels[n] = v;
  });
  return { samples: X.length, features: cols, X: data, y: labels };
}

/** Check that a data set fits a model (feature count, label range); throws ShapeError. */
export function checkCompatible(model: Model, data: Dataset): void {
  if (data.features !== model.inputDim) {
    throw new ShapeError('X', `has ${data.features} features per sample, but the model's W expects d = ${model.inputDim}`);
  }
  for (let n = 0; n < data.samples; n++) {
    const y = data.y[n]!;
    if (y < 0 || y >= model.classes) throw new ShapeError(`y[${n}]`, `label ${y} is out of range 0..${model.classes - 1} for a model with c = ${model.classes}`);
  }
}

export interface InitOptions {
  activation: Activation;
  inputDim: number;
  hiddenDim: number;
  classes: number;
  bias: boolean;
  seed: number;
  /** Multiplies the Glorot-normal standard deviation (default 1). */
  scale?: number;
  /** The loss (default cross-entropy) and label smoothing's eps. */
  loss?: Loss;
  labelSmoothing?: number;
}

/** Glorot-normal weights, zero biases, from a seed. */
export function initModel(opts: InitOptions): Model {
  const rng = createRng(opts.seed);
  const scale = opts.scale ?? 1;
  const { inputDim: d, hiddenDim: h, classes: c } = opts;
  const sd1 = scale * Math.sqrt(2 / (d + h));
  const sd2 = scale * Math.sqrt(2 / (h + c));
  const W = Float64Array.from({ length: h * d }, () => sd1 * rng.normal());
  const V = Float64Array.from({ length: c * h }, () => sd2 * rng.normal());
  return {
    activation: opts.activation,
    ...lossFields(opts),
    inputDim: d,
    hiddenDim: h,
    classes: c,
    W,
    b: opts.bias ? new Float64Array(h) : null,
    V,
    a: opts.bias ? new Float64Array(c) : null,
  };
}

/** Rows i0..i1-1 of a data set, or the rows listed in `indices`. */
export function subsetDataset(data: Dataset, indices: ArrayLike<number>): Dataset {
  const d = data.features;
  const X = new Float64Array(indices.length * d);
  const y = new Int32Array(indices.length);
  for (let r = 0; r < indices.length; r++) {
    const n = indices[r]!;
    X.set(data.X.subarray(n * d, (n + 1) * d), r * d);
    y[r] = data.y[n]!;
  }
  return { samples: indices.length, features: d, X, y };
}
