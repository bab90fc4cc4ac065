/** Models from safetensors state_dicts and model JSON (modelSource.ts): the mapping, provenance and every refusal. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { initModel } from '@hsr/numeric';
import { describe, expect, test } from 'vitest';
import { formatSafetensors, modelFromSafetensors, modelToSafetensors, parseSafetensors, readModel, writeModelSafetensors, type TensorToWrite } from '../src/index.ts';
import { GOOD_MODEL, inputError, scratch } from './support.ts';

/** GOOD_MODEL (d = 2, h = 3, c = 2) as a PyTorch state_dict with the given names. */
function stateDict(names = { w: '0.weight', b: '0.bias', v: '2.weight', a: '2.bias' }, dtype: 'F64' | 'F32' = 'F64'): TensorToWrite[] {
  return [
    { name: names.w, shape: [3, 2], data: GOOD_MODEL.W.flat(), dtype },
    { name: names.b, shape: [3], data: GOOD_MODEL.b, dtype },
    { name: names.v, shape: [2, 3], data: GOOD_MODEL.V.flat(), dtype },
    { name: names.a, shape: [2], data: GOOD_MODEL.a, dtype },
  ];
}
const doc = (tensors: TensorToWrite[], metadata: Record<string, string> = { activation: 'tanh' }) => parseSafetensors(formatSafetensors(tensors, metadata), 'm.safetensors');

describe('modelFromSafetensors', () => {
  test('nn.Sequential names: weight rows are W and V as stored; provenance says so', () => {
    const { model, source } = modelFromSafetensors(doc(stateDict()), 'm.safetensors');
    expect([model.inputDim, model.hiddenDim, model.classes, model.activation]).toEqual([2, 3, 2, 'tanh']);
    expect(Array.from(model.W)).toEqual(GOOD_MODEL.W.flat());
    expect(Array.from(model.V)).toEqual(GOOD_MODEL.V.flat());
    expect(Array.from(model.b!)).toEqual(GOOD_MODEL.b);
    expect(source).toEqual({
      file: 'm.safetensors',
      format: 'safetensors',
      storage: 'float64',
      widenedFromFloat32: false,
      activation: 'tanh',
      activationFrom: 'file',
      tensors: { '0.weight': 'W', '0.bias': 'b', '2.weight': 'V', '2.bias': 'a' },
    });
  });

  test('other layer names are ordered by trailing index, else by which output feeds the other', () => {
    const byIndex = modelFromSafetensors(doc(stateDict({ w: 'net.layer1.weight', b: 'net.layer1.bias', v: 'net.layer10.weight', a: 'net.layer10.bias' }).reverse()), 'm');
    expect(Array.from(byIndex.model.W)).toEqual(GOOD_MODEL.W.flat());
    // d = 1, h = 3, c = 2: only hidden -> out chains (with d = c both orders would, and it is refused below).
    const layers: TensorToWrite[] = [
      { name: 'out.weight', shape: [2, 3], data: GOOD_MODEL.V.flat() },
      { name: 'hidden.weight', shape: [3, 1], data: [1, 2, 3] },
    ];
    const byShape = modelFromSafetensors(doc(layers), 'm');
    expect(byShape.source.tensors).toEqual({ 'hidden.weight': 'W', 'out.weight': 'V' });
    expect(byShape.model.inputDim).toBe(1);
  });

  test('F32 weights are widened exactly and flagged; the activation may come from the option, in PyTorch spelling', () => {
    const { model, source } = modelFromSafetensors(doc(stateDict(undefined, 'F32'), {}), 'm', { activation: 'SiLU' });
    expect(Array.from(model.b!)).toEqual(GOOD_MODEL.b.map(Math.fround));
    expect([source.storage, source.widenedFromFloat32, source.activation, source.activationFrom]).toEqual(['float32', true, 'silu', 'option']);
    expect(modelFromSafetensors(doc(stateDict(), { activation: 'GELU' }), 'm').model.activation).toBe('gelu');
  });

  test('bias=False: no bias tensors, no biases', () => {
    const { model } = modelFromSafetensors(doc(stateDict().filter((t) => t.name.endsWith('weight'))), 'm');
    expect([model.b, model.a]).toEqual([null, null]);
  });

  const refusals: [string, () => unknown, string][] = [
    [
      'no activation anywhere',
      () => modelFromSafetensors(doc(stateDict(), {}), 'm'),
      'm: __metadata__.activation: is missing: the weights do not say which activation sits between the layers; give --activation (one of sigmoid, tanh, softplus, silu, gelu)',
    ],
    ['file and option disagree', () => modelFromSafetensors(doc(stateDict()), 'm', { activation: 'sigmoid' }), 'm: __metadata__.activation: is "tanh", but --activation says "sigmoid"'],
    ['unknown stored activation', () => modelFromSafetensors(doc(stateDict(), { activation: 'relu' }), 'm'), 'm: __metadata__.activation: unknown activation "relu" (expected one of sigmoid, tanh, softplus, silu, gelu)'],
    ['unknown option', () => modelFromSafetensors(doc(stateDict(), {}), 'm', { activation: 'relu' }), 'm: --activation: unknown activation "relu"'],
    [
      'a stray tensor',
      () => modelFromSafetensors(doc([...stateDict(), { name: 'running_mean', shape: [1], data: [0] }]), 'm'),
      'm: running_mean: unexpected tensor: expected only the .weight and .bias tensors of nn.Sequential(nn.Linear(d, h), activation, nn.Linear(h, c))',
    ],
    ['three layers', () => modelFromSafetensors(doc([...stateDict(), { name: '4.weight', shape: [2, 2], data: [1, 0, 0, 1] }]), 'm'), "m: has 3 linear layers (0, 2, 4): hsr's network has one hidden layer"],
    ['one layer', () => modelFromSafetensors(doc(stateDict().slice(0, 2)), 'm'), 'm: has 1 linear layer (0)'],
    ['a bias without its weight', () => modelFromSafetensors(doc([...stateDict().slice(0, 3), { name: '4.bias', shape: [2], data: [0, 0] }]), 'm'), 'm: 4.bias: has no 4.weight beside it'],
    ['one bias only', () => modelFromSafetensors(doc(stateDict().slice(0, 3)), 'm'), 'm: 2.bias: is missing while 0.bias is given (biases are on for both layers or for neither)'],
    [
      'layers that do not chain',
      () => modelFromSafetensors(doc([stateDict()[0]!, stateDict()[1]!, { name: '2.weight', shape: [2, 4], data: new Array(8).fill(1) }, stateDict()[3]!]), 'm'),
      'm: 2.weight: has 4 columns, expected h = 3 (the rows of 0.weight): the layers do not chain',
    ],
    [
      'a 1-D weight',
      () => modelFromSafetensors(doc([{ name: '0.weight', shape: [6], data: GOOD_MODEL.W.flat() }, ...stateDict().slice(1)]), 'm'),
      'm: 0.weight: has shape [6], expected [out, in] with both >= 1 (an nn.Linear weight)',
    ],
    [
      'a bias of the wrong length',
      () => modelFromSafetensors(doc([stateDict()[0]!, { name: '0.bias', shape: [2], data: [0, 0] }, ...stateDict().slice(2)]), 'm'),
      'm: 0.bias: has shape [2], expected [3] (one per row of 0.weight)',
    ],
    [
      'one class',
      () => modelFromSafetensors(doc([stateDict()[0]!, stateDict()[1]!, { name: '2.weight', shape: [1, 3], data: [1, 2, 3] }, { name: '2.bias', shape: [1], data: [0] }]), 'm'),
      'm: 2.weight: has 1 row, expected at least 2 classes',
    ],
    [
      'ambiguous names',
      () =>
        modelFromSafetensors(
          doc([
            { name: 'p.weight', shape: [2, 2], data: [1, 0, 0, 1] },
            { name: 'q.weight', shape: [2, 2], data: [1, 0, 0, 1] },
          ]),
          'm',
        ),
      'm: cannot tell which of p and q is the first layer',
    ],
  ];
  test.each(refusals)('refuses %s in one line', (_, run, message) => {
    const e = inputError(run);
    expect(e.message).toContain(message);
    expect(e.message).not.toContain('\n');
  });
});

