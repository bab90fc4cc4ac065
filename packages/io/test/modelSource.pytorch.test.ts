/**
 * Golden: safetensors files written by PyTorch (`safetensors.torch.save_file(net.state_dict())`
 * of nn.Sequential(nn.Linear, activation, nn.Linear), by tools/golden/safetensors_models.py)
 * read as the same model the generator wrote as JSON, and evaluate to PyTorch's own logits and
 * loss: a transposed weight or swapped layers would change both.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { forwardPass, loss } from '@hsr/numeric';
import { ATOL_FLOOR, RTOL_VS_GOLDEN } from '@hsr/testkit';
import { describe, expect, test } from 'vitest';
import { readDataFile, readModel, readModelFile } from '../src/index.ts';

const DIR = fileURLToPath(new URL('./fixtures/pytorch/', import.meta.url));
interface Expected {
  torch: string;
  models: Record<string, { file: string; modelJson: string; dtype: 'F64' | 'F32'; activation: string; activationInFile: boolean; bias: boolean; loss: number; logits: number[][] }>;
}
const EXPECTED = JSON.parse(readFileSync(`${DIR}expected.json`, 'utf8')) as Expected;
const data = readDataFile(`${DIR}data.json`);

describe(`safetensors written by PyTorch ${EXPECTED.torch}`, () => {
  test('the fixtures cover float64, float32, biases off and an activation given by the caller', () => {
    const m = Object.values(EXPECTED.models);
    expect(new Set(m.map((x) => x.dtype))).toEqual(new Set(['F64', 'F32']));
    expect(m.some((x) => !x.bias) && m.some((x) => !x.activationInFile)).toBe(true);
  });

  for (const [name, ex] of Object.entries(EXPECTED.models)) {
    test(`${name}: the model the generator wrote as JSON, bit for bit, with its provenance`, () => {
      const { model, source } = readModel(`${DIR}${ex.file}`, ex.activationInFile ? {} : { activation: ex.activation });
      expect(model).toEqual(readModelFile(`${DIR}${ex.modelJson}`));
      expect([source.format, source.widenedFromFloat32, source.activation, source.activationFrom]).toEqual(['safetensors', ex.dtype === 'F32', ex.activation, ex.activationInFile ? 'file' : 'option']);
    });

    test(`${name}: PyTorch's logits and mean cross-entropy`, () => {
      const { model } = readModel(`${DIR}${ex.file}`, { activation: ex.activation });
      expect(forwardPass(model, data).v).toBeAllClose(ex.logits.flat(), { rtol: RTOL_VS_GOLDEN, atol: ATOL_FLOOR });
      expect(loss(model, data, 'mean')).toBeAllClose(ex.loss, { rtol: RTOL_VS_GOLDEN, atol: ATOL_FLOOR });
    });
  }
});
