/**
 * The symbolic leg: numeric's closed forms against nerdamer's and mathjs's
 * derivations of the loss, as named properties and as audit rows; it must accept numeric on
 * every activation, reject every deliberate mutant, and say why where it cannot run.
 *
 * Kept to the smallest networks (P = 3 and 6) because derivation dominates the cost; the
 * slow project sweeps generated cases over every activation (symbolicProperties.slow.test.ts).
 */
import { describe, expect, test } from 'vitest';
import { ACTIVATION_NAMES, hessianTraces, parameterCount, type Activation, type Variant } from '@hsr/numeric';
import { SYMBOLIC_CASE_OPTIONS, SYMBOLIC_LIMITS, buildCase, caseArbitrary, runProperty, withImplementations, type CaseSpec, type CheckCase } from '../src/index.ts';
import { SYMBOLIC_PROPERTIES, auditCases, auditGenerated, symbolicOrder, traceGradientsEqualMathjs, traceGradientsEqualNerdamer, tracesEqualMathjs, tracesEqualNerdamer } from '../src/symbolic.ts';
import { MUTANTS } from './mutantList.ts';

const FULL_MEAN: Variant = { reduction: 'mean', block: 'all', curvature: 'hessian' };

/** d = h = 1, c = 2, N = 2: P = 3 without biases (both engines to third order), 6 with. */
function tinyCase(activation: Activation, bias: boolean, variant: Variant = FULL_MEAN): CheckCase {
  const spec = (seed: number): CaseSpec => ({
    activation,
    bias,
    inputDim: 1,
    hiddenDim: 1,
    classes: 2,
    samples: 2,
    firstLayerScale: 1,
    secondLayerScale: 1,
    inputStyle: 'gaussian',
    inputScale: 1,
    seed,
    variant,
  });
  // The first seed whose two labels differ, so both labels' derivations are exercised.
  for (let seed = 1; ; seed++) {
    const c = buildCase(spec(seed));
    if (new Set(c.data.y).size === 2) return c;
  }
}

