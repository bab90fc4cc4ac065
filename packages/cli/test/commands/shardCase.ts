/** The case the sharding tests run on: a seeded 3-7-3 tanh network and 150 samples (five tiles of rows), as files. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { seededCase } from '@hsr/crosscheck/cases';
import { writeModelFile } from '@hsr/io';

export function writeShardCase(dir: string): { modelPath: string; dataPath: string } {
  const { model, data } = seededCase({ activation: 'tanh', bias: true, inputDim: 3, hiddenDim: 7, classes: 3, samples: 150, seed: 11 }, { weights: { kind: 'glorot', scale: 1, biasScale: 0.3 } });
  const modelPath = join(dir, 'model.json');
  const dataPath = join(dir, 'data.json');
  writeModelFile(modelPath, model);
  const X = Array.from({ length: data.samples }, (_, n) => Array.from(data.X.subarray(n * data.features, (n + 1) * data.features)));
  writeFileSync(dataPath, JSON.stringify({ X, y: Array.from(data.y) }));
  return { modelPath, dataPath };
}
