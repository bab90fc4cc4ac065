import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { DATASET_NAMES, InputError, isDatasetName, loadDataset } from '../../src/index.ts';

const scratch = mkdtempSync(join(tmpdir(), 'hsr-datasets-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('loadDataset', () => {
  test('every listed name loads, under its own name', () => {
    expect(DATASET_NAMES).toEqual(['iris', 'blobs', 'moons', 'xor', 'cosine', 'wine', 'breast-cancer', 'digits']);
    for (const name of DATASET_NAMES) {
      const named = loadDataset(name);
      expect(named.name).toBe(name);
      expect(named.data.samples).toBeGreaterThan(0);
      expect(isDatasetName(name)).toBe(true);
    }
  });

  test('options reach the generators; unused ones are ignored', () => {
    const cosine = loadDataset('cosine', { samples: 7, features: 9, classes: 3, cosine: 0.2, seed: 5, noise: 123 });
    expect([cosine.data.samples, cosine.data.features, cosine.classes]).toEqual([7, 9, 3]);
    expect(cosine.source).toContain('"cosine":0.2');
    expect(loadDataset('blobs', { samples: 10, features: 5 }).data.features).toBe(5);
    expect(loadDataset('moons', { samples: 10, seed: 1 }).data.X).not.toEqual(loadDataset('moons', { samples: 10, seed: 2 }).data.X);
  });

  test('anything else is a file path read by readDataFile', () => {
    const path = join(scratch, 'mine.csv');
    writeFileSync(path, 'u,v,label\n1,2,0\n3,4,2\n');
    const named = loadDataset(path);
    expect([named.name, named.classes, named.featureNames]).toEqual([path, 3, ['u', 'v']]);
    const missing = join(scratch, 'mine.json');
    expect(() => loadDataset(missing)).toThrow(InputError);
    expect(() => loadDataset(missing)).toThrow(`${missing}: cannot read file: no such file or directory`);
    expect(() => loadDataset('irsi')).toThrow('irsi: not a built-in data set (iris, blobs, moons, xor, cosine, wine, breast-cancer, digits) and no such file');
  });
});