describe('readModel', () => {
  test('.safetensors by extension, anything else as model JSON, each with its provenance', () => {
    const st = join(scratch, 'net.safetensors');
    writeFileSync(st, formatSafetensors(stateDict(), { activation: 'tanh' }));
    const json = join(scratch, 'net.json');
    writeFileSync(json, JSON.stringify(GOOD_MODEL));
    const a = readModel(st);
    const b = readModel(json);
    expect(Array.from(a.model.W)).toEqual(Array.from(b.model.W));
    expect(b.source).toEqual({ file: json, format: 'json', storage: 'float64', widenedFromFloat32: false, activation: 'tanh', activationFrom: 'file' });
    expect(readModel(json, { activation: 'Tanh' }).model.activation).toBe('tanh');
    expect(inputError(() => readModel(json, { activation: 'gelu' })).message).toBe(`${json}: activation: is "tanh", but --activation says "gelu"`);
  });

  test('writeModelSafetensors writes a state_dict that reads back bit for bit', () => {
    for (const bias of [true, false]) {
      const model = initModel({ activation: 'softplus', inputDim: 3, hiddenDim: 4, classes: 3, bias, seed: 5, scale: 2 });
      const path = join(scratch, `init-${bias}.safetensors`);
      writeModelSafetensors(path, model, { source: 'test', about: { seed: 5 } });
      const back = readModel(path);
      expect(back.model).toEqual(model);
      expect(back.source.tensors).toEqual(bias ? { '0.weight': 'W', '0.bias': 'b', '2.weight': 'V', '2.bias': 'a' } : { '0.weight': 'W', '2.weight': 'V' });
    }
    expect(modelToSafetensors(initModel({ activation: 'tanh', inputDim: 1, hiddenDim: 1, classes: 2, bias: false, seed: 1 }), { about: { a: 1 } }).metadata).toEqual({
      format: 'pt',
      activation: 'tanh',
      about: '{"a":1}',
    });
  });
});
