/**
 * Shared body of the agreement tests (symbolicNetwork.test.ts, symbolicNetwork.slow.test.ts): both symbolic legs vs @hsr/numeric on a generated
 * point (seeded; the seed is in the test name so a failure replays by name).
 */
import { expect } from 'vitest';
import { seededCase } from '@hsr/crosscheck/cases';
import { boundGradient, denseHessian, hessianTraces, lossGradient, traceGradients, wolkowiczStyanBounds, type Activation, type Dataset, type Model } from '@hsr/numeric';
import { CROSS_ENTROPY_SPEC, type LossSpec } from '../src/index.ts';
import { ATOL_FLOOR, RTOL_VS_SYMBOLIC } from '@hsr/testkit';
import { MATHJS_GELU_SKIP_REASON, deriveMathjsNetwork, deriveNerdamerNetwork, type DerivationOrder, type NetworkShape, type SymbolicQuantities } from '../src/index.ts';

/**
 * A generated point (crosscheck's seededCase): weights and biases ~ N(0, 0.8^2), inputs
 * ~ N(0, 1), labels uniform from the seed.
 */
export function generatedPoint(shape: NetworkShape, activation: Activation, samples: number, seed: number, loss: LossSpec = CROSS_ENTROPY_SPEC): { model: Model; data: Dataset } {
  const lossShape = loss.name === 'cross-entropy' ? {} : { loss: loss.name, labelSmoothing: loss.labelSmoothing };
  return seededCase({ ...shape, activation, samples, seed, ...lossShape }, { weights: { kind: 'normal', scale: 0.8 } });
}

const TOL = { rtol: RTOL_VS_SYMBOLIC, atol: ATOL_FLOOR };

/** Compare one leg's quantities with numeric up to the given order. */
export function expectMatchesNumeric(q: SymbolicQuantities, model: Model, data: Dataset, order: DerivationOrder, reduction: 'mean' | 'sum'): void {
  const variant = { reduction, block: 'all', curvature: 'hessian' } as const;
  const lg = lossGradient(model, data, reduction);
  expect([q.loss]).toBeAllClose([lg.loss], TOL);
  expect(q.gradient).toBeAllClose(lg.gradient, TOL);
  if (order < 2) return;
  expect(q.hessian).toBeAllClose(denseHessian(model, data, variant).data, TOL);
  const tr = hessianTraces(model, data, variant);
  expect([q.traceH, q.traceH2]).toBeAllClose([tr.traceH, tr.traceH2], TOL);
  const ws = wolkowiczStyanBounds(tr.traceH, tr.traceH2, tr.parameters);
  const b = q.bounds;
  expect([b.mean, b.spread, b.lambdaMaxUpper, b.lambdaMaxLower, b.lambdaMinUpper, b.lambdaMinLower, b.rangeUpper]).toBeAllClose(
    [ws.mean, ws.spread, ws.lambdaMaxUpper, ws.lambdaMaxLower, ws.lambdaMinUpper, ws.lambdaMinLower, ws.rangeUpper],
    TOL,
  );
  if (order < 3) return;
  const tg = traceGradients(model, data, variant);
  expect(q.gradTraceH).toBeAllClose(tg.gradTraceH, TOL);
  expect(q.gradTraceH2).toBeAllClose(tg.gradTraceH2, TOL);
  const bg = boundGradient(model, data, variant, 'upper');
  expect(bg.degenerate).toBe(false);
  expect(q.upperBoundGradient).toBeAllClose(bg.gradient, TOL);
  expect(q.lowerBoundGradient).toBeAllClose(boundGradient(model, data, variant, 'lower').gradient, TOL);
  expect(q.rangeBoundGradient).toBeAllClose(boundGradient(model, data, variant, 'range').gradient, TOL);
}

/** The two legs must also agree with each other (a shared mistake in both would pass numeric only by coincidence). */
export function expectLegsAgree(a: SymbolicQuantities, b: SymbolicQuantities, order: DerivationOrder): void {
  expect([a.loss]).toBeAllClose([b.loss], TOL);
  expect(a.gradient).toBeAllClose(b.gradient, TOL);
  if (order >= 2) {
    expect(a.hessian).toBeAllClose(b.hessian, TOL);
    expect([a.traceH, a.traceH2, a.bounds.lambdaMaxUpper]).toBeAllClose([b.traceH, b.traceH2, b.bounds.lambdaMaxUpper], TOL);
  }
  if (order >= 3) {
    expect(a.gradTraceH2).toBeAllClose(b.gradTraceH2, TOL);
    expect(a.upperBoundGradient).toBeAllClose(b.upperBoundGradient, TOL);
    expect(a.lowerBoundGradient).toBeAllClose(b.lowerBoundGradient, TOL);
    expect(a.rangeBoundGradient).toBeAllClose(b.rangeBoundGradient, TOL);
  }
}

/** Run nerdamer, mathjs (or record its skip) and numeric on one generated case. */
export function runAgreement(
  shape: NetworkShape,
  activation: Activation,
  samples: number,
  seed: number,
  order: DerivationOrder,
  reduction: 'mean' | 'sum',
  loss: LossSpec = CROSS_ENTROPY_SPEC,
): { mathjsSkipped: string | null } {
  const { model, data } = generatedPoint(shape, activation, samples, seed, loss);
  const ner = deriveNerdamerNetwork(shape, activation, order, data.y, loss).evaluate(model, data, reduction);
  expectMatchesNumeric(ner, model, data, order, reduction);
  if (activation === 'gelu') {
    expect(() => deriveMathjsNetwork(shape, activation, data.y, reduction, order)).toThrow(MATHJS_GELU_SKIP_REASON);
    return { mathjsSkipped: MATHJS_GELU_SKIP_REASON };
  }
  const mj = deriveMathjsNetwork(shape, activation, data.y, reduction, order, 'all', loss).evaluate(model, data, reduction);
  expectMatchesNumeric(mj, model, data, order, reduction);
  expectLegsAgree(ner, mj, order);
  return { mathjsSkipped: null };
}
