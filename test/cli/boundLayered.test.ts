/**
 * `hsr bound` and `hsr grad` on layered model files: the closed form of any depth inside the
 * exact spectrum, --layers for blocks, --block's hint beyond two layers, a two-layer
 * layered file meaning the same as the W, b, V, a file, and --hvp-budget K estimating T1, T2
 * from deep Hessian-vector products within their standard errors of the closed form.
 */
import { writeFileSync } from 'node:fs';
import { beforeAll, describe, expect, test } from 'vitest';
import { normalQuantile } from '@hsr/numeric';
import { RTOL_DEPTH_TWO_VS_THREE_LAYER, RTOL_VS_DENSE, STATISTICAL_CHECK_ALPHA } from '@hsr/testkit';
import { deep, flat, writeLayeredCase } from './layeredCase.ts';
import { runHsr } from './run.ts';

let path: (name: string) => string;
beforeAll(() => {
  path = writeLayeredCase('hsr-layered-');
});

const json = (args: string[]) => {
  const r = runHsr(args);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout);
};

describe('hsr bound on a layered model', () => {
  test('three layers: the closed form equals the dense traces and every bound holds', () => {
    const out = json(['bound', '--model', path('deep.json'), '--data', path('data.json'), '--exact', '--json']);
    expect(out.parameters).toBe(9 + 8 + 6);
    expect(out.variant).toEqual({ reduction: 'mean', curvature: 'hessian', layers: [1, 2, 3] });
    expect(out.model.widths).toEqual([2, 3, 2, 2]);
    expect(out.traceH2).toBeAllClose(out.exact.traceH2, { rtol: RTOL_VS_DENSE, atol: 0 });
    expect(out.traceH).toBeAllClose(out.exact.traceH, { rtol: RTOL_VS_DENSE, atol: 0 });
    expect(Object.values(out.exact.holds)).toEqual([true, true, true, true, true]);
  });

  test('--layers 1,3 covers those layers only', () => {
    const out = json(['bound', '--model', path('deep.json'), '--data', path('data.json'), '--layers', '3,1', '--curvature', 'gauss-newton', '--exact', '--json']);
    expect(out.parameters).toBe(9 + 6);
    expect(out.variant.layers).toEqual([1, 3]);
    expect(out.traceH2).toBeAllClose(out.exact.traceH2, { rtol: RTOL_VS_DENSE, atol: 0 });
  });

  test('a two-layer layered file means the W, b, V, a file, block by block', () => {
    for (const [block, layers] of [
      ['all', '1,2'],
      ['first', '1'],
      ['second', '2'],
    ] as const) {
      const a = json(['bound', '--model', path('flat.json'), '--data', path('data.json'), '--block', block, '--json']);
      const b = json(['bound', '--model', path('two.json'), '--data', path('data.json'), '--layers', layers, '--json']);
      expect([b.traceH, b.traceH2, b.parameters]).toBeAllClose([a.traceH, a.traceH2, a.parameters], { rtol: RTOL_DEPTH_TWO_VS_THREE_LAYER, atol: 0, scale: 0 });
      const c = json(['bound', '--model', path('two.json'), '--data', path('data.json'), '--block', block, '--json']);
      expect(c.traceH2).toBe(b.traceH2);
    }
  });

  const errors: [string, string[], string][] = [
    ['--block first beyond two layers', ['--block', 'first'], 'hsr: --block first: means a layer of a two-layer model; this model has 3 layers: use --layers 1'],
    ['a layer that does not exist', ['--layers', '1,4'], 'hsr: --layers: layer 4 does not exist (the model has layers 1..3)'],
    ['a layer listed twice', ['--layers', '2,2'], 'hsr: --layers: layer 2 is listed twice'],
    ['a layer that is no number', ['--layers', '1,x'], 'hsr: --layers: "x" is not a layer number'],
    ['--layers with --block', ['--layers', '1', '--block', 'second'], 'hsr: --layers: not with --block first|second'],
    ['--shard (one process for now)', ['--shard', '1/2'], 'hsr: --shard: a layered model runs on one process for now'],
    ['--hvp-budget 0', ['--hvp-budget', '0'], 'hsr: --hvp-budget: must be >= 1, got 0'],
    ['--hvp-budget with --exact', ['--hvp-budget', '10', '--exact'], 'hsr: --hvp-budget: cannot be combined with --exact'],
    ['an unknown --loss', ['--loss', 'hinge'], 'hsr: --loss: expected one of cross-entropy'],
    ['--label-smoothing with another loss', ['--loss', 'mse', '--label-smoothing', '0.2'], 'hsr: --label-smoothing: applies to --loss label-smoothing only (the loss is mse)'],
  ];
  test.each(errors)('refuses %s in one line, exit 2', (_name, flags, message) => {
    const r = runHsr(['bound', '--model', path('deep.json'), '--data', path('data.json'), ...flags]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.startsWith(message), r.stderr).toBe(true);
    expect(r.stderr.trimEnd()).not.toContain('\n');
  });
});

