/**
 * A spread of small models and data sets shared by the performance-rewrite tests: every
 * activation, biases on and off, odd and even N and h (so blocked loops hit their remainder
 * paths), mild and saturated weights. Inputs are drawn from a seed, never copied numbers.
 */
import { ACTIVATION_NAMES, createRng, initModel, type Activation, type Dataset, type Model } from '@hsr/numeric';

export interface PerfCase {
  readonly name: string;
  readonly model: Model;
  readonly data: Dataset;
}

export interface CaseShape {
  activation: Activation;
  bias: boolean;
  inputDim: number;
  hiddenDim: number;
  classes: number;
  samples: number;
  seed: number;
  /** Multiplies the Glorot scale; 3 drives units into saturation. */
  scale?: number;
}

/** A model with nonzero biases (initModel zeroes them) and Gaussian data with random labels. */
export function makeCase(shape: CaseShape): PerfCase {
  const { activation, bias, inputDim: d, hiddenDim: h, classes: c, samples: N, seed } = shape;
  const base = initModel({ activation, inputDim: d, hiddenDim: h, classes: c, bias, seed, scale: shape.scale ?? 1 });
  const rng = createRng(seed + 7919);
  const model: Model = {
    ...base,
    b: bias ? Float64Array.from({ length: h }, () => 0.3 * rng.normal()) : null,
    a: bias ? Float64Array.from({ length: c }, () => 0.3 * rng.normal()) : null,
  };
  const X = Float64Array.from({ length: N * d }, () => rng.normal());
  const y = Int32Array.from({ length: N }, () => rng.int(c));
  const name = `${activation}-${bias ? 'bias' : 'nobias'}-d${d}h${h}c${c}N${N}${shape.scale ? `-x${shape.scale}` : ''}`;
  return { name, model, data: { samples: N, features: d, X, y } };
}

/** Every activation x bias at a small odd size, plus a few shapes that stress the edges. */
export function caseSpread(): PerfCase[] {
  const out: PerfCase[] = [];
  let seed = 11;
  for (const activation of ACTIVATION_NAMES) for (const bias of [true, false]) out.push(makeCase({ activation, bias, inputDim: 3, hiddenDim: 5, classes: 3, samples: 7, seed: seed++ }));
  out.push(makeCase({ activation: 'tanh', bias: true, inputDim: 4, hiddenDim: 9, classes: 4, samples: 13, seed: seed++ }));
  out.push(makeCase({ activation: 'sigmoid', bias: false, inputDim: 2, hiddenDim: 6, classes: 2, samples: 1, seed: seed++ }));
  out.push(makeCase({ activation: 'gelu', bias: true, inputDim: 5, hiddenDim: 4, classes: 5, samples: 10, seed: seed++, scale: 3 }));
  out.push(makeCase({ activation: 'silu', bias: true, inputDim: 3, hiddenDim: 8, classes: 3, samples: 16, seed: seed++ }));
  return out;
}
