/**
 * `hsr bound` and `hsr grad` on layered model files: the closed form of any depth inside the
 * exact spectrum, --layers for blocks, --block's hint beyond two layers, and a two-layer
 * layered file meaning the same as the W, b, V, a file.
 */
import { writeFileSync } from 'node:fs';
import { beforeAll, describe, expect, test } from 'vitest';
import { RTOL_DEPTH_TWO_VS_THREE_LAYER, RTOL_VS_DENSE } from '@hsr/testkit';
import { flat, writeLayeredCase } from './layeredCase.ts';
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
    ['a loss the deep path does not implement', ['--loss', 'mse'], 'hsr: --loss mse: a layered model (or --layers) supports cross-entropy only for now'],
    ['label smoothing on the deep path', ['--label-smoothing', '0.2'], 'hsr: --label-smoothing: a layered model (or --layers) supports cross-entropy only for now'],
  ];
  test.each(errors)('refuses %s in one line, exit 2', (_name, flags, message) => {
    const r = runHsr(['bound', '--model', path('deep.json'), '--data', path('data.json'), ...flags]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.startsWith(message), r.stderr).toBe(true);
    expect(r.stderr.trimEnd()).not.toContain('\n');
  });
});

test('a W, b, V, a file naming another loss is refused under --layers, for bound and grad', () => {
  writeFileSync(path('flat-mse.json'), JSON.stringify({ ...flat, loss: 'mse' }));
  for (const command of ['bound', 'grad']) {
    const r = runHsr([command, '--model', path('flat-mse.json'), '--data', path('data.json'), '--layers', '1,2']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trimEnd()).toBe(`hsr: ${path('flat-mse.json')}: loss: "mse" with a layered model (or --layers): only cross-entropy for now`);
  }
  const r = runHsr(['grad', '--model', path('deep.json'), '--data', path('data.json'), '--loss', 'binary-cross-entropy']);
  expect(r.code).toBe(2);
  expect(r.stderr.startsWith('hsr: --loss binary-cross-entropy: a layered model')).toBe(true);
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
