/**
 * One deep case of the sweep (a network of depth L >= 3, docs/mathematics.md §9): the
 * general-depth definitions (definitions/deep.ts) evaluated step by step on the case's layers,
 * each step reading the values the definitions produced for the step before (the forward pass
 * and its direction bottom-up from [x_n; 1], backpropagation and the Lambda recursion top-down
 * from the loss table's g_n and S_n at the definitions' own logits, the Jacobian chain upward
 * from each lower layer of the block), and compared with:
 *
 * - `@hsr/numeric` deep/: deepForwardPass, deepLoss, deepLossGradient, deepSampleCurvature
 *   (Lambda, delta, F, G, X), deepDenseHessian (the whole block, and per sample for the pair
 *   terms), deepHessianTraces, deepHessianVectorProduct, and deepTraceGradients against the
 *   five-point stencil of the definitions' own T1 and T2;
 * - nerdamer and mathjs: the loss written out in u^{l'} (the network above layer l' with its
 *   weights as symbols): its gradient is delta^{l'}, its Hessian Lambda^{l'} (Gauss–Newton:
 *   F^\top S F with F the engine's Jacobian of the logits), the Jacobians of u^l and a^l in u^{l'}
 *   are F^{l,l'} and G^{l,l'}, and X^{l,l'} = Lambda^l F^{l,l'}; and each per-layer term of T1, T2
 *   written in its building blocks, differentiated for the seeds of the gradient;
 * - identities: T1 and T2 against the trace and squared norm of the definitions' own blocks, Hv
 *   against those blocks times v, and the pair terms against the per-sample blocks.
 */
import {
  ACTIVATIONS,
  boundGradientFromTraces,
  deepBoundGradient,
  deepDenseHessian,
  deepForwardPass,
  deepHessianTraces,
  deepHessianVectorProduct,
  deepLoss,
  deepLossGradient,
  deepTraceGradients,
  flattenLayered,
  labelSmoothingOf,
  unflattenLayered,
  type Dataset,
  type DeepForwardPass,
  type DeepVariant,
  type LayeredModel,
} from '@hsr/numeric';
import { adjacentJacobianInto, deepSampleCurvature, gramMatrix } from '@hsr/numeric/internal';
import * as D from '../definitions/deep.ts';
import { EPSILON_SMOOTHING, LOSS_DEFINITIONS, lossDefinitionMap, type LossDefinitions } from '../definitions/losses.ts';
import { G, LOGITS, LOSS, S } from '../definitions/network.ts';
import type { Engine } from '../entrywise.ts';
import { pairForm, differentiatePairForm } from '../notation/engineText.ts';
import { Evaluator, sizesOf, tensor, type Sizes, type Tensor } from '../notation/evaluate.ts';
import { define, input, ref, type Definition, type TensorSymbol } from '../notation/expression.ts';
import { activationFormula } from '../symbolicNetwork.ts';
import { buildDeepSweepCase, caseLayers, caseName, type SweepCase } from './cases.ts';
import { deepLocal, lossLocal } from './localLegs.ts';
import { matVec, maxAbs, Recorder, sumSquares, trace, type CaseResult, type RunOptions } from './run.ts';

/** The registry entries of the general-depth formulas (checked on deep cases only). */
export const DEEP_ENTRY_IDS: ReadonlySet<string> = new Set([
  'deep-forward',
  'deep-loss-gradient',
  'deep-lambda',
  'deep-jacobians',
  'deep-hessian-blocks',
  'deep-trace-h',
  'deep-trace-h2',
  'deep-trace-gradient',
  'deep-hessian-vector-product',
]);

/** The largest step the engines derive: widths of the layers above l' (their product) and of the pair forms. */
export const DEEP_ENGINE_LIMITS: { readonly [E in Engine]: { readonly local: number; readonly pairForm: number } } = {
  mathjs: { local: 64, pairForm: 27 },
  nerdamer: { local: 8, pairForm: 4 },
};

const ENGINES: readonly Engine[] = ['mathjs', 'nerdamer'];

// Inputs through which a pair step reads layer l's Lambda and delta (the layer step's values).
const LAMBDA_GIVEN = input('DLl', ['N', 'ml', 'ml'], D.DEEP_LAMBDA.notation, D.DEEP_LAMBDA.meaning);
const DELTA_GIVEN = input('Ddl', ['N', 'ml'], D.DEEP_DELTA.notation, D.DEEP_DELTA.meaning);
const LOGITS_GIVEN = input('Dv', ['N', 'c'], LOGITS.notation, LOGITS.meaning);
const given = (like: Definition, by: TensorSymbol): Definition => define(like.name, like.indices, like.notation, like.meaning, ref(by, ...like.indices));

