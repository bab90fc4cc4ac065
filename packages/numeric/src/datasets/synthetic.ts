/**
 * Seeded synthetic classification data: Gaussian blobs, two moons, XOR, and inputs with a
 * chosen pairwise cosine similarity (to probe the Gram-matrix / orthogonality terms of
 * tr H^2, docs/mathematics.md §4). Every generator is a pure function of its options: the same options
 * and seed give the same bytes on every platform (`createRng` is a fixed xoshiro128**).
 * Labels are assigned round-robin (y_n = n mod c), so classes are balanced to within one.
 */
import { createRng } from '../random.ts';
import type { Dataset } from '../types.ts';
import { defaultNames, type NamedDataset } from './namedDataset.ts';

function roundRobinLabels(samples: number, classes: number): Int32Array {
  return Int32Array.from({ length: samples }, (_, n) => n % classes);
}

function requireInteger(name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) throw new RangeError(`${name} must be an integer >= ${min}, got ${value}`);
}

function requireNonNegative(name: string, value: number): void {
  if (!(Number.isFinite(value) && value >= 0)) throw new RangeError(`${name} must be a finite number >= 0, got ${value}`);
}

function describeCall(fn: string, opts: object): string {
  return `${fn}(${JSON.stringify(opts)}) in @hsr/numeric (seeded xoshiro128**)`;
}

export interface BlobsOptions {
  /** N (default 150). */
  samples?: number;
  /** c (default 3). */
  classes?: number;
  /** d (default 2). */
  features?: number;
  /** Standard deviation of each blob around its centre (default 1). */
  spread?: number;
  /** Scale of the centres, which are separation * N(0, I_d) (default 4). */
  separation?: number;
  seed?: number;
}

/**
 * Isotropic Gaussian blobs:
 * $\mu_k = \text{separation}\cdot g_k,\ g_k \sim \mathcal N(0, I_d)$ for k < c, then
 * $x_n = \mu_{y_n} + \text{spread}\cdot\varepsilon_n,\ \varepsilon_n \sim \mathcal N(0, I_d)$, $y_n = n \bmod c$.
 * Cost O(N d). Tests: shapes, balanced labels, determinism (test/datasets/synthetic.test.ts).
 */
export function gaussianBlobs(opts: BlobsOptions = {}): NamedDataset {
  const { samples = 150, classes = 3, features = 2, spread = 1, separation = 4, seed = 0 } = opts;
  requireInteger('samples', samples, 1);
  requireInteger('classes', classes, 2);
  requireInteger('features', features, 1);
  requireNonNegative('spread', spread);
  requireNonNegative('separation', separation);
  const rng = createRng(seed);
  const centres = Float64Array.from({ length: classes * features }, () => separation * rng.normal());
  const y = roundRobinLabels(samples, classes);
  const X = new Float64Array(samples * features);
  for (let n = 0; n < samples; n++) {
    for (let j = 0; j < features; j++) X[n * features + j] = centres[y[n]! * features + j]! + spread * rng.normal();
  }
  const data: Dataset = { samples, features, X, y };
  return {
    name: 'blobs',
    data,
    classes,
    featureNames: defaultNames('x', features),
    classNames: defaultNames('blob', classes),
    source: describeCall('gaussianBlobs', { samples, classes, features, spread, separation, seed }),
  };
}

export interface MoonsOptions {
  /** N (default 200). */
  samples?: number;
  /** Standard deviation of the Gaussian noise added to both coordinates (default 0.1). */
  noise?: number;
  seed?: number;
}

/**
 * Two interleaving half circles (as scikit-learn's make_moons, with random instead of
 * evenly spaced angles): $t_n \sim U[0,\pi]$; class 0 at $(\cos t, \sin t)$, class 1 at
 * $(1 - \cos t, \tfrac12 - \sin t)$; plus $\text{noise}\cdot\mathcal N(0, I_2)$. d = 2, c = 2. Cost O(N).
 */
