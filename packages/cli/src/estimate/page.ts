/**
 * The offline page of `hsr estimate --out DIR`: log-log error-versus-products plots with the
 * theoretical curves, the tables behind them and the formulas, in the style of the
 * `hsr reproduce` report and built from its helpers (Vega-Lite rendered to inline SVG in Node,
 * KaTeX with inlined fonts, the same stylesheet): one file, nothing fetched.
 */
import type * as vegaLite from 'vega-lite';
import { escapeHtml, figure, formatValue, STYLE } from '../report/html.ts';
import { CONFIG, renderPlots, type Plot } from '../report/plots.ts';
import { inlineKatexCss } from '@hsr/symbolic/katex';
import { type ReportFormula, renderFormula, selectFormula } from '../report/formulas.ts';
import type { EstimateReport } from '../commands/estimate.ts';
import { ERROR_FLOOR, HALF_NORMAL_MEDIAN, type Quantity } from './experiment.ts';
import { adaptiveRuleRow, budgetPointRow, type CellStyle } from './rows.ts';

type Spec = vegaLite.TopLevelSpec;

const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2'];
const floor = (x: number) => Math.max(x, ERROR_FLOOR);

/** Powers of ten spanning `values` (log axes otherwise grid every 2..9 of every decade). */
function decades(values: readonly number[]): number[] {
  const finite = values.filter((v) => v > 0 && Number.isFinite(v));
  if (finite.length === 0) return [1];
  const lo = Math.floor(Math.log10(Math.min(...finite)));
  const hi = Math.ceil(Math.log10(Math.max(...finite)));
  const step = Math.max(1, Math.ceil((hi - lo) / 8));
  const out: number[] = [];
  for (let e = lo; e <= hi; e += step) out.push(10 ** e);
  return out;
}

const QUANTITY_TITLE: Record<Quantity, string> = { traceH: 'tr H', traceH2: 'tr H² = ‖H‖²_F', lambdaMax: 'λmax' };