const t = (shape: readonly number[], data: ArrayLike<number>): Tensor => tensor(shape, data);

/** [W | b] of a layer, m x (n + bias), row-major. */
function augmentedWeights(model: LayeredModel, l: number): Float64Array {
  const layer = model.layers[l]!;
  const nt = layer.inputs + (layer.b ? 1 : 0);
  const out = new Float64Array(layer.outputs * nt);
  for (let i = 0; i < layer.outputs; i++) {
    for (let j = 0; j < layer.inputs; j++) out[i * nt + j] = layer.W[i * layer.inputs + j]!;
    if (layer.b) out[i * nt + layer.inputs] = layer.b[i]!;
  }
  return out;
}

interface ChainOptions {
  readonly loss: LossDefinitions;
  readonly layers: readonly number[];
  readonly reduction: 'mean' | 'sum';
  readonly hessian: boolean;
  /** The direction per layer (shaped like W~_l, zero outside the block), or null to skip the product. */
  readonly direction: readonly Float64Array[] | null;
  readonly overrides: readonly Definition[];
}

/** Everything the definitions produce on one network: per-layer and per-pair evaluators and the values they pass on. */
interface Chain {
  readonly L: number;
  readonly N: number;
  readonly bias: boolean;
  readonly widths: readonly number[];
  readonly kappa: number;
  readonly inputs: readonly Tensor[];
  readonly logits: Tensor;
  readonly lossEv: Evaluator;
  /** Per layer: the evaluator of the full step (forward, backward, direction). */
  readonly layer: readonly Evaluator[];
  /** Per pair l > l' with l' in the block and l' < l <= the block's top: the evaluator of the Jacobian step. */
  readonly pair: ReadonlyMap<string, Evaluator>;
  readonly T1: number;
  readonly T2: number;
}

