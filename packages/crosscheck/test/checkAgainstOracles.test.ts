/**
 * checkAgainstOracles as an outside project uses it: a wrong implementation is caught with a
 * replay line naming this test, the line replays exactly that failure (and nothing else
 * differently), `variants` restricts what the function is called with, and `tolerance`
 * loosens only the caller's quantity.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { hessianTraces, type Dataset, type Model, type Variant } from '@hsr/numeric';
import { checkAgainstOracles, closedFormTracesEqualDenseTraces, expandVariants, fixedCase, parseReplay, withImplementations, withToleranceOverride } from '../src/index.ts';

const FILE = 'packages/crosscheck/test/checkAgainstOracles.test.ts';
/** The mistake the issue tracker saw in the wild: the Gauss–Newton trace returned for the Hessian. */
const gaussNewtonTrace = (m: Model, d: Dataset, v: Variant) => hessianTraces(m, d, { ...v, curvature: 'gauss-newton' }).traceH;
const key = (v: Variant) => `${v.reduction}/${v.block}/${v.curvature}`;

afterEach(() => {
  delete process.env.HSR_REPLAY;
  delete process.env.HSR_SEED;
});

describe('checkAgainstOracles', () => {
  test('catches a Gauss–Newton trace and names this test in the replay line', async () => {
    const report = await checkAgainstOracles({ quantity: 'traceH', implementation: gaussNewtonTrace, runs: 25, seed: 5 });
    expect(report.ok).toBe(false);
    expect(report.failures[0]).toContain('property "trace-equals-eigenvalue-sum" failed');
    expect(report.failures[0]).toContain(
      `replay: HSR_REPLAY='traceH/trace-equals-eigenvalue-sum=5:${report.runs[0]!.path}' npx vitest run ${FILE} -t '^checkAgainstOracles catches a Gauss–Newton trace and names this test in the replay line$'`,
    );
    // The caller gave the seed, so the line does not pin HSR_SEED; report.replay lists every failure.
    expect(report.failures[0]).not.toContain('HSR_SEED=');
    expect([...parseReplay(/HSR_REPLAY='([^']+)'/.exec(report.replay!)![1]).keys()]).toEqual(report.runs.filter((r) => !r.ok).map((r) => r.key));
  });

  test('a replay entry re-runs only its property; the others fail or pass exactly as before', async () => {
    const options = { quantity: 'traceH', implementation: gaussNewtonTrace, runs: 25 } as const;
    const first = await checkAgainstOracles(options);
    const line = first.failures[0]!.split('\n').at(-1)!;
    const m = /HSR_SEED=(-?\d+) HSR_REPLAY='([^']+)'/.exec(line);
    expect(m).not.toBeNull();
    process.env.HSR_SEED = m![1]!;
    process.env.HSR_REPLAY = m![2]!;
    const again = await checkAgainstOracles(options);
    const [replayed, ...others] = again.runs;
    expect(replayed!.seedSource).toBe('replay');
    expect([replayed!.ok, replayed!.numRuns, replayed!.numShrinks]).toEqual([false, 1, 0]);
    expect(replayed!.counterexample!.label).toBe(first.runs[0]!.counterexample!.label);
    // Every other property ran from the same seed without a path: same verdict, same shrunk case.
    expect(others.map((r) => [r.property, r.ok, r.counterexample?.label])).toEqual(first.runs.slice(1).map((r) => [r.property, r.ok, r.counterexample?.label]));
    expect(others.some((r) => !r.ok)).toBe(true);
  });

  test('calls the function with every variant by default, and only the listed ones with variants', async () => {
    const seen = new Set<string>();
    const spy = (m: Model, d: Dataset, v: Variant) => {
      seen.add(key(v));
      return hessianTraces(m, d, v).traceH;
    };
    const all = await checkAgainstOracles({ quantity: 'traceH', implementation: spy, runs: 40, seed: 1 });
    expect(all.failures).toEqual([]);
    expect([...seen].sort()).toEqual(expandVariants([{}]).map(key).sort());
    seen.clear();
    const some = await checkAgainstOracles({ quantity: 'traceH', implementation: spy, runs: 20, seed: 1, variants: [{ block: 'all', curvature: 'hessian' }] });
    expect(some.failures).toEqual([]);
    expect([...seen].sort()).toEqual(['mean/all/hessian', 'sum/all/hessian']);
  });

  test('expandVariants: missing fields mean every value; a pattern matching nothing is an error', () => {
    expect(expandVariants([{}])).toHaveLength(12);
    expect(expandVariants([{ curvature: 'gauss-newton' }]).map(key)).toEqual([
      'mean/all/gauss-newton',
      'mean/first/gauss-newton',
      'mean/second/gauss-newton',
      'sum/all/gauss-newton',
      'sum/first/gauss-newton',
      'sum/second/gauss-newton',
    ]);
    expect(() => expandVariants([])).toThrow(/matches no variant/);
  });

  test('a float32 trace fails at float64 tolerance and passes with tolerance { rtol: 1e-6 }', async () => {
    const float32 = (m: Model, d: Dataset, v: Variant) => Math.fround(hessianTraces(m, d, v).traceH);
    const strict = await checkAgainstOracles({ quantity: 'traceH', implementation: float32, runs: 25, seed: 7 });
    expect(strict.ok).toBe(false);
    const loose = await checkAgainstOracles({ quantity: 'traceH', implementation: float32, runs: 25, seed: 7, tolerance: { rtol: 1e-6 } });
    expect(loose.failures).toEqual([]);
    // Loose, but not blind: a trace 1e-4 off still fails.
    const off = await checkAgainstOracles({ quantity: 'traceH', implementation: (m, d, v) => 1.0001 * hessianTraces(m, d, v).traceH, runs: 25, seed: 7, tolerance: { rtol: 1e-6 } });
    expect(off.ok).toBe(false);
    expect(off.failures[0]).toContain('loosened by the caller to rtol 0.000001 for traceH');
  });

  test('the tolerance override loosens only the quantities it lists', () => {
    const c = fixedCase(
      { activation: 'tanh', inputDim: 1, hiddenDim: 1, classes: 2, W: Float64Array.of(0.7), b: null, V: Float64Array.of(0.4, -0.9), a: null },
      { samples: 2, features: 1, X: Float64Array.of(0.3, -1.2), y: Int32Array.of(0, 1) },
      { reduction: 'mean', block: 'all', curvature: 'hessian' },
      'tiny tanh case',
    );
    // T1 off by 1e-3: an override for T2 must leave the T1 comparison as strict as it was.
    const wrongT1 = withImplementations({ hessianTraces: (m, d, v) => ({ ...hessianTraces(m, d, v), traceH: 1.001 * hessianTraces(m, d, v).traceH }) });
    const forT2 = withToleranceOverride({ rtol: 0.1, quantities: ['traceH2'] }, () => closedFormTracesEqualDenseTraces.check(c, wrongT1));
    expect(forT2.parts.map((p) => [p.quantity, p.ok])).toEqual([
      ['traceH', false],
      ['traceH2', true],
    ]);
    const forT1 = withToleranceOverride({ rtol: 0.1, quantities: ['traceH'] }, () => closedFormTracesEqualDenseTraces.check(c, wrongT1));
    expect(forT1.ok).toBe(true);
    // Outside the override's scope the property is strict again.
    expect(closedFormTracesEqualDenseTraces.check(c, wrongT1).ok).toBe(false);
  });
});
