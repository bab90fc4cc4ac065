/**
 * Multilayer perceptrons of any depth (docs/mathematics.md §9):
 *
 *   \tilde a^0_n = [x_n; 1],\quad u^l_n = \tilde W_l\,\tilde a^l_n,\quad
 *   \tilde a^{l+1}_n = [\varphi_l(u^l_n); 1]\ (l < L-1),\quad v_n = u^{L-1}_n,
 *
 * L >= 2 linear layers (0-based l = 0..L-1), the last one giving the logits; \tilde W_l =
 * [W_l | b_l] and the augmentation column is absent when the model has no biases (then in
 * every layer). Each hidden layer may have its own activation. L = 2 is the three-layer
 * network of `types.ts` (W, b = layer 0; V, a = layer 1).
 *
 * The parameter order (a contract, owned here for every depth): theta = (vec_row \tilde W_0,
 * vec_row \tilde W_1, ..., vec_row \tilde W_{L-1}). At L = 2 it is exactly parameters.ts's
 * (vec_row [W|b], vec_row [V|a]), so a two-layer model has the same theta either way. A block
 * of layers (a set of layer indices) covers the concatenation of those layers' slices, in
 * theta order.
 */
import { isActivation } from '../activations.ts';
import { isLabelSmoothing, isLoss, LOSS_NAMES } from '../losses.ts';
import { ShapeError } from '../model.ts';
import { createRng } from '../random.ts';
import { type Activation, type Block, type Curvature, type Loss, lossFields, type Model, type Reduction } from '../types.ts';

/** One linear layer u = W a + b: W is outputs x inputs row-major, b has `outputs` entries or is null. */
export interface Layer {
  readonly inputs: number;
  readonly outputs: number;
  readonly W: Float64Array;
  readonly b: Float64Array | null;
}

/** An MLP with L = layers.length >= 2 linear layers and L - 1 hidden activations. */
export interface LayeredModel {
  /** One activation per hidden layer (length L - 1). */
  readonly activations: readonly Activation[];
  readonly layers: readonly Layer[];
  /** The loss on the logits; absent means cross-entropy (as Model's). */
  readonly loss?: Loss;
  /** eps of `label-smoothing`, in (0, 1); absent means DEFAULT_LABEL_SMOOTHING (as Model's). */
  readonly labelSmoothing?: number;
}

/** Which curvature, which reduction, and which layers the Hessian covers (0-based, ascending, no repeats). */
export interface DeepVariant {
  readonly reduction: Reduction;
  readonly curvature: Curvature;
  readonly layers: readonly number[];
}

/** The model-file shape: `{"activation": ..., "activations"?: [...], "loss"?, "labelSmoothing"?, "layers": [{"W", "b"?}, ...]}`. */
export interface LayeredModelArrays {
  activation: string;
  activations?: string[] | undefined;
  loss?: string | undefined;
  labelSmoothing?: number | undefined;
  layers: { W: number[][]; b?: number[] | undefined }[];
}

export function depthOf(model: LayeredModel): number {
  return model.layers.length;
}

export function layeredHasBias(model: LayeredModel): boolean {
  return model.layers[0]!.b !== null;
}

/** Widths d = n_0, n_1, ..., n_{L-1}, c = n_L. */
export function layerWidths(model: LayeredModel): number[] {
  return [model.layers[0]!.inputs, ...model.layers.map((layer) => layer.outputs)];
}

/** Width of layer l's augmented input: n_l + 1 with biases, n_l without. */
export function augmentedLayerInputs(model: LayeredModel, l: number): number {
  const layer = model.layers[l]!;
  return layer.inputs + (layer.b ? 1 : 0);
}

/** Parameters of layer l: n_{l+1} (n_l + 1) with biases, n_{l+1} n_l without. */
export function layerParameterCount(model: LayeredModel, l: number): number {
  return model.layers[l]!.outputs * augmentedLayerInputs(model, l);
}

