/**
 * The formula registry renders, and the generated docs are deterministic, well formed and
 * committed up to date (CI fails on stale docs, as `pnpm hsr docs --check` does).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import katex from 'katex';
import { describe, expect, it } from 'vitest';
import { ACTIVATION_NAMES } from '@hsr/numeric';
import { FORMULA_REGISTRY, firstDocsDifference, generateDocsFiles, renderFormulasHtml, renderFormulasMarkdown, verificationStatus } from '../src/index.ts';

const DOCS_DIR = resolve(dirname(new URL(import.meta.url).pathname), '../../../docs');

/** Every LaTeX string of an entry: displays, variable symbols and inline $...$ in prose. */
function allLatex(): string[] {
  const out: string[] = [];
  const inline = (s: string) => (s.match(/\$[^$]+\$/g) ?? []).map((m) => m.slice(1, -1));
  for (const e of FORMULA_REGISTRY) {
    out.push(...e.latex, ...e.variables.map((v) => v.symbol));
    for (const s of [...e.variables.map((v) => v.meaning), ...e.derivation, e.cost]) out.push(...inline(s));
  }
  return out;
}

describe('formula registry', () => {
  it('has unique ids, the labels of the core closed forms and one entry per activation', () => {
    const ids = FORMULA_REGISTRY.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    const labels = new Set(FORMULA_REGISTRY.map((e) => e.label));
    for (const l of [
      'eq:loss',
      'eq:hessian-blocks',
      'eq:trace-h',
      'eq:trace-h2',
      'eq:ws-bounds',
      'eq:range-bound',
      'eq:s2-clamp',
      'eq:bound-gradient',
      'eq:grad-assembly',
      'eq:gamma-nm',
      'eq:softmax-inner',
      'eq:softmax-covariance',
      'eq:a-n',
      'eq:c-n',
    ])
      expect(labels.has(l), l).toBe(true);
    for (const a of ACTIVATION_NAMES) expect(labels.has(`eq:activation-${a}`)).toBe(true);
    for (const e of FORMULA_REGISTRY) {
      expect(e.implementation.length, e.id).toBeGreaterThan(0);
      expect(e.verifiedBy.length, e.id).toBeGreaterThan(0);
      expect(e.derivation.length, e.id).toBeGreaterThan(0);
    }
  });

  it('every LaTeX string renders with KaTeX throwOnError: true', () => {
    const all = allLatex();
    expect(all.length).toBeGreaterThan(60);
    for (const l of all) expect(() => katex.renderToString(l, { throwOnError: true }), l).not.toThrow();
  });
});

describe('generated docs', () => {
  it('are deterministic: two runs give identical bytes', () => {
    const a = generateDocsFiles(DOCS_DIR);
    const b = generateDocsFiles(DOCS_DIR);
    expect([...a.keys()]).toEqual([...b.keys()]);
    for (const [k, v] of a) expect(v.equals(b.get(k)!), k).toBe(true);
  });

  it('HTML has no KaTeX error node, every label, and local assets only', () => {
    const html = renderFormulasHtml(null);
    expect(html).not.toContain('katex-error');
    for (const e of FORMULA_REGISTRY) expect(html).toContain(e.label);
    expect(html).toContain('href="assets/katex.min.css"');
    expect(html).not.toMatch(/https?:\/\/[^"]*\.(css|js|woff2?)/);
    expect((html.match(/class="katex-display"/g) ?? []).length).toBe(FORMULA_REGISTRY.reduce((s, e) => s + e.latex.length, 0));
  });

  it('Markdown has one $$ block per display formula and says "not yet audited" without an audit', () => {
    const md = renderFormulasMarkdown(null);
    expect((md.match(/^\$\$$/gm) ?? []).length).toBe(2 * FORMULA_REGISTRY.reduce((s, e) => s + e.latex.length, 0));
    expect(md).toContain('**Status**: not yet audited');
  });

  it('reads the audit rows that match an entry', () => {
    const audit = { generatedBy: 'hsr audit --seed 1', rows: [{ quantity: 'traceH', leg: 'dense', worstRelativeError: 3.2e-14, pass: true }] };
    const entry = FORMULA_REGISTRY.find((e) => e.id === 'trace-h')!;
    expect(verificationStatus(entry, audit)).toBe('traceH vs dense: worst relative error 3.20e-14 (pass) — from `hsr audit --seed 1`');
    expect(renderFormulasMarkdown(audit)).toContain('`hsr audit --seed 1`');
  });

  it('--check logic reports the first differing line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hsr-docs-'));
    try {
      const files = generateDocsFiles(dir);
      expect(firstDocsDifference(dir, files)).toBe('formulas.md: missing (run pnpm hsr docs)');
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

  it('committed docs/formulas.md, formulas.html and assets are up to date (run pnpm hsr docs)', () => {
    expect(firstDocsDifference(DOCS_DIR)).toBeNull();
  });
});