describe('the symbolic leg accepts numeric', () => {
  for (const activation of ACTIVATION_NAMES) {
    test(`${activation}: every symbolic property passes on a P = 3 network, to third order`, () => {
      const c = tinyCase(activation, false);
      const report = auditCases([c], c.label, undefined, SYMBOLIC_PROPERTIES);
      expect(report.failures).toEqual([]);
      expect(report.pass).toBe(true);
      const legs = new Set(report.rows.map((r) => `${r.quantity}/${r.leg}`));
      for (const q of ['loss', 'lossGradient', 'hessian', 'traceH', 'traceH2', 'lambdaMaxUpper', 'rangeUpper', 'gradTraceH', 'gradTraceH2', 'boundGradient.upper', 'boundGradient.lower', 'boundGradient.range']) {
        expect(legs).toContain(`${q}/symbolic (nerdamer)`);
        if (activation !== 'gelu') expect(legs).toContain(`${q}/symbolic (mathjs)`);
      }
      if (activation === 'gelu') expect(report.notChecked.map((n) => n.property)).toEqual(['traces-equal-mathjs', 'trace-gradients-equal-mathjs']);
      else expect(report.notChecked).toEqual([]);
    });
  }

  test('generated tiny cases (every reduction and block, tanh) pass every symbolic property', () => {
    const arbitrary = caseArbitrary({ ...SYMBOLIC_CASE_OPTIONS, activations: ['tanh'] });
    for (const property of SYMBOLIC_PROPERTIES) {
      const run = runProperty(property, { seed: 77, numRuns: 6, arbitrary });
      expect(run.message).toBeUndefined();
      expect(run.ok).toBe(true);
    }
  });

  test('block trace and bound gradients are compared with block-restricted derivations', () => {
    for (const block of ['first', 'second'] as const) {
      const c = tinyCase('softplus', false, { reduction: 'mean', block, curvature: 'hessian' });
      for (const property of [traceGradientsEqualNerdamer, traceGradientsEqualMathjs]) {
        const o = property.check(c);
        expect(o.skipped, `${property.name} ${block}`).toBeUndefined();
        expect(o.ok).toBe(true);
        expect(o.parts.map((p) => p.quantity)).toEqual(expect.arrayContaining(['gradTraceH', 'gradTraceH2']));
      }
    }
  });

  test('a block variant is checked through the sub-matrix of the derived Hessian', () => {
    const c = tinyCase('sigmoid', true, { reduction: 'sum', block: 'second', curvature: 'hessian' });
    const o = tracesEqualMathjs.check(c);
    expect(o.skipped).toBeUndefined();
    expect(o.ok).toBe(true);
    // The second block of 1-1-2 with biases is V (2) and a (2): a 4 x 4 matrix.
    const hessian = o.parts.find((p) => p.quantity === 'hessian');
    expect(hessian?.worst).toMatch(/^H\[(V|a)\[/);
  });
});

describe('Gauss–Newton, and where the symbolic leg cannot run', () => {
  test('Gauss–Newton: the block of J^T S J is checked, its trace gradients are not derived', () => {
    for (const block of ['all', 'first', 'second'] as const) {
      const c = tinyCase('tanh', true, { reduction: 'sum', block, curvature: 'gauss-newton' });
      for (const property of [tracesEqualNerdamer, tracesEqualMathjs]) {
        const o = property.check(c);
        expect(o.skipped, `${property.name} ${block}`).toBeUndefined();
        expect(o.ok).toBe(true);
        expect(o.parts.map((p) => p.quantity)).toEqual(['hessian', 'traceH', 'traceH2', 'lambdaMaxUpper', 'lambdaMaxLower', 'lambdaMinUpper', 'lambdaMinLower', 'rangeUpper']);
      }
      expect(traceGradientsEqualNerdamer.check(c).skipped).toMatch(/Gauss–Newton/);
    }
    // Reporting the Hessian's traces for a Gauss–Newton variant is caught.
    const c = tinyCase('tanh', true, { reduction: 'mean', block: 'all', curvature: 'gauss-newton' });
    const wrong = withImplementations({ hessianTraces: (m, d, v) => hessianTraces(m, d, { ...v, curvature: 'hessian' }) });
    expect(tracesEqualNerdamer.check(c, wrong).ok).toBe(false);
    expect(tracesEqualMathjs.check(c, wrong).ok).toBe(false);
    expect(symbolicOrder(c, 'mathjs')).toMatch(/Gauss–Newton/);
  });

  test('beyond SYMBOLIC_LIMITS.gaussNewton the Gauss–Newton leg is skipped', () => {
    const big = buildCase({ ...tinyCase('tanh', true).spec!, inputDim: 8, hiddenDim: 4, variant: { reduction: 'mean', block: 'all', curvature: 'gauss-newton' } });
    expect(parameterCount(big.model)).toBeGreaterThan(SYMBOLIC_LIMITS.gaussNewton);
    expect(tracesEqualNerdamer.check(big).skipped).toMatch(/exceeds the symbolic Gauss–Newton limit/);
  });

  test('beyond SYMBOLIC_LIMITS the leg is skipped, not run for minutes', () => {
    const big = buildCase({ ...tinyCase('tanh', true).spec!, inputDim: 3, hiddenDim: 3 });
    expect(parameterCount(big.model)).toBeGreaterThan(SYMBOLIC_LIMITS.mathjs.second);
    expect(tracesEqualNerdamer.check(big).skipped).toMatch(/exceeds the nerdamer limit/);
    expect(tracesEqualMathjs.check(big).skipped).toMatch(/exceeds the mathjs limit/);
  });
});

describe('the symbolic leg rejects every mutant', () => {
  // Trace-level mutants on the case with biases (the off-by-one needs b): nerdamer to second
  // order, mathjs to third; gradient mutants on P = 3, where both engines reach third order.
  for (const mutant of MUTANTS) {
    for (const engine of ['nerdamer', 'mathjs'] as const) {
      const property = mutant.symbolic === 'traces' ? (engine === 'nerdamer' ? tracesEqualNerdamer : tracesEqualMathjs) : engine === 'nerdamer' ? traceGradientsEqualNerdamer : traceGradientsEqualMathjs;
      test(`${mutant.name} is rejected by ${property.name}`, () => {
        const c = tinyCase('tanh', mutant.symbolic === 'traces');
        const clean = property.check(c);
        expect(clean.skipped).toBeUndefined();
        expect(clean.ok).toBe(true);
        const o = property.check(c, mutant.impl);
        const failed = o.parts.filter((p) => !p.ok);
        console.log(`SYMBOLIC MUTANT ${mutant.name} / ${property.name}: ${failed.map((p) => p.worst).join('; ') || 'NOT CAUGHT'}`);
        expect(o.ok).toBe(false);
        expect(failed.length).toBeGreaterThan(0);
      });
    }
  }
});

describe('hsr audit carries the symbolic leg', () => {
  test('an audit of generated cases adds tiny cases and reports both engines', () => {
    const report = auditGenerated(1, 11, { activations: ['sigmoid'], variants: [FULL_MEAN] });
    expect(report.case).toMatch(/plus 1 tiny case for the symbolic leg/);
    expect(report.cases).toBe(2);
    expect(report.pass).toBe(true);
    const legs = new Set(report.rows.map((r) => r.leg));
    expect(legs).toContain('symbolic (mathjs)');
  });
});
