/**
 * The deliberate mutants of numeric's deep closed forms (MLPs of any depth), for
 * layeredMutants.test.ts: each changes exactly one thing, planted through the
 * LayeredImplementations seam from numeric's public deep pieces (deepHessianTraces,
 * deepDenseHessian, deepTraceGradients and deepBoundGradient all take the forward pass they
 * work on, so a forward pass with a derivative table zeroed plants a dropped term in the real
 * code), and names the layered property expected to reject it at L = 3.
 */
import * as numeric from '@hsr/numeric';
import type { Dataset, DeepForwardPass, DeepVariant, LayeredModel } from '@hsr/numeric';
import {
  type LayeredCaseOptions,
  type LayeredImplementations,
  type LayeredProperty,
  layeredBoundGradientVsCentralDifference,
  layeredClosedFormTracesEqualDenseTraces,
  layeredHessianEqualsAutodiff,
  layeredHessianVsGradientCentralDifference,
  layeredLossGradientVsCentralDifference,
  layeredTrace2EqualsEigenvalueSquareSum,
  layeredTraceEqualsEigenvalueSum,
  layeredTraceGradientVsCentralDifference,
  withLayeredImplementations,
} from '../src/index.ts';

/** numeric's deep forward pass with one derivative table (phi'' or phi''') of every hidden layer set to 0. */
function withoutDerivative(model: LayeredModel, data: Dataset, table: 'd2' | 'd3'): DeepForwardPass {
  const fp = numeric.deepForwardPass(model, data);
  return { ...fp, [table]: fp[table].map((t) => new Float64Array(t.length)) };
}

/** T2 of each single layer's block, summed over the block's layers: tr(H_ll^2) without the cross blocks. */
function diagonalBlockT2(model: LayeredModel, data: Dataset, variant: DeepVariant): number {
  return variant.layers.reduce((s, l) => s + numeric.deepHessianTraces(model, data, { ...variant, layers: [l] }).traceH2, 0);
}

/** theta with each layer's b_i placed first in row i of [W_l | b_l] instead of last. */
function offByOneFlatten(model: LayeredModel, gradient: Float64Array): Float64Array {
  const out = Float64Array.from(gradient);
  model.layers.forEach((layer, l) => {
    if (!layer.b) return;
    const o = numeric.layerOffset(model, l);
    const nt = layer.inputs + 1;
    for (let i = 0; i < layer.outputs; i++) {
      out[o + i * nt] = gradient[o + i * nt + layer.inputs]!;
      for (let j = 0; j < layer.inputs; j++) out[o + i * nt + j + 1] = gradient[o + i * nt + j]!;
    }
  });
  return out;
}

export interface LayeredMutant {
  name: string;
  what: string;
  impl: LayeredImplementations;
  property: LayeredProperty;
  /** The cases it is run on (depth is always 3). */
  cases: LayeredCaseOptions;
}

const HESSIAN: LayeredCaseOptions = { curvatures: ['hessian'] };

