/**
 * Assembling the offline report page: one HTML file with the claims table, the SVG figures,
 * the KaTeX-typeset formulas and the protocol, and nothing fetched from anywhere (styles,
 * fonts and figures are all inline). Pure string building from already computed parts.
 */
import { METRICS_MAX_EXACT_PARAMETERS, NEGATIVE_EIGENVALUE_RTOL, type TrainingMethod } from '@hsr/numeric';
import { inlineKatexCss } from '@hsr/symbolic/katex';
import { REPORT_FORMULAS, renderFormula } from './formulas.ts';
import type { RenderedPlot } from './plots.ts';
import { finalRecord, runsOf, summarise, type DatasetResult, type ReproductionResults } from './results.ts';
import { ACCURACY_MARGIN, MIN_RELATIVE_EFFECT, SAM_FLATNESS_MARGIN, type AggregateVerdict, type ClaimRow } from './verdicts.ts';

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Four significant digits, exponent far from 1, and an en dash for missing values. */
export function formatValue(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '–';
  if (x === 0) return '0';
  const ax = Math.abs(x);
  if (ax >= 1e-3 && ax < 1e5) return Number(x.toPrecision(4)).toString();
  return x.toExponential(2);
}

const VERDICT_CLASS: Record<AggregateVerdict, string> = {
  holds: 'v-holds',
  'does not hold': 'v-fails',
  inconclusive: 'v-inconclusive',
  'no data': 'v-nodata',
  mixed: 'v-mixed',
};

function badge(v: AggregateVerdict): string {
  return `<span class="verdict ${VERDICT_CLASS[v]}">${escapeHtml(v)}</span>`;
}

function claimsTable(rows: readonly ClaimRow[], datasets: readonly string[]): string {
  const head = `<tr><th>claim</th><th>method</th><th>tested as</th>${datasets.map((d) => `<th>${escapeHtml(d)}</th>`).join('')}<th>overall</th></tr>`;
  const body = rows
    .map((row) => {
      const cells = row.cells
        .map((c) => {
          const rel =
            c.baseline.mean !== 0 && Number.isFinite(c.difference.mean) ? ` (${c.difference.mean / Math.abs(c.baseline.mean) >= 0 ? '+' : ''}${((100 * c.difference.mean) / Math.abs(c.baseline.mean)).toFixed(0)}%)` : '';
          const detail = Number.isFinite(c.difference.mean) ? `Δ ${formatValue(c.difference.mean)} ± ${formatValue(c.difference.sd)}${rel}` : '';
          return `<td data-claim="${escapeHtml(row.claimId)}" data-method="${escapeHtml(row.method)}" data-dataset="${escapeHtml(c.dataset)}" data-verdict="${escapeHtml(c.verdict)}" title="${escapeHtml(c.reason)}">${badge(c.verdict)}<div class="delta">${escapeHtml(detail)}</div><div class="pair">${escapeHtml(`${formatValue(c.method.mean)} vs ${formatValue(c.baseline.mean)} (n=${c.n})`)}</div></td>`;
        })
        .join('');
      const counts = `${row.counts.holds} hold, ${row.counts['does not hold']} fail, ${row.counts.inconclusive} inconclusive`;
      return `<tr><td><b>${escapeHtml(row.title)}</b><div class="claimtext">${escapeHtml(row.claim)}</div></td><td>${escapeHtml(row.method)}</td><td class="test">${escapeHtml(row.test)}<div class="claimtext">vs ${escapeHtml(row.baseline)}, metric ${escapeHtml(row.metric)}</div></td>${cells}<td>${badge(row.overall)}<div class="delta">${escapeHtml(counts)}</div></td></tr>`;
    })
    .join('\n');
  return `<table class="claims">${head}\n${body}</table>`;
}

const FINAL_COLUMNS: readonly [string, (r: NonNullable<ReturnType<typeof finalRecord>>) => number | null][] = [
  ['train loss', (r) => r.trainLoss],
  ['test acc.', (r) => r.testAccuracy],
  ['λmax', (r) => r.lambdaMax],
  ['λmin', (r) => r.lambdaMin],
  ['U', (r) => r.bounds.lambdaMaxUpper],
  ['λmin lower bound', (r) => r.bounds.lambdaMinLower],
  ['# λ<0', (r) => r.negativeEigenvalues],
  ['‖θ‖', (r) => r.weightNorm],
  ['λmax‖θ‖²/P', (r) => r.relativeSharpness],
];

