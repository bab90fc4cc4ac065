/**
 * The report's figures as Vega-Lite specs built from the results, rendered to SVG strings in
 * Node (vega 6.4 headless View, renderer 'none', `toSVG`): no browser, no canvas, no network.
 *
 * Curves over training show the mean over seeds as a line and the seeds' min..max as a band,
 * so a reader sees both the effect and how much it varies from one initialisation to the next.
 */
import * as vega from 'vega';
import * as vegaLite from 'vega-lite';
import { NEGATIVE_EIGENVALUE_RTOL, type MetricsRecord, type TrainingMethod } from '@hsr/numeric';
import { runsOf, summarise, type DatasetResult, type ReproductionResults } from './results.ts';

type Spec = vegaLite.TopLevelSpec;

export interface Plot {
  /** Unique within a report; the HTML figure carries it as data-plot. */
  readonly id: string;
  readonly title: string;
  readonly caption: string;
  readonly spec: Spec;
  /** Full page width (facets, strip plots); the others sit two to a row. */
  readonly wide?: boolean;
}

export interface RenderedPlot extends Plot {
  readonly svg: string;
}

const METHOD_ORDER: readonly TrainingMethod[] = ['plain', 'hsr-step', 'hsr-penalty', 'sam'];
const METHOD_COLOURS = ['#555555', '#d62728', '#ff7f0e', '#1f77b4'];

const methodColour = {
  field: 'method',
  type: 'nominal',
  title: 'method',
  scale: { domain: METHOD_ORDER as TrainingMethod[], range: METHOD_COLOURS },
} as const;

export const CONFIG = {
  font: 'Helvetica, Arial, sans-serif',
  view: { stroke: '#ddd' },
  axis: { labelFontSize: 11, titleFontSize: 12 },
  // Areas draw at low opacity; their legend symbols should not.
  legend: { labelFontSize: 11, titleFontSize: 12, symbolOpacity: 1, symbolType: 'stroke', symbolStrokeWidth: 3, labelLimit: 320 },
} as const;

export interface TrajectoryPoint {
  epoch: number;
  method: TrainingMethod;
  series: string;
  mean: number;
  lo: number;
  hi: number;
  seeds: number;
}

/**
 * Mean and min..max over seeds, per epoch, of one quantity of one method's runs. Epochs where
 * no seed has a finite value are left out (a gap, not a zero).
 */
export function trajectory(dataset: DatasetResult, method: TrainingMethod, series: string, get: (r: MetricsRecord) => number | null): TrajectoryPoint[] {
  const byEpoch = new Map<number, (number | null)[]>();
  for (const run of runsOf(dataset, method)) {
    for (const r of run.records) {
      const list = byEpoch.get(r.epoch) ?? [];
      list.push(get(r));
      byEpoch.set(r.epoch, list);
    }
  }
  const out: TrajectoryPoint[] = [];
  for (const [epoch, values] of [...byEpoch.entries()].sort((a, b) => a[0] - b[0])) {
    const s = summarise(values);
    if (s.n > 0) out.push({ epoch, method, series, mean: s.mean, lo: s.min, hi: s.max, seeds: s.n });
  }
  return out;
}

function methods(dataset: DatasetResult): TrainingMethod[] {
  return METHOD_ORDER.filter((m) => dataset.runs.some((r) => r.method === m));
}

/** A line (mean) over a band (min..max over seeds), coloured by `colour`. */
function bandedLines(values: TrajectoryPoint[], yTitle: string, colour: object, width = 360, height = 220): Spec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width,
    height,
    config: CONFIG,
    data: { values },
    encoding: { x: { field: 'epoch', type: 'quantitative', title: 'epoch' }, color: colour },
    layer: [
      { mark: { type: 'area', opacity: 0.18 }, encoding: { y: { field: 'lo', type: 'quantitative', title: yTitle }, y2: { field: 'hi' } } },
      { mark: { type: 'line', strokeWidth: 2 }, encoding: { y: { field: 'mean', type: 'quantitative', title: yTitle } } },
    ],
  } as Spec;
}

