/**
 * The general-depth definitions on a network of depth 3: every leg passes unmutated, and each of
 * four deliberate mutants (Lambda^l without its phi'' term, Gamma^{l,l'} without its mixed terms,
 * a seed of tau^{ll'}_2 halved, the R-operator without V^T delta) renders differently from the
 * registry's definition and fails the legs that check that step, and only those.
 */
import { judgeMeasurement } from '@hsr/crosscheck/symbolic';
import { describe, expect, it } from 'vitest';
import { DEEP_GAMMA, DEEP_LAMBDA, DEEP_R_DELTA, DEEP_SEEDS } from '../../src/definitions/deep.ts';
import { add, define, mul, num, type Definition, type Expr } from '../../src/notation/expression.ts';
import { renderDisplay } from '../../src/notation/latex.ts';
import type { SweepCase } from '../../src/verification/cases.ts';
import { DEEP_ENTRY_IDS } from '../../src/verification/deep.ts';
import { verifyCase, type Measurement } from '../../src/verification/run.ts';

const CASE: SweepCase = {
  activation: 'tanh',
  activations: ['tanh', 'sigmoid'],
  inputDim: 1,
  hiddenDim: 2,
  hidden: [2, 1],
  classes: 2,
  samples: 2,
  bias: true,
  reduction: 'mean',
  block: 'all',
  layers: [0, 1, 2],
  curvature: 'hessian',
  seed: 11,
};

const mutant = (original: Definition, body: Expr): Definition => define(original.name, original.indices, original.notation, original.meaning, body);
const failing = (ms: readonly Measurement[]) => ms.filter((m) => !judgeMeasurement(m).pass).map((m) => `${m.entry} ${m.quantity} vs ${m.leg}`);
const rendered = (d: Definition) => renderDisplay([{ kind: 'definition', definition: d }], 'latex');
const terms = (e: Expr) => (e as Extract<Expr, { kind: 'add' }>).terms;

describe('the general-depth definitions on a network of depth 3', () => {
  it('pass every leg, with numeric, both engines and the identities each comparing every entry', { timeout: 120_000 }, () => {
    const r = verifyCase(CASE);
    expect(failing(r.measurements)).toEqual([]);
    for (const id of DEEP_ENTRY_IDS) expect(r.measurements.some((m) => m.entry === id && m.kind === 'numeric') || id === 'deep-trace-gradient', id).toBe(true);
    const kinds = new Set(r.measurements.map((m) => `${m.entry} ${m.kind}`));
    for (const k of [
      'deep-loss-gradient engine',
      'deep-lambda engine',
      'deep-jacobians engine',
      'deep-trace-gradient engine',
      'deep-trace-gradient five-point',
      'deep-trace-h2 identity',
      'deep-hessian-vector-product identity',
    ])
      expect(kinds.has(k), k).toBe(true);
    const legs = new Set(r.measurements.map((m) => m.leg));
    expect(legs.has('nerdamer: d^2 ell/d(u^l)^2')).toBe(true);
    expect(legs.has('mathjs: d^2 ell/d(u^l)^2')).toBe(true);
  });

  it("Lambda^l without its phi'' term fails numeric, the engines' Hessian in u^l', the blocks and T1", { timeout: 120_000 }, () => {
    const L = mutant(DEEP_LAMBDA, terms(DEEP_LAMBDA.body)[0]!);
    expect(rendered(L)).not.toBe(rendered(DEEP_LAMBDA));
    const bad = failing(verifyCase(CASE, { overrides: [L], entries: new Set(['deep-lambda', 'deep-hessian-blocks', 'deep-trace-h']) }).measurements);
    expect(bad).toContain('deep-lambda Lambda^l vs numeric deepSampleCurvature');
    expect(bad).toContain('deep-lambda Lambda^l vs mathjs: d^2 ell/d(u^l)^2');
    expect(bad).toContain('deep-lambda Lambda^l vs nerdamer: d^2 ell/d(u^l)^2');
    expect(bad).toContain('deep-hessian-blocks H vs numeric deepDenseHessian');
    expect(bad).toContain('deep-trace-h T1 vs numeric deepHessianTraces');
    // Backpropagation does not read Lambda.
    expect(bad.filter((x) => x.startsWith('deep-loss-gradient'))).toEqual([]);
  });

  it("Gamma^{l,l'} without its mixed terms fails T2 and the cross blocks pair by pair, not T1", { timeout: 120_000 }, () => {
    const [first, , last] = terms(DEEP_GAMMA.body) as [Expr, Expr, Expr];
    const G = mutant(DEEP_GAMMA, add(first, last));
    expect(rendered(G)).not.toBe(rendered(DEEP_GAMMA));
    const bad = failing(verifyCase(CASE, { overrides: [G], entries: new Set(['deep-trace-h', 'deep-trace-h2']) }).measurements);
    expect(bad).toContain('deep-trace-h2 T2 vs numeric deepHessianTraces');
    expect(bad).toContain('deep-trace-h2 T2 vs squared norm of the Hessian blocks');
    expect(bad).toContain("deep-trace-h2 K^l' Gamma^(l,l') vs numeric deepDenseHessian per sample, cross blocks pair by pair");
    expect(bad.filter((x) => x.startsWith('deep-trace-h '))).toEqual([]);
  });

  it("the seed X-bar of tau^{ll'}_2 halved fails the engines that differentiate it, not the other seeds", { timeout: 120_000 }, () => {
    const X = mutant(DEEP_SEEDS.X, mul(num(0.5), DEEP_SEEDS.X.body));
    const bad = failing(verifyCase(CASE, { overrides: [X], entries: new Set(['deep-trace-gradient']) }).measurements);
    expect(bad).toContain("deep-trace-gradient DXbar of tau2^(l,l') vs mathjs: dtau2^(l,l')/dDX, written in its building blocks");
    expect(bad.every((x) => x.includes('DXbar'))).toBe(true);
  });

  it('the R-operator without V^T delta fails numeric and the blocks times v', { timeout: 120_000 }, () => {
    const [outer, curvature] = terms(DEEP_R_DELTA.body) as [Extract<Expr, { kind: 'mul' }>, Expr];
    const [phi, inner] = outer.factors as [Expr, Expr];
    const R = mutant(DEEP_R_DELTA, add(mul(phi, terms(inner)[0]!), curvature));
    expect(rendered(R)).not.toBe(rendered(DEEP_R_DELTA));
    const bad = failing(verifyCase(CASE, { overrides: [R], entries: new Set(['deep-hessian-vector-product']) }).measurements);
    expect(bad).toContain('deep-hessian-vector-product Hv vs numeric deepHessianVectorProduct');
    expect(bad).toContain('deep-hessian-vector-product Hv vs the Hessian blocks times v');
  });
});
