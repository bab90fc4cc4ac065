/**
 * Assembling the offline report page: one HTML file with the summary sentence, the claims
 * table with every interval and p-value, the SVG figures, the sweep and the cost of each
 * method, the KaTeX-typeset formulas and the protocol, and nothing fetched from anywhere
 * (styles, fonts and figures are all inline). Pure string building from already computed parts.
 */
import { CALIBRATION_BINS, METRICS_MAX_EXACT_PARAMETERS, NEGATIVE_EIGENVALUE_RTOL, SATURATION_RTOL, type MetricsRecord, type TrainingMethod } from '@hsr/numeric';
import { inlineKatexCss } from '@hsr/symbolic/katex';
import { REPORT_FORMULAS, renderFormula } from './formulas.ts';
import type { RenderedPlot } from './plots.ts';
import { finalRecord, runsOf, summarise, type ReproductionResults, type RunResult, type StudyResult } from './results.ts';
import { type Hyperparameters, widthsText } from './settings.ts';
import { SIGN_FLIP_DRAWS, SIGN_FLIP_EXACT_MAX } from './statistics.ts';
import { ACCURACY_MARGIN, ALPHA, formatEffect, formatP, MIN_RELATIVE_EFFECT, SAM_FLATNESS_MARGIN, type ClaimCell, type ClaimsSummary, type Verdict } from './verdicts.ts';

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

const VERDICT_CLASS: Record<Verdict, string> = {
  holds: 'v-holds',
  'does not hold': 'v-fails',
  inconclusive: 'v-inconclusive',
  'no data': 'v-nodata',
};

function badge(v: Verdict): string {
  return `<span class="verdict ${VERDICT_CLASS[v]}">${escapeHtml(v)}</span>`;
}

function cellDetail(c: Pick<ClaimCell, 'effect' | 'lower' | 'upper' | 'n' | 'p' | 'pAdjusted' | 'test'>, scale: 'log' | 'linear'): string {
  return `<div class="delta">${escapeHtml(formatEffect(c, scale))}</div><div class="pair">${escapeHtml(`p ${formatP(c.p)}, Holm ${formatP(c.pAdjusted)}, n = ${c.n}`)}</div>`;
}

/** The studies a summary's cells cover, in order. */
function cellStudies(summary: ClaimsSummary): string[] {
  return summary.rows[0]?.cells.map((c) => c.study) ?? [];
}

function claimsTable(summary: ClaimsSummary, studies: readonly string[]): string {
  const head = `<tr><th>claim and what is measured</th><th>method</th><th>tested as</th>${studies.map((d) => `<th>${escapeHtml(d)}</th>`).join('')}<th>pooled</th></tr>`;
  const body = summary.rows
    .map((row) => {
      const cells = row.cells
        .map((c) => {
          const companions = c.companions.map((k) => `<div class="companion">${escapeHtml(`${k.label}: ${formatEffect(k, k.scale)}`)}</div>`).join('');
          return `<td data-claim="${escapeHtml(row.claimId)}" data-method="${escapeHtml(row.method)}" data-dataset="${escapeHtml(c.study)}" data-verdict="${escapeHtml(c.verdict)}" title="${escapeHtml(c.reason)}">${badge(c.verdict)}${cellDetail(c, row.scale)}${companions}</td>`;
        })
        .join('');
      const p = row.pooled;
      const counts = `cells: ${row.counts.holds} hold, ${row.counts['does not hold']} fail, ${row.counts.inconclusive} inconclusive`;
      const pooled = `<td class="pooled" data-claim="${escapeHtml(row.claimId)}" data-method="${escapeHtml(row.method)}" data-pooled-verdict="${escapeHtml(p.verdict)}" title="${escapeHtml(p.reason)}">${badge(p.verdict)}<div class="delta">${escapeHtml(formatEffect(p, row.scale))}</div><div class="pair">${escapeHtml(`${p.test} p ${formatP(p.p)}, Holm ${formatP(p.pAdjusted)}, n = ${p.n}`)}</div><div class="pair">${escapeHtml(counts)}</div></td>`;
      return `<tr><td><b>${escapeHtml(row.title)}</b><div class="claimtext">${escapeHtml(row.claim)}</div></td><td>${escapeHtml(row.method)}</td><td class="test">${escapeHtml(row.test)}<div class="claimtext">vs ${escapeHtml(row.baseline)}; ${row.scale === 'log' ? 'log-ratio' : 'difference'} of ${escapeHtml(row.metric)}</div></td>${cells}${pooled}</tr>`;
    })
    .join('\n');
  return `<table class="claims">${head}\n${body}</table>`;
}

