/**
 * First-order optimizers over the flat parameter vector theta (the order of `parameters.ts`).
 * Each one turns a descent direction d (a gradient: of L, of L + lambda U, or SAM's
 * perturbed gradient) into an in-place update of theta, keeping its own state. Float64 and
 * branch-free in the data, so the same sequence of directions gives bit-for-bit the same
 * parameters on every run.
 *
 * eq:optimizer-sgd       \theta \leftarrow \theta - \eta d
 * eq:optimizer-momentum  m \leftarrow \mu m + d,\quad \theta \leftarrow \theta - \eta m
 *                        (heavy ball, PyTorch's convention: no dampening, m_0 = 0)
 * eq:optimizer-adam      m \leftarrow \beta_1 m + (1-\beta_1) d,\ v \leftarrow \beta_2 v + (1-\beta_2) d^2,\
 *                        \theta \leftarrow \theta - \eta\,\frac{m/(1-\beta_1^t)}{\sqrt{v/(1-\beta_2^t)} + \epsilon}
 *                        (Kingma & Ba 2015, Alg. 1; beta1 = 0.9, beta2 = 0.999, eps = 1e-8)
 *
 * Weight decay is DECOUPLED (Loshchilov & Hutter 2019, "AdamW"): after the optimizer step,
 * \theta \leftarrow \theta - \eta\,\omega\,\theta_{\text{old}}. For plain SGD this equals an L2
 * penalty (omega/2)||theta||^2 added to the loss; for momentum and Adam it does not, and the
 * decoupled form is the one whose strength does not depend on Adam's per-coordinate scaling.
 * Cost O(P) per step. Verified by `optimizers.test.ts` (hand-computed steps).
 */

export type OptimizerName = 'sgd' | 'momentum' | 'adam';
export const OPTIMIZER_NAMES: readonly OptimizerName[] = ['sgd', 'momentum', 'adam'];

export interface OptimizerOptions {
  readonly name: OptimizerName;
  /** eta > 0. */
  readonly learningRate: number;
  /** mu in [0, 1) for `momentum`; ignored otherwise. */
  readonly momentum: number;
  /** omega >= 0, decoupled. */
  readonly weightDecay: number;
  /** Adam's beta1, beta2, epsilon (defaults 0.9, 0.999, 1e-8). */
  readonly beta1?: number;
  readonly beta2?: number;
  readonly epsilon?: number;
}

export interface Optimizer {
  /** Update theta in place along the descent direction (theta decreases along +direction). */
  step(theta: Float64Array, direction: Float64Array): void;
  /** A copy of the state (what `createOptimizer(opts, P, state)` continues from, bit for bit). */
  state(): OptimizerState;
}

/**
 * An optimizer's state after some steps: `t` the steps taken, `m` the momentum buffer
 * (momentum, Adam), `v` Adam's second moments; arrays of length P, absent when unused.
 */
export interface OptimizerState {
  readonly name: OptimizerName;
  readonly t: number;
  readonly m?: Float64Array;
  readonly v?: Float64Array;
}

/** Throws RangeError when `state` cannot be the state of `name` at dimension P. */
function checkState(name: OptimizerName, P: number, state: OptimizerState): void {
  if (state.name !== name) throw new RangeError(`optimizer state is for ${state.name}, not ${name}`);
  if (!Number.isInteger(state.t) || state.t < 0) throw new RangeError(`optimizer state: t must be an integer >= 0, got ${state.t}`);
  const need = name === 'sgd' ? [] : name === 'momentum' ? ['m'] : ['m', 'v'];
  for (const key of need) {
    const x = state[key as 'm' | 'v'];
    if (!x || x.length !== P) throw new RangeError(`optimizer state: ${key} must have length ${P}, got ${x ? x.length : 'none'}`);
  }
}

/** A fresh optimizer with zero state for a P-dimensional theta, or one continuing from `from` (state()). */
export function createOptimizer(opts: OptimizerOptions, P: number, from?: OptimizerState): Optimizer {
  if (from) checkState(opts.name, P, from);
  const eta = opts.learningRate;
  const omega = opts.weightDecay;
  const decay = (theta: Float64Array, old: Float64Array | null) => {
    if (omega === 0 || old === null) return;
    for (let i = 0; i < P; i++) theta[i]! -= eta * omega * old[i]!;
  };
  const snapshot = (theta: Float64Array) => (omega === 0 ? null : theta.slice());
  switch (opts.name) {
    case 'sgd': {
      let t = from?.t ?? 0;
      return {
        step(theta, d) {
          const old = snapshot(theta);
          t++;
          for (let i = 0; i < P; i++) theta[i]! -= eta * d[i]!;
          decay(theta, old);
        },
        state: () => ({ name: 'sgd', t }),
      };
    }
    case 'momentum': {
      const mu = opts.momentum;
      const m = from?.m ? Float64Array.from(from.m) : new Float64Array(P);
      let t = from?.t ?? 0;
      return {
        state: () => ({ name: 'momentum', t, m: m.slice() }),
        step(theta, d) {
          const old = snapshot(theta);
          t++;
          for (let i = 0; i < P; i++) {
            m[i] = mu * m[i]! + d[i]!;
            theta[i]! -= eta * m[i]!;
          }
          decay(theta, old);
        },
      };
    }
    case 'adam': {
      const b1 = opts.beta1 ?? 0.9;
      const b2 = opts.beta2 ?? 0.999;
      const eps = opts.epsilon ?? 1e-8;
      const m = from?.m ? Float64Array.from(from.m) : new Float64Array(P);
      const v = from?.v ? Float64Array.from(from.v) : new Float64Array(P);
      let t = from?.t ?? 0;
      return {
        state: () => ({ name: 'adam', t, m: m.slice(), v: v.slice() }),
        step(theta, d) {
          const old = snapshot(theta);
          t++;
          const c1 = 1 - b1 ** t;
          const c2 = 1 - b2 ** t;
          for (let i = 0; i < P; i++) {
            const di = d[i]!;
            m[i] = b1 * m[i]! + (1 - b1) * di;
            v[i] = b2 * v[i]! + (1 - b2) * di * di;
            theta[i]! -= (eta * (m[i]! / c1)) / (Math.sqrt(v[i]! / c2) + eps);
          }
          decay(theta, old);
        },
      };
    }
  }
}
