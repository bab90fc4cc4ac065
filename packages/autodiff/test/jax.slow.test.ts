/**
 * External tier: jax-js 0.1.25's own reverse/forward-mode AD, on its float64 `cpu`
 * device, differentiates a jax transcription of the loss; its Hessian, Gauss–Newton block and
 * bound gradient must equal this package's jets and `@hsr/numeric`'s closed forms.
 *
 * Traps (known, and found here): jax-js's `jacfwd` returns shape [inputs..., outputs...],
 * the transpose of JAX's. `Float16Array` must exist before jax-js loads; never call `init()`; the
 * default `wasm` device approximates exp/tanh (~1e-8), so `cpu` is selected. jax-js's erf on
 * `cpu` is itself a ~1e-7 approximation (erf(0.5) = 0.52050002 vs 0.52049988), so GELU is not
 * compared here; its derivatives are covered by the sympy fixtures in activations.test.ts.
 */
import { describe, expect, test } from 'vitest';
import { RTOL_VS_AUTODIFF } from '@hsr/testkit';
import { BLOCKS, CURVATURES, blockRange, boundGradient, denseHessian, flattenParameters, parameterCount, type Activation, type Dataset, type Model, type Variant } from '@hsr/numeric';
import { autodiffBoundGradient, autodiffHessian, type AutodiffBoundKind } from '../src/index.ts';
import { randomCase } from './cases.ts';

type JArray = import('@jax-js/jax').Array;

// jax-js reads Float16Array at load time; Node 20 has none, and float64 never uses it.
(globalThis as { Float16Array?: unknown }).Float16Array ??= class extends Float32Array {};
const jax = await import('@jax-js/jax');
const { numpy: np, nn } = jax;
jax.defaultDevice('cpu');

const f64 = (data: ArrayLike<number>, shape: number[]): JArray => np.array(Float64Array.from(data), { dtype: np.float64 }).reshape(shape);

/** phi from its defining formula in jax ops (jax differentiates it by its own rules). */
function activation(name: Activation, u: JArray): JArray {
  const sigmoid = (x: JArray) => np.reciprocal(np.exp(x.neg()).add(1));
  switch (name) {
    case 'tanh':
      return np.tanh(u);
    case 'sigmoid':
      return sigmoid(u);
    case 'softplus':
      return np.log1p(np.exp(u));
    case 'silu':
      return u.ref.mul(sigmoid(u));
    case 'gelu':
      throw new Error('jax-js erf is approximate on cpu; GELU is not compared against jax');
  }
}

/** The logits V~ [phi(W~ x~_n); 1] of all samples, N x c, as a function of flat theta. */
function logitsFunction(model: Model, data: Dataset): (theta: JArray) => JArray {
  const { inputDim: d, hiddenDim: h, classes: c } = model;
  const bias = model.b !== null;
  const dt = d + (bias ? 1 : 0);
  const ht = h + (bias ? 1 : 0);
  const N = data.samples;
  const xt = new Float64Array(N * dt);
  for (let n = 0; n < N; n++) {
    for (let j = 0; j < d; j++) xt[n * dt + j] = data.X[n * d + j]!;
    if (bias) xt[n * dt + d] = 1;
  }
  return (theta) => {
    const first = theta.ref.slice([0, h * dt]).reshape([h, dt]);
    const second = theta.slice([h * dt, h * dt + c * ht]).reshape([c, ht]);
    const z = activation(model.activation, np.matmul(f64(xt, [N, dt]), first.transpose()));
    const zt = bias ? np.concatenate([z, np.ones([N, 1], { dtype: np.float64 })], 1) : z;
    return np.matmul(zt, second.transpose());
  };
}

function lossFunction(model: Model, data: Dataset, reduction: Variant['reduction']): (theta: JArray) => JArray {
  const logits = logitsFunction(model, data);
  const onehot = new Float64Array(data.samples * model.classes);
  data.y.forEach((label, n) => {
    onehot[n * model.classes + label] = 1;
  });
  return (theta) => {
    const v = logits(theta);
    const perSample = nn.logsumexp(v.ref, 1).sub(v.mul(f64(onehot, [data.samples, model.classes])).sum(1));
    return reduction === 'mean' ? perSample.mean() : perSample.sum();
  };
}

/** Block [start, end) of a P x P jax matrix. */
const blockOf = (H: JArray, start: number, end: number): JArray => H.slice([start, end], [start, end]);