type Column = readonly [string, (run: RunResult, rec: MetricsRecord) => number | null];

const curvatureRatio = (r: MetricsRecord) => (r.lambdaMax === null || r.lambdaMin === null || !(r.lambdaMax > 0) ? null : Math.max(0, -r.lambdaMin) / r.lambdaMax);

const FINAL_COLUMNS: readonly Column[] = [
  ['train loss', (_, r) => r.trainLoss],
  ['test loss', (_, r) => r.testLoss],
  ['test acc.', (_, r) => r.testAccuracy],
  ['test ECE', (_, r) => r.testCalibrationError],
  ['λmax', (_, r) => r.lambdaMax],
  ['λmax @ matched loss', (run) => run.matched?.method.record.lambdaMax ?? null],
  ['U', (_, r) => r.bounds.lambdaMaxUpper],
  ['neg. mass', (_, r) => r.negativeMass],
  ['|λmin|/λmax', (_, r) => curvatureRatio(r)],
  ['‖∇L‖', (_, r) => r.gradientNorm],
  ['‖θ‖', (_, r) => r.weightNorm],
  ['‖W‖', (_, r) => r.layerNorms.W],
  ['‖V‖', (_, r) => r.layerNorms.V],
  ['saturated', (_, r) => r.saturatedFraction],
  ['λmax‖θ‖²/P', (_, r) => r.relativeSharpness],
];

function finalTable(st: StudyResult, methods: readonly TrainingMethod[]): string {
  const head = `<tr><th>method</th>${FINAL_COLUMNS.map(([n]) => `<th>${escapeHtml(n)}</th>`).join('')}<th>escape (epochs)</th><th>runs</th></tr>`;
  const rows = methods
    .map((m) => {
      const runs = runsOf(st, m);
      const cells = FINAL_COLUMNS.map(([, get]) => {
        const s = summarise(runs.map((run) => (finalRecord(run) ? get(run, finalRecord(run)!) : null)));
        return `<td>${s.n === 0 ? '–' : `${formatValue(s.mean)}<span class="sd"> ± ${formatValue(s.sd)}</span>`}</td>`;
      }).join('');
      const esc = st.escape.filter((e) => e.method === m);
      const escaped = esc.filter((e) => e.escapedAt !== null);
      const escCell = esc.length === 0 ? '–' : `${escaped.length ? formatValue(summarise(escaped.map((e) => e.escapedAt)).mean) : '–'}<span class="sd"> (${escaped.length}/${esc.length} escaped)</span>`;
      const bad = runs.filter((r) => r.status !== 'completed').length;
      return `<tr><td>${escapeHtml(m)}</td>${cells}<td>${escCell}</td><td>${runs.length}${bad ? ` (${bad} diverged)` : ''}</td></tr>`;
    })
    .join('\n');
  return `<table class="final">${head}\n${rows}</table>`;
}

export function figure(p: RenderedPlot): string {
  return `<figure class="plot${p.wide ? ' wide' : ''}" data-plot="${escapeHtml(p.id)}"><figcaption><b>${escapeHtml(p.title)}</b><br><span>${escapeHtml(p.caption)}</span></figcaption>${p.svg}</figure>`;
}

function knobText(method: TrainingMethod, hp: Hyperparameters): string {
  if (method === 'plain') return `η = ${hp.learningRate}`;
  if (method === 'hsr-penalty') return `λ = ${hp.lambda} (η = ${hp.learningRate})`;
  return `ρ = ${hp.rho} (η = ${hp.learningRate})`;
}

function protocolTable(results: ReproductionResults, st: StudyResult): string {
  const p = st.study.data;
  const m = st.study.model;
  const opt = results.protocol.optimizer;
  const items: [string, string][] = [
    [
      'data',
      `${st.trainSamples} train (of which ${st.validationSamples} held out for the sweep) / ${st.testSamples} test samples, d = ${st.features}${p.pcaComponents === undefined ? '' : ` (${p.pcaComponents} principal components of the training part)`}, c = ${st.classes}; standardised on the training part`,
    ],
    [
      'model',
      `${m.label}: ${m.activation} ${widthsText(m, st.features, st.classes)}${m.bias ? ' with biases' : ''}, P = ${st.parameters}${m.sweep === false ? '; no sweep (the default hyperparameters) and no escape run' : ''}`,
    ],
    ['training', `${opt.name}, μ = ${opt.momentum}, ${p.batchSize === null ? 'full batch' : `batches of ${p.batchSize}`}, ${p.epochs} epochs, metrics every ${p.metricsEvery}`],
    ['source', st.source],
  ];
  return `<dl class="protocol">${items.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join('')}</dl>`;
}

