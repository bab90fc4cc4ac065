/**
 * `hsr grad` on layered models of any depth: the closed-form bound gradient of a three-layer
 * network and of a block of its layers equals the deep autodiff oracle, answered in the file's
 * shape {"value", "layers": [{"W", "b"?}, ...]}; its value is `hsr bound`'s; a two-layer file
 * with --layers is the three-layer network's gradient; what it cannot do is refused in one line.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { autodiffBoundGradientFromTraces, autodiffDeepTraceGradients } from '@hsr/autodiff';
import { createDataset, createLayeredModel, flattenLayered } from '@hsr/numeric';
import { ATOL_FLOOR, RTOL_SAME_FORMULA, RTOL_VS_AUTODIFF } from '@hsr/testkit';
import { data, deep, writeLayeredCase } from './layeredCase.ts';
import { runHsr } from './run.ts';

let path: (name: string) => string;
beforeAll(() => {
  path = writeLayeredCase('hsr-grad-layered-');
});

const json = (args: string[]) => {
  const r = runHsr(args);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout);
};

const flatten = (layers: { W: number[][]; b?: number[] }[]) => layers.flatMap((layer) => layer.W.flatMap((row, i) => [...row, ...(layer.b ? [layer.b[i]!] : [])]));

describe('hsr grad on a three-layer model', () => {
  const model = createLayeredModel(deep);
  const dataset = createDataset(data.X, data.y, 2);
  test.each([
    ['upper', '1,2,3', 'hessian'],
    ['range', '1,3', 'hessian'],
    ['lower', '2', 'gauss-newton'],
  ] as const)('--of %s --layers %s --curvature %s: the deep autodiff oracle, in the file shape', (of, layersText, curvature) => {
    const out = json(['grad', '--model', path('deep.json'), '--data', path('data.json'), '--of', of, '--layers', layersText, '--curvature', curvature, '--json']);
    const layers = layersText.split(',').map((x) => Number(x) - 1);
    expect(out.variant).toEqual({ reduction: 'mean', curvature, layers: layers.map((l) => l + 1) });
    expect(out.of).toBe(of);
    expect(out.layers.map((layer: { W: number[][]; b?: number[] }) => [layer.W.length, layer.W[0]!.length, layer.b?.length])).toEqual([
      [3, 2, 3],
      [2, 3, 2],
      [2, 2, 2],
    ]);
    const oracle = autodiffDeepTraceGradients(model, dataset, { reduction: 'mean', curvature, layers });
    const P = layers.reduce((s, l) => s + [9, 8, 6][l]!, 0);
    const ref = autodiffBoundGradientFromTraces(oracle, P, of);
    expect(flatten(out.layers)).toHaveLength(flattenLayered(model).length);
    expect(out.value).toBeAllClose(ref.value, { rtol: RTOL_VS_AUTODIFF, atol: 0 });
    expect(flatten(out.layers)).toBeAllClose(ref.gradient, { rtol: RTOL_VS_AUTODIFF, atol: ATOL_FLOOR });
  });

  test("its value is hsr bound's", () => {
    const g = json(['grad', '--model', path('deep.json'), '--data', path('data.json'), '--layers', '1,3', '--json']);
    const b = json(['bound', '--model', path('deep.json'), '--data', path('data.json'), '--layers', '1,3', '--json']);
    expect(g.value).toBe(b.bounds.lambdaMaxUpper);
  });

  test('the text output names the bound, the block and each layer', () => {
    const r = runHsr(['grad', '--model', path('deep.json'), '--data', path('data.json'), '--layers', '1,3']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('over layers 1,3');
    expect(r.stdout).toContain('(P = 15)');
    expect(r.stdout).toMatch(/^3 +2 x 2 /m);
  });
});

describe('hsr grad on a three-layer model with another loss', () => {
  test.each([
    ['binary-cross-entropy', 'upper', '1,2,3', 'hessian'],
    ['mse', 'range', '1,3', 'hessian'],
    ['label-smoothing', 'lower', '2,3', 'gauss-newton'],
  ] as const)('--loss %s --of %s --layers %s --curvature %s: the deep autodiff oracle of that loss', (loss, of, layersText, curvature) => {
    const model = { ...createLayeredModel(deep), loss };
    const dataset = createDataset(data.X, data.y, 2);
    const out = json(['grad', '--model', path('deep.json'), '--data', path('data.json'), '--loss', loss, '--of', of, '--layers', layersText, '--curvature', curvature, '--json']);
    expect(out.loss.name).toBe(loss);
    const layers = layersText.split(',').map((x) => Number(x) - 1);
    const oracle = autodiffDeepTraceGradients(model, dataset, { reduction: 'mean', curvature, layers });
    const ref = autodiffBoundGradientFromTraces(
      oracle,
      layers.reduce((s, l) => s + [9, 8, 6][l]!, 0),
      of,
    );
    expect(out.value).toBeAllClose(ref.value, { rtol: RTOL_VS_AUTODIFF, atol: 0 });
    expect(flatten(out.layers)).toBeAllClose(ref.gradient, { rtol: RTOL_VS_AUTODIFF, atol: ATOL_FLOOR });
  });
});

describe('hsr grad --layers on a two-layer file', () => {
  test('is the three-layer gradient', () => {
    const a = json(['grad', '--model', path('flat.json'), '--data', path('data.json'), '--block', 'first', '--of', 'range', '--json']);
    const b = json(['grad', '--model', path('two.json'), '--data', path('data.json'), '--layers', '1', '--of', 'range', '--json']);
    expect(b.value).toBeAllClose(a.value, { rtol: RTOL_SAME_FORMULA, atol: 0 });
    expect(flatten(b.layers)).toBeAllClose(
      flatten([
        { W: a.gradient.W, b: a.gradient.b },
        { W: a.gradient.V, b: a.gradient.a },
      ]),
      { rtol: RTOL_SAME_FORMULA, atol: 0 },
    );
  });
});

describe('hsr grad on a layered model refuses in one line, exit 2', () => {
  const errors: [string, string[], string][] = [
    ['--shard', ['--shard', '1/2'], 'hsr: --shard: a layered model runs on one process for now'],
    ['--block first beyond two layers', ['--block', 'first'], 'hsr: --block first: means a layer of a two-layer model; this model has 3 layers: use --layers 1'],
    ['a layer that does not exist', ['--layers', '4'], 'hsr: --layers: layer 4 does not exist (the model has layers 1..3)'],
  ];
  test.each(errors)('%s', (_name, flags, message) => {
    const r = runHsr(['grad', '--model', path('deep.json'), '--data', path('data.json'), ...flags]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.startsWith(message), r.stderr).toBe(true);
    expect(r.stderr.trimEnd()).not.toContain('\n');
  });
});