export function twoMoons(opts: MoonsOptions = {}): NamedDataset {
  const { samples = 200, noise = 0.1, seed = 0 } = opts;
  requireInteger('samples', samples, 1);
  requireNonNegative('noise', noise);
  const rng = createRng(seed);
  const y = roundRobinLabels(samples, 2);
  const X = new Float64Array(samples * 2);
  for (let n = 0; n < samples; n++) {
    const t = Math.PI * rng.uniform();
    const [u, v] = y[n] === 0 ? [Math.cos(t), Math.sin(t)] : [1 - Math.cos(t), 0.5 - Math.sin(t)];
    X[2 * n] = u + noise * rng.normal();
    X[2 * n + 1] = v + noise * rng.normal();
  }
  return {
    name: 'moons',
    data: { samples, features: 2, X, y },
    classes: 2,
    featureNames: ['x', 'y'],
    classNames: ['upper', 'lower'],
    source: describeCall('twoMoons', { samples, noise, seed }),
  };
}

export interface XorOptions {
  /** N (default 200). */
  samples?: number;
  /** Standard deviation of each cluster around its corner (default 0.25). */
  noise?: number;
  seed?: number;
}

/**
 * XOR: four clusters at the corners $q \in \{\pm1\}^2$ (corner n mod 4), label 1 when the
 * corner's coordinates have opposite signs: $y = [q_1 q_2 < 0]$; $x_n = q + \text{noise}\cdot\mathcal N(0, I_2)$.
 * Not linearly separable, so the hidden layer matters. d = 2, c = 2. Cost O(N).
 */
export function xorData(opts: XorOptions = {}): NamedDataset {
  const { samples = 200, noise = 0.25, seed = 0 } = opts;
  requireInteger('samples', samples, 1);
  requireNonNegative('noise', noise);
  const rng = createRng(seed);
  const corners = [
    [1, 1],
    [-1, -1],
    [1, -1],
    [-1, 1],
  ] as const;
  const X = new Float64Array(samples * 2);
  const y = new Int32Array(samples);
  for (let n = 0; n < samples; n++) {
    const [q1, q2] = corners[n % 4]!;
    X[2 * n] = q1 + noise * rng.normal();
    X[2 * n + 1] = q2 + noise * rng.normal();
    y[n] = q1 * q2 < 0 ? 1 : 0;
  }
  return {
    name: 'xor',
    data: { samples, features: 2, X, y },
    classes: 2,
    featureNames: ['x1', 'x2'],
    classNames: ['same sign', 'opposite sign'],
    source: describeCall('xorData', { samples, noise, seed }),
  };
}

export interface CosineOptions {
  /** N (default 32). */
  samples?: number;
  /** d (default 64). Exact cosines need N <= d - 1 (N <= d when cosine = 0). */
  features?: number;
  /** Target pairwise cosine similarity in [0, 1) (default 0.5). */
  cosine?: number;
  /** c (default 2); labels are round-robin and carry no signal. */
  classes?: number;
  /** ||x_n|| for every sample (default 1); does not change the cosines. */
  norm?: number;
  seed?: number;
}

/**
 * Inputs with pairwise cosine similarity $\rho$ = `cosine`:
 * $$x_n = \text{norm}\,\big(\sqrt{\rho}\,s + \sqrt{1-\rho}\,e_n\big),$$
 * with s a random unit vector and $e_n$ unit vectors orthogonal to s. Then
 * $\|x_n\| = \text{norm}$ and $\cos(x_n, x_m) = \rho + (1-\rho)\,e_n^\top e_m$.
 *
 * How exact: while N <= d - 1 (N <= d when $\rho = 0$, where s is not needed) the $e_n$ are
 * Gram-Schmidt orthonormalised (twice, "twice is enough"), so every pairwise cosine equals
 * $\rho$ to rounding (~1e-15). Beyond that no exact construction exists for small $\rho$; the
 * remaining $e_n$ are independent uniform unit vectors in $s^\perp$ (dimension m = d - 1;
 * m = d when $\rho = 0$), so
 * each pairwise cosine is $\rho$ plus noise of standard deviation $(1-\rho)/\sqrt m$ and the
 * mean over pairs is within about $(1-\rho)\sqrt{2/(N(N-1)m)}$ of $\rho$ (one standard deviation).
 * $\rho = 0$ with N <= d gives exactly orthogonal inputs, where every cross-sample
 * first-layer term of tr H^2 vanishes without biases (docs/mathematics.md §4).
 * Cost O(N d min(N, d)). Verified by test/datasets/synthetic.test.ts (exact and approximate regimes).
 */
