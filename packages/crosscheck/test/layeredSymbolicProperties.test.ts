/**
 * The symbolic leg on tiny MLPs of depth 3 and 4 (layeredSymbolicProperties.ts): numeric's deep
 * closed forms against nerdamer's and mathjs's entry-by-entry derivations of the layered loss.
 * It must accept numeric, reject the deep mutants (layeredMutantList.ts), and say why where an
 * engine cannot run. Kept to a few networks of P = 4 to 8 (nerdamer to second order, mathjs to
 * third; about a second of derivation each); layeredSymbolicProperties.slow.test.ts sweeps every
 * activation, loss and bias at L = 3 and 4, nerdamer to third order.
 */
import { describe, expect, test } from 'vitest';
import type { Activation, DeepVariant, Loss } from '@hsr/numeric';
import { MATHJS_GELU_SKIP_REASON } from '@hsr/symbolic';
import { LAYERED_SYMBOLIC_SLOW_LIMITS, RTOL_VS_SYMBOLIC, buildLayeredCase, layeredTraceRoundoff, type LayeredCheckCase } from '../src/index.ts';
import {
  LAYERED_SYMBOLIC_PROPERTIES,
  auditLayeredCases,
  layeredSymbolicEvaluation,
  layeredSymbolicOrder,
  layeredSymbolicTraceGradientsEqualMathjs,
  layeredSymbolicTracesEqualMathjs,
  layeredSymbolicTracesEqualNerdamer,
} from '../src/symbolic.ts';
import { LAYERED_MUTANTS } from './layeredMutantList.ts';

/** A unit-scale layered case of widths `widths`, N = 2 with both labels present. */
function tinyLayered(widths: number[], activations: Activation[], bias: boolean, variant: Partial<DeepVariant> = {}, loss: Loss = 'cross-entropy'): LayeredCheckCase {
  const L = widths.length - 1;
  for (let seed = 1; ; seed++) {
    const c = buildLayeredCase({
      widths,
      activations,
      loss,
      bias,
      samples: 2,
      layerScales: Array.from({ length: L }, () => 1),
      inputStyle: 'gaussian',
      inputScale: 1,
      seed,
      variant: { reduction: 'mean', curvature: 'hessian', layers: Array.from({ length: L }, (_, l) => l), ...variant },
    });
    if (new Set(c.data.y).size === 2) return c;
  }
}

const FULL_ROWS = ['loss', 'lossGradient', 'hessian', 'traceH', 'traceH2', 'lambdaMaxUpper', 'lambdaMaxLower', 'lambdaMinUpper', 'lambdaMinLower', 'rangeUpper'];
const GRADIENT_ROWS = ['gradTraceH', 'gradTraceH2', 'boundGradient.upper', 'boundGradient.lower', 'boundGradient.range'];

describe('the layered symbolic leg accepts numeric’s deep closed forms', () => {
  test('L = 3, P = 4, tanh: every quantity by nerdamer (second order) and mathjs (third order)', () => {
    const c = tinyLayered([1, 1, 1, 2], ['tanh', 'tanh'], false);
    const report = auditLayeredCases([c], c.label, undefined, LAYERED_SYMBOLIC_PROPERTIES);
    expect(report.failures).toEqual([]);
    expect(report.pass).toBe(true);
    const rows = new Set(report.rows.map((r) => `${r.quantity}/${r.leg}`));
    for (const q of FULL_ROWS) for (const engine of ['nerdamer', 'mathjs']) expect(rows).toContain(`${q}/symbolic (${engine})`);
    for (const q of GRADIENT_ROWS) expect(rows).toContain(`${q}/symbolic (mathjs)`);
    expect(report.notChecked).toEqual([{ property: 'layered-symbolic-trace-gradients-equal-nerdamer', reason: expect.stringMatching(/third-order limit/) }]);
  });

  test('L = 4 and L = 3 with biases, blocks of layers, sum, mse and label smoothing: mathjs to third order', () => {
    const cases = [
      tinyLayered([1, 1, 1, 1, 2], ['sigmoid', 'softplus', 'silu'], false, { layers: [0, 2] }, 'mse'),
      tinyLayered([1, 1, 1, 2], ['silu', 'sigmoid'], true, { reduction: 'sum', layers: [1, 2] }, 'label-smoothing'),
      tinyLayered([1, 1, 1, 1, 2], ['tanh', 'tanh', 'softplus'], true, {}, 'binary-cross-entropy'),
    ];
    for (const property of [layeredSymbolicTracesEqualMathjs, layeredSymbolicTraceGradientsEqualMathjs])
      for (const c of cases) {
        const o = property.check(c);
        expect(o.skipped, `${property.name} on ${c.label}`).toBeUndefined();
        expect(o.parts.filter((p) => !p.ok).map((p) => p.worst)).toEqual([]);
        expect(o.ok).toBe(true);
      }
    // nerdamer says why it does not derive these (SiLU's nested exponentials, P over its limit).
    expect(layeredSymbolicTracesEqualNerdamer.check(cases[0]!).skipped).toMatch(/exceeds the nerdamer limit 0 for sigmoid, softplus, silu/);
    expect(layeredSymbolicTracesEqualNerdamer.check(cases[2]!).skipped).toMatch(/P = 10 exceeds the nerdamer limit 4/);
  });

  test('nerdamer and mathjs agree entry by entry on the deep Hessian (each engine cross-checks the other)', () => {
    // The tanh network of the first test (its derivations are cached), under another reduction.
    const c = tinyLayered([1, 1, 1, 2], ['tanh', 'tanh'], false, { reduction: 'sum', layers: [0, 1] });
    const n = layeredSymbolicEvaluation(c, 'nerdamer');
    const m = layeredSymbolicEvaluation(c, 'mathjs');
    if (typeof n === 'string' || typeof m === 'string') throw new Error(`an engine did not run: ${String(n)} / ${String(m)}`);
    const floor = layeredTraceRoundoff(c.model, c.data, c.variant).traceH;
    expect(n.quantities.hessian).toBeAllClose(m.quantities.hessian, { rtol: RTOL_VS_SYMBOLIC, atol: floor });
    expect(n.quantities.gradient).toBeAllClose(m.quantities.gradient, { rtol: RTOL_VS_SYMBOLIC, atol: floor });
    expect(n.quantities.traceH2).toBeAllClose(m.quantities.traceH2, { rtol: RTOL_VS_SYMBOLIC, atol: 0 });
  });
});