/** One quantity's error-vs-products plot: medians (lines), 10–90% bands, theory (dashed), PyHessian (diamonds). */
function errorPlot(report: EstimateReport, quantity: Quantity): Plot {
  const estimators = report.results.estimators.filter((e) => e.quantity === quantity && e.points.length > 0);
  const adaptive = report.results.adaptive.filter((a) => a.quantity === quantity);
  const names = [...estimators.map((e) => e.label), ...adaptive.map((a) => a.label)];
  const colour = { field: 'estimator', type: 'nominal', title: null, scale: { domain: names, range: COLOURS.slice(0, names.length) }, legend: { orient: 'bottom', columns: 2 } };
  const measured = estimators.flatMap((e) =>
    e.points.map((p) => ({ estimator: e.label, budget: p.budget, median: floor(p.relativeError.median), p10: floor(p.relativeError.p10), p90: floor(p.relativeError.p90), replicates: p.replicates })),
  );
  const theory = estimators.flatMap((e) =>
    e.points.filter((p) => p.theoreticalStd !== null).map((p) => ({ estimator: e.label, budget: p.budget, value: floor(HALF_NORMAL_MEDIAN * p.theoreticalStd!), kind: p.theoreticalKind })),
  );
  const points = adaptive.map((a) => ({ estimator: a.label, products: a.products.median, median: floor(a.relativeError.median), p10: floor(a.relativeError.p10), p90: floor(a.relativeError.p90) }));
  const xs = [...measured.map((v) => v.budget), ...points.map((p) => p.products)];
  const ys = [...measured.flatMap((v) => [v.p10, v.p90]), ...theory.map((v) => v.value), ...points.flatMap((p) => [p.p10, p.p90])];
  const x = { type: 'quantitative', scale: { type: 'log' }, axis: { values: decades(xs), grid: true }, title: 'Hessian-vector products (budget m)' };
  const y = { type: 'quantitative', scale: { type: 'log' }, axis: { values: decades(ys), grid: true }, title: `|estimate − ${QUANTITY_TITLE[quantity]}| / |${QUANTITY_TITLE[quantity]}|` };
  const layer: object[] = [
    { data: { values: measured }, mark: { type: 'area', opacity: 0.14 }, encoding: { x: { field: 'budget', ...x }, y: { field: 'p10', ...y }, y2: { field: 'p90' }, color: colour } },
    { data: { values: measured }, mark: { type: 'line', strokeWidth: 2, point: true }, encoding: { x: { field: 'budget', ...x }, y: { field: 'median', ...y }, color: colour } },
  ];
  if (theory.length > 0)
    layer.push({
      data: { values: theory },
      mark: { type: 'line', strokeDash: [5, 4], strokeWidth: 1.5 },
      encoding: { x: { field: 'budget', ...x }, y: { field: 'value', ...y }, color: colour, detail: { field: 'estimator' } },
    });
  if (points.length > 0) {
    layer.push({ data: { values: points }, mark: { type: 'rule', strokeWidth: 1.5 }, encoding: { x: { field: 'products', ...x }, y: { field: 'p10', ...y }, y2: { field: 'p90' }, color: colour } });
    layer.push({ data: { values: points }, mark: { type: 'point', shape: 'diamond', filled: true, size: 110, opacity: 1 }, encoding: { x: { field: 'products', ...x }, y: { field: 'median', ...y }, color: colour } });
  }
  const spec = { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', width: 420, height: 300, config: CONFIG, layer } as unknown as Spec;
  const theoryNote =
    theory.length > 0
      ? ` Dashed: the theoretical median error ${HALF_NORMAL_MEDIAN.toFixed(3)}·σ_m/|exact| (σ_m from the formula${theory.some((t) => t.kind === 'upper bound') ? '; for Hutch++ its upper bound' : ''}).`
      : ' No estimator here has a variance formula.';
  const adaptiveNote = adaptive.length > 0 ? ' Diamond: PyHessian’s adaptive rule at its median number of products, bar 10–90% of its errors.' : '';
  return {
    id: `error-${quantity}`,
    title: `${QUANTITY_TITLE[quantity]}: relative error against the budget`,
    caption: `Line: median over the replicates; band: 10th to 90th percentile.${theoryNote}${adaptiveNote} Errors below ${ERROR_FLOOR} (exact results) are drawn at ${ERROR_FLOOR}.`,
    spec,
  };
}

function wsPlot(report: EstimateReport): Plot {
  const values = report.results.wsBounds.flatMap((w) =>
    w.points.map((p) => ({
      estimator: `U from ${w.probe} probes`,
      budget: p.budget,
      median: floor(p.relativeError.lambdaMaxUpper.median),
      p10: floor(p.relativeError.lambdaMaxUpper.p10),
      p90: floor(p.relativeError.lambdaMaxUpper.p90),
    })),
  );
  const names = [...new Set(values.map((v) => v.estimator))];
  const colour = { field: 'estimator', type: 'nominal', title: null, scale: { domain: names, range: COLOURS.slice(0, names.length) }, legend: { orient: 'bottom' } };
  const x = { field: 'budget', type: 'quantitative', scale: { type: 'log' }, axis: { values: decades(values.map((v) => v.budget)) }, title: 'Hessian-vector products (budget m)' };
  const y = { type: 'quantitative', scale: { type: 'log' }, axis: { values: decades(values.flatMap((v) => [v.p10, v.p90])) }, title: '|U(T̂₁, T̂₂) − U(T₁, T₂)| / |U|' };
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: 420,
    height: 300,
    config: CONFIG,
    data: { values },
    layer: [
      { mark: { type: 'area', opacity: 0.14 }, encoding: { x, y: { field: 'p10', ...y }, y2: { field: 'p90' }, color: colour } },
      { mark: { type: 'line', strokeWidth: 2, point: true }, encoding: { x, y: { field: 'median', ...y }, color: colour } },
    ],
  } as unknown as Spec;
  return {
    id: 'error-ws-upper',
    title: 'The WS upper bound U on λmax from estimated traces',
    caption: 'U = m + s√(P−1) with T₁ from Hutchinson and T₂ from the Frobenius estimator on the same products, against U from the exact closed-form traces. Line: median; band: 10th to 90th percentile.',
    spec,
  };
}

