/**
 * `columns`: a subset of the tangent passes of `autodiffTraceGradients` / `autodiffBoundGradient`
 * must be the very passes the full call makes (the bench multiplies one pass's time by P), so
 * the entries are compared bitwise (toEqual), not to a tolerance, and the passes themselves are
 * counted and their arguments compared through a spy on `lossJet` (and the plain Hessian passes
 * through one on `autodiffHessian`).
 */
import { describe, expect, test, vi } from 'vitest';
import { BLOCKS, CURVATURES, parameterCount, type Variant } from '@hsr/numeric';
import { autodiffBoundGradient, type AutodiffBoundKind } from '../src/bound.ts';
import * as oracle from '../src/oracle.ts';
import { autodiffTraceGradients, autodiffTraces } from '../src/traces.ts';
import { SMALL, randomCase } from './cases.ts';

vi.mock('../src/oracle.ts', async (importOriginal) => {
  const original = await importOriginal<typeof import('../src/oracle.ts')>();
  return { ...original, lossJet: vi.fn(original.lossJet), autodiffHessian: vi.fn(original.autodiffHessian) };
});

const KINDS: readonly AutodiffBoundKind[] = ['upper', 'lower', 'range'];

/** Out of order, repeated, both ends of theta (first W entry, last output bias). */
function someColumns(P: number): number[] {
  return [P - 1, 0, P >> 1, 0, 3];
}

function pick(full: Float64Array, columns: readonly number[]): number[] {
  return columns.map((k) => full[k]!);
}