function runChain(model: LayeredModel, data: Dataset, o: ChainOptions): Chain {
  const L = model.layers.length;
  const N = data.samples;
  const bias = model.layers[0]!.b !== null;
  const b = bias ? 1 : 0;
  const widths = [model.layers[0]!.inputs, ...model.layers.map((x) => x.outputs)];
  const c = widths[L]!;
  const kappa = o.reduction === 'mean' ? 1 / N : 1;
  const oneH = o.hessian ? 1 : 0;
  const activationOf = (l: number) => {
    const rule = ACTIVATIONS[model.activations[Math.min(l, L - 2)]!];
    return { phi: rule.phi, phi1: rule.d1, phi2: rule.d2, phi3: rule.d3 };
  };
  const overrides = new Map(o.overrides.map((d) => [d.name, d]));
  const sizes = (l: number, extra: Partial<Sizes> = {}): Sizes => sizesOf({ N, nl: widths[l]!, nlt: widths[l]! + b, ml: widths[l + 1]!, mlt: widths[l + 1]! + b, mu: l + 1 < L ? widths[l + 2]! : 0, c, ...extra });
  const zeros = (n: number) => new Float64Array(n);
  const base = (l: number): [string, Tensor | number][] => [
    [D.DEEP_WEIGHTS.name, t([widths[l + 1]!, widths[l]! + b], augmentedWeights(model, l))],
    ['kappa', kappa],
    ['oneH', oneH],
  ];
  const direction = (l: number) => t([widths[l + 1]!, widths[l]! + b], o.direction?.[l] ?? zeros(widths[l + 1]! * (widths[l]! + b)));

  // Forward and the direction's forward sweep, bottom-up.
  const x = new Float64Array(N * (widths[0]! + b));
  for (let n = 0; n < N; n++) {
    for (let j = 0; j < widths[0]!; j++) x[n * (widths[0]! + b) + j] = data.X[n * widths[0]! + j]!;
    if (bias) x[n * (widths[0]! + b) + widths[0]!] = 1;
  }
  const inputs: Tensor[] = [t([N, widths[0]! + b], x)];
  const rInputs: Tensor[] = [t([N, widths[0]!], zeros(N * widths[0]!))];
  const phi1: Tensor[] = [];
  let logits: Tensor = t([N, c], zeros(N * c));
  for (let l = 0; l < L; l++) {
    const ev = new Evaluator({
      sizes: sizes(l),
      inputs: new Map([...base(l), [D.DEEP_INPUT.name, inputs[l]!], [D.DEEP_DIRECTION.name, direction(l)], [D.DEEP_R_INPUT.name, rInputs[l]!]]),
      definitions: overrides,
      activation: activationOf(l),
    });
    if (l === L - 1) logits = ev.value(D.DEEP_U);
    else {
      inputs.push(ev.value(D.DEEP_NEXT_INPUT));
      phi1.push(ev.value(D.DEEP_PHI1));
      rInputs.push(ev.value(D.DEEP_R_NEXT_INPUT));
    }
  }

  // The loss table at the definitions' logits.
  const y = new Float64Array(N * c);
  for (let n = 0; n < N; n++) y[n * c + data.y[n]!] = 1;
  const lossDefinitions = lossDefinitionMap(o.loss);
  lossDefinitions.set(LOGITS.name, given(LOGITS, LOGITS_GIVEN));
  for (const d of o.overrides) lossDefinitions.set(d.name, d);
  const lossEv = new Evaluator({
    sizes: sizesOf({ N, c }),
    inputs: new Map<string, Tensor | number>([
      [LOGITS_GIVEN.name, logits],
      ['y', t([N, c], y)],
      ['kappa', kappa],
      [EPSILON_SMOOTHING.name, labelSmoothingOf(model)],
    ]),
    definitions: lossDefinitions,
  });
  const g = lossEv.value(G);
  const Sv = lossEv.value(S);

  // Backward, top-down: delta, Lambda, R delta, the gradient, the product, the layer terms.
  const layer = new Array<Evaluator>(L);
  for (let l = L - 1; l >= 0; l--) {
    const top = l === L - 1;
    const defs = new Map(overrides);
    if (top) {
      defs.set(D.DEEP_DELTA.name, D.replacing(D.DEEP_DELTA, D.DEEP_DELTA_TOP));
      defs.set(D.DEEP_LAMBDA.name, D.replacing(D.DEEP_LAMBDA, D.DEEP_LAMBDA_TOP));
      defs.set(D.DEEP_R_DELTA.name, D.replacing(D.DEEP_R_DELTA, D.DEEP_R_DELTA_TOP));
    }
    const entries: [string, Tensor | number][] = [...base(l), [D.DEEP_INPUT.name, inputs[l]!], [D.DEEP_DIRECTION.name, direction(l)], [D.DEEP_R_INPUT.name, rInputs[l]!]];
    if (top) entries.push([D.DEEP_G.name, g], [D.DEEP_S.name, Sv]);
    else {
      const up = layer[l + 1]!;
      entries.push(
        [D.DEEP_WEIGHTS_UP.name, t([widths[l + 2]!, widths[l + 1]! + b], augmentedWeights(model, l + 1))],
        [D.DEEP_DELTA_UP.name, up.value(D.DEEP_DELTA)],
        [D.DEEP_LAMBDA_UP.name, up.value(D.DEEP_LAMBDA)],
        [D.DEEP_DIRECTION_UP.name, direction(l + 1)],
        [D.DEEP_R_DELTA_UP.name, up.value(D.DEEP_R_DELTA)],
      );
    }
    layer[l] = new Evaluator({ sizes: sizes(l), inputs: new Map(entries), definitions: defs, activation: activationOf(l) });
  }

  // The Jacobian chain upward from each lower layer of the block, and the pair terms.
  const inBlock = new Set(o.layers);
  const topLayer = Math.max(...o.layers);
  const pair = new Map<string, Evaluator>();
  const tau2Pair = new Float64Array(L * L);
  for (const lq of o.layers) {
    const mq = widths[lq + 1]!;
    let F: Tensor | null = null;
    for (let l = lq + 1; l <= topLayer; l++) {
      const nl = widths[l]!;
      if (F === null) {
        const I = new Float64Array(N * nl * mq);
        for (let n = 0; n < N; n++) for (let r = 0; r < mq; r++) I[(n * nl + r) * mq + r] = 1;
        F = t([N, nl, mq], I);
      }
      const defs = new Map(overrides);
      defs.set(D.DEEP_LAMBDA.name, given(D.DEEP_LAMBDA, LAMBDA_GIVEN));
      defs.set(D.DEEP_DELTA.name, given(D.DEEP_DELTA, DELTA_GIVEN));
      const ev: Evaluator = new Evaluator({
        sizes: sizes(l, { mq, nq: widths[lq]!, nqt: widths[lq]! + b }),
        inputs: new Map([
          ...base(l),
          [D.DEEP_INPUT.name, inputs[l]!],
          [D.DEEP_INPUT_LOWER.name, inputs[lq]!],
          [D.DEEP_F_BELOW.name, F],
          [D.DEEP_PHI1_BELOW.name, phi1[l - 1]!],
          [LAMBDA_GIVEN.name, layer[l]!.value(D.DEEP_LAMBDA)],
          [DELTA_GIVEN.name, layer[l]!.value(D.DEEP_DELTA)],
        ]),
        definitions: defs,
        activation: activationOf(l),
      });
      pair.set(`${l},${lq}`, ev);
      if (inBlock.has(l)) tau2Pair[l * L + lq] = ev.scalar(D.DEEP_T2_PAIR);
      F = ev.value(D.DEEP_JACOBIAN_F);
    }
  }

  // T1 and T2: the layer terms summed over the block.
  const blockVector = Float64Array.from({ length: L }, (_, l) => (inBlock.has(l) ? 1 : 0));
  const below = Float64Array.from({ length: L * L }, (_, q) => (q % L < Math.floor(q / L) ? 1 : 0));
  const tau1 = Float64Array.from({ length: L }, (_, l) => (inBlock.has(l) ? layer[l]!.scalar(D.DEEP_T1_LAYER) : 0));
  const tau2 = Float64Array.from({ length: L }, (_, l) => (inBlock.has(l) ? layer[l]!.scalar(D.DEEP_T2_LAYER) : 0));
  const sum = new Evaluator({
    sizes: sizesOf({ layer: L }),
    inputs: new Map([
      [D.DEEP_BLOCK.name, t([L], blockVector)],
      [D.DEEP_BELOW.name, t([L, L], below)],
      [D.DEEP_TAU1.name, t([L], tau1)],
      [D.DEEP_TAU2.name, t([L], tau2)],
      [D.DEEP_TAU2_PAIR.name, t([L, L], tau2Pair)],
    ]),
    definitions: overrides,
  });
  return { L, N, bias, widths, kappa, inputs, logits, lossEv, layer, pair, T1: sum.scalar(D.DEEP_T1), T2: sum.scalar(D.DEEP_T2) };
}