function adaptivePlot(report: EstimateReport): Plot {
  const values = report.results.adaptive.flatMap((a) => a.samples.map((s) => ({ rule: a.label, products: s.products, error: floor(Math.abs(s.estimate - a.exact) / Math.abs(a.exact)) })));
  const names = report.results.adaptive.map((a) => a.label);
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: 420,
    height: 300,
    config: CONFIG,
    layer: [
      { data: { values: [{}] }, mark: { type: 'rule', strokeDash: [4, 3], color: '#999' }, encoding: { y: { datum: 1e-3, type: 'quantitative' } } },
      {
        data: { values },
        mark: { type: 'point', filled: true, opacity: 0.55, size: 30 },
        encoding: {
          x: { field: 'products', type: 'quantitative', title: 'products used before the rule stopped', scale: { domain: [0, 100] } },
          y: { field: 'error', type: 'quantitative', scale: { type: 'log' }, axis: { values: decades([...values.map((v) => v.error), 1e-3]) }, title: '|estimate − exact| / |exact|' },
          color: { field: 'rule', type: 'nominal', title: null, scale: { domain: names, range: COLOURS.slice(4, 4 + names.length) }, legend: { orient: 'bottom', columns: 1 } },
        },
      },
    ],
  } as unknown as Spec;
  return {
    id: 'adaptive-rules',
    title: 'PyHessian’s stopping rules: where each run stopped, and how far it was from the truth',
    caption: 'One point per run. Dashed: the rule’s tol = 10⁻³, a relative change of the running estimate, which a reader may take for its accuracy.',
    spec,
  };
}

export function estimatePlots(report: EstimateReport): Plot[] {
  return [errorPlot(report, 'traceH'), errorPlot(report, 'traceH2'), errorPlot(report, 'lambdaMax'), wsPlot(report), adaptivePlot(report)];
}

/** The page's formulas: registry entries (the one owner of formula text) with the page's notes. */
const FORMULAS: readonly ReportFormula[] = [
  selectFormula('eq:hutchinson-trace', 'Hutchinson (Girard 1989, Hutchinson 1989)', 'Unbiased; the theory curves use the exact ‖H‖²_F = T₂ and the closed-form diagonal.'),
  selectFormula('eq:frobenius-estimator', 'Frobenius estimator (curvlinops)', 'Uses the same products as Hutchinson; tr H⁴ needs the dense H, so its theory curve exists only for small P.'),
  selectFormula('eq:hutch-plus-plus', 'Hutch++ (Meyer, Musco, Musco & Woodruff 2021)', 'Unbiased; exact when rank H ≤ k; its variance is at most 2‖H‖²_F/(m − 2k).'),
  selectFormula('eq:xtrace', 'XTrace (Epperly, Tropp & Webber 2024)', 'Every probe is used both in the sketch and, left out, as the Hutchinson probe; no closed-form variance.'),
  selectFormula(
    'eq:pyhessian-trace-rule',
    'PyHessian trace() and eigenvalues() (amirgholami/PyHessian)',
    'trace(): t̄ⱼ is the running mean of vᵀHv (Rademacher). eigenvalues(): t̄ⱼ is the Rayleigh quotient of power iteration, and the previous one is returned.',
  ),
  selectFormula(
    'eq:sample-variance-interval',
    'Variance check (moment-matched chi-square)',
    'σ² from the formula, n replicates, c = 0.99, κ the excess kurtosis of one replicate (exact for small P, else a bound from ‖H‖₂).',
  ),
];

function table(rows: (string | number)[][]): string {
  const cell = (c: string | number) => escapeHtml(typeof c === 'number' ? formatValue(c) : c);
  return `<table class="final"><tr>${rows[0]!.map((c) => `<th>${cell(c)}</th>`).join('')}</tr>${rows
    .slice(1)
    .map((r) => `<tr>${r.map((c) => `<td>${cell(c)}</td>`).join('')}</tr>`)
    .join('\n')}</table>`;
}

const num = (x: number | null) => (x === null ? '–' : formatValue(x));
/** Numbers stay numbers (table() formats them); a missing value is a dash. */
const PAGE_STYLE: CellStyle = { value: (x) => x ?? '–', number: formatValue, missing: '–', atMost: '≤ ' };

