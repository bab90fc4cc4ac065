/**
 * The report's figures as Vega-Lite specs built from the results, rendered to SVG strings in
 * Node (vega 6.4 headless View, renderer 'none', `toSVG`): no browser, no canvas, no network.
 *
 * Curves over training show the mean over seeds as a line and the seeds' min..max as a band,
 * so a reader sees both the effect and how much it varies from one initialisation to the next;
 * trajectories that end at different epochs (the escape runs) or whose x is not time (lambda_max
 * against the training loss) are drawn one line per seed instead.
 */
import * as vega from 'vega';
import * as vegaLite from 'vega-lite';
import type { MetricsRecord, TrainingMethod } from '@hsr/numeric';
import { runsOf, summarise, type ReproductionResults, type StudyResult } from './results.ts';
import { ESCAPE, type EscapeProtocol } from './settings.ts';
import type { ClaimRow, ClaimsSummary } from './verdicts.ts';

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
const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

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

/** Mean and min..max over seeds at each epoch of per-seed series (epoch -> value lists). */
function bandOver(byEpoch: Map<number, (number | null)[]>, method: TrainingMethod, series: string, positive: boolean): TrajectoryPoint[] {
  const out: TrajectoryPoint[] = [];
  for (const [epoch, values] of [...byEpoch.entries()].sort((a, b) => a[0] - b[0])) {
    const s = summarise(positive ? values.map((v) => (v !== null && v > 0 ? v : null)) : values);
    if (s.n > 0) out.push({ epoch, method, series, mean: s.mean, lo: s.min, hi: s.max, seeds: s.n });
  }
  return out;
}

/**
 * Mean and min..max over seeds, per recorded epoch, of one quantity of one method's runs. Epochs
 * where no seed has a finite value are left out (a gap, not a zero); with `positive`, so are
 * values <= 0 (for log axes).
 */
export function trajectory(study: StudyResult, method: TrainingMethod, series: string, get: (r: MetricsRecord) => number | null, positive = false): TrajectoryPoint[] {
  const byEpoch = new Map<number, (number | null)[]>();
  for (const run of runsOf(study, method)) {
    for (const r of run.records) byEpoch.set(r.epoch, [...(byEpoch.get(r.epoch) ?? []), get(r)]);
  }
  return bandOver(byEpoch, method, series, positive);
}

/** The same over the per-epoch history (loss, gradient norm). */
export function historyTrajectory(study: StudyResult, method: TrainingMethod, series: string, pick: (h: StudyResult['runs'][number]['history']) => readonly number[], positive = false): TrajectoryPoint[] {
  const byEpoch = new Map<number, (number | null)[]>();
  for (const run of runsOf(study, method)) {
    for (const [epoch, v] of pick(run.history).entries()) byEpoch.set(epoch, [...(byEpoch.get(epoch) ?? []), v]);
  }
  return bandOver(byEpoch, method, series, positive);
}

function methods(study: StudyResult): TrainingMethod[] {
  return METHOD_ORDER.filter((m) => study.runs.some((r) => r.method === m));
}