/** The block's Hessian from the definitions' blocks, in theta order restricted to the block. */
function assembleDeepHessian(chain: Chain, layers: readonly number[]): { H: Float64Array; P: number; offset: Map<number, number>; size: Map<number, number> } {
  const b = chain.bias ? 1 : 0;
  const offset = new Map<number, number>();
  const size = new Map<number, number>();
  let P = 0;
  for (const l of layers) {
    offset.set(l, P);
    size.set(l, chain.widths[l + 1]! * (chain.widths[l]! + b));
    P += size.get(l)!;
  }
  const H = new Float64Array(P * P);
  for (const l of layers) {
    const o = offset.get(l)!;
    const p = size.get(l)!;
    const block = chain.layer[l]!.value(D.DEEP_H_DIAGONAL).data;
    for (let a = 0; a < p; a++) for (let c = 0; c < p; c++) H[(o + a) * P + o + c] = block[a * p + c]!;
  }
  for (const l of layers)
    for (const lq of layers) {
      if (lq >= l) continue;
      const cross = chain.pair.get(`${l},${lq}`)!.value(D.DEEP_H_CROSS).data;
      const o = offset.get(l)!;
      const oq = offset.get(lq)!;
      const p = size.get(l)!;
      const pq = size.get(lq)!;
      for (let a = 0; a < p; a++)
        for (let c = 0; c < pq; c++) {
          H[(o + a) * P + oq + c] = cross[a * pq + c]!;
          H[(oq + c) * P + o + a] = cross[a * pq + c]!;
        }
    }
  return { H, P, offset, size };
}

/** <B_n, B_m> over the sub-block rows [r0, r1) x columns [c0, c1) of per-sample matrices of size P. */
function pairProducts(samples: readonly Float64Array[], P: number, r0: number, r1: number, c0: number, c1: number): Float64Array {
  const N = samples.length;
  const out = new Float64Array(N * N);
  for (let n = 0; n < N; n++)
    for (let m = 0; m < N; m++) {
      let s = 0;
      for (let a = r0; a < r1; a++) for (let c = c0; c < c1; c++) s += samples[n]![a * P + c]! * samples[m]![a * P + c]!;
      out[n * N + m] = s;
    }
  return out;
}

/** A one-sample data set (the n-th sample of `data`). */
function oneSample(data: Dataset, n: number): Dataset {
  const d = data.features;
  return { samples: 1, features: d, X: data.X.slice(n * d, (n + 1) * d), y: data.y.slice(n, n + 1) };
}

/** numeric's F^{l,l-1}_n = W_l D^{l-1}_n for every sample (N x m_l x m_{l-1}). */
function adjacentF(model: LayeredModel, fp: DeepForwardPass, l: number): Float64Array {
  const { inputs: k, outputs: m } = model.layers[l]!;
  const out = new Float64Array(fp.samples * m * k);
  for (let n = 0; n < fp.samples; n++) adjacentJacobianInto(model, fp, l, n, out, n * m * k);
  return out;
}