export async function renderEstimatePage(report: EstimateReport): Promise<string> {
  const plots = await renderPlots(estimatePlots(report));
  const t = report.truth;
  const r = report.results;
  const s = report.settings;
  const byId = new Map(plots.map((p) => [p.id, p]));
  const sections: string[] = [];
  sections.push(`<h1>How good are the estimators? Measured against the exact Hessian</h1>
<p class="meta">${escapeHtml(`${report.case.label}: ${report.case.network}; P = ${report.case.parameters}, N = ${report.case.samples}; variant ${report.case.variant.reduction}/${report.case.variant.block}/${report.case.variant.curvature}. ${s.repeats} repeat${s.repeats === 1 ? '' : 's'}, seed ${s.seed}, budgets ${s.budgets.join(', ')}; ${r.productsUsed} Hessian-vector products in ${r.seconds.toFixed(1)} s (${r.environment.node}, ${r.environment.platform}, ${r.environment.cpus} CPUs).`)}<br>
Reproduce with <code>${escapeHtml(report.command)}</code>. Every number on this page is in <a href="results.json">results.json</a>.</p>`);
  sections.push(`<h2 id="truth">The truth</h2>
${table([
  ['quantity', 'exact value', 'from'],
  ['tr H (T₁)', t.traceH, 'closed form (eq:trace-h)'],
  ['tr H² (T₂)', t.traceH2, 'closed form (eq:trace-h2)'],
  ['Σ H_ii²', t.diagonalSquareSum, 'closed-form diagonal (eq:hessian-diagonal)'],
  ['λmax', t.lambdaMax, t.spectrumSource === 'dense' ? 'dense spectrum' : `Lanczos, ${t.lanczosProducts} products, residual ${formatValue(t.lambdaMaxResidual)}`],
  ['λmin', t.lambdaMin, t.spectrumSource === 'dense' ? 'dense spectrum' : `Lanczos, residual ${formatValue(t.lambdaMinResidual)}`],
  ['tr H⁴', t.traceH4 === null ? '– (needs the dense H)' : t.traceH4, 'dense spectrum'],
  ['WS upper bound U', t.bounds.lambdaMaxUpper, 'closed-form T₁, T₂'],
])}`);
  sections.push(`<h2 id="plots">Error against the number of products</h2>
${['error-traceH', 'error-traceH2', 'error-lambdaMax', 'error-ws-upper', 'adaptive-rules'].map((id) => figure(byId.get(id)!)).join('\n')}`);
  const rows: (string | number)[][] = [['estimator', 'budget m', 'products', 'replicates', 'median', 'p10', 'p90', 'bias', 'sd', 'sd theory']];
  for (const e of r.estimators) {
    for (const p of e.points) rows.push(budgetPointRow(e, p, PAGE_STYLE));
    for (const k of e.skipped) rows.push([e.label, k.budget, `skipped: ${k.reason}`, '', '', '', '', '', '', '']);
  }
  sections.push(`<h2 id="table">Every estimator and budget</h2><p>Relative errors |estimate − exact|/|exact|; bias and standard deviations divided by |exact|.</p>${table(rows)}`);
  sections.push(
    `<h2 id="adaptive">PyHessian’s adaptive rules</h2>${table([
      ['rule', 'runs', 'products (median)', 'products (p90)', 'max', 'median error', 'p90 error', 'runs within tol', 'stopped by the rule'],
      ...r.adaptive.map((a) => adaptiveRuleRow(a, PAGE_STYLE)),
    ])}`,
  );
  sections.push(
    `<h2 id="variance">Measured variance against the formula</h2>${table([
      ['probes', 'budget m', 'replicates', 'measured / theory', `${(100 * (r.varianceChecks[0]?.interval.confidence ?? 0.99)).toFixed(0)}% interval`, 'ν', 'κ (one probe)', 'inside'],
      ...r.varianceChecks.map((c) => [
        c.estimator.replace('hutchinson-', ''),
        c.budget,
        c.replicates,
        c.measured / c.theory,
        `[${formatValue(c.interval.lower / c.theory)}, ${formatValue(c.interval.upper / c.theory)}]`,
        c.interval.degreesOfFreedom,
        `${c.kurtosisKind === 'upper bound' ? '≤ ' : ''}${formatValue(c.probeKurtosis)}`,
        c.inside ? 'yes' : 'NO',
      ]),
    ])}`,
  );
  sections.push(`<h2 id="formulas">What is computed</h2>
${FORMULAS.map((f) => `<div class="formula"><b>${escapeHtml(f.caption)}</b>${renderFormula(f)}<div class="note">${escapeHtml(f.note)}</div></div>`).join('\n')}
<p>Power iteration and Lanczos have no variance formula: their error is set by the spectral gap${t.powerRatio === null ? '' : ` (here |λ₂|/|λ₁| = ${num(t.powerRatio)})`}. Power iteration converges to the eigenvalue of largest magnitude, which is λmin when |λmin| &gt; λmax.</p>`);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>hsr estimate: estimators against the exact Hessian</title>
<style>${inlineKatexCss()}</style>
<style>${STYLE}</style>
</head><body>
${sections.join('\n')}
</body></html>
`;
}
