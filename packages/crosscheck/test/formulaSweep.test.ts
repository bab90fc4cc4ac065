/**
 * The formula sweep's slice (h >= 2, c >= 3, every activation, both curvatures, all blocks,
 * one small case for each loss other than cross-entropy, and one network of depth 3):
 * every executable definition of the registry agrees with every leg that ran, and the committed
 * verification record (docs/verification.json, the full sweep, rendered in the docs) is the full
 * sweep's, passing, with a comparison for every formula. The full sweep is formulaSweep.slow.test.ts.
 */
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LOSS_NAMES } from '@hsr/numeric';
import { FORMULA_REGISTRY } from '@hsr/symbolic/registry';
import { caseName, FULL_SWEEP, SWEEP_SLICE, readRecord, verifyCase, type CaseResult, type Measurement } from '@hsr/symbolic';
import { describeFailure, judgeMeasurement } from '../src/formulaSweep.ts';

const DOCS = resolve(dirname(new URL(import.meta.url).pathname), '../../../docs');

describe('formula sweep', () => {
  it('judges by the named tolerance of each kind, relative to the reference (a difference just above it fails)', () => {
    const m = (maxAbsError: number, kind: Measurement['kind'] = 'engine'): Measurement => ({ entry: 'x', quantity: 'q', leg: 'l', kind, maxAbsError, scale: 2, length: 1 });
    expect(judgeMeasurement(m(1.9e-10)).pass).toBe(true);
    expect(judgeMeasurement(m(2.2e-10)).pass).toBe(false);
    expect(judgeMeasurement(m(Number.NaN)).pass).toBe(false);
    expect(judgeMeasurement(m(0, 'spectrum')).pass).toBe(true);
    expect(judgeMeasurement(m(1e-3, 'spectrum')).pass).toBe(false);
  });

  // One test per case: under load on 2 cores a case takes up to ~40 s (nerdamer's second derivatives).
  const results: CaseResult[] = [];
  for (const c of SWEEP_SLICE)
    it(`${caseName(c)}: every comparison passes`, { timeout: 180_000 }, () => {
      const r = verifyCase(c);
      results.push(r);
      const failures = r.measurements.flatMap((m) => {
        const j = judgeMeasurement(m);
        return j.pass ? [] : [describeFailure({ case: r.name, measurement: m, judgement: j })];
      });
      expect(failures).toEqual([]);
    });

  it('the slice compares every formula, and the engines carry the chain on its shapes (h >= 2, c >= 3), with every loss and at depth 3', () => {
    expect(results).toHaveLength(SWEEP_SLICE.length);
    const compared = new Set(results.flatMap((r) => r.measurements.map((m) => m.entry)));
    for (const e of FORMULA_REGISTRY) if (e.kind === 'formula' || e.id === 'lanczos') expect(compared.has(e.id), e.id).toBe(true);
    const engineEntries = new Set(results.flatMap((r) => r.measurements.filter((m) => m.kind === 'engine').map((m) => m.entry)));
    for (const id of [
      'softmax-covariance',
      'loss-mse',
      'loss-label-smoothing',
      'loss-binary-cross-entropy',
      'a-n',
      'c-n',
      'hessian-blocks',
      'gauss-newton',
      'trace-h',
      'trace-h2',
      'gamma-nm',
      'ws-bounds',
      'bound-gradient',
      'trace-gradient',
      'explicit-partials',
      'grad-assembly',
      'hessian-vector-product',
      'deep-loss-gradient',
      'deep-lambda',
      'deep-jacobians',
      'deep-trace-gradient',
    ])
      expect(engineEntries.has(id), id).toBe(true);
    // Every loss's case runs the engines' network legs (its Hessian entry by entry) and numeric's closed forms.
    for (const loss of LOSS_NAMES) {
      const own = results.filter((r) => (r.case.loss ?? 'cross-entropy') === loss);
      expect(own.length, loss).toBeGreaterThan(0);
      const legs = new Set(own.flatMap((r) => r.measurements.map((m) => `${m.entry} ${m.leg}`)));
      for (const leg of [
        'hessian-blocks mathjs: entry-wise Hessian',
        'hessian-blocks nerdamer: entry-wise Hessian',
        'trace-h2 numeric hessianTraces',
        'grad-assembly numeric traceGradients',
        'grad-assembly mathjs: third derivatives',
      ])
        expect(legs.has(leg), `${loss}: ${leg}`).toBe(true);
    }
  });

  it('the committed record is the full sweep, passing, with every formula entry in it', () => {
    const record = readRecord(join(DOCS, 'verification.json'));
    expect(record).not.toBeNull();
    expect(record!.cases).toBe(FULL_SWEEP.length);
    expect(record!.pass).toBe(true);
    const ids = new Set(record!.entries.filter((e) => e.comparisons.length > 0).map((e) => e.entry));
    for (const e of FORMULA_REGISTRY) if (e.kind === 'formula') expect(ids.has(e.id), e.id).toBe(true);
    // The numeric leg saw every shape of the sweep's ranges.
    const t1 = record!.entries.find((e) => e.entry === 'trace-h')!.comparisons.find((c) => c.leg === 'numeric hessianTraces')!;
    expect(t1.coverage.h).toEqual([1, 2, 3, 4]);
    expect(t1.coverage.c).toEqual([2, 3, 4, 5]);
    expect(t1.coverage.d).toEqual([1, 2, 3]);
    expect(t1.coverage.N).toEqual([1, 2, 3, 4]);
    expect(t1.coverage.block).toEqual(['all', 'first', 'second']);
    expect(t1.coverage.curvature).toEqual(['gauss-newton', 'hessian']);
    // The general-depth definitions were checked against numeric at depths 3 and 4.
    const deepT2 = record!.entries.find((e) => e.entry === 'deep-trace-h2')!.comparisons.find((c) => c.leg === 'numeric deepHessianTraces')!;
    expect(deepT2.coverage.depth).toEqual([3, 4]);
    expect(deepT2.pass).toBe(true);
  });
});
