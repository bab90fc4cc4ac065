/**
 * Three small real data sets committed under packages/io/data/ (converted verbatim
 * from scikit-learn's bundled copies of the UCI files by tools/datasets/convertSklearn.mjs;
 * each file's "about" field carries the citation and licence). They are ordinary data
 * files: `hsr ... --data packages/io/data/wine.json` reads the same numbers.
 */
import { fileURLToPath } from 'node:url';
import { classesFromLabels, defaultNames, type NamedDataset } from '@hsr/numeric';
import { readDataDocument } from '../dataFile.ts';

export type RealDatasetName = 'wine' | 'breast-cancer' | 'digits';

/** Shapes as documented by the sources; the loader checks them so a damaged file is caught. */
export const REAL_DATASET_SHAPES: Readonly<Record<RealDatasetName, { samples: number; features: number; classes: number }>> = {
  wine: { samples: 178, features: 13, classes: 3 },
  'breast-cancer': { samples: 569, features: 30, classes: 2 },
  digits: { samples: 1797, features: 64, classes: 10 },
};

/** Absolute path of a committed data file (works from src/ under tsx, vitest and node). */
export function realDatasetPath(name: RealDatasetName): string {
  return fileURLToPath(new URL(`../../data/${name}.json`, import.meta.url));
}

const cache = new Map<RealDatasetName, NamedDataset>();

/** Load one of the committed real data sets (parsed once per process; treat as read-only). */
export function loadRealDataset(name: RealDatasetName): NamedDataset {
  const hit = cache.get(name);
  if (hit) return hit;
  const path = realDatasetPath(name);
  const doc = readDataDocument(path, { format: 'json' });
  const expected = REAL_DATASET_SHAPES[name];
  const classes = doc.classNames?.length ?? classesFromLabels(doc.data.y);
  if (doc.data.samples !== expected.samples || doc.data.features !== expected.features || classes !== expected.classes) {
    throw new Error(`${path}: expected ${expected.samples} x ${expected.features} with ${expected.classes} classes, found ${doc.data.samples} x ${doc.data.features} with ${classes}`);
  }
  const about = doc.about ?? {};
  const citation = typeof about.citation === 'string' ? about.citation : '';
  const source = typeof about.source === 'string' ? about.source : '';
  const result: NamedDataset = {
    name,
    data: doc.data,
    classes,
    featureNames: doc.featureNames ?? defaultNames('x', doc.data.features),
    classNames: doc.classNames ?? defaultNames('class', classes),
    source: [source, citation].filter((s) => s !== '').join('. '),
  };
  cache.set(name, result);
  return result;
}

/** Wine recognition (UCI): 178 x 13 chemical measurements, 3 cultivars. */
export const loadWine = (): NamedDataset => loadRealDataset('wine');
/** Breast Cancer Wisconsin (Diagnostic) (UCI): 569 x 30, 0 = malignant, 1 = benign. */
export const loadBreastCancer = (): NamedDataset => loadRealDataset('breast-cancer');
/** Optical recognition of handwritten digits (UCI test set): 1797 x 64 pixel counts in 0..16, 10 classes. */
export const loadDigits = (): NamedDataset => loadRealDataset('digits');
