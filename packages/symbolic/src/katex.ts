/**
 * The one KaTeX renderer: docs/formulas.html and the reproduction report both typeset through
 * it, and the report inlines KaTeX's stylesheet (fonts as data: URIs) from here. It loads KaTeX
 * only, never the computer-algebra engines, so `@hsr/symbolic/katex` is cheap to import.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import katex from 'katex';

export interface RenderOptions {
  /** Display (block) math rather than inline. */
  readonly display: boolean;
  /** Add MathML beside the HTML, for screen readers (the report); the docs page ships HTML only. */
  readonly mathml?: boolean;
  /** Throw on invalid TeX instead of rendering a KaTeX error node (class "katex-error"). */
  readonly strict?: boolean;
}

/** LaTeX to HTML by KaTeX's renderToString. */
export function renderLatex(tex: string, options: RenderOptions): string {
  return katex.renderToString(tex, {
    ...(options.display ? { displayMode: true } : {}),
    throwOnError: options.strict ?? false,
    output: options.mathml ? 'htmlAndMathml' : 'html',
  });
}

const require = createRequire(import.meta.url);

/** KaTeX's dist directory (CSS and fonts), resolved from this package's dependency. */
export function katexDistDir(): string {
  return join(dirname(require.resolve('katex/package.json')), 'dist');
}

let inlinedCss: string | null = null;

/**
 * katex.min.css with every @font-face `src` replaced by its woff2 file as a base64 data: URI
 * (every browser that runs the page reads woff2; the woff/ttf fallbacks would triple the
 * size), so one HTML file renders offline. About 350 kB. Cached per process.
 */
export function inlineKatexCss(): string {
  if (inlinedCss !== null) return inlinedCss;
  const dir = katexDistDir();
  const css = readFileSync(join(dir, 'katex.min.css'), 'utf8');
  inlinedCss = css.replace(/src:([^;}]*)/g, (whole, sources: string) => {
    const woff2 = /url\(([^)]+\.woff2)\)/.exec(sources);
    if (!woff2) return whole;
    const data = readFileSync(join(dir, woff2[1]!)).toString('base64');
    return `src:url(data:font/woff2;base64,${data}) format("woff2")`;
  });
  if (/url\(fonts\//.test(inlinedCss)) throw new Error('katex.min.css: a font reference was not inlined');
  return inlinedCss;
}