const BOUND_SERIES: readonly [string, (r: MetricsRecord) => number | null][] = [
  ['U (upper bound on λmax)', (r) => r.bounds.lambdaMaxUpper],
  ['λmax (exact)', (r) => r.lambdaMax],
  ['λmin (exact)', (r) => r.lambdaMin],
  ['lower bound on λmin', (r) => r.bounds.lambdaMinLower],
];
const BOUND_COLOURS = ['#9467bd', '#d62728', '#2ca02c', '#8c564b'];

/** The figures of one data set. */
export function datasetPlots(dataset: DatasetResult): Plot[] {
  const ms = methods(dataset);
  const id = (k: string) => `${dataset.name}-${k}`;
  const seeds = new Set(dataset.runs.map((r) => r.seed)).size;
  const band = `Line: mean over ${seeds} seed${seeds === 1 ? '' : 's'}; band: min..max over seeds.`;
  const over = (series: string, get: (r: MetricsRecord) => number | null) => ms.flatMap((m) => trajectory(dataset, m, series, get));

  const boundValues = ms.flatMap((m) => BOUND_SERIES.flatMap(([name, get]) => trajectory(dataset, m, name, get)));
  const bounds: Spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: CONFIG,
    data: { values: boundValues },
    facet: { column: { field: 'method', type: 'nominal', title: null, sort: ms as TrainingMethod[], header: { labelFontSize: 13 } } },
    spec: {
      width: 190,
      height: 200,
      encoding: {
        x: { field: 'epoch', type: 'quantitative', title: 'epoch' },
        color: { field: 'series', type: 'nominal', title: null, sort: BOUND_SERIES.map(([n]) => n), scale: { domain: BOUND_SERIES.map(([n]) => n), range: BOUND_COLOURS }, legend: { orient: 'bottom', columns: 4 } },
      },
      layer: [
        { mark: { type: 'area', opacity: 0.18 }, encoding: { y: { field: 'lo', type: 'quantitative', title: 'eigenvalue / bound' }, y2: { field: 'hi' } } },
        { mark: { type: 'line', strokeWidth: 2 }, encoding: { y: { field: 'mean', type: 'quantitative', title: 'eigenvalue / bound' } } },
      ],
    },
  } as Spec;

  const spectrumValues = ms.flatMap((m) => runsOf(dataset, m).flatMap((run) => (run.finalSpectrum ?? []).map((lambda) => ({ method: m, seed: run.seed, lambda }))));
  // Most eigenvalues sit within 1e-3 of zero and a handful far out: symlog shows both, and keeps the sign.
  const spectrum: Spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: 720,
    height: 34 * ms.length,
    config: CONFIG,
    data: { values: spectrumValues },
    mark: { type: 'tick', opacity: 0.45, thickness: 1.5 },
    encoding: {
      x: { field: 'lambda', type: 'quantitative', title: 'eigenvalue λ (symlog axis)', scale: { type: 'symlog', constant: 1e-3 } },
      y: { field: 'method', type: 'nominal', title: null, sort: ms as TrainingMethod[] },
      color: { ...methodColour, legend: null },
    },
  } as Spec;

  return [
    {
      id: id('bounds'),
      title: `${dataset.name}: λmax, λmin and their Wolkowicz–Styan bounds over training`,
      caption: `Exact extreme eigenvalues of the Hessian on the training set, with U (upper bound on λmax) and the lower bound on λmin, per method. ${band}`,
      spec: bounds,
      wide: true,
    },
    {
      id: id('spectrum'),
      title: `${dataset.name}: final Hessian spectrum`,
      caption: `Every eigenvalue of the final model's Hessian (P = ${dataset.parameters}), one tick per eigenvalue, all ${seeds} seeds pooled. Symlog axis: linear within ±0.001, logarithmic beyond.`,
      spec: spectrum,
      wide: true,
    },
    {
      id: id('negatives'),
      title: `${dataset.name}: negative eigenvalues over training`,
      caption: `Number of Hessian eigenvalues below −${NEGATIVE_EIGENVALUE_RTOL.toExponential(0)}·max|λ| (the saddle-point count). ${band}`,
      spec: bandedLines(
        over('negative eigenvalues', (r) => r.negativeEigenvalues),
        'negative eigenvalues',
        methodColour,
      ),
    },
    {
      id: id('accuracy'),
      title: `${dataset.name}: test accuracy`,
      caption: `Accuracy on the held-out ${dataset.testSamples} samples. ${band}`,
      spec: bandedLines(
        over('test accuracy', (r) => r.testAccuracy),
        'test accuracy',
        methodColour,
      ),
    },
    {
      id: id('weight-norm'),
      title: `${dataset.name}: weight norm ‖θ‖`,
      caption: `Cross-entropy curvature falls as the weights grow; read λmax beside this. ${band}`,
      spec: bandedLines(
        over('weight norm', (r) => r.weightNorm),
        '‖θ‖',
        methodColour,
      ),
    },
    {
      id: id('relative-sharpness'),
      title: `${dataset.name}: scale-aware sharpness λmax‖θ‖²/P`,
      caption: `Relative sharpness: λmax charged for the weights' size (docs/guide-sharpness.md). ${band}`,
      spec: bandedLines(
        over('relative sharpness', (r) => r.relativeSharpness),
        'λmax ‖θ‖² / P',
        methodColour,
      ),
    },
  ];
}

