/**
 * The deep oracle: loss, gradient, block Hessian, T1, T2 and their gradients of an MLP of any
 * depth, each read off forward passes of `deepLossOver` (deepLoss.ts) over jets. From
 * `@hsr/numeric` only the types and the layered flattening contract are used
 * (flattenLayered, layerOffset, layerParameterCount).
 */
import { flattenLayered, layerOffset, layerParameterCount, type Dataset, type DeepVariant, type LayeredModel, type Reduction } from '@hsr/numeric';
import { NUMBER_ALGEBRA } from './algebra.ts';
import { deepLossOver } from './deepLoss.ts';
import { type Jet, JetAlgebra, denseGradientOf, denseHessianOf } from './jet.ts';
import type { DenseMatrix } from './oracle.ts';
import type { AutodiffTraceGradients } from './traces.ts';

/** L(theta) on float64 from the generic definition. O(N P). */
export function autodiffDeepLoss(model: LayeredModel, data: Dataset, reduction: Reduction = 'mean'): number {
  return deepLossOver(NUMBER_ALGEBRA, model, Array.from(flattenLayered(model)), data, { reduction });
}

/** \nabla_\theta L by first-order jets in all P directions. */
export function autodiffDeepGradient(model: LayeredModel, data: Dataset, reduction: Reduction = 'mean'): Float64Array {
  const A = new JetAlgebra({ order: 1, tangent: false });
  const theta = flattenLayered(model);
  return denseGradientOf(
    deepLossOver(
      A,
      model,
      Array.from(theta, (t, i) => A.variable(t, i)),
      data,
      { reduction },
    ),
    theta.length,
  );
}

/** Direction of theta_i inside the block (-1 outside), the block being the layers' slices concatenated in theta order. */
function blockDirections(model: LayeredModel, layers: readonly number[]): Int32Array {
  const theta = flattenLayered(model);
  const dir = new Int32Array(theta.length).fill(-1);
  let k = 0;
  for (const l of [...layers].sort((x, y) => x - y)) {
    const o = layerOffset(model, l);
    for (let i = 0; i < layerParameterCount(model, l); i++) dir[o + i] = k++;
  }
  return dir;
}

/** The loss as a jet in the block's directions; with `tangentIndex`, theta_i also carries the tangent. */
function deepLossJet(A: JetAlgebra, model: LayeredModel, data: Dataset, variant: DeepVariant, tangentIndex?: number): { jet: Jet; size: number } {
  const theta = flattenLayered(model);
  const dir = blockDirections(model, variant.layers);
  let size = 0;
  for (const d of dir) if (d >= 0) size++;
  const seeds = Array.from(theta, (t, i) => A.variable(t, dir[i]!, i === tangentIndex ? 1 : 0));
  const jet = deepLossOver(A, model, seeds, data, { reduction: variant.reduction, linearizeLogits: variant.curvature === 'gauss-newton' });
  return { jet, size };
}

/**
 * The block Hessian (or Gauss–Newton block, by linearised logits) of the layers in
 * `variant.layers`, P_b x P_b, by one pass of second-order jets. Cost O(N c P_b^2) plus the
 * hidden layers' jets. Verified by `deepOracle.test.ts` (L = 2 equals autodiffHessian; central
 * differences of autodiffDeepGradient at L = 3).
 */
export function autodiffDeepHessian(model: LayeredModel, data: Dataset, variant: DeepVariant): DenseMatrix {
  const A = new JetAlgebra({ order: 2, tangent: false });
  const { jet, size } = deepLossJet(A, model, data, variant);
  return { size, data: denseHessianOf(jet, size) };
}

/**
 * T1, T2 of the block Hessian and their gradients in all of theta (or in `columns`), one
 * third-order pass per parameter, as autodiffTraceGradients. Cost O(P N c P_b^2): tiny nets only.
 */
export function autodiffDeepTraceGradients(model: LayeredModel, data: Dataset, variant: DeepVariant, columns?: ArrayLike<number>): AutodiffTraceGradients {
  const A = new JetAlgebra({ order: 2, tangent: true });
  const P = flattenLayered(model).length;
  const cols = Array.from(columns ?? { length: P }, (col, k) => col ?? k);
  const gradTraceH = new Float64Array(cols.length);
  const gradTraceH2 = new Float64Array(cols.length);
  let traceH = 0;
  let traceH2 = 0;
  cols.forEach((col, j) => {
    const { jet } = deepLossJet(A, model, data, variant, col);
    const H = jet.hessian!;
    const dH = jet.tangentHessian!;
    const m = jet.support.length;
    let t1 = 0;
    let t2 = 0;
    for (let i = 0; i < m; i++) t1 += dH[i * m + i]!;
    for (let i = 0; i < m * m; i++) t2 += H[i]! * dH[i]!;
    gradTraceH[j] = t1;
    gradTraceH2[j] = 2 * t2;
    if (j === 0) {
      for (let i = 0; i < m; i++) traceH += H[i * m + i]!;
      for (let i = 0; i < m * m; i++) traceH2 += H[i]! * H[i]!;
    }
  });
  return { traceH, traceH2, gradTraceH, gradTraceH2 };
}