/** Offset of layer l's slice in theta. */
export function layerOffset(model: LayeredModel, l: number): number {
  let o = 0;
  for (let k = 0; k < l; k++) o += layerParameterCount(model, k);
  return o;
}

/** All layer indices 0..L-1. */
export function allLayers(model: LayeredModel): number[] {
  return model.layers.map((_, l) => l);
}

/** P of the given layers (all of theta by default). */
export function layeredParameterCount(model: LayeredModel, layers: readonly number[] = allLayers(model)): number {
  let P = 0;
  for (const l of layers) P += layerParameterCount(model, l);
  return P;
}

/**
 * A block of layers from a list of 0-based indices: sorted, each in 0..L-1, no repeats;
 * throws RangeError naming the bad entry.
 */
export function checkLayerSet(model: LayeredModel, layers: readonly number[]): number[] {
  const L = depthOf(model);
  if (layers.length === 0) throw new RangeError('the layer set is empty (expected at least one layer)');
  for (const l of layers) {
    if (!Number.isInteger(l) || l < 0 || l >= L) throw new RangeError(`layer ${l + 1} does not exist (the model has layers 1..${L})`);
  }
  const sorted = [...layers].sort((x, y) => x - y);
  for (let i = 1; i < sorted.length; i++) if (sorted[i] === sorted[i - 1]) throw new RangeError(`layer ${sorted[i]! + 1} is listed twice`);
  return sorted;
}

/** The layers of a two-layer Block: all = both, first = layer 0, second = the last layer. */
export function layersOfBlock(model: LayeredModel, block: Block): number[] {
  const L = depthOf(model);
  return block === 'all' ? allLayers(model) : block === 'first' ? [0] : [L - 1];
}

/** theta in the contract order (module comment). */
export function flattenLayered(model: LayeredModel): Float64Array {
  const theta = new Float64Array(layeredParameterCount(model));
  let o = 0;
  for (const layer of model.layers) {
    const { inputs: n, outputs: m, W, b } = layer;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) theta[o++] = W[i * n + j]!;
      if (b) theta[o++] = b[i]!;
    }
  }
  return theta;
}

/** The model with `template`'s shape and activations and parameters theta. */
export function unflattenLayered(template: LayeredModel, theta: ArrayLike<number>): LayeredModel {
  const P = layeredParameterCount(template);
  if (theta.length !== P) throw new RangeError(`theta has length ${theta.length}, expected P = ${P}`);
  let o = 0;
  const layers = template.layers.map((layer) => {
    const { inputs: n, outputs: m } = layer;
    const W = new Float64Array(m * n);
    const b = layer.b ? new Float64Array(m) : null;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) W[i * n + j] = theta[o++]!;
      if (b) b[i] = theta[o++]!;
    }
    return { inputs: n, outputs: m, W, b };
  });
  return { ...lossFields(template), activations: template.activations, layers };
}

/** The two-layer model as a layered one (same arrays, same theta). */
export function layeredFromModel(model: Model): LayeredModel {
  return {
    ...lossFields(model),
    activations: [model.activation],
    layers: [
      { inputs: model.inputDim, outputs: model.hiddenDim, W: model.W, b: model.b },
      { inputs: model.hiddenDim, outputs: model.classes, W: model.V, b: model.a },
    ],
  };
}

/** The layered model with L = 2 as a two-layer Model; null for deeper models. */
export function modelFromLayered(model: LayeredModel): Model | null {
  if (model.layers.length !== 2) return null;
  const [first, second] = model.layers as [Layer, Layer];
  return { ...lossFields(model), activation: model.activations[0]!, inputDim: first.inputs, hiddenDim: first.outputs, classes: second.outputs, W: first.W, b: first.b, V: second.W, a: second.b };
}