/** The block Hessian (jax `hessian`) or Gauss–Newton block (jax `jacfwd` of the logits, then J^T S J). */
function jaxCurvature(model: Model, data: Dataset, variant: Variant): Float64Array {
  const P = parameterCount(model);
  const { start, end } = blockRange(model, variant.block);
  const theta = f64(flattenParameters(model), [P]);
  if (variant.curvature === 'hessian') return blockOf(jax.hessian(lossFunction(model, data, variant.reduction))(theta), start, end).dataSync() as Float64Array;
  const N = data.samples;
  const c = model.classes;
  const logits = logitsFunction(model, data);
  // jax-js's jacfwd stacks the columns first: shape [P, N, c] (JAX's own is [N, c, P]).
  const jacobian = jax.jacfwd(logits)(theta.ref);
  expect(jacobian.shape).toEqual([P, N, c]);
  const Jt = jacobian.dataSync() as Float64Array;
  const J = (row: number, i: number) => Jt[i * N * c + row]!;
  const v = logits(theta).dataSync() as Float64Array;
  const size = end - start;
  const G = new Float64Array(size * size);
  const scale = variant.reduction === 'mean' ? 1 / N : 1;
  for (let n = 0; n < N; n++) {
    const mu = Math.max(...v.subarray(n * c, (n + 1) * c));
    const e = Array.from(v.subarray(n * c, (n + 1) * c), (t) => Math.exp(t - mu));
    const total = e.reduce((s, t) => s + t, 0);
    const p = e.map((t) => t / total);
    for (let k = 0; k < c; k++)
      for (let l = 0; l < c; l++) {
        const S = scale * ((k === l ? p[k]! : 0) - p[k]! * p[l]!);
        for (let i = 0; i < size; i++) for (let j = 0; j < size; j++) G[i * size + j] = G[i * size + j]! + J(n * c + k, start + i) * S * J(n * c + l, start + j);
      }
  }
  return G;
}

/** A WS bound of the block Hessian and its gradient, by jax `grad` through jax `hessian`. */
function jaxBoundGradient(model: Model, data: Dataset, variant: Variant, of: AutodiffBoundKind): { value: number; gradient: Float64Array } {
  const P = parameterCount(model);
  const { start, end } = blockRange(model, variant.block);
  const Pb = end - start;
  const loss = lossFunction(model, data, variant.reduction);
  const bound = (theta: JArray): JArray => {
    const H = blockOf(jax.hessian(loss)(theta), start, end);
    const t1 = np.trace(H.ref);
    const t2 = H.ref.mul(H).sum();
    const m = t1.div(Pb);
    const s = np.sqrt(t2.div(Pb).sub(m.ref.mul(m.ref)));
    if (of === 'range') {
      m.dispose();
      return s.mul(Math.sqrt(2 * Pb));
    }
    return of === 'upper' ? m.add(s.mul(Math.sqrt(Pb - 1))) : m.sub(s.mul(Math.sqrt(Pb - 1)));
  };
  const theta = f64(flattenParameters(model), [P]);
  const [value, gradient] = jax.valueAndGrad(bound)(theta);
  return { value: value.item(), gradient: gradient.dataSync() as Float64Array };
}

describe('jax-js (cpu, float64) as an external oracle', () => {
  const cases = (['tanh', 'softplus'] as const).flatMap((activation) => [true, false].map((bias) => ({ activation, bias })));

  test('Hessian and Gauss–Newton blocks: jax = autodiff = numeric', () => {
    const started = performance.now();
    for (const { activation, bias } of cases) {
      const { model, data } = randomCase({ samples: 5, inputDim: 3, hiddenDim: 4, classes: 3, activation, bias, seed: 31 });
      for (const block of BLOCKS)
        for (const curvature of CURVATURES)
          for (const reduction of ['mean', 'sum'] as const) {
            const variant: Variant = { reduction, block, curvature };
            const label = `${activation} bias=${bias} ${reduction} ${block} ${curvature}`;
            const reference = jaxCurvature(model, data, variant);
            expect(autodiffHessian(model, data, variant).data, `autodiff ${label}`).toBeAllClose(reference, { rtol: RTOL_VS_AUTODIFF });
            expect(denseHessian(model, data, variant).data, `numeric ${label}`).toBeAllClose(reference, { rtol: RTOL_VS_AUTODIFF });
          }
    }
    console.log(`jax Hessian / Gauss–Newton blocks: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  });

  test('bound gradient (grad through hessian): jax = autodiff = numeric', () => {
    const started = performance.now();
    const { model, data } = randomCase({ samples: 4, inputDim: 3, hiddenDim: 3, classes: 3, activation: 'sigmoid', bias: true, seed: 32 });
    for (const block of BLOCKS)
      for (const of of ['upper', 'lower', 'range'] as const) {
        const variant: Variant = { reduction: 'mean', block, curvature: 'hessian' };
        const label = `${block} ${of}`;
        const reference = jaxBoundGradient(model, data, variant, of);
        const ad = autodiffBoundGradient(model, data, variant, of);
        const closed = boundGradient(model, data, variant, of);
        expect(ad.value, `autodiff ${label}`).toBeAllClose(reference.value, { rtol: RTOL_VS_AUTODIFF });
        expect(closed.value, `numeric ${label}`).toBeAllClose(reference.value, { rtol: RTOL_VS_AUTODIFF });
        expect(ad.gradient, `autodiff ${label}`).toBeAllClose(reference.gradient, { rtol: RTOL_VS_AUTODIFF });
        expect(closed.gradient, `numeric ${label}`).toBeAllClose(reference.gradient, { rtol: RTOL_VS_AUTODIFF });
      }
    console.log(`jax bound gradients: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  });
});
