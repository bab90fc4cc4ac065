/**
 * The parameter flattening contract (docs/mathematics.md §1). This module alone owns it:
 *
 *   theta = ( vec_row [W | b],  vec_row [V | a] )
 *
 * i.e. row i of the augmented first layer is (W_i1, ..., W_id, b_i), then row k of the
 * augmented second layer is (V_k1, ..., V_kh, a_k). Without biases the augmentation column
 * is absent: theta = (vec_row W, vec_row V). This is the order under which
 * H_WW = (1/N) sum_n A_n (x) x~_n x~_n^T is a Kronecker product (docs/mathematics.md §3).
 *
 * P = h(d+1) + c(h+1) with biases, hd + ch without. The first block (W, b) occupies
 * theta[0 .. firstLayerSize), the second (V, a) the rest.
 */
import { modelToArrays } from './model.ts';
import { lossFields, type Block, type Model } from './types.ts';

/** Width of an augmented input row: d + 1 with biases, d without. */
export function augmentedInputDim(model: Model): number {
  return model.inputDim + (model.b ? 1 : 0);
}

/** Width of an augmented hidden row: h + 1 with biases, h without. */
export function augmentedHiddenDim(model: Model): number {
  return model.hiddenDim + (model.a ? 1 : 0);
}

export function firstLayerSize(model: Model): number {
  return model.hiddenDim * augmentedInputDim(model);
}

export function secondLayerSize(model: Model): number {
  return model.classes * augmentedHiddenDim(model);
}

/** Half-open index range [start, end) of a block inside theta. */
export function blockRange(model: Model, block: Block): { start: number; end: number } {
  const first = firstLayerSize(model);
  const total = first + secondLayerSize(model);
  switch (block) {
    case 'all':
      return { start: 0, end: total };
    case 'first':
      return { start: 0, end: first };
    case 'second':
      return { start: first, end: total };
  }
}

/** P: the number of parameters the given block covers (all of theta by default). */
export function parameterCount(model: Model, block: Block = 'all'): number {
  const { start, end } = blockRange(model, block);
  return end - start;
}

/** Index of W_ij (or of b_i when j = d) in theta. */
export function firstLayerIndex(model: Model, i: number, j: number): number {
  return i * augmentedInputDim(model) + j;
}

/** Index of V_kl (or of a_k when l = h) in theta. */
export function secondLayerIndex(model: Model, k: number, l: number): number {
  return firstLayerSize(model) + k * augmentedHiddenDim(model) + l;
}

/** theta for a model, in the contract order. */
export function flattenParameters(model: Model): Float64Array {
  const { inputDim: d, hiddenDim: h, classes: c } = model;
  const theta = new Float64Array(parameterCount(model));
  const dt = augmentedInputDim(model);
  const ht = augmentedHiddenDim(model);
  const off = firstLayerSize(model);
  for (let i = 0; i < h; i++) {
    for (let j = 0; j < d; j++) theta[i * dt + j] = model.W[i * d + j]!;
    if (model.b) theta[i * dt + d] = model.b[i]!;
  }
  for (let k = 0; k < c; k++) {
    for (let l = 0; l < h; l++) theta[off + k * ht + l] = model.V[k * h + l]!;
    if (model.a) theta[off + k * ht + h] = model.a[k]!;
  }
  return theta;
}

/** The model with the same shape and activation as `template` and parameters `theta`. */
export function unflattenParameters(template: Model, theta: ArrayLike<number>): Model {
  const { inputDim: d, hiddenDim: h, classes: c } = template;
  const P = parameterCount(template);
  if (theta.length !== P) throw new RangeError(`theta has length ${theta.length}, expected P = ${P}`);
  const dt = augmentedInputDim(template);
  const ht = augmentedHiddenDim(template);
  const off = firstLayerSize(template);
  const W = new Float64Array(h * d);
  const V = new Float64Array(c * h);
  const b = template.b ? new Float64Array(h) : null;
  const a = template.a ? new Float64Array(c) : null;
  for (let i = 0; i < h; i++) {
    for (let j = 0; j < d; j++) W[i * d + j] = theta[i * dt + j]!;
    if (b) b[i] = theta[i * dt + d]!;
  }
  for (let k = 0; k < c; k++) {
    for (let l = 0; l < h; l++) V[k * h + l] = theta[off + k * ht + l]!;
    if (a) a[k] = theta[off + k * ht + h]!;
  }
  return { activation: template.activation, ...lossFields(template), inputDim: d, hiddenDim: h, classes: c, W, b, V, a };
}

/** Gradient pieces in the model's own shapes, as `hsr grad` prints them. */
export interface ParameterShapes<T> {
  W: T[][];
  b?: T[];
  V: T[][];
  a?: T[];
}

/** Split a theta-shaped vector (a gradient, say) into W, b, V, a nested arrays. */
export function toParameterShapes(template: Model, theta: ArrayLike<number>): ParameterShapes<number> {
  const { W, b, V, a } = modelToArrays(unflattenParameters(template, theta));
  return { W, ...(b ? { b } : {}), V, ...(a ? { a } : {}) };
}
