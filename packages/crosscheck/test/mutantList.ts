/**
 * The deliberate mutants, shared by the property suite (mutants.test.ts) and
 * the symbolic leg's suite (symbolicProperties.test.ts): each changes exactly one thing in numeric's
 * otherwise correct closed forms, and names the property expected to reject it.
 */
import * as numeric from '@hsr/numeric';
import { pairSumTraceH2 } from '@hsr/testkit';
import type { Dataset, ForwardPass, Model, Variant } from '@hsr/numeric';
import {
  type caseArbitrary,
  closedFormTracesEqualDenseTraces,
  boundGradientVsCentralDifference,
  hessianVsGradientCentralDifference,
  lossGradientVsCentralDifference,
  trace2EqualsEigenvalueSquareSum,
  traceEqualsEigenvalueSum,
  traceGradientVsCentralDifference,
  withImplementations,
  type Implementations,
  type NamedProperty,
} from '../src/index.ts';

export const HESSIAN_VARIANTS: Variant[] = numeric.REDUCTIONS.flatMap((reduction) => numeric.BLOCKS.map((block) => ({ reduction, block, curvature: 'hessian' as const })));

/** The g-term of the cross block, kappa sum_n x~_nj phi'_ni g_nk 1[l = i], as a P_block x P_block matrix. */
function crossBlockGTerm(model: Model, data: Dataset, variant: Variant): Float64Array {
  const fp = numeric.forwardPass(model, data);
  const { start, end } = numeric.blockRange(model, variant.block);
  const P = end - start;
  const G = new Float64Array(P * P);
  if (variant.block !== 'all' || variant.curvature !== 'hessian') return G;
  const kappa = numeric.reductionScale(variant.reduction, fp.samples);
  const { hiddenDim: h, classes: c, augmentedInputDim: dt } = fp;
  for (let n = 0; n < fp.samples; n++)
    for (let i = 0; i < h; i++)
      for (let j = 0; j < dt; j++)
        for (let k = 0; k < c; k++) {
          const r = numeric.firstLayerIndex(model, i, j);
          const col = numeric.secondLayerIndex(model, k, i);
          const v = kappa * fp.xt[n * dt + j]! * fp.d1[n * h + i]! * fp.g[n * c + k]!;
          G[r * P + col]! += v;
          G[col * P + r]! += v;
        }
  return G;
}

/** theta with b_i placed first in row i instead of last: the classic off-by-one in [W | b]. */
function offByOneFlatten(model: Model, gradient: Float64Array): Float64Array {
  const out = Float64Array.from(gradient);
  if (!model.b) return out;
  const dt = model.inputDim + 1;
  for (let i = 0; i < model.hiddenDim; i++) {
    out[i * dt] = gradient[i * dt + model.inputDim]!;
    for (let j = 0; j < model.inputDim; j++) out[i * dt + j + 1] = gradient[i * dt + j]!;
  }
  return out;
}

/** numeric's forward pass with phi''' forgotten (set to 0), fed to the real gradient code. */
function withoutThirdDerivative(model: Model, data: Dataset): ForwardPass {
  const fp = numeric.forwardPass(model, data);
  return { ...fp, d3: new Float64Array(fp.d3.length) };
}

export interface Mutant {
  name: string;
  what: string;
  impl: Implementations;
  property: NamedProperty;
  /** Which symbolic property group must also reject it (symbolicProperties.test.ts). */
  symbolic: 'traces' | 'gradients';
  cases: Parameters<typeof caseArbitrary>[0];
}

export const MUTANTS: Mutant[] = [
  {
    name: 'dense Hessian without the g-term of the cross block',
    what: "H_WV loses kappa sum_n x~_nj phi'_ni g_nk 1[l = i]",
    impl: withImplementations({
      denseHessian: (m, d, v) => {
        const H = numeric.denseHessian(m, d, v);
        const G = crossBlockGTerm(m, d, v);
        return { size: H.size, data: H.data.map((x, i) => x - G[i]!) };
      },
    }),
    property: hessianVsGradientCentralDifference,
    symbolic: 'traces',
    cases: { variants: HESSIAN_VARIANTS.filter((v) => v.block === 'all') },
  },
  {
    name: 'T2 without the g-term of the cross block',
    what: 'Gamma_nm keeps only K^z tr(C_n^T C_m)',
    impl: withImplementations({ hessianTraces: (m, d, v) => ({ traceH: numeric.hessianTraces(m, d, v).traceH, traceH2: pairSumTraceH2(m, d, v, false) }) }),
    property: trace2EqualsEigenvalueSquareSum,
    symbolic: 'traces',
    cases: { variants: HESSIAN_VARIANTS.filter((v) => v.block === 'all') },
  },
  {
    name: "Gauss–Newton traces reported as the Hessian's",
    what: 'hessianTraces computes the J^T S J traces whatever the variant says',
    impl: withImplementations({ hessianTraces: (m, d, v) => numeric.hessianTraces(m, d, { ...v, curvature: 'gauss-newton' }) }),
    property: traceEqualsEigenvalueSum,
    symbolic: 'traces',
    cases: { variants: HESSIAN_VARIANTS },
  },
  {
    name: "trace gradients without phi'''",
    what: "numeric.traceGradients fed a forward pass whose phi''' table is 0",
    impl: withImplementations({ traceGradients: (m, d, v) => numeric.traceGradients(m, d, v, withoutThirdDerivative(m, d)) }),
    property: traceGradientVsCentralDifference,
    symbolic: 'gradients',
    cases: { variants: HESSIAN_VARIANTS.filter((v) => v.block !== 'second') },
  },
  {
    name: "bound gradient without phi'''",
    what: "numeric.boundGradientFromTraces over trace gradients whose phi''' is 0",
    impl: withImplementations({ boundGradient: (m, d, v, of) => numeric.boundGradientFromTraces(numeric.traceGradients(m, d, v, withoutThirdDerivative(m, d)), of) }),
    property: boundGradientVsCentralDifference,
    symbolic: 'gradients',
    cases: { variants: HESSIAN_VARIANTS.filter((v) => v.block !== 'second') },
  },
  {
    name: 'loss gradient flattened off by one',
    what: 'b_i written at the start of row i of [W | b] instead of the end',
    impl: withImplementations({ lossGradient: (m, d, r) => offByOneFlatten(m, numeric.lossGradient(m, d, r).gradient) }),
    property: lossGradientVsCentralDifference,
    symbolic: 'traces',
    cases: {},
  },
  {
    name: 'traces summed instead of averaged',
    what: 'hessianTraces uses reduction sum when the variant says mean',
    impl: withImplementations({ hessianTraces: (m, d, v) => numeric.hessianTraces(m, d, { ...v, reduction: 'sum' }) }),
    property: closedFormTracesEqualDenseTraces,
    symbolic: 'traces',
    cases: { variants: HESSIAN_VARIANTS.filter((v) => v.reduction === 'mean') },
  },
];
