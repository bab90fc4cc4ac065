/**
 * A data set together with what a report needs to say about it: its name, the class and
 * feature names, and where the numbers come from (a citation for real data, the generator
 * and its parameters for synthetic data, so that a figure can be regenerated).
 */
import type { Dataset } from '../types.ts';

export interface NamedDataset {
  /** `iris`, `blobs`, ..., or the file path for user data. */
  readonly name: string;
  readonly data: Dataset;
  /** c: the number of classes (at least the largest label + 1). */
  readonly classes: number;
  /** d names. */
  readonly featureNames: readonly string[];
  /** c names. */
  readonly classNames: readonly string[];
  /** Citation (real data) or the exact generator call (synthetic data). */
  readonly source: string;
}

/** `prefix_0 .. prefix_{count-1}`: names for unnamed features or classes. */
export function defaultNames(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, k) => `${prefix}_${k}`);
}

/** The number of classes implied by the labels: max(y) + 1 (at least 2, as a model needs). */
export function classesFromLabels(y: Int32Array): number {
  let max = 0;
  for (const label of y) if (label > max) max = label;
  return Math.max(2, max + 1);
}
