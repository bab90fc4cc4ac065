/**
 * The generated docs: deterministic, well formed, rendered from the registry with the sweep's
 * record under each entry and the audit rows that report on it, and committed up to date (CI
 * fails on stale docs, as `pnpm hsr docs --check` does).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditStatus, FORMULA_REGISTRY, firstDocsDifference, generateDocsFiles, readDocsSources, renderDerivationMarkdown, renderFormulasHtml, renderFormulasMarkdown, type VerificationRecord } from '../src/index.ts';

const DOCS_DIR = resolve(dirname(new URL(import.meta.url).pathname), '../../../docs');
const NONE = { audit: null, record: null };
const displays = FORMULA_REGISTRY.reduce((s, e) => s + e.latex.length, 0);

describe('generated docs', () => {
  it('are deterministic: two runs give identical bytes', () => {
    const a = generateDocsFiles(DOCS_DIR);
    const b = generateDocsFiles(DOCS_DIR);
    expect([...a.keys()]).toEqual([...b.keys()]);
    for (const [k, v] of a) expect(v.equals(b.get(k)!), k).toBe(true);
  });

  it('HTML has no KaTeX error node, every label, and local assets only', () => {
    const html = renderFormulasHtml(NONE);
    expect(html).not.toContain('katex-error');
    for (const e of FORMULA_REGISTRY) expect(html).toContain(e.label);
    expect(html).toContain('href="assets/katex.min.css"');
    expect(html).not.toMatch(/https?:\/\/[^"]*\.(css|js|woff2?)/);
    expect((html.match(/class="katex-display"/g) ?? []).length).toBe(displays);
  });

  it('Markdown has one $$ block per display line, rendered from the registry, and says what is not yet run', () => {
    const md = renderFormulasMarkdown(NONE);
    expect((md.match(/^\$\$$/gm) ?? []).length).toBe(2 * displays);
    for (const e of FORMULA_REGISTRY) for (const l of e.latex) expect(md).toContain(`$$\n${l}\n$$`);
    expect(md).toContain('**Checked on the sweep**: not yet run');
    expect(md).toContain('**Audit**: not yet audited');
  });

  it('matches audit rows by quantity or its prefix before a dot (boundGradient.upper reports on eq:bound-gradient)', () => {
    const audit = {
      generatedBy: 'hsr audit --seed 1',
      rows: [
        { quantity: 'traceH', leg: 'dense', worstRelativeError: 3.2e-14, pass: true },
        { quantity: 'boundGradient.upper', leg: 'autodiff', worstRelativeError: 1e-12, pass: true },
        { quantity: 'boundGradients', leg: 'x', worstRelativeError: 1, pass: false },
      ],
    };
    const entry = (id: string) => FORMULA_REGISTRY.find((e) => e.id === id)!;
    expect(auditStatus(entry('trace-h'), audit)).toBe('traceH vs dense: worst relative error 3.20e-14 (pass) — from `hsr audit --seed 1`');
    expect(auditStatus(entry('bound-gradient'), audit)).toBe('boundGradient.upper vs autodiff: worst relative error 1.00e-12 (pass) — from `hsr audit --seed 1`');
    expect(auditStatus(entry('gamma-nm'), audit)).toMatch(/^no audit row/);
  });

  it('renders the record under each entry, with a failing comparison marked as such', () => {
    const coverage = { activation: ['tanh'], d: [1], h: [2], c: [3], N: [2], bias: [false], reduction: ['mean'], block: ['all'], curvature: ['hessian'], maxP: 8 };
    const record: VerificationRecord = {
      generatedBy: 'test',
      cases: 1,
      measurements: 1,
      pass: false,
      entries: [
        {
          entry: 'trace-h',
          comparisons: [
            { quantity: 'T1', leg: 'mathjs: sum of its diagonal', kind: 'engine', cases: 1, coverage, worstRelativeError: 2e-3, worstRatio: 1e7, tolerance: 'RTOL_VS_SYMBOLIC = 1e-10', pass: false, worstCase: 'c' },
          ],
          skipped: [],
        },
      ],
    };
    const md = renderFormulasMarkdown({ audit: null, record });
    expect(md).toContain('| T1 | mathjs: sum of its diagonal | 1 | h 2, c 3, d 1, N 2, biases off, mean, block all, Hessian, tanh, P ≤ 8 | 2.0e-3 | ✗ FAIL RTOL_VS_SYMBOLIC = 1e-10 |');
    expect(md).toContain('1 FAIL: trace-h: T1 vs mathjs: sum of its diagonal');
    expect(renderDerivationMarkdown({ audit: null, record })).toContain('✗ FAIL mathjs (T1): up to 1 cases (h 2, c 3, P ≤ 8), worst error 2.0e-3');
  });

  it('--check logic reports the first differing line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hsr-docs-'));
    try {
      const files = generateDocsFiles(dir, readDocsSources(DOCS_DIR));
      expect(firstDocsDifference(dir, files)).toBe('formulas.md: missing (run pnpm run docs)');
      for (const [rel, bytes] of files) {
        mkdirSync(dirname(join(dir, rel)), { recursive: true });
        writeFileSync(join(dir, rel), bytes);
      }
      expect(firstDocsDifference(dir, files)).toBeNull();
      const md = readFileSync(join(dir, 'formulas.md'), 'utf8').replace('# Formulas', '# Formulae');
      writeFileSync(join(dir, 'formulas.md'), md);
      expect(firstDocsDifference(dir, files)).toMatch(/^formulas\.md:1: committed "# Formulae", generated "# Formulas"$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('committed docs/formulas.md, formulas.html, derivation.md and assets are up to date (run pnpm run docs)', () => {
    expect(firstDocsDifference(DOCS_DIR)).toBeNull();
  });
});
