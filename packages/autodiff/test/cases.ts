/**
 * Small random networks and data sets for the autodiff tests, from a seed (numeric's RNG, so
 * a failure names its case exactly). Weights and inputs are O(1) so that every unit is in
 * its curved region and the Hessian has no structurally tiny entries dominating the check.
 */
import { createRng, type Activation, type Dataset, type Model } from '@hsr/numeric';

export interface CaseShape {
  activation: Activation;
  bias: boolean;
  samples: number;
  inputDim: number;
  hiddenDim: number;
  classes: number;
  seed: number;
  /** Standard deviation of every weight and bias (default 0.8). */
  weightScale?: number;
}

export function randomCase(shape: CaseShape): { model: Model; data: Dataset } {
  const rng = createRng(shape.seed);
  const { inputDim: d, hiddenDim: h, classes: c, samples: N } = shape;
  const s = shape.weightScale ?? 0.8;
  const vec = (n: number, scale: number) => Float64Array.from({ length: n }, () => scale * rng.normal());
  const model: Model = {
    activation: shape.activation,
    inputDim: d,
    hiddenDim: h,
    classes: c,
    W: vec(h * d, s),
    b: shape.bias ? vec(h, s) : null,
    V: vec(c * h, s),
    a: shape.bias ? vec(c, s) : null,
  };
  const X = vec(N * d, 1);
  const y = Int32Array.from({ length: N }, (_, n) => (n < c ? n : rng.int(c)));
  return { model, data: { samples: N, features: d, X, y } };
}

export const SMALL: Omit<CaseShape, 'activation' | 'bias' | 'seed'> = { samples: 4, inputDim: 3, hiddenDim: 3, classes: 3 };