function flattenRows(field: string, rows: unknown, cols: number | null): { data: Float64Array; rows: number; cols: number } {
  if (!Array.isArray(rows) || rows.length === 0) throw new ShapeError(field, 'must be a non-empty array of rows');
  const width = cols ?? (Array.isArray(rows[0]) ? (rows[0] as unknown[]).length : 0);
  if (width === 0) throw new ShapeError(`${field}[0]`, 'must be a non-empty array of numbers');
  const data = new Float64Array(rows.length * width);
  rows.forEach((row: unknown, i) => {
    if (!Array.isArray(row)) throw new ShapeError(`${field}[${i}]`, 'must be an array of numbers');
    if (row.length !== width) throw new ShapeError(`${field}[${i}]`, `has ${row.length} entries, expected ${width}`);
    row.forEach((x: unknown, j) => {
      if (typeof x !== 'number' || !Number.isFinite(x)) throw new ShapeError(`${field}[${i}][${j}]`, `must be a finite number, got ${String(x)}`);
      data[i * width + j] = x;
    });
  });
  return { data, rows: rows.length, cols: width };
}

/**
 * A layered model from nested arrays. Layer l's W has as many columns as layer l - 1's has
 * rows; the last layer has c >= 2 rows; `b` is given in every layer or in none;
 * `activations`, if given, has one valid name per hidden layer and overrides `activation`.
 * Throws ShapeError naming the field (`layers[1].W[0]`).
 */
export function createLayeredModel(arrays: LayeredModelArrays): LayeredModel {
  if (!Array.isArray(arrays.layers) || arrays.layers.length < 2) {
    throw new ShapeError('layers', `has ${Array.isArray(arrays.layers) ? arrays.layers.length : 0} layers, expected at least 2 (hidden layers and the logits)`);
  }
  const L = arrays.layers.length;
  let activations: Activation[];
  if (arrays.activations !== undefined) {
    if (!Array.isArray(arrays.activations) || arrays.activations.length !== L - 1) {
      throw new ShapeError('activations', `has ${Array.isArray(arrays.activations) ? arrays.activations.length : 0} entries, expected ${L - 1} (one per hidden layer)`);
    }
    activations = arrays.activations.map((name, k) => {
      if (!isActivation(name)) throw new ShapeError(`activations[${k}]`, `unknown activation "${String(name)}" (expected sigmoid, tanh, softplus, silu or gelu)`);
      return name;
    });
  } else {
    if (!isActivation(arrays.activation)) throw new ShapeError('activation', `unknown activation "${String(arrays.activation)}" (expected sigmoid, tanh, softplus, silu or gelu)`);
    activations = new Array<Activation>(L - 1).fill(arrays.activation);
  }
  const withBias = arrays.layers[0]?.b !== undefined && arrays.layers[0]?.b !== null;
  let inputs: number | null = null;
  const layers = arrays.layers.map((layer, l) => {
    const W = flattenRows(`layers[${l}].W`, layer?.W, inputs);
    const hasB = layer.b !== undefined && layer.b !== null;
    if (hasB !== withBias)
      throw new ShapeError(
        `layers[${l}].b`,
        withBias ? 'is missing while layers[0].b is given (biases are on for every layer or for none)' : 'is given while layers[0].b is not (biases are on for every layer or for none)',
      );
    let b: Float64Array | null = null;
    if (hasB) {
      const xs = layer.b!;
      if (!Array.isArray(xs)) throw new ShapeError(`layers[${l}].b`, 'must be an array of numbers');
      if (xs.length !== W.rows) throw new ShapeError(`layers[${l}].b`, `has ${xs.length} entries, expected ${W.rows} (the rows of layers[${l}].W)`);
      b = new Float64Array(W.rows);
      xs.forEach((x, i) => {
        if (typeof x !== 'number' || !Number.isFinite(x)) throw new ShapeError(`layers[${l}].b[${i}]`, `must be a finite number, got ${String(x)}`);
        b![i] = x;
      });
    }
    inputs = W.rows;
    return { inputs: W.cols, outputs: W.rows, W: W.data, b };
  });
  if (layers[L - 1]!.outputs < 2) throw new ShapeError(`layers[${L - 1}].W`, `has ${layers[L - 1]!.outputs} row, expected at least 2 classes`);
  if (arrays.loss !== undefined && !isLoss(arrays.loss)) throw new ShapeError('loss', `unknown loss "${String(arrays.loss)}" (expected one of ${LOSS_NAMES.join(', ')})`);
  if (arrays.labelSmoothing !== undefined && !isLabelSmoothing(arrays.labelSmoothing)) throw new ShapeError('labelSmoothing', `must be in (0, 1), got ${String(arrays.labelSmoothing)}`);
  return { ...lossFields({ loss: arrays.loss as Loss | undefined, labelSmoothing: arrays.labelSmoothing }), activations, layers };
}

