/**
 * The report's mathematics: entries of the formula registry (@hsr/symbolic/registry, the one
 * owner of formula text) selected by label, each with a caption for the reader of the report,
 * typeset server-side by the one KaTeX renderer (@hsr/symbolic/katex), whose stylesheet is
 * inlined so the page renders offline from one file. Neither module loads the CAS engines.
 */
import { renderLatex } from '@hsr/symbolic/katex';
import { type FormulaEntry, formulaByLabel } from '@hsr/symbolic/registry';

export interface ReportFormula {
  /** The heading the report shows. */
  readonly caption: string;
  readonly entry: FormulaEntry;
  readonly note: string;
}

/** A registry entry by label, with the caption and note a page shows beside it. */
export const selectFormula = (label: string, caption: string, note: string): ReportFormula => ({ caption, entry: formulaByLabel(label), note });

export const REPORT_FORMULAS: readonly ReportFormula[] = [
  selectFormula('eq:loss', 'Network and loss', 'θ = (W, b, V, a), P parameters; the report trains tanh networks with biases and the mean loss (κ = 1/N); H = ∇²L on the training set.'),
  selectFormula('eq:ws-bounds', 'Wolkowicz–Styan bounds (1980) and the bound HSR descends, U', 'T₁ = tr H and T₂ = tr H² = ‖H‖²_F, both in closed form from per-sample quantities (no P×P matrix); ∇U is closed-form too.'),
  selectFormula('eq:range-bound', 'Spectral range', 'The same s bounds the spread of the whole spectrum.'),
  selectFormula('eq:train-updates', 'Updates compared (same initialisation, same split)', 'opt: heavy-ball momentum; η, ρ and λ are chosen per seed by the sweep (table above).'),
  selectFormula('eq:relative-sharpness', 'Scale-aware sharpness', 'λmax falls when the weights grow and predictions saturate; κ_rel charges that growth back.'),
  selectFormula(
    'eq:paired-verdict',
    'Verdicts (paired over seeds s)',
    'm_s: HSR run, b_s: baseline run from the same initialisation; I > 0 means HSR is better; β is the smallest effect (better) or minus the margin (not worse). Holds when the Holm-adjusted p < α with mean d > 0, does not hold when it is significant the other way, else inconclusive.',
  ),
];

/** Display-mode KaTeX HTML (with MathML for screen readers). Throws on invalid TeX. */
export function renderTex(tex: string): string {
  return renderLatex(tex, { display: true, mathml: true, strict: true });
}

/** A display's caption (prose with inline `$...$` math), typeset inline. */
function renderCaption(text: string): string {
  return text
    .split(/(\$[^$]+\$)/)
    .map((p) => (p.startsWith('$') && p.endsWith('$') && p.length > 1 ? renderLatex(p.slice(1, -1), { display: false, mathml: true, strict: true }) : p.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')))
    .join('');
}

/** Every display line of a report formula, typeset, each after its caption (the registry's, where it has one). */
export function renderFormula(f: ReportFormula): string {
  return f.entry.latex
    .map((tex, q) => {
      const caption = f.entry.displays[q]?.caption;
      return `${caption ? `<div class="caption">${renderCaption(`${caption[0]!.toUpperCase()}${caption.slice(1)}:`)}</div>` : ''}${renderTex(tex)}`;
    })
    .join('');
}