/** Verify every general-depth definition on one deep case. */
export function verifyDeepCase(c: SweepCase, options: RunOptions = {}): CaseResult {
  const started = performance.now();
  const wants = (entry: string) => DEEP_ENTRY_IDS.has(entry) && (!options.entries || options.entries.has(entry));
  const rec = new Recorder(wants);
  const { model, data } = buildDeepSweepCase(c);
  const loss = LOSS_DEFINITIONS[c.loss ?? 'cross-entropy'];
  const layers = caseLayers(c);
  const hessian = c.curvature === 'hessian';
  const variant: DeepVariant = { reduction: c.reduction, curvature: c.curvature, layers };
  const L = model.layers.length;
  const N = data.samples;
  const bias = model.layers[0]!.b !== null;
  const b = bias ? 1 : 0;
  const widths = [model.layers[0]!.inputs, ...model.layers.map((x) => x.outputs)];
  const inBlock = new Set(layers);
  // A seeded direction, zero outside the block.
  const direction = model.layers.map((layer, l) => Float64Array.from({ length: layer.outputs * (layer.inputs + b) }, (_, a) => (inBlock.has(l) ? Math.sin(1.7 * (a + 31 * l) + c.seed) : 0)));
  const chainOptions: ChainOptions = { loss, layers, reduction: c.reduction, hessian, direction, overrides: options.overrides ?? [] };
  const chain = runChain(model, data, chainOptions);
  const top = Math.max(...layers);
  const lowest = Math.min(...layers);

  // ---- @hsr/numeric deep/ -------------------------------------------------------------------
  const fp = deepForwardPass(model, data);
  for (let l = 0; l < L - 1; l++) {
    rec.compare('deep-forward', 'a~^(l+1)', 'numeric deepForwardPass', 'numeric', chain.inputs[l + 1]!.data, fp.inputs[l + 1]!);
    rec.compare('deep-forward', "phi_l'", 'numeric deepForwardPass', 'numeric', chain.layer[l]!.value(D.DEEP_PHI1).data, fp.d1[l]!);
  }
  rec.compare('deep-forward', 'v = u^(L-1)', 'numeric deepForwardPass', 'numeric', chain.logits.data, fp.v);
  rec.compare('deep-forward', 'ell', 'numeric deepForwardPass', 'numeric', chain.lossEv.value(loss.ell).data, fp.loss.losses);
  rec.compare('deep-forward', 'L', 'numeric deepLoss', 'numeric', [chain.lossEv.scalar(LOSS)], [deepLoss(model, data, c.reduction)]);
  const gradient = Float64Array.from(chain.layer.flatMap((ev) => Array.from(ev.value(D.DEEP_LOSS_GRADIENT).data)));
  rec.compare('deep-loss-gradient', 'dL/dtheta', 'numeric deepLossGradient', 'numeric', gradient, deepLossGradient(model, data, c.reduction, fp).gradient);
  const sc = deepSampleCurvature(model, fp, c.curvature, layers, { keepChain: true });
  for (let l = 0; l < L; l++) rec.compare('deep-loss-gradient', 'delta^l', 'numeric deepSampleCurvature', 'numeric', chain.layer[l]!.value(D.DEEP_DELTA).data, sc.delta[l]!);
  for (let l = lowest; l < L; l++) rec.compare('deep-lambda', 'Lambda^l', 'numeric deepSampleCurvature', 'numeric', chain.layer[l]!.value(D.DEEP_LAMBDA).data, sc.lambda[l]!);
  for (const [key, ev] of chain.pair) {
    const [l, lq] = key.split(',').map(Number) as [number, number];
    // numeric stores no F for adjacent layers (F = W_l D^{l-1}, formed per sample where needed).
    const F = sc.F[l]![lq] ?? adjacentF(model, fp, l);
    rec.compare('deep-jacobians', "F^(l,l')", lq === l - 1 ? 'numeric adjacentJacobianInto' : 'numeric deepSampleCurvature', 'numeric', ev.value(D.DEEP_JACOBIAN_F).data, F);
    rec.compare('deep-jacobians', "G^(l,l')", 'numeric deepSampleCurvature', 'numeric', ev.value(D.DEEP_JACOBIAN_G).data, sc.G[l]![lq]!);
    if (inBlock.has(l)) rec.compare('deep-jacobians', "X^(l,l')", 'numeric deepSampleCurvature', 'numeric', ev.value(D.DEEP_JACOBIAN_X).data, sc.X[l]![lq]!);
  }
  const assembled = assembleDeepHessian(chain, layers);
  const dense = deepDenseHessian(model, data, variant, fp).data;
  rec.compare('deep-hessian-blocks', 'H', 'numeric deepDenseHessian', 'numeric', assembled.H, dense);
  const traces = deepHessianTraces(model, data, variant, fp);
  rec.compare('deep-trace-h', 'T1', 'numeric deepHessianTraces', 'numeric', [chain.T1], [traces.traceH]);
  rec.compare('deep-trace-h2', 'T2', 'numeric deepHessianTraces', 'numeric', [chain.T2], [traces.traceH2]);
  rec.compare('deep-trace-h', 'T1', 'trace of numeric deepDenseHessian', 'numeric', [chain.T1], [trace(dense, assembled.P)]);
  rec.compare('deep-trace-h2', 'T2', 'squared norm of numeric deepDenseHessian', 'numeric', [chain.T2], [sumSquares(dense)]);
  rec.compare('deep-trace-h', 'T1', 'trace of the Hessian blocks', 'identity', [chain.T1], [trace(assembled.H, assembled.P)]);
  rec.compare('deep-trace-h2', 'T2', 'squared norm of the Hessian blocks', 'identity', [chain.T2], [sumSquares(assembled.H)]);
  for (const l of layers) rec.compare('deep-trace-h', 'K^l', 'numeric deepForwardPass inputs, Gram', 'numeric', chain.layer[l]!.value(D.DEEP_GRAM).data, gramMatrix(fp.inputs[l]!, N, widths[l]! + b));
  // The pair terms against the per-sample blocks of numeric's dense Hessian.
  const perSample = Array.from({ length: N }, (_, n) => deepDenseHessian(model, oneSample(data, n), { ...variant, reduction: 'sum' }).data);
  for (const l of layers) {
    const o = assembled.offset.get(l)!;
    const p = assembled.size.get(l)!;
    const K = chain.layer[l]!.value(D.DEEP_GRAM).data;
    const LL = chain.layer[l]!.value(D.DEEP_LAMBDA_INNER).data;
    rec.compare(
      'deep-trace-h2',
      '(K^l)^2 <Lambda^l,Lambda^l>',
      'numeric deepDenseHessian per sample, diagonal blocks pair by pair',
      'numeric',
      Float64Array.from(K, (k, q) => k * k * LL[q]!),
      pairProducts(perSample, assembled.P, o, o + p, o, o + p),
    );
    for (const lq of layers) {
      if (lq >= l) continue;
      const ev = chain.pair.get(`${l},${lq}`)!;
      const Kq = ev.value(D.DEEP_GRAM_LOWER).data;
      const gamma = ev.value(D.DEEP_GAMMA).data;
      const oq = assembled.offset.get(lq)!;
      rec.compare(
        'deep-trace-h2',
        "K^l' Gamma^(l,l')",
        'numeric deepDenseHessian per sample, cross blocks pair by pair',
        'numeric',
        Float64Array.from(Kq, (k, q) => k * gamma[q]!),
        pairProducts(perSample, assembled.P, o, o + p, oq, oq + assembled.size.get(lq)!),
      );
    }
  }
  // The product, restricted to the block.
  const vB = Float64Array.from(layers.flatMap((l) => Array.from(direction[l]!)));
  const hv = Float64Array.from(layers.flatMap((l) => Array.from(chain.layer[l]!.value(D.DEEP_HVP).data)));
  rec.compare('deep-hessian-vector-product', 'Hv', 'numeric deepHessianVectorProduct', 'numeric', hv, deepHessianVectorProduct(model, data, variant, vB));
  rec.compare('deep-hessian-vector-product', 'Hv', 'the Hessian blocks times v', 'identity', hv, matVec(assembled.H, vB));
  // The gradients of T1 and T2: numeric's reverse sweep against the stencil of the definitions' own traces.
  if (wants('deep-trace-gradient')) {
    const tg = deepTraceGradients(model, data, variant, fp);
    const fd = fivePointTraceGradients(model, data, { ...chainOptions, direction: null });
    rec.compare('deep-trace-gradient', 'dT1/dtheta', "numeric deepTraceGradients: five-point stencil of the definitions' T1", 'five-point', tg.gradTraceH, fd.T1, maxAbs(tg.gradTraceH));
    rec.compare('deep-trace-gradient', 'dT2/dtheta', "numeric deepTraceGradients: five-point stencil of the definitions' T2", 'five-point', tg.gradTraceH2, fd.T2, maxAbs(tg.gradTraceH2));
    // A bound's gradient is one sweep with seed (alpha, beta): against the outer chain rule (eq:bound-gradient) over the stencil's gradients.
    const fromStencil = { traceH: chain.T1, traceH2: chain.T2, parameters: assembled.P, gradTraceH: fd.T1, gradTraceH2: fd.T2 };
    for (const of of ['upper', 'lower', 'range'] as const) {
      const expected = boundGradientFromTraces(fromStencil, of);
      if (expected.degenerate) rec.skip('deep-trace-gradient', `numeric deepBoundGradient (${of})`, 's = 0: the bounds are not differentiable there');
      else {
        const got = deepBoundGradient(model, data, variant, of, fp).gradient;
        rec.compare('deep-trace-gradient', `d${of}/dtheta`, "numeric deepBoundGradient: eq:bound-gradient over the five-point stencil of the definitions' T1, T2", 'five-point', got, expected.gradient, maxAbs(got));
      }
    }
  }

  // ---- the engines ---------------------------------------------------------------------------
  const formulaOf = (l: number) => activationFormula(model.activations[Math.min(l, L - 2)]!);
  const u = (l: number) => chain.layer[l]!.value(D.DEEP_U).data;
  for (const engine of ENGINES) {
    // The loss in u^{l'} for each lower layer l' the checks reach.
    for (let lq = 0; lq < L - 1; lq++) {
      const above = widths.slice(lq + 1, L + 1).reduce((p, w) => p * w, 1);
      const entries = ['deep-loss-gradient', 'deep-lambda', 'deep-jacobians'];
      if (above > DEEP_ENGINE_LIMITS[engine].local) {
        for (const e of entries) rec.skip(e, engine, `the widths above a layer multiply to more than the ${engine} limit ${DEEP_ENGINE_LIMITS[engine].local} for the loss written out in its u^l`);
        continue;
      }
      rec.leg(entries, engine, () => {
        const mq = widths[lq + 1]!;
        const deltaE = new Float64Array(N * mq);
        const lambdaE = new Float64Array(N * mq * mq);
        const Fs = new Map<number, Float64Array>();
        const Gs = new Map<number, Float64Array>();
        for (let n = 0; n < N; n++) {
          const r = deepLocal(
            engine,
            loss,
            model.activations.map((a) => activationFormula(a)),
            model,
            lq,
            u(lq).subarray(n * mq, (n + 1) * mq),
            data.y[n]!,
            hessian,
          );
          deltaE.set(r.delta, n * mq);
          for (let l = lq + 1; l < L; l++) {
            const ml = widths[l + 1]!;
            const nl = widths[l]!;
            if (!Fs.has(l)) Fs.set(l, new Float64Array(N * ml * mq));
            if (!Gs.has(l)) Gs.set(l, new Float64Array(N * nl * mq));
            Fs.get(l)!.set(r.F[l - lq - 1]!, n * ml * mq);
            Gs.get(l)!.set(r.G[l - lq - 1]!, n * nl * mq);
          }
          if (hessian) lambdaE.set(r.lambda!, n * mq * mq);
          else {
            // Gauss–Newton: F^T S F with F the engine's Jacobian of the logits and S its loss Hessian.
            const c = widths[L]!;
            const Fv = r.F[L - lq - 2]!;
            const Sn = lossLocal(engine, loss, chain.logits.data.subarray(n * c, (n + 1) * c), data.y[n]!).S;
            for (let a = 0; a < mq; a++)
              for (let a2 = 0; a2 < mq; a2++) {
                let s = 0;
                for (let k = 0; k < c; k++) for (let k2 = 0; k2 < c; k2++) s += Fv[k * mq + a]! * Sn[k * c + k2]! * Fv[k2 * mq + a2]!;
                lambdaE[(n * mq + a) * mq + a2] = s;
              }
          }
        }
        rec.compare('deep-loss-gradient', 'delta^l', `${engine}: d ell/du^l, the loss written out in u^l`, 'engine', chain.layer[lq]!.value(D.DEEP_DELTA).data, deltaE);
        if (lq >= lowest)
          rec.compare('deep-lambda', 'Lambda^l', hessian ? `${engine}: d^2 ell/d(u^l)^2` : `${engine}: F^T S F from its Jacobian of the logits in u^l`, 'engine', chain.layer[lq]!.value(D.DEEP_LAMBDA).data, lambdaE);
        if (!inBlock.has(lq)) return;
        for (let l = lq + 1; l <= top; l++) {
          const ev = chain.pair.get(`${l},${lq}`)!;
          rec.compare('deep-jacobians', "F^(l,l')", `${engine}: du^l/du^l'`, 'engine', ev.value(D.DEEP_JACOBIAN_F).data, Fs.get(l)!);
          rec.compare('deep-jacobians', "G^(l,l')", `${engine}: da^l/du^l'`, 'engine', ev.value(D.DEEP_JACOBIAN_G).data, Gs.get(l)!);
        }
      });
    }
    // The seeds: each per-layer term of T1, T2 written in its building blocks and differentiated.
    for (const l of layers) {
      const ev = chain.layer[l]!;
      const ml = widths[l + 1]!;
      if (ml * ml > DEEP_ENGINE_LIMITS[engine].pairForm) {
        rec.skip('deep-trace-gradient', engine, `m_l^2 above the ${engine} limit ${DEEP_ENGINE_LIMITS[engine].pairForm} for tau^l written out`);
        continue;
      }
      rec.leg(['deep-trace-gradient'], engine, () => {
        seedLeg(
          rec,
          engine,
          ev,
          D.DEEP_T1_LAYER,
          [
            [D.DEEP_LAMBDA, D.DEEP_SEEDS.lambda1],
            [D.DEEP_GRAM, D.DEEP_SEEDS.gram1],
          ],
          formulaOf(l),
          'tau1^l',
        );
        seedLeg(
          rec,
          engine,
          ev,
          D.DEEP_T2_LAYER,
          [
            [D.DEEP_LAMBDA, D.DEEP_SEEDS.lambda2],
            [D.DEEP_GRAM, D.DEEP_SEEDS.gram2],
          ],
          formulaOf(l),
          'tau2^l',
        );
      });
    }
    for (const l of layers)
      for (const lq of layers) {
        if (lq >= l) continue;
        const size = widths[l + 1]! * widths[lq + 1]! * widths[l]!;
        if (size > DEEP_ENGINE_LIMITS[engine].pairForm) {
          rec.skip('deep-trace-gradient', engine, `m_l m_l' n_l above the ${engine} limit ${DEEP_ENGINE_LIMITS[engine].pairForm} for tau^(l,l') written out`);
          continue;
        }
        const ev = chain.pair.get(`${l},${lq}`)!;
        rec.leg(['deep-trace-gradient'], engine, () =>
          seedLeg(
            rec,
            engine,
            ev,
            D.DEEP_T2_PAIR,
            [
              [D.DEEP_JACOBIAN_X, D.DEEP_SEEDS.X],
              [D.DEEP_DELTA, D.DEEP_SEEDS.delta],
              [D.DEEP_JACOBIAN_G, D.DEEP_SEEDS.G],
              [D.DEEP_INPUT, D.DEEP_SEEDS.input],
              [D.DEEP_GRAM, D.DEEP_SEEDS.gramPair],
              [D.DEEP_GRAM_LOWER, D.DEEP_SEEDS.gramLower],
            ],
            formulaOf(l),
            "tau2^(l,l')",
          ),
        );
      }
  }
  return { case: c, name: caseName(c), measurements: rec.measurements.filter((m) => wants(m.entry)), skips: rec.skips.filter((s) => wants(s.entry)), milliseconds: performance.now() - started };
}