/** The model-file shape of a layered model: `activations` only when the hidden layers differ. */
export function layeredModelToArrays(model: LayeredModel): LayeredModelArrays {
  const rows = (x: Float64Array, r: number, cols: number) => Array.from({ length: r }, (_, i) => Array.from(x.subarray(i * cols, (i + 1) * cols)));
  const same = model.activations.every((a) => a === model.activations[0]);
  const out: LayeredModelArrays = { activation: model.activations[0]!, layers: [] };
  if (!same) out.activations = [...model.activations];
  if (model.loss !== undefined) out.loss = model.loss;
  if (model.labelSmoothing !== undefined) out.labelSmoothing = model.labelSmoothing;
  out.layers = model.layers.map((layer) => ({ W: rows(layer.W, layer.outputs, layer.inputs), ...(layer.b ? { b: Array.from(layer.b) } : {}) }));
  return out;
}

/** A theta-shaped vector (a gradient, say) in the model's own shapes: one {W, b?} per layer. */
export function toLayerShapes(template: LayeredModel, theta: ArrayLike<number>): { W: number[][]; b?: number[] }[] {
  return layeredModelToArrays(unflattenLayered(template, theta)).layers as { W: number[][]; b?: number[] }[];
}

export interface LayeredInitOptions {
  /** One activation for every hidden layer, or one per hidden layer. */
  activation: Activation | readonly Activation[];
  /** d, h_1, ..., h_{L-1}, c. */
  widths: readonly number[];
  bias: boolean;
  seed: number;
  /** Multiplies the Glorot-normal standard deviation (default 1). */
  scale?: number;
  /** Standard deviation of the biases (default 0: zero biases, as initModel). */
  biasScale?: number;
  /** The loss (absent: cross-entropy) and label smoothing's eps, carried onto the model. */
  loss?: Loss;
  labelSmoothing?: number;
}

/** Glorot-normal weights from a seed, layer by layer; biases zero unless `biasScale` is set. */
export function initLayeredModel(opts: LayeredInitOptions): LayeredModel {
  const L = opts.widths.length - 1;
  if (L < 2) throw new RangeError(`widths ${opts.widths.join(',')} give ${L} layer(s), expected at least 2`);
  const rng = createRng(opts.seed);
  const scale = opts.scale ?? 1;
  const activations = typeof opts.activation === 'string' ? new Array<Activation>(L - 1).fill(opts.activation) : [...opts.activation];
  if (activations.length !== L - 1) throw new RangeError(`${activations.length} activations for ${L - 1} hidden layers`);
  const layers = Array.from({ length: L }, (_, l) => {
    const n = opts.widths[l]!;
    const m = opts.widths[l + 1]!;
    const sd = scale * Math.sqrt(2 / (n + m));
    const W = Float64Array.from({ length: m * n }, () => sd * rng.normal());
    const b = opts.bias ? Float64Array.from({ length: m }, () => (opts.biasScale ?? 0) * rng.normal()) : null;
    return { inputs: n, outputs: m, W, b };
  });
  return { ...lossFields({ loss: opts.loss, labelSmoothing: opts.labelSmoothing }), activations, layers };
}