function finalTable(ds: DatasetResult, methods: readonly TrainingMethod[]): string {
  const head = `<tr><th>method</th>${FINAL_COLUMNS.map(([n]) => `<th>${escapeHtml(n)}</th>`).join('')}<th>runs</th><th>s / run</th></tr>`;
  const rows = methods
    .map((m) => {
      const runs = runsOf(ds, m);
      const recs = runs.map(finalRecord).filter((r) => r !== null);
      const cells = FINAL_COLUMNS.map(([, get]) => {
        const s = summarise(recs.map(get));
        return `<td>${s.n === 0 ? '–' : `${formatValue(s.mean)}<span class="sd"> ± ${formatValue(s.sd)}</span>`}</td>`;
      }).join('');
      const bad = runs.filter((r) => r.status !== 'completed').length;
      const secs = summarise(runs.map((r) => r.seconds)).mean;
      return `<tr><td>${escapeHtml(m)}</td>${cells}<td>${runs.length}${bad ? ` (${bad} diverged)` : ''}</td><td>${formatValue(secs)}</td></tr>`;
    })
    .join('\n');
  return `<table class="final">${head}\n${rows}</table>`;
}

export function figure(p: RenderedPlot): string {
  return `<figure class="plot${p.wide ? ' wide' : ''}" data-plot="${escapeHtml(p.id)}"><figcaption><b>${escapeHtml(p.title)}</b><br><span>${escapeHtml(p.caption)}</span></figcaption>${p.svg}</figure>`;
}

function protocolTable(ds: DatasetResult): string {
  const p = ds.protocol;
  const items: [string, string][] = [
    ['data', `${ds.trainSamples} train / ${ds.testSamples} test samples, d = ${ds.features}, c = ${ds.classes}; standardised on the training part`],
    ['network', `${p.activation} ${ds.features}-${p.hidden}-${ds.classes} with biases, P = ${ds.parameters}`],
    ['optimizer', `${p.optimizer}, η = ${p.learningRate}, μ = ${p.momentum}, ${p.batchSize === null ? 'full batch' : `batch ${p.batchSize}`}, ${p.epochs} epochs, metrics every ${p.metricsEvery}`],
    ['regularisers', `hsr-step ρ = ${p.rhoHsrStep}; hsr-penalty λ = ${p.lambdaHsrPenalty}; sam ρ = ${p.rhoSam}`],
    ['source', ds.source],
  ];
  return `<dl class="protocol">${items.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join('')}</dl>`;
}

export const STYLE = `
body{font:15px/1.45 Helvetica,Arial,sans-serif;color:#222;max-width:1180px;margin:2em auto;padding:0 1em}
h1{font-size:1.6em;margin-bottom:.2em}h2{margin-top:2em;border-bottom:1px solid #ddd;padding-bottom:.2em}
.meta{color:#555}
table{border-collapse:collapse;margin:1em 0;font-size:13px}
th,td{border:1px solid #ddd;padding:4px 7px;vertical-align:top;text-align:left}
th{background:#f5f5f5}
table.final td{text-align:right;white-space:nowrap}table.final td:first-child{text-align:left}
.sd{color:#888;font-size:11px}
.verdict{display:inline-block;padding:1px 6px;border-radius:9px;font-size:12px;font-weight:bold;white-space:nowrap}
.v-holds{background:#d8f0d8;color:#1d6b1d}.v-fails{background:#f7d6d6;color:#9b1c1c}
.v-inconclusive{background:#fbeec8;color:#7a5a00}.v-nodata{background:#eee;color:#666}.v-mixed{background:#e6dcf3;color:#553085}
.delta,.pair,.claimtext{font-size:11px;color:#555}.test{max-width:230px}
figure.plot{margin:1.2em 1.5em 1.2em 0;display:inline-block;vertical-align:top;max-width:540px}
figure.plot.wide{display:block;max-width:none}
figure.plot figcaption{font-size:13px;max-width:760px;margin-bottom:.3em}
figure.plot svg{max-width:100%;height:auto}
.formula{margin:.8em 0 1.4em}.formula .note{color:#555;font-size:13px}
dl.protocol{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;font-size:13px}dl.protocol dt{font-weight:bold}dl.protocol dd{margin:0}
.notice{background:#fff4e0;border-left:4px solid #f0a000;padding:.5em 1em}
code{background:#f4f4f4;padding:0 3px}
`;

export interface ReportPage {
  readonly results: ReproductionResults;
  readonly claims: readonly ClaimRow[];
  readonly plots: readonly RenderedPlot[];
  /** The command that reproduces this report. */
  readonly command: string;
}