describe('hsr bound --hvp-budget on a layered model', () => {
  // A correct estimate lies outside z(1 - ALPHA/2) of its standard errors with probability ~ALPHA (seeded: one fixed draw).
  const z = normalQuantile(1 - STATISTICAL_CHECK_ALPHA / 2);
  test.each([
    ['hessian', '1,2,3', 'cross-entropy'],
    ['gauss-newton', '1,3', 'mse'],
  ])('%s over layers %s (%s): estimated T1, T2 within their standard errors of the closed form', (curvature, layers, loss) => {
    const flags = ['--model', path('deep.json'), '--data', path('data.json'), '--layers', layers, '--curvature', curvature, '--loss', loss, '--json'];
    const exact = json(['bound', ...flags]);
    const out = json(['bound', ...flags, '--hvp-budget', '3000', '--seed', '4']);
    expect(Object.keys(out).sort()).toEqual(['data', 'estimated', 'loss', 'model', 'parameters', 'samples', 'variant']);
    expect(out.parameters).toBe(exact.parameters);
    expect(out.variant).toEqual(exact.variant);
    expect(out.estimated).toMatchObject({ hvpBudget: 3000, seed: 4, note: expect.stringMatching(/^ESTIMATED/) });
    expect(Math.abs(out.estimated.traceH - exact.traceH)).toBeLessThanOrEqual(z * out.estimated.traceHStandardError);
    expect(Math.abs(out.estimated.traceH2 - exact.traceH2)).toBeLessThanOrEqual(z * out.estimated.traceH2StandardError);
  });

  test('text: the layered header, then every number under ESTIMATED', () => {
    const r = runHsr(['bound', '--model', path('deep.json'), '--data', path('data.json'), '--hvp-budget', '20']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^model: {3}.*layers 2-3-2-2/);
    expect(r.stdout).toMatch(/estimated with 20 Hessian-vector products/);
    expect(r.stdout).toMatch(/quantity\s+ESTIMATED\s+standard error/);
  });
});

