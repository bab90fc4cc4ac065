/**
 * A change to an executable definition changes both what the docs show and what the sweep
 * checks: three deliberate mutants (a dropped term of S_n, of Gamma_nm, and a wrong factor in a
 * seed of grad T2) render differently from the registry's definition and fail the legs that
 * check that step, while the unchanged definitions on the same case pass. Each other row of the
 * loss table is held the same way: its S_n doubled, its g_n shifted and its third derivative off
 * on the diagonal each fail numeric and both engines on that loss's case.
 */
import { describe, expect, it } from 'vitest';
import { judgeMeasurement } from '@hsr/crosscheck/symbolic';
import { T2_SEEDS } from '../../src/definitions/gradient.ts';
import { CROSS_ENTROPY, LOSSES } from '../../src/definitions/losses.ts';
import { GAMMA } from '../../src/definitions/traces.ts';
import { add, define, indicator, mul, num, ref, type Definition, type Expr } from '../../src/notation/expression.ts';
import { renderDisplay } from '../../src/notation/latex.ts';
import { formulaByLabel } from '../../src/registry.ts';
import { SWEEP_SLICE } from '../../src/verification/cases.ts';
import { SWEEP_LIMITS, verifyCase, type Measurement } from '../../src/verification/run.ts';

const CASE = SWEEP_SLICE[0]!; // tanh, d = 1, h = 2, c = 3, N = 2, full Hessian, block all

function mutant(original: Definition, body: Expr): Definition {
  return define(original.name, original.indices, original.notation, original.meaning, body);
}

const failing = (ms: readonly Measurement[]) => ms.filter((m) => !judgeMeasurement(m).pass).map((m) => `${m.entry} ${m.quantity} vs ${m.leg}`);

function rendered(label: string): string {
  return formulaByLabel(label).latex.join('\n');
}