/** Final lambda_max of each method relative to plain's, per seed, summarised per data set. */
export function summaryPlot(results: ReproductionResults): Plot {
  const values: { dataset: string; method: TrainingMethod; mean: number; lo: number; hi: number }[] = [];
  for (const ds of results.datasets) {
    const plain = runsOf(ds, 'plain');
    for (const m of methods(ds)) {
      const ratios = runsOf(ds, m).map((run) => {
        const base = plain.find((p) => p.seed === run.seed)?.records.at(-1)?.lambdaMax ?? null;
        const own = run.records.at(-1)?.lambdaMax ?? null;
        return base === null || own === null || base === 0 ? null : own / base;
      });
      const s = summarise(ratios);
      if (s.n > 0) values.push({ dataset: ds.name, method: m, mean: s.mean, lo: s.min, hi: s.max });
    }
  }
  const rows = {
    y: { field: 'dataset', type: 'nominal', title: null },
    yOffset: { field: 'method', type: 'nominal', sort: METHOD_ORDER as TrainingMethod[] },
    color: methodColour,
  };
  const spec: Spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: 520,
    height: { step: 14 },
    config: CONFIG,
    data: { values },
    layer: [
      // The reference line first (drawn underneath), with no y: it spans the whole height.
      { data: { values: [{}] }, mark: { type: 'rule', strokeDash: [4, 3], color: '#999' }, encoding: { x: { datum: 1, type: 'quantitative' } } },
      { mark: { type: 'rule', strokeWidth: 2 }, encoding: { ...rows, x: { field: 'lo', type: 'quantitative', title: 'final λmax / plain’s final λmax (same seed)' }, x2: { field: 'hi' } } },
      { mark: { type: 'point', filled: true, size: 60, opacity: 1 }, encoding: { ...rows, x: { field: 'mean', type: 'quantitative' } } },
    ],
  } as Spec;
  return {
    id: 'summary-lambda-max',
    title: 'Final λmax relative to plain training, every data set',
    caption: 'Ratio to the plain run from the same initialisation; dot: mean over seeds, bar: min..max. Left of the dashed line is flatter than plain.',
    spec,
    wide: true,
  };
}

/** Every figure of a report, in page order. */
export function reportPlots(results: ReproductionResults): Plot[] {
  return [summaryPlot(results), ...results.datasets.flatMap(datasetPlots)];
}

/** Vega-Lite -> Vega -> SVG text, headless. Throws on an invalid spec. */
export async function renderSvg(spec: Spec): Promise<string> {
  const compiled = vegaLite.compile(spec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

export async function renderPlots(plots: readonly Plot[]): Promise<RenderedPlot[]> {
  const out: RenderedPlot[] = [];
  for (const p of plots) out.push({ ...p, svg: await renderSvg(p.spec) });
  return out;
}
