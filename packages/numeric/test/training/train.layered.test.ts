/**
 * Training a layered model of any depth (train.ts trainLayered over layeredTrainable): every
 * method's step against a hand step of the deep closed forms (deepLossGradient,
 * deepBoundGradient), the block of layers U covers, resume bit for bit, and the layered metrics
 * record (computeLayeredMetrics) against the dense deep spectrum and, at L = 2, against the
 * two-layer record of the same network.
 */
import { deepCase, RTOL_DEPTH_TWO_VS_THREE_LAYER, RTOL_LANCZOS_VS_DENSE, RTOL_SAME_FORMULA } from '@hsr/testkit';
import { describe, expect, it } from 'vitest';
import { symmetricEigenvalues } from '../../src/eigen.ts';
import { deepLossGradient } from '../../src/deep/forward.ts';
import { deepDenseHessian } from '../../src/deep/hessian.ts';
import { flattenLayered, layeredFromModel, modelFromLayered, unflattenLayered, type DeepVariant, type LayeredModel } from '../../src/deep/model.ts';
import { deepBoundGradient } from '../../src/deep/traceGradient.ts';
import { deepHessianTraces } from '../../src/deep/traces.ts';
import { computeLayeredMetrics, computeMetrics, type MetricsRecord } from '../../src/training/metrics.ts';
import { DEFAULT_TRAINING_CONFIG, HyperparameterError, train, trainLayered, type TrainingCheckpoint, type TrainingConfig } from '../../src/training/train.ts';
import { flattenParameters } from '../../src/parameters.ts';

/** A 3-4-3-2 network (three linear layers) on 6 samples. */
const { model: MODEL, data: DATA } = deepCase({ widths: [3, 4, 3, 2], activation: 'tanh', bias: true, samples: 6, seed: 11 });
const ALL: DeepVariant = { reduction: 'mean', curvature: 'hessian', layers: [0, 1, 2] };

const config = (over: Partial<TrainingConfig>): TrainingConfig => ({ ...DEFAULT_TRAINING_CONFIG, epochs: 1, metricsEvery: 1, ...over });
const norm = (x: Float64Array) => Math.sqrt(x.reduce((s, v) => s + v * v, 0));
const at = (theta: Float64Array): LayeredModel => unflattenLayered(MODEL, theta);
const bits = (x: Float64Array) => Array.from(new Uint32Array(x.buffer.slice(x.byteOffset, x.byteOffset + x.byteLength)));

describe('one step of a layered run equals a hand step of the deep closed forms', () => {
  const eta = 0.3;
  const rho = 0.05;
  const theta0 = flattenLayered(MODEL);
  const g = deepLossGradient(MODEL, DATA, 'mean').gradient;

  it('plain: theta - eta grad L', () => {
    const r = trainLayered(MODEL, DATA, null, config({ method: 'plain', learningRate: eta }));
    expect(r.steps).toBe(1);
    expect(flattenLayered(r.model)).toBeAllClose(
      theta0.map((t, i) => t - eta * g[i]!),
      { rtol: RTOL_SAME_FORMULA },
    );
  });

  it('sam: theta - eta grad L(theta + rho g/||g||), and it is not plain', () => {
    const gn = norm(g);
    const g2 = deepLossGradient(at(theta0.map((t, i) => t + (rho * g[i]!) / gn)), DATA, 'mean').gradient;
    const expected = theta0.map((t, i) => t - eta * g2[i]!);
    const r = trainLayered(MODEL, DATA, null, config({ method: 'sam', learningRate: eta, rho }));
    expect(flattenLayered(r.model)).toBeAllClose(expected, { rtol: RTOL_SAME_FORMULA });
    expect(expected).not.toBeAllClose(
      theta0.map((t, i) => t - eta * g[i]!),
      { rtol: 1e-6 },
    );
  });

  it('hsr-step: theta - eta grad L - rho grad U/||grad U||, grad U deepBoundGradient of the block', () => {
    for (const layers of [[0, 1, 2], [1]]) {
      const gu = deepBoundGradient(MODEL, DATA, { ...ALL, layers }, 'upper').gradient;
      expect(norm(gu)).toBeGreaterThan(0);
      const un = norm(gu);
      const r = trainLayered(MODEL, DATA, null, config({ method: 'hsr-step', learningRate: eta, rho, layers }));
      expect(r.regulariserSkipped).toBe(0);
      expect(flattenLayered(r.model)).toBeAllClose(
        theta0.map((t, i) => t - eta * g[i]! - (rho * gu[i]!) / un),
        { rtol: RTOL_SAME_FORMULA },
      );
    }
  });

  it('hsr-penalty: theta - eta (grad L + lambda grad U) over the layers of --block first', () => {
    const lambda = 0.2;
    const gu = deepBoundGradient(MODEL, DATA, { ...ALL, layers: [0] }, 'upper').gradient;
    const r = trainLayered(MODEL, DATA, null, config({ method: 'hsr-penalty', learningRate: eta, lambda, variant: { ...DEFAULT_TRAINING_CONFIG.variant, block: 'first' } }));
    expect(flattenLayered(r.model)).toBeAllClose(
      theta0.map((t, i) => t - eta * (g[i]! + lambda * gu[i]!)),
      { rtol: RTOL_SAME_FORMULA },
    );
  });

  it('refuses a layer the model does not have, by name', () => {
    expect(() => trainLayered(MODEL, DATA, null, config({ layers: [3] }))).toThrow(HyperparameterError);
    expect(() => trainLayered(MODEL, DATA, null, config({ layers: [3] }))).toThrow(/layers: layer 4 does not exist/);
  });
});