/** The complete index.html. */
export function renderReportHtml(page: ReportPage): string {
  const { results, claims, plots, command } = page;
  const datasetNames = results.datasets.map((d) => d.name);
  const byId = new Map(plots.map((p) => [p.id, p]));
  const used = new Set<string>();
  const take = (id: string) => {
    const p = byId.get(id);
    if (!p) return '';
    used.add(id);
    return figure(p);
  };
  const methods = results.protocol.methods;
  const runs = results.datasets.reduce((s, d) => s + d.runs.length, 0);
  const diverged = results.datasets.flatMap((d) => d.runs.filter((r) => r.status !== 'completed').map((r) => `${d.name} ${r.method} seed ${r.seed}: ${r.message ?? r.status}`));

  const sections: string[] = [];
  sections.push(`<h1>Does HSR do what the paper says? A reproduction</h1>
<p class="meta">${escapeHtml(`${results.protocol.name} protocol: ${methods.join(', ')} on ${datasetNames.join(', ')}; seeds ${results.protocol.seeds.join(', ')}; ${runs} runs in ${results.seconds.toFixed(1)} s (${results.environment.node}, ${results.environment.platform}, ${results.environment.cpus} CPUs).`)}<br>
Reproduce with <code>${escapeHtml(command)}</code>. Every number on this page is in <a href="results.json">results.json</a>.</p>`);
  if (results.status === 'aborted') sections.push(`<p class="notice">This run was interrupted: the report covers only the runs that finished.</p>`);
  if (diverged.length) sections.push(`<p class="notice">Runs that stopped early (counted as missing in the verdicts):<br>${diverged.map(escapeHtml).join('<br>')}</p>`);

  sections.push(`<h2 id="claims">The claims, judged from these runs</h2>
<p>Claims of arXiv 2606.28662 (HSR narrows the Hessian spectrum, avoids sharp minima and saddle points, reaches flatter minima comparably to SAM), and the implicit one that it costs no accuracy.
Each cell compares an HSR method with its baseline <em>from the same initial model and split</em>, seed by seed, on the final model.
<b>Better</b> claims hold when the mean paired improvement exceeds both the seed spread (its standard deviation) and ${MIN_RELATIVE_EFFECT * 100}% of the baseline; they <b>do not hold</b> when HSR is worse by that much; otherwise they are <b>inconclusive</b>.
<b>Not-worse</b> claims (accuracy within ${ACCURACY_MARGIN * 100} points; λmax within ${SAM_FLATNESS_MARGIN * 100}% of SAM's) hold when even the mean minus one spread is inside the margin, and do not hold when even the mean plus one spread is outside.
Δ is the mean HSR − baseline difference ± its standard deviation over seeds; hover a cell for the full reason.</p>
${claimsTable(claims, datasetNames)}`);

  sections.push(`<h2 id="summary">Flatness across data sets</h2>${take('summary-lambda-max')}`);

  for (const ds of results.datasets) {
    const figs = plots
      .filter((p) => p.id.startsWith(`${ds.name}-`))
      .map((p) => take(p.id))
      .join('\n');
    sections.push(`<h2 id="ds-${escapeHtml(ds.name)}">${escapeHtml(ds.name)}</h2>
${protocolTable(ds)}
<p>Final values (mean <span class="sd">± sd</span> over seeds):</p>
${finalTable(ds, methods)}
${figs}`);
  }
  const rest = plots
    .filter((p) => !used.has(p.id))
    .map(figure)
    .join('\n');
  if (rest) sections.push(`<h2>Other figures</h2>${rest}`);

  sections.push(`<h2 id="formulas">What is computed</h2>
${REPORT_FORMULAS.map((f) => `<div class="formula"><b>${escapeHtml(f.caption)}</b>${renderFormula(f)}<div class="note">${escapeHtml(f.note)}</div></div>`).join('\n')}
<p>Exact eigenvalues come from the dense Hessian of the mean cross-entropy on the training set (P ≤ ${METRICS_MAX_EXACT_PARAMETERS}); an eigenvalue counts as negative below −${NEGATIVE_EIGENVALUE_RTOL.toExponential(0)}·max|λ|. The same numbers, per epoch and per seed, are in <a href="results.json">results.json</a>.</p>`);

  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>hsr reproduce: report</title>
<style>${inlineKatexCss()}</style>
<style>${STYLE}</style>
</head><body>
${sections.join('\n')}
</body></html>
`;
}