/** Chosen values per study and method, with how many seeds chose each and how many sat at a grid edge. */
function sweepTable(results: ReproductionResults): string {
  const sweep = results.protocol.sweep;
  const methods = results.protocol.methods;
  if (!sweep) {
    return `<p>No sweep in this run: every method trained with the fixed values ${methods.map((m) => `${m} ${knobText(m, results.protocol.defaults[m])}`).join('; ')}.</p>`;
  }
  const grids = methods.map((m) => `<li>${escapeHtml(m)}: ${sweep.grids[m].knob === 'learningRate' ? 'η' : sweep.grids[m].knob === 'rho' ? 'ρ' : 'λ'} ∈ {${sweep.grids[m].values.join(', ')}}</li>`).join('');
  const head = `<tr><th>data set</th>${methods.map((m) => `<th>${escapeHtml(m)}</th>`).join('')}</tr>`;
  const rows = results.studies
    .map((st) => {
      const cells = methods.map((m) => {
        const chosen = st.sweep.filter((s) => s.method === m);
        const counts = new Map<number, number>();
        for (const s of chosen) counts.set(s.chosen, (counts.get(s.chosen) ?? 0) + 1);
        const edge = chosen.filter((s) => s.atEdge).length;
        const text = [...counts.entries()]
          .sort((a, b) => a[0] - b[0])
          .map(([v, k]) => `${v} ×${k}`)
          .join(', ');
        return `<td>${escapeHtml(text || '–')}${edge ? `<span class="sd"> (${edge} at a grid edge)</span>` : ''}</td>`;
      });
      return `<tr><td>${escapeHtml(st.name)}</td>${cells.join('')}</tr>`;
    })
    .join('\n');
  return `<p>Budget: <b>${sweep.budget} runs per method</b>, per data set and seed, each trained for the data set's full epochs on the training part minus a stratified validation part, and scored by the ${escapeHtml(sweep.selectBy)} (the test part is never used). Plain sweeps the learning rate; the other methods keep plain's chosen rate and sweep their own knob:</p>
<ul class="grids">${grids}</ul>
<p>Values chosen, over seeds (value ×seeds):</p>
<table class="final sweep">${head}\n${rows}</table>`;
}

const EVALUATIONS: Record<TrainingMethod, string> = {
  plain: '1 ∇L',
  sam: '2 ∇L (one at θ + ε)',
  'hsr-step': '1 ∇L + 1 closed-form ∇U (0 Hessian-vector products)',
  'hsr-penalty': '1 ∇L + 1 closed-form ∇U (0 Hessian-vector products)',
};

/** What one step costs: evaluations, and the median measured wall time per step relative to plain. */
function costTable(results: ReproductionResults): string {
  const methods = results.protocol.methods;
  const head = `<tr><th>method</th><th>per step</th>${results.studies.map((s) => `<th>${escapeHtml(s.name)}</th>`).join('')}</tr>`;
  const perStep = (st: StudyResult, m: TrainingMethod) => summarise(runsOf(st, m).map((r) => r.secondsPerStep)).mean;
  const rows = methods
    .map((m) => {
      const cells = results.studies.map((st) => {
        const own = perStep(st, m);
        const plain = perStep(st, 'plain');
        return `<td>${Number.isFinite(own) ? `${formatValue(own * 1000)} ms` : '–'}${Number.isFinite(own / plain) && m !== 'plain' ? `<span class="sd"> (×${formatValue(own / plain)})</span>` : ''}</td>`;
      });
      return `<tr><td>${escapeHtml(m)}</td><td>${escapeHtml(EVALUATIONS[m])}</td>${cells.join('')}</tr>`;
    })
    .join('\n');
  return `<table class="final cost">${head}\n${rows}</table>`;
}