describe('where the layered symbolic leg cannot run, it says why', () => {
  test('Gauss–Newton, GELU in mathjs, P over the limits', () => {
    const gn = tinyLayered([1, 1, 1, 2], ['tanh', 'tanh'], false, { curvature: 'gauss-newton' });
    for (const property of LAYERED_SYMBOLIC_PROPERTIES) expect(property.check(gn).skipped).toMatch(/Gauss–Newton is not a derivative of the loss/);
    const gelu = tinyLayered([1, 1, 1, 2], ['gelu', 'tanh'], false);
    expect(layeredSymbolicTracesEqualMathjs.check(gelu).skipped).toBe(MATHJS_GELU_SKIP_REASON);
    expect(layeredSymbolicOrder(gelu, 'nerdamer')).toMatch(/limit 0 for gelu, tanh/);
    expect(layeredSymbolicOrder(gelu, 'nerdamer', LAYERED_SYMBOLIC_SLOW_LIMITS)).toBe(2);
    const big = tinyLayered([2, 2, 2, 2, 2], ['tanh', 'tanh', 'tanh'], true);
    expect(layeredSymbolicTracesEqualMathjs.check(big).skipped).toMatch(/P = 24 exceeds the mathjs limit 18/);
  });
});

describe('the layered symbolic leg rejects the deep mutants', () => {
  // P = 8 (L = 3 with biases: the off-by-one needs b), mean, every layer: mathjs to third order.
  const c = tinyLayered([1, 1, 1, 2], ['sigmoid', 'tanh'], true);
  for (const mutant of LAYERED_MUTANTS)
    test(`${mutant.name} is rejected by the mathjs leg`, () => {
      const failed = [layeredSymbolicTracesEqualMathjs, layeredSymbolicTraceGradientsEqualMathjs].flatMap((property) => {
        const clean = property.check(c);
        expect(clean.skipped).toBeUndefined();
        expect(clean.ok).toBe(true);
        return property.check(c, mutant.impl).parts.filter((p) => !p.ok);
      });
      console.log(`LAYERED SYMBOLIC MUTANT ${mutant.name}: ${failed.map((p) => p.worst).join('; ') || 'NOT CAUGHT'}`);
      expect(failed.length).toBeGreaterThan(0);
    });

  test('a trace mutant is rejected by the nerdamer leg', () => {
    const tanh = tinyLayered([1, 1, 1, 2], ['tanh', 'tanh'], false);
    const mutant = LAYERED_MUTANTS.find((m) => m.name === 'deep T2 without the cross-layer pair terms')!;
    expect(layeredSymbolicTracesEqualNerdamer.check(tanh).ok).toBe(true);
    const o = layeredSymbolicTracesEqualNerdamer.check(tanh, mutant.impl);
    expect(o.ok).toBe(false);
    expect(o.parts.find((p) => !p.ok)?.quantity).toBe('traceH2');
  });
});