describe('a layered run', () => {
  const base = config({ method: 'hsr-step', optimizer: 'adam', learningRate: 0.05, rho: 0.01, batchSize: 4, epochs: 3, metricsSamples: 5, seed: 3 });

  it('stopped after any step and resumed ends bit for bit as one uninterrupted run', () => {
    const whole = trainLayered(MODEL, DATA, null, base);
    expect(whole.status).toBe('completed');
    for (const stopAt of [1, 3]) {
      const controller = new AbortController();
      const first = trainLayered(MODEL, DATA, null, base, { signal: controller.signal, onStep: (s) => s.step === stopAt && controller.abort() });
      expect(first.status).toBe('aborted');
      const checkpoint: TrainingCheckpoint = first.checkpoint;
      const rest = trainLayered(MODEL, DATA, null, base, { resume: checkpoint });
      expect(bits(flattenLayered(rest.model))).toEqual(bits(flattenLayered(whole.model)));
      const kept = first.records.filter((r: MetricsRecord) => r.epoch <= first.epochsCompleted);
      expect(JSON.stringify([...kept, ...rest.records])).toBe(JSON.stringify(whole.records));
    }
  });

  it('at L = 2 trains the two-layer network to the same parameters and records as train', () => {
    const { model: deep2, data } = deepCase({ widths: [3, 5, 3], activation: 'softplus', bias: true, samples: 9, seed: 4 });
    const two = modelFromLayered(deep2)!;
    const c = config({ method: 'hsr-penalty', learningRate: 0.1, lambda: 0.05, epochs: 4, metricsEvery: 2 });
    const a = train(two, data, data, c);
    const b = trainLayered(deep2, data, data, c);
    expect(flattenLayered(b.model)).toBeAllClose(flattenParameters(a.model), { rtol: RTOL_SAME_FORMULA });
    expect(b.records.map((r) => r.bounds.lambdaMaxUpper)).toBeAllClose(
      a.records.map((r) => r.bounds.lambdaMaxUpper),
      { rtol: RTOL_SAME_FORMULA },
    );
  });
});

describe('computeLayeredMetrics', () => {
  const ctx = { epoch: 0, step: 0, regulariserSkipped: 0 };

  it('takes T1, T2 from deepHessianTraces and the exact spectrum from deepDenseHessian for small P', () => {
    const variant: DeepVariant = { ...ALL, layers: [0, 2] };
    const r = computeLayeredMetrics(MODEL, DATA, DATA, variant, ctx);
    const tr = deepHessianTraces(MODEL, DATA, variant);
    const ev = symmetricEigenvalues(deepDenseHessian(MODEL, DATA, variant));
    expect(r.parameters).toBe(16 + 8);
    expect([r.traceH, r.traceH2]).toBeAllClose([tr.traceH, tr.traceH2], { rtol: RTOL_SAME_FORMULA });
    expect(r.spectrumMethod).toBe('dense');
    expect([r.lambdaMax!, r.lambdaMin!]).toBeAllClose([ev[ev.length - 1]!, ev[0]!], { rtol: RTOL_SAME_FORMULA });
    expect(r.bounds.lambdaMaxUpper).toBeGreaterThanOrEqual(r.lambdaMax!);
    expect(r.layerNormsByLayer).toHaveLength(3);
    expect(r.layerNormsByLayer![1]!.W).toBeCloseTo(norm(MODEL.layers[1]!.W), 12);
    expect(r.layerNorms.V).toBe(r.layerNormsByLayer![2]!.W);
  });

  it('above the P limit takes lambda_max and lambda_min by Lanczos on deepHessianOperator', () => {
    const dense = computeLayeredMetrics(MODEL, DATA, null, ALL, ctx);
    const lanczos = computeLayeredMetrics(MODEL, DATA, null, ALL, { ...ctx, maxExactParameters: 10 });
    expect(lanczos.spectrumMethod).toBe('lanczos');
    expect(lanczos.negativeEigenvalues).toBeNull();
    const scale = Math.max(Math.abs(dense.lambdaMax!), Math.abs(dense.lambdaMin!));
    expect(Math.abs(lanczos.lambdaMax! - dense.lambdaMax!)).toBeLessThanOrEqual(RTOL_LANCZOS_VS_DENSE * scale);
    expect(Math.abs(lanczos.lambdaMin! - dense.lambdaMin!)).toBeLessThanOrEqual(RTOL_LANCZOS_VS_DENSE * scale);
  });

  it('at L = 2 is the two-layer record of the same network', () => {
    const { model: deep2, data } = deepCase({ widths: [3, 4, 3], activation: 'sigmoid', bias: false, samples: 8, seed: 2 });
    const two = modelFromLayered(deep2)!;
    const a = computeMetrics(two, data, data, { reduction: 'sum', block: 'second', curvature: 'gauss-newton' }, ctx);
    const b = computeLayeredMetrics(layeredFromModel(two), data, data, { reduction: 'sum', curvature: 'gauss-newton', layers: [1] }, ctx);
    const numbers = (r: MetricsRecord) => [
      r.trainLoss,
      r.trainAccuracy,
      r.testLoss!,
      r.testAccuracy!,
      r.traceH,
      r.traceH2,
      r.lambdaMax!,
      r.lambdaMin!,
      r.gradientNorm,
      r.weightNorm,
      r.testCalibrationError!,
      r.saturatedFraction,
      r.relativeSharpness!,
    ];
    expect(numbers(b)).toBeAllClose(numbers(a), { rtol: RTOL_DEPTH_TWO_VS_THREE_LAYER, atol: 1e-15 });
    expect(b.parameters).toBe(a.parameters);
    expect(b.negativeEigenvalues).toBe(a.negativeEigenvalues);
  });
});
