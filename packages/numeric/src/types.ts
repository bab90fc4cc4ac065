/**
 * The shapes every package shares: a three-layer network, a labelled data set, and the
 * variant of the curvature being measured. Matrices are row-major `Float64Array`s with
 * their dimensions alongside, so that float64 is guaranteed and nothing is boxed.
 */

/** Names of the supported elementwise activations (see `activations.ts`). */
export type Activation = 'sigmoid' | 'tanh' | 'softplus' | 'silu' | 'gelu';

/**
 * Names of the supported losses on the logits (see `losses.ts`): softmax cross-entropy (the
 * papers' loss, the default), half the squared error to the one-hot label, cross-entropy against
 * the smoothed label (1 - eps) y + eps/c, and an independent sigmoid cross-entropy per output.
 */
export type Loss = 'cross-entropy' | 'mse' | 'label-smoothing' | 'binary-cross-entropy';

/** The loss a model is trained and measured with when it names none. */
export const DEFAULT_LOSS: Loss = 'cross-entropy';
/** eps of `label-smoothing` when none is given (PyTorch users' usual 0.1). */
export const DEFAULT_LABEL_SMOOTHING = 0.1;

/**
 * u = W x + b, z = phi(u), v = V z + a, p = softmax(v), loss l(v, y)   (docs/mathematics.md §1).
 * `b` and `a` are both present (biases on) or both null (biases off).
 */
export interface Model {
  readonly activation: Activation;
  /** The loss on the logits; absent means cross-entropy (DEFAULT_LOSS). */
  readonly loss?: Loss;
  /** eps of `label-smoothing`, in (0, 1); absent means DEFAULT_LABEL_SMOOTHING. Ignored by the other losses. */
  readonly labelSmoothing?: number;
  /** d: input features. */
  readonly inputDim: number;
  /** h: hidden units. */
  readonly hiddenDim: number;
  /** c: classes (at least 2). */
  readonly classes: number;
  /** h x d, row-major. */
  readonly W: Float64Array;
  /** h, or null when biases are off. */
  readonly b: Float64Array | null;
  /** c x h, row-major. */
  readonly V: Float64Array;
  /** c, or null when biases are off. */
  readonly a: Float64Array | null;
}

/** N labelled samples: `X` is N x d row-major, `y[n]` in 0..c-1. */
export interface Dataset {
  readonly samples: number;
  readonly features: number;
  readonly X: Float64Array;
  readonly y: Int32Array;
}

/** Mean or sum over samples; `sum` multiplies H (and every bound) by N. */
export type Reduction = 'mean' | 'sum';
/** Which parameters the Hessian covers: all, first layer (W, b) or second layer (V, a). */
export type Block = 'all' | 'first' | 'second';
/** The full Hessian, or its Gauss-Newton part J^T S J only. */
export type Curvature = 'hessian' | 'gauss-newton';

export interface Variant {
  readonly reduction: Reduction;
  readonly block: Block;
  readonly curvature: Curvature;
}

export const DEFAULT_VARIANT: Variant = { reduction: 'mean', block: 'all', curvature: 'hessian' };

export const REDUCTIONS: readonly Reduction[] = ['mean', 'sum'];
export const BLOCKS: readonly Block[] = ['all', 'first', 'second'];
export const CURVATURES: readonly Curvature[] = ['hessian', 'gauss-newton'];

/** Whether the model carries biases (both `b` and `a`). */
export function hasBias(model: Model): boolean {
  return model.b !== null;
}

/** The model's loss (DEFAULT_LOSS when it names none). */
export function lossOf(model: Pick<Model, 'loss'>): Loss {
  return model.loss ?? DEFAULT_LOSS;
}

/** eps of label smoothing for this model (DEFAULT_LABEL_SMOOTHING when unset). */
export function labelSmoothingOf(model: Pick<Model, 'labelSmoothing'>): number {
  return model.labelSmoothing ?? DEFAULT_LABEL_SMOOTHING;
}

/** The loss fields of `model`, to carry over onto a model rebuilt from its parameters. */
export function lossFields(model: Pick<Model, 'loss' | 'labelSmoothing'>): Pick<Model, 'loss' | 'labelSmoothing'> {
  return { ...(model.loss !== undefined ? { loss: model.loss } : {}), ...(model.labelSmoothing !== undefined ? { labelSmoothing: model.labelSmoothing } : {}) };
}