export const STYLE = `
body{font:15px/1.45 Helvetica,Arial,sans-serif;color:#222;max-width:1280px;margin:2em auto;padding:0 1em}
h1{font-size:1.6em;margin-bottom:.2em}h2{margin-top:2em;border-bottom:1px solid #ddd;padding-bottom:.2em}
.meta{color:#555}
.summary{font-size:1.05em;background:#f4f7fb;border-left:4px solid #4a78b5;padding:.6em 1em}
table{border-collapse:collapse;margin:1em 0;font-size:13px}
th,td{border:1px solid #ddd;padding:4px 7px;vertical-align:top;text-align:left}
th{background:#f5f5f5}
td.pooled{background:#fafafa}
table.final td{text-align:right;white-space:nowrap}table.final td:first-child{text-align:left}
table.cost td:nth-child(2){text-align:left;white-space:normal}
.sd{color:#888;font-size:11px}
.verdict{display:inline-block;padding:1px 6px;border-radius:9px;font-size:12px;font-weight:bold;white-space:nowrap}
.v-holds{background:#d8f0d8;color:#1d6b1d}.v-fails{background:#f7d6d6;color:#9b1c1c}
.v-inconclusive{background:#fbeec8;color:#7a5a00}.v-nodata{background:#eee;color:#666}
.delta,.pair,.claimtext,.companion{font-size:11px;color:#555}.companion{color:#777;font-style:italic}.test{max-width:230px}
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
  readonly claims: ClaimsSummary;
  readonly plots: readonly RenderedPlot[];
  /** The command that reproduces this report. */
  readonly command: string;
}

function statisticsText(summary: ClaimsSummary, results: ReproductionResults): string {
  const esc = results.protocol.escape;
  return `<p>Each cell compares an HSR method with its baseline <em>from the same initial model and split</em>, seed by seed. On a positive quantity the comparison is the log-ratio ln(HSR/baseline) per seed, shown as the geometric-mean change in % with its 95% t-interval; on accuracy it is the difference in points.
