/**
 * The generators do what the properties rely on: finite float64 values, the shape
 * ranges, orthonormal rows when asked, every regime present, and degenerate cases (a
 * spectrum below its round-off floor) a minority rather than silently dominating.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { LOSS_NAMES, deepDenseHessian, denseHessian, layeredParameterCount, symmetricEigenvalues } from '@hsr/numeric';
import { buildCase, buildLayeredCase, caseArbitrary, caseSpecArbitrary, datasetArbitrary, layeredCaseArbitrary, layeredCaseSpecArbitrary, layeredTraceRoundoff, traceRoundoff } from '../src/index.ts';

const cases = fc.sample(caseArbitrary(), { numRuns: 300, seed: 11 });

describe('case arbitraries', () => {
  test('shapes stay in d, h in 1..6, c in 2..4, N in 1..8 and every value is finite', () => {
    for (const c of cases) {
      const { model: m, data } = c;
      expect(m.inputDim).toBeGreaterThanOrEqual(1);
      expect(m.inputDim).toBeLessThanOrEqual(6);
      expect(m.hiddenDim).toBeLessThanOrEqual(6);
      expect(m.classes).toBeGreaterThanOrEqual(2);
      expect(m.classes).toBeLessThanOrEqual(4);
      expect(data.samples).toBeLessThanOrEqual(8);
      for (const arr of [m.W, m.V, m.b ?? [], m.a ?? [], data.X]) for (const x of arr) expect(Number.isFinite(x)).toBe(true);
      for (const y of data.y) expect(y >= 0 && y < m.classes).toBe(true);
    }
  });

  test('every activation, bias setting, block, curvature, reduction and extreme scale occurs', () => {
    const seen = (f: (c: (typeof cases)[number]) => unknown) => new Set(cases.map(f));
    expect(seen((c) => c.model.activation).size).toBe(5);
    expect(seen((c) => c.model.b !== null).size).toBe(2);
    expect(seen((c) => `${c.variant.reduction}/${c.variant.block}/${c.variant.curvature}`).size).toBe(12);
    expect(seen((c) => c.spec!.firstLayerScale)).toContain(1e-4);
    expect(seen((c) => c.spec!.firstLayerScale)).toContain(10);
    expect(seen((c) => c.spec!.inputStyle).size).toBe(3);
  });

  test('every loss is drawn, each in a fair share of the cases, label smoothing at more than one eps', () => {
    for (const loss of LOSS_NAMES) {
      const share = cases.filter((c) => (c.model.loss ?? 'cross-entropy') === loss).length / cases.length;
      expect(share, loss).toBeGreaterThan(0.15);
    }
    expect(new Set(cases.filter((c) => c.model.loss === 'label-smoothing').map((c) => c.model.labelSmoothing ?? 0.1)).size).toBeGreaterThan(1);
    expect(fc.sample(caseArbitrary({ losses: ['mse'] }), { numRuns: 20, seed: 3 }).every((c) => c.model.loss === 'mse')).toBe(true);
  });

  test('orthogonal inputs have orthonormal rows (times the scale) when N <= d', () => {
    const specs = fc.sample(caseSpecArbitrary({ inputStyles: ['orthogonal'] }), { numRuns: 100, seed: 5 }).filter((s) => s.inputStyle === 'orthogonal' && s.samples <= s.inputDim);
    expect(specs.length).toBeGreaterThan(5);
    for (const s of specs) {
      const { data } = buildCase(s);
      const d = data.features;
      for (let n = 0; n < data.samples; n++)
        for (let m = 0; m < data.samples; m++) {
          let dot = 0;
          for (let j = 0; j < d; j++) dot += data.X[n * d + j]! * data.X[m * d + j]!;
          expect(Math.abs(dot - (n === m ? s.inputScale ** 2 : 0))).toBeLessThan(1e-12 * s.inputScale ** 2);
        }
    }
  });

  test('degenerate spectra (sum |lambda| below 1e6 times the round-off floor) are a minority', () => {
    let degenerate = 0;
    for (const c of cases) {
      const ev = symmetricEigenvalues(denseHessian(c.model, c.data, c.variant));
      const sumAbs = ev.reduce((s, l) => s + Math.abs(l), 0);
      if (!(sumAbs > 1e6 * traceRoundoff(c.model, c.data, c.variant).traceH)) degenerate++;
    }
    console.log(`degenerate spectra: ${degenerate} of ${cases.length} generated cases`);
    expect(degenerate / cases.length).toBeLessThan(0.25);
  });

  test('datasetArbitrary honours the requested width and classes', () => {
    for (const d of fc.sample(datasetArbitrary({ features: 3, classes: 4 }), { numRuns: 30, seed: 2 })) {
      expect(d.features).toBe(3);
      expect(d.X.length).toBe(3 * d.samples);
      for (const y of d.y) expect(y).toBeLessThan(4);
    }
  });
});

const layered = fc.sample(layeredCaseArbitrary(), { numRuns: 300, seed: 13 });

describe('layered case arbitraries', () => {
  test('depth L in 2..4, widths 1..3, c in 2..3, N in 1..4, every value finite, the layer set valid', () => {
    for (const c of layered) {
      const { model: m, data, variant } = c;
      const L = m.layers.length;
      expect(L).toBeGreaterThanOrEqual(2);
      expect(L).toBeLessThanOrEqual(4);
      expect(m.activations.length).toBe(L - 1);
      m.layers.forEach((layer, l) => {
        if (l > 0) expect(layer.inputs).toBe(m.layers[l - 1]!.outputs);
        if (l < L - 1) expect(layer.outputs).toBeLessThanOrEqual(3);
        expect(layer.b !== null).toBe(m.layers[0]!.b !== null);
        for (const x of [...layer.W, ...(layer.b ?? [])]) expect(Number.isFinite(x)).toBe(true);
      });
      expect(m.layers[L - 1]!.outputs).toBeGreaterThanOrEqual(2);
      expect(m.layers[L - 1]!.outputs).toBeLessThanOrEqual(3);
      expect(data.features).toBe(m.layers[0]!.inputs);
      expect(data.samples).toBeLessThanOrEqual(4);
      expect(variant.layers.length).toBeGreaterThan(0);
      expect([...variant.layers].sort()).toEqual(variant.layers);
      expect(new Set(variant.layers).size).toBe(variant.layers.length);
      expect(variant.layers.every((l) => l >= 0 && l < L)).toBe(true);
      for (const y of data.y) expect(y >= 0 && y < m.layers[L - 1]!.outputs).toBe(true);
    }
  });

  test('every depth, activation, loss, bias setting, reduction, curvature and extreme scale occurs, with mixed activations and partial layer sets', () => {
    const seen = (f: (c: (typeof layered)[number]) => unknown) => new Set(layered.map(f));
    expect(seen((c) => c.model.layers.length)).toEqual(new Set([2, 3, 4]));
    expect(new Set(layered.flatMap((c) => c.model.activations)).size).toBe(5);
    expect(layered.some((c) => new Set(c.model.activations).size > 1)).toBe(true);
    expect(seen((c) => c.model.loss ?? 'cross-entropy').size).toBe(LOSS_NAMES.length);
    expect(seen((c) => c.model.layers[0]!.b !== null).size).toBe(2);
    expect(seen((c) => `${c.variant.reduction}/${c.variant.curvature}`).size).toBe(4);
    expect(layered.some((c) => c.variant.layers.length < c.model.layers.length)).toBe(true);
    expect(layered.some((c) => c.variant.layers.length === c.model.layers.length)).toBe(true);
    const scales = new Set(layered.flatMap((c) => c.spec!.layerScales));
    expect(scales).toContain(1e-4);
    expect(scales).toContain(10);
  });

  test('depth, minLayers and the other options are honoured; a spec rebuilds the same case', () => {
    for (const c of fc.sample(layeredCaseArbitrary({ depth: [3, 3], minLayers: 2, curvatures: ['hessian'], reductions: ['sum'] }), { numRuns: 50, seed: 4 })) {
      expect(c.model.layers.length).toBe(3);
      expect(c.variant.layers.length).toBeGreaterThanOrEqual(2);
      expect(c.variant.curvature).toBe('hessian');
      expect(c.variant.reduction).toBe('sum');
    }
    for (const spec of fc.sample(layeredCaseSpecArbitrary(), { numRuns: 10, seed: 6 })) {
      const a = buildLayeredCase(spec);
      const b = buildLayeredCase(JSON.parse(JSON.stringify(spec)));
      expect(b.label).toBe(a.label);
      expect(b.model.layers.map((l) => Array.from(l.W))).toEqual(a.model.layers.map((l) => Array.from(l.W)));
      expect(Array.from(b.data.X)).toEqual(Array.from(a.data.X));
      expect(layeredParameterCount(a.model)).toBeGreaterThan(0);
    }
  });

  test('degenerate spectra (sum |lambda| below 1e6 times the round-off floor) are a minority', () => {
    let degenerate = 0;
    for (const c of layered) {
      const H = deepDenseHessian(c.model, c.data, c.variant);
      const sumAbs = symmetricEigenvalues(H).reduce((s, l) => s + Math.abs(l), 0);
      if (!(sumAbs > 1e6 * layeredTraceRoundoff(c.model, c.data, c.variant, H).traceH)) degenerate++;
    }
    console.log(`degenerate layered spectra: ${degenerate} of ${layered.length} generated cases`);
    expect(degenerate / layered.length).toBeLessThan(0.25);
  });
});