describe('a mutated definition', () => {
  it('the unmutated definitions pass every leg on the case', () => {
    const r = verifyCase(CASE, { entries: new Set(['softmax-covariance', 'trace-h', 'trace-h2', 'gamma-nm', 'trace-gradient']) });
    expect(r.measurements.length).toBeGreaterThan(20);
    expect(failing(r.measurements)).toEqual([]);
  });

  it('S_n without its -p p^T term: renders differently and fails numeric, both engines and T1', () => {
    const [n, k, kp] = CROSS_ENTROPY.S.indices as [never, never, never];
    const p = CROSS_ENTROPY.definitions[0]!;
    const S = mutant(CROSS_ENTROPY.S, mul(indicator(k, kp), ref(p, n, k)));
    expect(renderDisplay([{ kind: 'definition', definition: S }], 'latex')).toBe("S_{n,kk'} = \\mathbb 1[k = k'] p_{nk}");
    expect(rendered('eq:softmax-covariance')).toContain("S_{n,kk'} = \\mathbb 1[k = k'] p_{nk} - p_{nk} p_{nk'}");
    const r = verifyCase(CASE, { overrides: [S], entries: new Set(['softmax-covariance', 'trace-h']) });
    const bad = failing(r.measurements);
    expect(bad).toContain('softmax-covariance S vs numeric sampleCurvature');
    expect(bad).toContain('softmax-covariance S vs mathjs: d^2 ell/dv^2');
    expect(bad).toContain('softmax-covariance S vs nerdamer: d^2 ell/dv^2');
    expect(bad).toContain('trace-h T1 vs numeric hessianTraces');
  });

  it("Gamma_nm without its (g_n . g_m)(phi'_n . phi'_m) term fails T2 and the engines' cross-block pairs, not T1", () => {
    const body = GAMMA.body as Extract<Expr, { kind: 'add' }>;
    const gTerms = body.terms[1] as Extract<Expr, { kind: 'mul' }>;
    const sum = gTerms.factors[1]!;
    // sum_k sum_i (first + second + third): drop the third.
    const strip = (e: Expr): Expr => (e.kind === 'sum' ? { ...e, body: strip(e.body) } : e.kind === 'add' ? { kind: 'add', terms: e.terms.slice(0, 2) } : e);
    const G = mutant(GAMMA, { kind: 'add', terms: [body.terms[0]!, mul(gTerms.factors[0]!, strip(sum))] });
    expect(renderDisplay([{ kind: 'definition', definition: G }], 'latex')).not.toBe(renderDisplay([{ kind: 'definition', definition: GAMMA }], 'latex'));
    const r = verifyCase(CASE, { overrides: [G], entries: new Set(['trace-h', 'trace-h2', 'gamma-nm']) });
    const bad = failing(r.measurements);
    expect(bad).toContain('trace-h2 T2 vs numeric hessianTraces');
    expect(bad).toContain('gamma-nm K^x Gamma vs mathjs: per-sample cross blocks, pair by pair');
    expect(bad.filter((x) => x.startsWith('trace-h '))).toEqual([]);
  });

  it('the T2 seed C-bar with 2 kappa^2 in place of 4 kappa^2 fails the engines that differentiate T2 and the gradient', () => {
    const Cbar = T2_SEEDS.Cbar;
    const halved = mutant(Cbar, mul(num(0.5), Cbar.body));
    const r = verifyCase(CASE, { overrides: [halved], entries: new Set(['trace-gradient', 'grad-assembly']) });
    const bad = failing(r.measurements);
    expect(bad).toContain('trace-gradient Cbar of T2 vs mathjs: dT2/dC, T2 written in its building blocks');
    expect(bad).toContain('grad-assembly dT2/dtheta vs numeric traceGradients');
    expect(bad.some((x) => x.includes('of T1'))).toBe(false);
  });

  // The engines' entry-wise network legs are off here (the sweep runs them): the loss's own legs carry these checks.
  const limits = { ...SWEEP_LIMITS, network: { mathjs: { second: 0, third: 0 }, nerdamer: { second: 0, third: 0 } } };
  for (const loss of LOSSES.filter((l) => l !== CROSS_ENTROPY)) {
    const lossCase = SWEEP_SLICE.find((c) => c.loss === loss.name)!;
    it(`${loss.name}: its row passes; S_n doubled, g_n shifted, its third derivative off on the diagonal each fail numeric and both engines`, () => {
      const entries = new Set([loss.entry, 'softmax-inner', 'trace-h', 'loss-gradient', 'grad-assembly']);
      const r = verifyCase(lossCase, { entries, limits });
      expect(r.measurements.filter((m) => m.entry === loss.entry).length).toBeGreaterThan(8);
      expect(failing(r.measurements)).toEqual([]);

      const S = mutant(loss.S, mul(num(2), loss.S.body));
      const badS = failing(verifyCase(lossCase, { overrides: [S], entries, limits }).measurements);
      expect(badS).toContain(`${loss.entry} S vs numeric sampleCurvature`);
      expect(badS).toContain(`${loss.entry} S vs mathjs: d^2 ell/dv^2`);
      expect(badS).toContain(`${loss.entry} S vs nerdamer: d^2 ell/dv^2`);
      expect(badS).toContain('softmax-inner <S,S> vs numeric LOSSES curvatureInner');
      expect(badS).toContain('trace-h T1 vs numeric hessianTraces');

      const g = mutant(loss.g, add(loss.g.body, num(0.25)));
      const badG = failing(verifyCase(lossCase, { overrides: [g], entries, limits }).measurements);
      expect(badG).toContain(`${loss.entry} g vs numeric forwardPass`);
      expect(badG).toContain(`${loss.entry} g vs mathjs: d ell/dv`);
      expect(badG).toContain(`${loss.entry} g vs nerdamer: d ell/dv`);
      expect(badG).toContain('loss-gradient dL/dtheta vs numeric lossGradient');

      const [, k, kp, kpp] = loss.S3.indices as [never, never, never, never];
      const S3 = mutant(loss.S3, add(loss.S3.body, mul(num(0.5), indicator(k, kp), indicator(k, kpp))));
      const badS3 = failing(verifyCase(lossCase, { overrides: [S3], entries, limits }).measurements);
      expect(badS3).toContain(`${loss.entry} S3 vs mathjs: d^3 ell/dv^3`);
      expect(badS3).toContain(`${loss.entry} S3 vs nerdamer: d^3 ell/dv^3`);
      expect(badS3).toContain('grad-assembly dT1/dtheta vs numeric traceGradients');
      expect(badS3.some((x) => x.includes(' S vs ') || x.includes(' g vs '))).toBe(false);
    });
  }
});