/** A line (mean) over a band (min..max over seeds), coloured by `colour`. */
function bandedLines(values: TrajectoryPoint[], yTitle: string, colour: object, yScale: object = {}, width = 360, height = 220): Spec {
  return {
    $schema: SCHEMA,
    width,
    height,
    config: CONFIG,
    data: { values },
    encoding: { x: { field: 'epoch', type: 'quantitative', title: 'epoch' }, color: colour },
    layer: [
      { mark: { type: 'area', opacity: 0.18 }, encoding: { y: { field: 'lo', type: 'quantitative', title: yTitle, scale: yScale }, y2: { field: 'hi' } } },
      { mark: { type: 'line', strokeWidth: 2 }, encoding: { y: { field: 'mean', type: 'quantitative', title: yTitle, scale: yScale } } },
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

/** Validation loss against the knob's value, one facet per method (the sweep). */
function sweepPlot(study: StudyResult): Plot | null {
  if (study.sweep.length === 0) return null;
  const values = study.sweep.flatMap((s) =>
    s.candidates
      .filter((c) => c.validationLoss !== null)
      .map((c) => ({ method: s.method, knob: `${s.method}: ${s.knob === 'learningRate' ? 'η' : s.knob === 'rho' ? 'ρ' : 'λ'}`, value: c.value, loss: c.validationLoss, seed: s.seed })),
  );
  const chosen = study.sweep
    .map((s) => ({
      method: s.method,
      knob: `${s.method}: ${s.knob === 'learningRate' ? 'η' : s.knob === 'rho' ? 'ρ' : 'λ'}`,
      value: s.chosen,
      seed: s.seed,
      loss: s.candidates.find((c) => c.value === s.chosen)?.validationLoss ?? null,
    }))
    .filter((c) => c.loss !== null);
  const knobs = [...new Set(study.sweep.map((s) => `${s.method}: ${s.knob === 'learningRate' ? 'η' : s.knob === 'rho' ? 'ρ' : 'λ'}`))];
  const seeds = new Set(study.sweep.map((s) => s.seed)).size;
  const spec = {
    $schema: SCHEMA,
    config: CONFIG,
    data: { values: [...values.map((v) => ({ ...v, kind: 'candidate' })), ...chosen.map((v) => ({ ...v, kind: 'chosen' }))] },
    facet: { column: { field: 'knob', type: 'nominal', title: null, sort: knobs, header: { labelFontSize: 13 } } },
    resolve: { scale: { x: 'independent' } },
    spec: {
      width: 170,
      height: 180,
      layer: [
        {
          transform: [{ filter: "datum.kind === 'candidate'" }],
          mark: { type: 'line', strokeWidth: 1, opacity: 0.5 },
          encoding: {
            x: { field: 'value', type: 'quantitative', scale: { type: 'log' }, title: 'knob value (log)' },
            y: { field: 'loss', type: 'quantitative', title: 'validation loss', scale: { type: 'log' } },
            detail: { field: 'seed', type: 'nominal' },
            color: { ...methodColour, legend: null },
          },
        },
        {
          transform: [{ filter: "datum.kind === 'chosen'" }],
          mark: { type: 'point', filled: true, size: 50, opacity: 1 },
          encoding: {
            x: { field: 'value', type: 'quantitative', scale: { type: 'log' } },
            y: { field: 'loss', type: 'quantitative', scale: { type: 'log' } },
            color: { ...methodColour, legend: null },
          },
        },
      ],
    },
  } as Spec;
  return {
    id: `${study.name}-sweep`,
    title: `${study.name}: the sweep — validation loss against each method's knob`,
    caption: `One line per seed (${seeds}); a dot marks the value chosen for that seed (lowest validation loss on the ${study.validationSamples} held-out training samples). Plain sweeps η; the others keep plain's chosen η and sweep their own knob.`,
    spec,
    wide: true,
  };
}

/** lambda_min / lambda_max from the small-norm start, one line per seed, until each run escapes. */
function escapePlot(study: StudyResult, protocol: EscapeProtocol): Plot | null {
  const threshold = protocol.curvature;
  if (study.escape.length === 0) return null;
  const values = study.escape.flatMap((e) => e.curvatureRatio.map((ratio, epoch) => ({ method: e.method, seed: e.seed, epoch, ratio: Math.max(-1.05, ratio) })));
  const spec = {
    $schema: SCHEMA,
    width: 720,
    height: 220,
    config: CONFIG,
    layer: [
      { data: { values: [{ y: -threshold }] }, mark: { type: 'rule', strokeDash: [4, 3], color: '#999' }, encoding: { y: { field: 'y', type: 'quantitative' } } },
      {
        data: { values },
        mark: { type: 'line', strokeWidth: 1.5, opacity: 0.8 },
        encoding: {
          x: { field: 'epoch', type: 'quantitative', title: 'epoch' },
          y: { field: 'ratio', type: 'quantitative', title: 'λmin / λmax', scale: { domain: [-1.05, 0.05] } },
          detail: { field: 'seed', type: 'nominal' },
          color: methodColour,
        },
      },
    ],
  } as Spec;
  return {
    id: `${study.name}-escape`,
    title: `${study.name}: leaving the saddle at θ ≈ 0`,
    caption: `λmin/λmax (Lanczos) at every epoch from the initial model scaled by ${protocol.initScale}, one line per seed, until the run first has λmin ≥ −${threshold}·λmax (dashed) with ‖∇L‖ ≤ ${protocol.gradient}. A line that runs to the last epoch never escaped.`,
    spec,
    wide: true,
  };
}

/** The figures of one study. */
export function datasetPlots(study: StudyResult, escapeProtocol: EscapeProtocol = ESCAPE): Plot[] {
  const ms = methods(study);
  const id = (k: string) => `${study.name}-${k}`;
  const seeds = new Set(study.runs.map((r) => r.seed)).size;
  const band = `Line: mean over ${seeds} seed${seeds === 1 ? '' : 's'}; band: min..max over seeds.`;
  const over = (series: string, get: (r: MetricsRecord) => number | null, positive = false) => ms.flatMap((m) => trajectory(study, m, series, get, positive));

  const boundValues = ms.flatMap((m) => BOUND_SERIES.flatMap(([name, get]) => trajectory(study, m, name, get)));
  const bounds: Spec = {
    $schema: SCHEMA,
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

  const spectrumValues = ms.flatMap((m) => runsOf(study, m).flatMap((run) => (run.finalSpectrum ?? []).map((lambda) => ({ method: m, seed: run.seed, lambda }))));
  // Most eigenvalues sit within 1e-3 of zero and a handful far out: symlog shows both, and keeps the sign.
  const spectrum: Spec = {
    $schema: SCHEMA,
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

  // lambda_max against the training loss along training, one line per run: the matched-loss comparison at a glance.
  const lossCurvature = ms.flatMap((m) =>
    runsOf(study, m).flatMap((run) =>
      run.records.filter((r) => r.lambdaMax !== null && r.lambdaMax > 0 && r.trainLoss > 0).map((r) => ({ method: m, seed: run.seed, epoch: r.epoch, loss: r.trainLoss, lambdaMax: r.lambdaMax })),
    ),
  );
  const lossVsCurvature: Spec = {
    $schema: SCHEMA,
    width: 360,
    height: 220,
    config: CONFIG,
    data: { values: lossCurvature },
    mark: { type: 'line', strokeWidth: 1.2, opacity: 0.7, point: { size: 10 } },
    encoding: {
      x: { field: 'loss', type: 'quantitative', title: 'training loss (log; training runs right to left)', scale: { type: 'log', reverse: true } },
      y: { field: 'lambdaMax', type: 'quantitative', title: 'λmax', scale: { type: 'log' } },
      order: { field: 'epoch', type: 'quantitative' },
      detail: { field: 'seed', type: 'nominal' },
      color: methodColour,
    },
  } as Spec;

  const out: (Plot | null)[] = [
    {
      id: id('bounds'),
      title: `${study.name}: λmax, λmin and their Wolkowicz–Styan bounds over training`,
      caption: `Exact extreme eigenvalues of the Hessian on the training set, with U (upper bound on λmax) and the lower bound on λmin, per method. ${band}`,
      spec: bounds,
      wide: true,
    },
    {
      id: id('spectrum'),
      title: `${study.name}: final Hessian spectrum`,
      caption: `Every eigenvalue of the final model's Hessian (P = ${study.parameters}), one tick per eigenvalue, all ${seeds} seeds pooled. Symlog axis: linear within ±0.001, logarithmic beyond.`,
      spec: spectrum,
      wide: true,
    },
    {
      id: id('loss-curvature'),
      title: `${study.name}: λmax against the training loss`,
      caption: 'One line per run, from the start (right) to the end (left). At any one training loss, a lower line is flatter there; the matched-loss row compares the runs where both reach the same loss.',
      spec: lossVsCurvature,
    },
    {
      id: id('gradient-norm'),
      title: `${study.name}: ‖∇L‖ over training`,
      caption: `The full training set's gradient norm after every epoch (log axis): how far each point is from a critical point. ${band}`,
      spec: bandedLines(
        ms.flatMap((m) => historyTrajectory(study, m, '‖∇L‖', (h) => h.gradientNorm, true)),
        '‖∇L‖',
        methodColour,
        { type: 'log' },
      ),
    },
    {
      id: id('negative-mass'),
      title: `${study.name}: negative curvature over training`,
      caption: `Σ_{λ<0}|λ| / Σ|λ|, the negative share of the spectrum (symlog axis), at every metrics epoch. ${band}`,
      spec: bandedLines(
        over('negative mass', (r) => r.negativeMass),
        'negative mass',
        methodColour,
        { type: 'symlog', constant: 1e-4 },
      ),
    },
    {
      id: id('accuracy'),
      title: `${study.name}: test accuracy`,
      caption: `Accuracy on the held-out ${study.testSamples} samples (one sample is ${(100 / study.testSamples).toFixed(1)} points). ${band}`,
      spec: bandedLines(
        over('test accuracy', (r) => r.testAccuracy),
        'test accuracy',
        methodColour,
      ),
    },
    {
      id: id('weight-norm'),
      title: `${study.name}: weight norm ‖θ‖`,
      caption: `Cross-entropy curvature falls as the weights grow; read λmax beside this. ${band}`,
      spec: bandedLines(
        over('weight norm', (r) => r.weightNorm),
        '‖θ‖',
        methodColour,
      ),
    },
    {
      id: id('relative-sharpness'),
      title: `${study.name}: λmax‖θ‖²/P`,
      caption: `The loss rise per unit of relative perturbation (docs/guide-sharpness.md). ${band}`,
      spec: bandedLines(
        over('relative sharpness', (r) => r.relativeSharpness),
        'λmax ‖θ‖² / P',
        methodColour,
      ),
    },
    sweepPlot(study),
    escapePlot(study, escapeProtocol),
  ];
  return out.filter((p): p is Plot => p !== null);
}

/** Short label of a row for the forest plots. */
const rowLabel = (r: ClaimRow) => `${r.method}: ${r.metric} vs ${r.baseline}`;

/**
 * The pooled effect of every claim with its 95% interval (bar) and each study's mean (small
 * dots), on the ratio scale (log claims) or in points (linear claims).
 */
export function summaryPlots(summary: ClaimsSummary): Plot[] {
  const plots: Plot[] = [];
  for (const scale of ['log', 'linear'] as const) {
    const rows = summary.rows.filter((r) => r.scale === scale && r.pooled.n > 0);
    if (rows.length === 0) continue;
    const tr = (x: number) => (scale === 'log' ? Math.exp(x) : 100 * x);
    const pooled = rows.map((r) => ({
      row: rowLabel(r),
      method: r.method,
      verdict: r.pooled.verdict,
      mean: tr(r.pooled.effect),
      lo: Number.isFinite(r.pooled.lower) ? tr(r.pooled.lower) : tr(r.pooled.effect),
      hi: Number.isFinite(r.pooled.upper) ? tr(r.pooled.upper) : tr(r.pooled.effect),
    }));
    const perStudy = rows.flatMap((r) => r.cells.filter((c) => c.n > 0).map((c) => ({ row: rowLabel(r), method: r.method, study: c.study, mean: tr(c.effect) })));
    const order = rows.map(rowLabel);
    const xTitle = scale === 'log' ? 'HSR / baseline, same seed (geometric mean; log axis)' : 'HSR − baseline (percentage points)';
    const x = { type: 'quantitative', title: xTitle, ...(scale === 'log' ? { scale: { type: 'log' } } : {}) };
    const y = { field: 'row', type: 'nominal', title: null, sort: order, axis: { labelLimit: 360 } };
    const spec = {
      $schema: SCHEMA,
      width: 480,
      height: { step: 22 },
      config: { ...CONFIG, axisY: { labelLimit: 420 } },
      layer: [
        { data: { values: [{ x: scale === 'log' ? 1 : 0 }] }, mark: { type: 'rule', strokeDash: [4, 3], color: '#999' }, encoding: { x: { field: 'x', ...x } } },
        { data: { values: perStudy }, mark: { type: 'point', size: 18, opacity: 0.55, filled: false }, encoding: { y, x: { field: 'mean', ...x }, color: { ...methodColour, legend: null } } },
        { data: { values: pooled }, mark: { type: 'rule', strokeWidth: 2.5 }, encoding: { y, x: { field: 'lo', ...x }, x2: { field: 'hi' }, color: methodColour } },
        {
          data: { values: pooled },
          mark: { type: 'point', filled: true, size: 70, opacity: 1 },
          encoding: {
            y,
            x: { field: 'mean', ...x },
            color: methodColour,
            shape: { field: 'verdict', type: 'nominal', title: 'pooled verdict', scale: { domain: ['holds', 'does not hold', 'inconclusive', 'no data'], range: ['circle', 'cross', 'diamond', 'square'] } },
          },
        },
      ],
    } as Spec;
    plots.push({
      id: scale === 'log' ? 'summary-ratios' : 'summary-differences',
      title: scale === 'log' ? 'Every ratio claim: effect and 95% interval, pooled over data sets' : 'Every accuracy claim: effect and 95% interval, pooled over data sets',
      caption:
        scale === 'log'
          ? 'Filled dot and bar: geometric mean of HSR/baseline over every (data set, seed) pair with its t-interval; open dots: each data set. Left of the dashed line is lower than the baseline. The shape is the pooled verdict (sign-flip test, Holm).'
          : 'Filled dot and bar: mean paired difference over every (data set, seed) pair with its t-interval; open dots: each data set. The shape is the pooled verdict (non-inferiority margin: −2 points).',
      spec,
      wide: true,
    });
  }
  return plots;
}

/**
 * Final lambda_max of each method relative to plain's, per seed, summarised per study (kept for
 * a reader who wants the raw ratios; the forest plot above carries the inference).
 */
export function summaryPlot(results: ReproductionResults): Plot {
  const values: { study: string; method: TrainingMethod; mean: number; lo: number; hi: number }[] = [];
  for (const st of results.studies) {
    const plain = runsOf(st, 'plain');
    for (const m of methods(st)) {
      const ratios = runsOf(st, m).map((run) => {
        const base = plain.find((p) => p.seed === run.seed)?.records.at(-1)?.lambdaMax ?? null;
        const own = run.records.at(-1)?.lambdaMax ?? null;
        return base === null || own === null || base === 0 ? null : own / base;
      });
      const s = summarise(ratios);
      if (s.n > 0) values.push({ study: st.name, method: m, mean: s.mean, lo: s.min, hi: s.max });
    }
  }
  const rows = {
    y: { field: 'study', type: 'nominal', title: null },
    yOffset: { field: 'method', type: 'nominal', sort: METHOD_ORDER as TrainingMethod[] },
    color: methodColour,
  };
  const spec: Spec = {
    $schema: SCHEMA,
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
export function reportPlots(results: ReproductionResults, summary: ClaimsSummary): Plot[] {
  const escapeProtocol = results.protocol.escape ?? ESCAPE;
  return [...summaryPlots(summary), summaryPlot(results), ...results.studies.flatMap((s) => datasetPlots(s, escapeProtocol))];
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