describe('autodiffTraceGradients with columns', () => {
  test('selected entries and the traces are bitwise those of the full call, every block and curvature', () => {
    for (const activation of ['tanh', 'softplus'] as const)
      for (const block of BLOCKS)
        for (const curvature of CURVATURES) {
          const { model, data } = randomCase({ ...SMALL, activation, bias: true, seed: 21 });
          const variant: Variant = { reduction: 'mean', block, curvature };
          const columns = someColumns(parameterCount(model));
          const full = autodiffTraceGradients(model, data, variant);
          const some = autodiffTraceGradients(model, data, variant, { columns });
          const label = `${activation} ${block} ${curvature}`;
          expect(Array.from(some.gradTraceH), `${label} grad T1`).toEqual(pick(full.gradTraceH, columns));
          expect(Array.from(some.gradTraceH2), `${label} grad T2`).toEqual(pick(full.gradTraceH2, columns));
          expect([some.traceH, some.traceH2], label).toEqual([full.traceH, full.traceH2]);
        }
  });

  test('no columns: empty gradients, traces from one Hessian pass', () => {
    const { model, data } = randomCase({ ...SMALL, activation: 'tanh', bias: true, seed: 22 });
    const variant: Variant = { reduction: 'sum', block: 'first', curvature: 'hessian' };
    const none = autodiffTraceGradients(model, data, variant, { columns: [] });
    const t = autodiffTraces(model, data, variant);
    expect([none.gradTraceH.length, none.gradTraceH2.length]).toEqual([0, 0]);
    expect([none.traceH, none.traceH2]).toEqual([t.traceH, t.traceH2]);
  });

  test('one lossJet pass per selected column, with the arguments the full call uses for it', () => {
    const { model, data } = randomCase({ ...SMALL, activation: 'gelu', bias: false, seed: 23 });
    const variant: Variant = { reduction: 'mean', block: 'all', curvature: 'hessian' };
    const P = parameterCount(model);
    const spy = vi.mocked(oracle.lossJet);
    spy.mockClear();
    autodiffTraceGradients(model, data, variant);
    const fullCalls = spy.mock.calls.map((args) => [...args]);
    expect(fullCalls.map((args) => args[4])).toEqual(Array.from({ length: P }, (_, k) => k));
    spy.mockClear();
    const columns = someColumns(P);
    autodiffTraceGradients(model, data, variant, { columns });
    const someCalls = spy.mock.calls.map((args) => [...args]);
    expect(someCalls.length).toBe(columns.length);
    for (const [j, k] of columns.entries()) {
      const [A, ...rest] = someCalls[j]!;
      const [fullA, ...fullRest] = fullCalls[k]!;
      // Same algebra (order 2 with a tangent), same model, data, variant and tangent index.
      expect(A).toEqual(fullA);
      expect(rest).toEqual(fullRest);
    }
  });

  test('rejects indices that are not parameters', () => {
    const { model, data } = randomCase({ ...SMALL, activation: 'tanh', bias: true, seed: 24 });
    const variant: Variant = { reduction: 'mean', block: 'all', curvature: 'hessian' };
    const P = parameterCount(model);
    for (const bad of [-1, P, 1.5, Number.NaN]) expect(() => autodiffTraceGradients(model, data, variant, { columns: [0, bad] })).toThrow(RangeError);
  });

  test('the error names the rejected column and the valid range 0..P-1', () => {
    const { model, data } = randomCase({ ...SMALL, activation: 'tanh', bias: true, seed: 24 });
    const variant: Variant = { reduction: 'mean', block: 'all', curvature: 'hessian' };
    const P = parameterCount(model);
    expect(() => autodiffTraceGradients(model, data, variant, { columns: [P] })).toThrow(`column ${P} is not a parameter index in 0..${P - 1}`);
  });

  test('T1, T2 are read off the tangent passes: a plain Hessian pass only when no column is selected', () => {
    const { model, data } = randomCase({ ...SMALL, activation: 'tanh', bias: true, seed: 26 });
    const hessianPasses = vi.mocked(oracle.autodiffHessian);
    for (const block of BLOCKS) {
      const variant: Variant = { reduction: 'mean', block, curvature: 'hessian' };
      hessianPasses.mockClear();
      autodiffTraceGradients(model, data, variant);
      autodiffTraceGradients(model, data, variant, { columns: [2] });
      expect(hessianPasses.mock.calls.length, `${block} with columns`).toBe(0);
      autodiffTraceGradients(model, data, variant, { columns: [] });
      expect(hessianPasses.mock.calls.length, `${block} without columns`).toBe(1);
    }
  });

  test('an empty block (hidden width 0, first layer): T1 = T2 = 0 and zero gradients, with no Hessian pass', () => {
    const hessianPasses = vi.mocked(oracle.autodiffHessian);
    for (const bias of [true, false]) {
      // With a bias the output biases are P = c parameters outside the block; without, P = 0.
      const { model, data } = randomCase({ samples: 4, inputDim: 3, hiddenDim: 0, classes: 3, activation: 'tanh', bias, seed: 27 });
      const variant: Variant = { reduction: 'mean', block: 'first', curvature: 'hessian' };
      expect(parameterCount(model, 'first')).toBe(0);
      for (const columns of [undefined, []]) {
        hessianPasses.mockClear();
        const t = autodiffTraceGradients(model, data, variant, columns === undefined ? {} : { columns });
        const label = `bias ${bias}, columns ${columns === undefined ? 'all' : 'none'}`;
        expect([t.traceH, t.traceH2], label).toEqual([0, 0]);
        expect(
          Array.from(t.gradTraceH)
            .concat(Array.from(t.gradTraceH2))
            .every((x) => x === 0),
          label,
        ).toBe(true);
        expect(hessianPasses.mock.calls.length, label).toBe(0);
      }
    }
  });
});

describe('autodiffBoundGradient with columns', () => {
  test('selected entries, value and traces are bitwise those of the full gradient', () => {
    for (const block of BLOCKS)
      for (const of of KINDS) {
        const { model, data } = randomCase({ ...SMALL, activation: 'tanh', bias: true, seed: 25 });
        const variant: Variant = { reduction: 'mean', block, curvature: 'hessian' };
        const columns = someColumns(parameterCount(model));
        const full = autodiffBoundGradient(model, data, variant, of);
        const some = autodiffBoundGradient(model, data, variant, of, { columns });
        const label = `${block} ${of}`;
        expect(Array.from(some.gradient), label).toEqual(pick(full.gradient, columns));
        expect([some.value, some.traceH, some.traceH2, some.degenerate, some.parameters], label).toEqual([full.value, full.traceH, full.traceH2, full.degenerate, full.parameters]);
      }
  });
});
