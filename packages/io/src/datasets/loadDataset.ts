/**
 * One entry point for the CLI: a built-in data set by name (with generator options), or a
 * path to a user's data file (JSON or CSV, read by `readDataDocument`).
 */
import { classesFromLabels, cosineInputs, defaultNames, gaussianBlobs, type NamedDataset, twoMoons, xorData } from '@hsr/numeric';
import { type DataFileOptions, readDataDocument } from '../dataFile.ts';
import { InputError } from '../errors.ts';
import { loadIris } from './iris.ts';
import { loadRealDataset } from './realData.ts';

export const DATASET_NAMES = ['iris', 'blobs', 'moons', 'xor', 'cosine', 'wine', 'breast-cancer', 'digits'] as const;
export type DatasetName = (typeof DATASET_NAMES)[number];

export function isDatasetName(name: string): name is DatasetName {
  return (DATASET_NAMES as readonly string[]).includes(name);
}

/** Generator options; each generator reads the ones it has and documents its defaults. */
export interface DatasetOptions extends DataFileOptions {
  seed?: number;
  /** N (synthetic only). */
  samples?: number;
  /** d (blobs, cosine). */
  features?: number;
  /** c (blobs, cosine). */
  classes?: number;
  /** Blob standard deviation (blobs). */
  spread?: number;
  /** Noise standard deviation (moons, xor). */
  noise?: number;
  /** Target pairwise cosine in [0, 1) (cosine). */
  cosine?: number;
}

/**
 * `iris`, `blobs`, `moons`, `xor`, `cosine`, `wine`, `breast-cancer`, `digits`, or a file
 * path (anything else). Options a data set does not use are ignored; `undefined` options
 * take each generator's defaults. Throws InputError for a bad file.
 */
export function loadDataset(nameOrPath: string, opts: DatasetOptions = {}): NamedDataset {
  const pick = <K extends keyof DatasetOptions>(...keys: K[]) => {
    const out: Partial<Pick<DatasetOptions, K>> = {};
    for (const key of keys) if (opts[key] !== undefined) out[key] = opts[key];
    return out;
  };
  if (!isDatasetName(nameOrPath)) {
    try {
      return loadDataFileAsNamed(nameOrPath, opts);
    } catch (error) {
      // A bare word that is no file is most likely a misspelt data set name: say both.
      if (error instanceof InputError && error.reason.startsWith('cannot read file: no such file') && !/[./\\]/.test(nameOrPath)) {
        throw new InputError(nameOrPath, null, `not a built-in data set (${DATASET_NAMES.join(', ')}) and no such file`);
      }
      throw error;
    }
  }
  switch (nameOrPath) {
    case 'iris':
      return loadIris();
    case 'blobs':
      return gaussianBlobs(pick('samples', 'features', 'classes', 'spread', 'seed'));
    case 'moons':
      return twoMoons(pick('samples', 'noise', 'seed'));
    case 'xor':
      return xorData(pick('samples', 'noise', 'seed'));
    case 'cosine':
      return cosineInputs(pick('samples', 'features', 'classes', 'cosine', 'seed'));
    case 'wine':
    case 'breast-cancer':
    case 'digits':
      return loadRealDataset(nameOrPath);
  }
}

/** A user's data file with names filled in: c = classNames.length, else max label + 1. */
export function loadDataFileAsNamed(path: string, opts: DataFileOptions = {}): NamedDataset {
  const doc = readDataDocument(path, opts);
  const classes = doc.classNames?.length ?? classesFromLabels(doc.data.y);
  return {
    name: doc.name ?? path,
    data: doc.data,
    classes,
    featureNames: doc.featureNames ?? defaultNames('x', doc.data.features),
    classNames: doc.classNames ?? defaultNames('class', classes),
    source: doc.source ?? (typeof doc.about?.source === 'string' ? doc.about.source : `file ${path}`),
  };
}