export const LAYERED_MUTANTS: LayeredMutant[] = [
  {
    name: 'deep T2 without the delta term of the cross-layer blocks',
    what: "every ||H_ll'||^2 (l > l') taken from the Gauss–Newton H_ll', which lacks delta^l G^{l,l'}",
    impl: withLayeredImplementations({
      hessianTraces: (m, d, v) => {
        const gn = { ...v, curvature: 'gauss-newton' as const };
        const crossGN = numeric.deepHessianTraces(m, d, gn).traceH2 - diagonalBlockT2(m, d, gn);
        return { traceH: numeric.deepHessianTraces(m, d, v).traceH, traceH2: diagonalBlockT2(m, d, v) + crossGN };
      },
    }),
    property: layeredTrace2EqualsEigenvalueSquareSum,
    cases: { ...HESSIAN, minLayers: 2 },
  },
  {
    name: 'deep T2 without the cross-layer pair terms',
    what: "T2 = sum_l tr(H_ll^2): the 2 sum_{l > l'} K^{l'} Gamma^{l,l'} pair sums dropped",
    impl: withLayeredImplementations({ hessianTraces: (m, d, v) => ({ traceH: numeric.deepHessianTraces(m, d, v).traceH, traceH2: diagonalBlockT2(m, d, v) }) }),
    property: layeredClosedFormTracesEqualDenseTraces,
    cases: { minLayers: 2 },
  },
  {
    name: "deep traces without phi''",
    what: "Lambda^l = D Q D without diag(t phi''): deepHessianTraces over a forward pass whose phi'' tables are 0",
    impl: withLayeredImplementations({ hessianTraces: (m, d, v) => numeric.deepHessianTraces(m, d, v, withoutDerivative(m, d, 'd2')) }),
    property: layeredClosedFormTracesEqualDenseTraces,
    cases: HESSIAN,
  },
  {
    name: 'dense deep Hessian with the residual term of the wrong sign',
    what: 'H_GN - (H - H_GN): the g- and delta-terms subtracted instead of added',
    impl: withLayeredImplementations({
      denseHessian: (m, d, v) => {
        const H = numeric.deepDenseHessian(m, d, v);
        const G = numeric.deepDenseHessian(m, d, { ...v, curvature: 'gauss-newton' });
        return { size: H.size, data: H.data.map((x, i) => 2 * G.data[i]! - x) };
      },
    }),
    property: layeredHessianEqualsAutodiff,
    cases: HESSIAN,
  },
  {
    name: 'dense deep Hessian without the delta term of the cross-layer blocks',
    what: "H_ll' (l > l') taken from the Gauss–Newton block, which lacks delta^l G^{l,l'}",
    impl: withLayeredImplementations({
      denseHessian: (m, d, v) => {
        const H = numeric.deepDenseHessian(m, d, v);
        const G = numeric.deepDenseHessian(m, d, { ...v, curvature: 'gauss-newton' });
        // Keep H's diagonal blocks, take the cross blocks from G.
        const owner: number[] = [];
        for (const l of v.layers) for (let k = 0; k < numeric.layerParameterCount(m, l); k++) owner.push(l);
        const P = H.size;
        return { size: P, data: H.data.map((x, i) => (owner[Math.floor(i / P)] === owner[i % P] ? x : G.data[i]!)) };
      },
    }),
    property: layeredHessianVsGradientCentralDifference,
    cases: { ...HESSIAN, minLayers: 2 },
  },
  {
    name: 'deep loss gradient flattened off by one',
    what: 'b_i written at the start of row i of each [W_l | b_l] instead of the end',
    impl: withLayeredImplementations({ lossGradient: (m, d, r) => offByOneFlatten(m, numeric.deepLossGradient(m, d, r).gradient) }),
    property: layeredLossGradientVsCentralDifference,
    cases: { bias: true },
  },
  {
    name: "deep Gauss–Newton traces reported as the Hessian's",
    what: 'deepHessianTraces computes the J^T S J traces whatever the variant says',
    impl: withLayeredImplementations({ hessianTraces: (m, d, v) => numeric.deepHessianTraces(m, d, { ...v, curvature: 'gauss-newton' }) }),
    property: layeredTraceEqualsEigenvalueSum,
    cases: HESSIAN,
  },
  {
    name: 'deep traces summed instead of averaged',
    what: 'deepHessianTraces uses reduction sum when the variant says mean',
    impl: withLayeredImplementations({ hessianTraces: (m, d, v) => numeric.deepHessianTraces(m, d, { ...v, reduction: 'sum' }) }),
    property: layeredClosedFormTracesEqualDenseTraces,
    cases: { reductions: ['mean'] },
  },
  {
    name: "deep trace gradients without phi'''",
    what: "deepTraceGradients over a forward pass whose phi''' tables are 0",
    impl: withLayeredImplementations({ traceGradients: (m, d, v) => numeric.deepTraceGradients(m, d, v, withoutDerivative(m, d, 'd3')) }),
    property: layeredTraceGradientVsCentralDifference,
    cases: HESSIAN,
  },
  {
    name: "deep bound gradient without phi'''",
    what: "deepBoundGradient over a forward pass whose phi''' tables are 0",
    impl: withLayeredImplementations({ boundGradient: (m, d, v, of) => numeric.deepBoundGradient(m, d, v, of, withoutDerivative(m, d, 'd3')) }),
    property: layeredBoundGradientVsCentralDifference,
    cases: HESSIAN,
  },
];
