/**
 * The report's mathematics, typeset server-side with KaTeX (`renderToString`), and KaTeX's
 * stylesheet with its fonts inlined as data: URIs, so the page renders offline from one file.
 * The formulas are those of docs/formulas.md and MATH.md, restated for the reader of the
 * report; the code that computes them is in packages/numeric.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import katex from 'katex';

export interface Formula {
  readonly label: string;
  readonly tex: string;
  readonly note: string;
}

export const REPORT_FORMULAS: readonly Formula[] = [
  {
    label: 'Network and loss',
    tex: String.raw`u_n = W x_n + b,\quad z_n = \tanh(u_n),\quad p_n = \operatorname{softmax}(V z_n + a),\quad L(\theta) = \frac1N\sum_{n=1}^N -\log p_{n,y_n}`,
    note: 'θ = (W, b, V, a), P parameters; H = ∇²L on the training set.',
  },
  {
    label: 'Wolkowicz–Styan bounds (1980)',
    tex: String.raw`m = \frac{T_1}{P},\ \ s^2 = \frac{T_2}{P} - m^2:\qquad m + \frac{s}{\sqrt{P-1}} \le \lambda_{\max} \le m + s\sqrt{P-1},\qquad m - s\sqrt{P-1} \le \lambda_{\min} \le m - \frac{s}{\sqrt{P-1}}`,
    note: 'T₁ = tr H and T₂ = tr H² = ‖H‖²_F, both in closed form from per-sample quantities (no P×P matrix).',
  },
  {
    label: 'The bound HSR descends',
    tex: String.raw`U(\theta) = \frac{T_1}{P} + \sqrt{\frac{P-1}{P}\Big(T_2 - \frac{T_1^2}{P}\Big)},\qquad \lambda_{\max}(H) - \lambda_{\min}(H) \le s\sqrt{2P}`,
    note: 'Its gradient ∇U is closed-form too (boundGradient.ts).',
  },
  {
    label: 'Updates compared (same initialisation, same split)',
    tex: String.raw`\begin{aligned}
\text{plain:}\ & \theta \leftarrow \operatorname{opt}(\nabla L) \\
\text{hsr-step:}\ & \theta \leftarrow \operatorname{opt}(\nabla L) - \rho\,\frac{\nabla U}{\|\nabla U\|} \\
\text{hsr-penalty:}\ & \theta \leftarrow \operatorname{opt}\big(\nabla (L + \lambda U)\big) \\
\text{sam:}\ & \theta \leftarrow \operatorname{opt}\big(\nabla L(\theta + \rho\,\nabla L/\|\nabla L\|)\big)
\end{aligned}`,
    note: 'opt: heavy-ball momentum, full batch; the values of η, μ, ρ and λ are listed under each data set above.',
  },
  {
    label: 'Scale-aware sharpness',
    tex: String.raw`\kappa_{\mathrm{rel}} = \lambda_{\max}(H)\,\frac{\|\theta\|^2}{P}`,
    note: 'λmax falls when the weights grow and predictions saturate; κ_rel charges that growth back.',
  },
  {
    label: 'Verdicts (paired over seeds s)',
    tex: String.raw`I_s = \pm\,(b_s - m_s),\quad \bar I = \operatorname{mean}_s I_s,\quad \sigma = \operatorname{sd}_s I_s;\qquad
\text{better: holds iff } \bar I > \tau = \max(\sigma,\ 0.01\,|\bar b|);\qquad
\text{not worse: holds iff } \bar I - \sigma > -\delta`,
    note: 'm_s: HSR run, b_s: baseline run from the same initialisation; sign so that I > 0 means HSR is better. "Does not hold" when decisively the other way (Ī < −τ, or Ī + σ < −δ); otherwise inconclusive.',
  },
];

/** Display-mode KaTeX HTML (with MathML for screen readers). Throws on invalid TeX. */
export function renderTex(tex: string): string {
  return katex.renderToString(tex, { displayMode: true, throwOnError: true, output: 'htmlAndMathml' });
}

const require = createRequire(import.meta.url);

/**
 * katex.min.css with every @font-face `src` replaced by its woff2 file as a base64 data: URI
 * (every browser that runs the report reads woff2; the woff/ttf fallbacks would triple the
 * size). About 350 kB. Cached per process.
 */
let inlinedCss: string | null = null;
export function inlineKatexCss(): string {
  if (inlinedCss !== null) return inlinedCss;
  const cssPath = require.resolve('katex/dist/katex.min.css');
  const dir = dirname(cssPath);
  const css = readFileSync(cssPath, 'utf8');
  inlinedCss = css.replace(/src:([^;}]*)/g, (whole, sources: string) => {
    const woff2 = /url\(([^)]+\.woff2)\)/.exec(sources);
    if (!woff2) return whole;
    const data = readFileSync(join(dir, woff2[1]!)).toString('base64');
    return `src:url(data:font/woff2;base64,${data}) format("woff2")`;
  });
  if (/url\(fonts\//.test(inlinedCss)) throw new Error('katex.min.css: a font reference was not inlined');
  return inlinedCss;
}
