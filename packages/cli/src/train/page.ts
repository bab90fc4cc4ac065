/**
 * The offline page of `hsr train --out DIR` (DIR/index.html): the curves of a run against
 * optimizer steps — loss and accuracy (train and test), the bound U, lambda_max and lambda_min
 * (with their residual bounds), the SLQ negative mass (with its error bar) and ||theta|| — and
 * the run's configuration, in the style of the `hsr reproduce` report and built from its
 * helpers (Vega-Lite rendered to inline SVG in Node, the same stylesheet and figure markup):
 * one file, nothing fetched.
 */
import type * as vegaLite from 'vega-lite';
import type { MetricsRecord } from '@hsr/numeric';
import { escapeHtml, figure, formatValue, STYLE } from '../report/html.ts';
import { CONFIG, renderPlots, type Plot } from '../report/plots.ts';

type Spec = vegaLite.TopLevelSpec;

const SERIES_COLOURS = { domain: ['train', 'test'], range: ['#1f77b4', '#d62728'] };

/** What the page shows besides the records. */
export interface TrainingPage {
  /** The command line that made the run (resumes appended). */
  readonly command: string;
  /** One line: method, data, network, P. */
  readonly headline: string;
  /** config.json's content, shown as nested definition lists. */
  readonly config: unknown;
  readonly records: readonly MetricsRecord[];
  readonly status: string;
  /** The step-time sentence (method over plain), or null. */
  readonly timing: string | null;
}

interface Point {
  step: number;
  epoch: number;
  series: string;
  value: number;
  lo?: number;
  hi?: number;
}