function seedLeg(rec: Recorder, engine: Engine, ev: Evaluator, T: Definition, pairs: readonly (readonly [TensorSymbol, Definition])[], formula: string, name: string): void {
  const variables = pairs.map(([v]) => v);
  // The per-layer terms written in their building blocks apply no activation (every path to one
  // goes through a variable), so mathjs, which cannot differentiate erf, is given the identity for GELU.
  const form = pairForm(engine, T, new Set(variables.map((v) => v.name)), ev, engine === 'mathjs' && /\berf\s*\(/.test(formula) ? 'u' : formula);
  const d = differentiatePairForm(form, ev, variables);
  for (const [v, seed] of pairs) rec.compare('deep-trace-gradient', `${seed.name} of ${name}`, `${engine}: d${name}/d${v.name}, written in its building blocks`, 'engine', ev.value(seed).data, d.get(v.name)!);
}

/** The five-point stencil (step 2e-4 (1 + |theta_a|)) of the definitions' T1 and T2 in every parameter. */
function fivePointTraceGradients(model: LayeredModel, data: Dataset, o: ChainOptions): { T1: Float64Array; T2: Float64Array } {
  const theta = flattenLayered(model);
  const P = theta.length;
  const T1 = new Float64Array(P);
  const T2 = new Float64Array(P);
  const at = (a: number, step: number) => {
    const th = Float64Array.from(theta);
    th[a]! += step;
    const chain = runChain(unflattenLayered(model, th), data, o);
    return [chain.T1, chain.T2] as const;
  };
  for (let a = 0; a < P; a++) {
    const h = 2e-4 * (1 + Math.abs(theta[a]!));
    const [m2, m1, p1, p2] = [at(a, -2 * h), at(a, -h), at(a, h), at(a, 2 * h)];
    T1[a] = (m2[0] - 8 * m1[0] + 8 * p1[0] - p2[0]) / (12 * h);
    T2[a] = (m2[1] - 8 * m1[1] + 8 * p1[1] - p2[1]) / (12 * h);
  }
  return { T1, T2 };
}