A <b>better</b> claim is tested against the smallest effect worth the name (${MIN_RELATIVE_EFFECT * 100}% lower), a <b>not-worse</b> claim against its margin (${ACCURACY_MARGIN * 100} points of accuracy; λmax ${SAM_FLATNESS_MARGIN * 100}% above SAM's). Per data set the test is the paired t-test over seeds; pooled, the sign-flip permutation test over every (data set, seed) pair (exact up to ${SIGN_FLIP_EXACT_MAX} pairs, else ${SIGN_FLIP_DRAWS.toLocaleString('en')} seeded random sign patterns), which assumes no normality.
Holm's correction runs over all ${summary.cellTests} cell tests, and separately over the ${summary.rowTests} pooled tests; a claim <b>holds</b> when its adjusted p is below α = ${ALPHA} and the effect lies beyond the boundary on the claimed side, <b>does not hold</b> when it is significantly on the other side (worse, or short of the smallest effect), and is <b>inconclusive</b> otherwise.
Matched training loss: each run and its plain partner at the first epoch where both have reached the larger of their two final training losses.${esc ? ` Escape: from the initial model scaled by ${esc.initScale}, the first epoch with λmin ≥ −${esc.curvature}·λmax and ‖∇L‖ ≤ ${esc.gradient}; a run that never gets there counts as the whole budget.` : ''}
Italic lines are companion measurements (same interval, not part of any verdict). Hover a cell for its full reason.</p>`;
}

/** The complete index.html. */
export function renderReportHtml(page: ReportPage): string {
  const { results, claims, plots, command } = page;
  const studyNames = results.studies.map((d) => d.name);
  const byId = new Map(plots.map((p) => [p.id, p]));
  const used = new Set<string>();
  const take = (id: string) => {
    const p = byId.get(id);
    if (!p) return '';
    used.add(id);
    return figure(p);
  };
  const methods = results.protocol.methods;
  const runs = results.studies.reduce((s, d) => s + d.runs.length, 0);
  const sweepRuns = results.studies.reduce((s, d) => s + d.sweep.reduce((k, x) => k + x.candidates.length, 0), 0);
  const escapeRuns = results.studies.reduce((s, d) => s + d.escape.length, 0);
  const diverged = results.studies.flatMap((d) => d.runs.filter((r) => r.status !== 'completed').map((r) => `${d.name} ${r.method} seed ${r.seed}: ${r.message ?? r.status}`));
  const env = results.environment;

  const sections: string[] = [];
  sections.push(`<h1>Does HSR do what the paper says? A reproduction</h1>
<p class="meta">${escapeHtml(`${results.protocol.name} protocol: ${methods.join(', ')} on ${studyNames.join(', ')}; seeds ${results.protocol.seeds.join(', ')}; ${runs} evaluation runs, ${sweepRuns} sweep runs and ${escapeRuns} escape runs in ${results.seconds.toFixed(1)} s (${env.node}, ${env.platform}, ${env.cpus} CPUs, load average ${env.loadAverage.join(' ')} at the end).`)}<br>
Reproduce with <code>${escapeHtml(command)}</code>. Every number on this page is in <a href="results.json">results.json</a>.</p>
<p class="summary" id="summary-sentence">${escapeHtml(claims.sentence)}</p>${(claims.byLoss ?? []).map((l) => `\n<p class="summary" id="summary-${escapeHtml(l.loss)}">${escapeHtml(`Per loss, ${l.sentence}`)}</p>`).join('')}${(claims.byDepth ?? []).map((d) => `\n<p class="summary" id="summary-layers-${d.layers}">${escapeHtml(d.sentence)}</p>`).join('')}`);
  if (results.status === 'aborted') sections.push(`<p class="notice">This run was interrupted: the report covers only the runs that finished.</p>`);
  if (diverged.length) sections.push(`<p class="notice">Runs that stopped early (counted as missing in the verdicts):<br>${diverged.map(escapeHtml).join('<br>')}</p>`);

  sections.push(`<h2 id="claims">The claims, tested on these runs</h2>
<p>Claims of arXiv 2606.28662 (HSR narrows the Hessian spectrum, avoids sharp minima and saddle points, reaches flatter minima comparably to SAM), and the implicit one that it costs no accuracy.</p>
${statisticsText(claims, results)}
${claimsTable(claims, cellStudies(claims))}`);
  for (const d of claims.byDepth ?? [])
    sections.push(`<h2 id="claims-layers-${d.layers}">Beyond three layers: the claims on ${d.layers}-layer networks</h2>
<p>${escapeHtml(`The same claims and tests on ${d.models.join('; ')}: the same data sets, splits, seeds and methods, every method from the same initial model. Their own Holm families: ${d.summary.cellTests} cell tests and ${d.summary.rowTests} pooled tests.`)}</p>
<p class="summary">${escapeHtml(d.sentence)}</p>
${claimsTable(d.summary, cellStudies(d.summary))}`);

  sections.push(`<h2 id="effects">Effects across data sets</h2>${take('summary-ratios')}${take('summary-differences')}${take('summary-lambda-max')}`);

  sections.push(`<h2 id="fairness">Baselines at full strength: the sweep</h2>
${sweepTable(results)}
<h3>What a step costs</h3>
<p>Evaluations per optimizer step, and the median wall time of one step measured in these runs (metrics epochs excluded), with its ratio to plain's. HSR's ∇U is closed-form: no Hessian-vector products, but O(B²) per step in the batch size B.</p>
${costTable(results)}`);

  for (const st of results.studies) {
    const figs = plots
      .filter((p) => p.id.startsWith(`${st.name}-`))
      .map((p) => take(p.id))
      .join('\n');
    sections.push(`<h2 id="ds-${escapeHtml(st.name)}">${escapeHtml(st.name)}</h2>
${protocolTable(results, st)}
<p>Final values (mean <span class="sd">± sd</span> over seeds); λmax @ matched loss is each HSR run's λmax at its matched-loss checkpoint with plain:</p>
${finalTable(st, methods)}
${figs}`);
  }
  const rest = plots
    .filter((p) => !used.has(p.id))
    .map(figure)
    .join('\n');
  if (rest) sections.push(`<h2>Other figures</h2>${rest}`);

  sections.push(`<h2 id="formulas">What is computed</h2>
${REPORT_FORMULAS.map((f) => `<div class="formula"><b>${escapeHtml(f.caption)}</b>${renderFormula(f)}<div class="note">${escapeHtml(f.note)}</div></div>`).join('\n')}
<p>Exact eigenvalues come from the dense Hessian of the mean cross-entropy on the training set (P ≤ ${METRICS_MAX_EXACT_PARAMETERS}); an eigenvalue counts as negative below −${NEGATIVE_EIGENVALUE_RTOL.toExponential(0)}·max|λ|, and the negative mass sums exactly those. ECE: ${CALIBRATION_BINS} equal-width confidence bins on the test part. A hidden unit is saturated where |φ′(u)| &lt; ${SATURATION_RTOL}·|φ′(0)|. The same numbers, per epoch and per seed, are in <a href="results.json">results.json</a>.</p>`);

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
