/**
 * The layered test case both CLI layered tests run: a three-layer network with two hidden
 * activations, its first two layers as a W, b, V, a file and as a two-layer layered file, and
 * four samples; written to a fresh folder.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LayeredModelArrays } from '@hsr/numeric';

export const deep: LayeredModelArrays = {
  activation: 'tanh',
  activations: ['tanh', 'softplus'],
  layers: [
    {
      W: [
        [0.5, -0.3],
        [0.2, 0.8],
        [-0.6, 0.1],
      ],
      b: [0.1, -0.2, 0.05],
    },
    {
      W: [
        [0.3, -0.5, 0.2],
        [-0.4, 0.6, 0.1],
      ],
      b: [0.05, -0.05],
    },
    {
      W: [
        [0.7, -0.2],
        [-0.3, 0.9],
      ],
      b: [0.02, -0.01],
    },
  ],
};
export const flat = { activation: 'tanh', W: deep.layers[0]!.W, b: deep.layers[0]!.b, V: deep.layers[1]!.W, a: deep.layers[1]!.b };
export const twoLayered = { activation: 'tanh', layers: [deep.layers[0]!, deep.layers[1]!] };
export const data = {
  X: [
    [1, 0.5],
    [-0.3, 2],
    [0.7, -1.2],
    [0, 0.4],
  ],
  y: [0, 1, 1, 0],
};

/** Write deep.json, flat.json, two.json and data.json to a new folder; returns the path of a name in it. */
export function writeLayeredCase(prefix: string): (name: string) => string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const path = (name: string) => join(dir, name);
  writeFileSync(path('deep.json'), JSON.stringify(deep));
  writeFileSync(path('flat.json'), JSON.stringify(flat));
  writeFileSync(path('two.json'), JSON.stringify(twoLayered));
  writeFileSync(path('data.json'), JSON.stringify(data));
  return path;
}