/** A line per series against steps, with an optional band (lo..hi) drawn under it. */
function curvePlot(id: string, title: string, caption: string, yTitle: string, values: readonly Point[], band = false): Plot {
  const x = { field: 'step', type: 'quantitative', title: 'optimizer step' } as const;
  const colour = { field: 'series', type: 'nominal', title: null, scale: SERIES_COLOURS, legend: { orient: 'bottom' } } as const;
  const layer: object[] = [];
  if (band) layer.push({ mark: { type: 'area', opacity: 0.2 }, encoding: { x, y: { field: 'lo', type: 'quantitative', title: yTitle }, y2: { field: 'hi' }, color: colour } });
  layer.push({
    mark: { type: 'line', strokeWidth: 2, point: true },
    encoding: { x, y: { field: 'value', type: 'quantitative', title: yTitle, scale: { zero: false } }, color: colour, tooltip: [{ field: 'epoch' }, { field: 'step' }, { field: 'value', format: '.4g' }] },
  });
  const spec = { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', width: 360, height: 220, config: CONFIG, data: { values: values as Point[] }, layer } as unknown as Spec;
  return { id, title, caption, spec };
}

/** The page's figures, in page order. */
export function trainingPlots(records: readonly MetricsRecord[]): Plot[] {
  const over = (series: string, get: (r: MetricsRecord) => number | null): Point[] =>
    records.flatMap((r) => {
      const v = get(r);
      return v === null || !Number.isFinite(v) ? [] : [{ step: r.step, epoch: r.epoch, series, value: v }];
    });
  const where = records[0] ? `on ${records[0].curvatureSamples} training samples` : '';
  const spectrum = records.some((r) => r.spectrumMethod === 'lanczos') ? 'Lanczos on Hessian-vector products' : 'the dense Hessian';
  const negative = records.flatMap((r) =>
    r.negativeMass === null
      ? []
      : [{ step: r.step, epoch: r.epoch, series: 'train', value: r.negativeMass, lo: Math.max(0, r.negativeMass - 2 * (r.negativeMassError ?? 0)), hi: r.negativeMass + 2 * (r.negativeMassError ?? 0) }],
  );
  return [
    curvePlot('loss', 'Loss', 'Mean loss on the training and the test part.', 'mean loss', [...over('train', (r) => r.trainLoss), ...over('test', (r) => r.testLoss)]),
    curvePlot('accuracy', 'Accuracy', 'Fraction classified correctly (argmax of the logits).', 'accuracy', [...over('train', (r) => r.trainAccuracy), ...over('test', (r) => r.testAccuracy)]),
    curvePlot(
      'bound',
      'U, the Wolkowicz–Styan upper bound on λmax',
      `Closed form from T₁ = tr H and T₂ = tr H² ${where}.`,
      'U',
      over('train', (r) => r.bounds.lambdaMaxUpper),
    ),
    curvePlot(
      'lambda-max',
      'λmax',
      `Largest Hessian eigenvalue ${where}, from ${spectrum} (residual bound in metrics.jsonl).`,
      'λmax',
      over('train', (r) => r.lambdaMax),
    ),
    curvePlot(
      'lambda-min',
      'λmin',
      `Smallest Hessian eigenvalue ${where}, from ${spectrum}; below 0 is negative curvature.`,
      'λmin',
      over('train', (r) => r.lambdaMin),
    ),
    curvePlot('negative-mass', 'Negative mass of the spectrum', 'Σ|λ| over negative eigenvalues / Σ|λ|; band ±2 standard errors of the quadrature probes (0 when dense).', 'negative mass', negative, true),
    curvePlot(
      'weight-norm',
      '‖θ‖',
      'Euclidean norm of all parameters.',
      '‖θ‖',
      over('train', (r) => r.weightNorm),
    ),
  ];
}

/** config.json as nested definition lists. */
function configList(value: unknown): string {
  if (value === null || typeof value !== 'object') return escapeHtml(typeof value === 'number' && !Number.isInteger(value) ? formatValue(value) : String(value));
  if (Array.isArray(value)) return escapeHtml(JSON.stringify(value));
  const rows = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${configList(v)}</dd>`);
  return `<dl class="protocol">${rows.join('')}</dl>`;
}

function finalTable(records: readonly MetricsRecord[]): string {
  const first = records[0]!;
  const last = records.at(-1)!;
  const rows: [string, (r: MetricsRecord) => number | null][] = [
    ['train loss', (r) => r.trainLoss],
    ['test loss', (r) => r.testLoss],
    ['train accuracy', (r) => r.trainAccuracy],
    ['test accuracy', (r) => r.testAccuracy],
    ['U', (r) => r.bounds.lambdaMaxUpper],
    ['λmax', (r) => r.lambdaMax],
    ['λmin', (r) => r.lambdaMin],
    ['negative mass', (r) => r.negativeMass],
    ['‖θ‖', (r) => r.weightNorm],
  ];
  const head = `<tr><th>quantity</th><th>epoch ${first.epoch} (step ${first.step})</th><th>epoch ${last.epoch} (step ${last.step})</th></tr>`;
  return `<table class="final">${head}${rows.map(([label, get]) => `<tr><td>${escapeHtml(label)}</td><td>${formatValue(get(first))}</td><td>${formatValue(get(last))}</td></tr>`).join('')}</table>`;
}

export async function renderTrainingPage(page: TrainingPage): Promise<string> {
  const plots = await renderPlots(trainingPlots(page.records));
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>hsr train: ${escapeHtml(page.headline)}</title>
<style>${STYLE}</style>
</head><body>
<h1>Training run</h1>
<p class="meta">${escapeHtml(page.headline)}; ${escapeHtml(page.status)}.${page.timing ? ` ${escapeHtml(page.timing)}` : ''}<br>
Reproduce with <code>${escapeHtml(page.command)}</code>. Every number on this page is in <a href="metrics.jsonl">metrics.jsonl</a>.</p>
<h2 id="final">First and last record</h2>
${finalTable(page.records)}
<h2 id="curves">Curves against optimizer steps</h2>
${plots.map(figure).join('\n')}
<h2 id="config">Configuration (config.json)</h2>
${configList(page.config)}
</body></html>
`;
}