export function cosineInputs(opts: CosineOptions = {}): NamedDataset {
  const { samples = 32, features = 64, cosine = 0.5, classes = 2, norm = 1, seed = 0 } = opts;
  requireInteger('samples', samples, 1);
  requireInteger('features', features, 1);
  requireInteger('classes', classes, 2);
  if (!(cosine >= 0 && cosine < 1)) throw new RangeError(`cosine must be in [0, 1), got ${cosine}`);
  if (!(Number.isFinite(norm) && norm > 0)) throw new RangeError(`norm must be a finite number > 0, got ${norm}`);
  const useShared = cosine > 0;
  if (useShared && features < 2) throw new RangeError('cosine > 0 needs features >= 2 (a shared direction plus an orthogonal one)');
  const rng = createRng(seed);
  const d = features;
  const basis: Float64Array[] = [];
  const project = (v: Float64Array, against: readonly Float64Array[]) => {
    for (let pass = 0; pass < 2; pass++) {
      for (const q of against) {
        let dot = 0;
        for (let j = 0; j < d; j++) dot += v[j]! * q[j]!;
        for (let j = 0; j < d; j++) v[j]! -= dot * q[j]!;
      }
    }
  };
  const randomUnit = (against: readonly Float64Array[]): Float64Array => {
    while (true) {
      const v = Float64Array.from({ length: d }, () => rng.normal());
      project(v, against);
      let sq = 0;
      for (let j = 0; j < d; j++) sq += v[j]! * v[j]!;
      // A draw almost inside span(against) loses its digits in the projection: draw again.
      if (sq > 1e-6) {
        const inv = 1 / Math.sqrt(sq);
        for (let j = 0; j < d; j++) v[j]! *= inv;
        return v;
      }
    }
  };
  const shared = useShared ? randomUnit([]) : null;
  if (shared) basis.push(shared);
  const alpha = Math.sqrt(cosine);
  const beta = Math.sqrt(1 - cosine);
  const X = new Float64Array(samples * d);
  for (let n = 0; n < samples; n++) {
    let e: Float64Array;
    if (basis.length < d) {
      e = randomUnit(basis);
      basis.push(e);
    } else {
      e = randomUnit(shared ? [shared] : []);
    }
    for (let j = 0; j < d; j++) X[n * d + j] = norm * ((shared ? alpha * shared[j]! : 0) + beta * e[j]!);
  }
  return {
    name: 'cosine',
    data: { samples, features: d, X, y: roundRobinLabels(samples, classes) },
    classes,
    featureNames: defaultNames('x', d),
    classNames: defaultNames('class', classes),
    source: describeCall('cosineInputs', { samples, features, cosine, classes, norm, seed }),
  };
}

/**
 * Mean pairwise cosine similarity $\frac{2}{N(N-1)}\sum_{n<m} \frac{x_n^\top x_m}{\|x_n\|\|x_m\|}$
 * (rows with zero norm are skipped). Cost O(N^2 d). NaN when fewer than two nonzero rows.
 */
export function meanPairwiseCosine(data: Dataset): number {
  const { samples: N, features: d, X } = data;
  const norms = new Float64Array(N);
  for (let n = 0; n < N; n++) {
    let sq = 0;
    for (let j = 0; j < d; j++) sq += X[n * d + j]! ** 2;
    norms[n] = Math.sqrt(sq);
  }
  let total = 0;
  let pairs = 0;
  for (let n = 0; n < N; n++) {
    if (norms[n] === 0) continue;
    for (let m = n + 1; m < N; m++) {
      if (norms[m] === 0) continue;
      let dot = 0;
      for (let j = 0; j < d; j++) dot += X[n * d + j]! * X[m * d + j]!;
      total += dot / (norms[n]! * norms[m]!);
      pairs++;
    }
  }
  return pairs === 0 ? NaN : total / pairs;
}