describe('every loss on a layered model', () => {
  test.each(['mse', 'label-smoothing', 'binary-cross-entropy'])('--loss %s: the closed form equals the dense traces at three layers', (loss) => {
    const out = json(['bound', '--model', path('deep.json'), '--data', path('data.json'), '--loss', loss, '--exact', '--json']);
    expect(out.loss).toEqual({ name: loss, ...(loss === 'label-smoothing' ? { labelSmoothing: 0.1 } : {}), from: 'option' });
    expect(out.traceH2).toBeAllClose(out.exact.traceH2, { rtol: RTOL_VS_DENSE, atol: 0 });
    expect(out.traceH).toBeAllClose(out.exact.traceH, { rtol: RTOL_VS_DENSE, atol: 0 });
    expect(Object.values(out.exact.holds)).toEqual([true, true, true, true, true]);
    const ce = json(['bound', '--model', path('deep.json'), '--data', path('data.json'), '--json']);
    expect(out.traceH2).not.toBe(ce.traceH2);
  });

  test('a layered file\'s "loss" and "labelSmoothing" are read, and --loss overrides them', () => {
    writeFileSync(path('deep-ls.json'), JSON.stringify({ ...deep, loss: 'label-smoothing', labelSmoothing: 0.3 }));
    const file = json(['bound', '--model', path('deep-ls.json'), '--data', path('data.json'), '--json']);
    const flag = json(['bound', '--model', path('deep.json'), '--data', path('data.json'), '--loss', 'label-smoothing', '--label-smoothing', '0.3', '--json']);
    expect(file.loss).toEqual({ name: 'label-smoothing', labelSmoothing: 0.3, from: 'file' });
    expect(file.traceH2).toBe(flag.traceH2);
    const over = json(['bound', '--model', path('deep-ls.json'), '--data', path('data.json'), '--loss', 'cross-entropy', '--json']);
    const ce = json(['bound', '--model', path('deep.json'), '--data', path('data.json'), '--json']);
    expect(over.traceH2).toBe(ce.traceH2);
    const r = runHsr(['bound', '--model', path('deep-ls.json'), '--data', path('data.json')]);
    expect(r.stdout).toContain('loss:    label-smoothing, eps = 0.3 (from the model file)');
  });

  test('a W, b, V, a file naming another loss means the same under --layers, for bound and grad', () => {
    writeFileSync(path('flat-mse.json'), JSON.stringify({ ...flat, loss: 'mse' }));
    const a = json(['bound', '--model', path('flat-mse.json'), '--data', path('data.json'), '--json']);
    const b = json(['bound', '--model', path('flat-mse.json'), '--data', path('data.json'), '--layers', '1,2', '--json']);
    expect(b.loss).toEqual({ name: 'mse', from: 'file' });
    expect([b.traceH, b.traceH2]).toBeAllClose([a.traceH, a.traceH2], { rtol: RTOL_DEPTH_TWO_VS_THREE_LAYER, atol: 0, scale: 0 });
    const ga = json(['grad', '--model', path('flat-mse.json'), '--data', path('data.json'), '--json']);
    const gb = json(['grad', '--model', path('flat-mse.json'), '--data', path('data.json'), '--layers', '1,2', '--json']);
    expect(gb.value).toBeAllClose(ga.value, { rtol: RTOL_DEPTH_TWO_VS_THREE_LAYER, atol: 0 });
    const ce = json(['grad', '--model', path('flat.json'), '--data', path('data.json'), '--json']);
    expect(ga.value).not.toBe(ce.value);
  });

  test('a layered file with an unknown "loss" or a bad "labelSmoothing" is refused at that field', () => {
    for (const [doc, message] of [
      [{ ...deep, loss: 'hinge' }, 'loss: unknown loss "hinge"'],
      [{ ...deep, loss: 'label-smoothing', labelSmoothing: 1.5 }, 'labelSmoothing: must be in (0, 1), got 1.5'],
    ] as const) {
      writeFileSync(path('deep-bad.json'), JSON.stringify(doc));
      const r = runHsr(['bound', '--model', path('deep-bad.json'), '--data', path('data.json')]);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.startsWith(`hsr: ${path('deep-bad.json')}: ${message}`), r.stderr).toBe(true);
    }
  });
});

describe('hsr grad on a layered model', () => {
  test('two layers: the three-layer gradient, answered in the layered shape', () => {
    const a = json(['grad', '--model', path('flat.json'), '--data', path('data.json'), '--json']);
    const b = json(['grad', '--model', path('two.json'), '--data', path('data.json'), '--json']);
    expect(b.value).toBe(a.value);
    expect(b.layers).toEqual([
      { W: a.gradient.W, b: a.gradient.b },
      { W: a.gradient.V, b: a.gradient.a },
    ]);
  });
});
