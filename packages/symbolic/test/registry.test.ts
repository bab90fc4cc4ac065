/**
 * The formula registry is complete and honest: every `eq:` label the code cites has an entry,
 * every "verified by" name is an existing property or test file, and no formula the docs call
 * verified is typed as LaTeX: its display is rendered from its executable definitions.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import katex from 'katex';
import { describe, expect, it } from 'vitest';
import { PROPERTIES } from '@hsr/crosscheck';
import { SYMBOLIC_PROPERTIES } from '@hsr/crosscheck/symbolic';
import { renderDisplay } from '../src/notation/latex.ts';
import { FORMULA_REGISTRY, formulaByLabel } from '../src/registry.ts';

const ROOT = resolve(dirname(new URL(import.meta.url).pathname), '../../..');
const GENERATED = new Set(['docs/formulas.md', 'docs/formulas.html', 'docs/derivation.md']);

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.') || name === 'dist' || name === 'assets' || name === 'fixtures' || name === 'data') continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) sourceFiles(path, out);
    else if (/\.(ts|mjs|py|md)$/.test(name) && !GENERATED.has(relative(ROOT, path))) out.push(path);
  }
  return out;
}

const FILES = [...sourceFiles(join(ROOT, 'packages')), ...sourceFiles(join(ROOT, 'test')), ...sourceFiles(join(ROOT, 'tools')), ...sourceFiles(join(ROOT, 'docs')), join(ROOT, 'README.md')];
const TEST_FILES = FILES.filter((f) => f.endsWith('.test.ts'));
const PROPERTY_NAMES = new Set([...Object.keys(PROPERTIES), ...SYMBOLIC_PROPERTIES.map((p) => p.name)]);

/**
 * A "verified by" name is a property, a test file path from the root, or the tail of an existing
 * test file's path (doc comments cite `hessian.test.ts` or, in a package's subfolder,
 * `estimators/xtrace.test.ts`, relative to that package's test/).
 */
function isKnownCheck(name: string): boolean {
  if (PROPERTY_NAMES.has(name)) return true;
  if (name.endsWith('.test.ts')) return existsSync(join(ROOT, name)) || TEST_FILES.some((f) => f.endsWith(`/${name}`));
  return false;
}

describe('formula registry', () => {
  it('has unique ids and labels; every label and alias resolves to its entry', () => {
    const ids = FORMULA_REGISTRY.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    const labels = FORMULA_REGISTRY.flatMap((e) => [e.label, ...e.aliases]);
    expect(new Set(labels).size).toBe(labels.length);
    for (const e of FORMULA_REGISTRY) for (const l of [e.label, ...e.aliases]) expect(formulaByLabel(l).id).toBe(e.id);
  });

  it('has an entry for every eq: label cited in any source file', () => {
    const missing: string[] = [];
    for (const f of FILES)
      for (const m of readFileSync(f, 'utf8').matchAll(/eq:[a-z0-9]+(?:-[a-z0-9]+)*-?/g)) {
        const label = m[0];
        if (label.endsWith('-')) continue; // a template such as `eq:activation-${name}`
        try {
          formulaByLabel(label);
        } catch {
          missing.push(`${relative(ROOT, f)}: ${label}`);
        }
      }
    expect(missing).toEqual([]);
  });

  it('cites in "verified by" only existing properties and test files (the registry and every doc comment)', () => {
    const unknown: string[] = [];
    for (const e of FORMULA_REGISTRY)
      for (const v of e.verifiedBy) {
        const paths = v.match(/[\w./-]+\.test\.ts/g);
        const ok = paths ? paths.every(isKnownCheck) : isKnownCheck(v);
        if (!ok) unknown.push(`${e.id}: ${v}`);
      }
    // In doc comments: the run of backticked names right after "verified by" (`a`, `b` and `c`).
    for (const f of FILES.filter((x) => x.endsWith('.ts')))
      for (const m of readFileSync(f, 'utf8').matchAll(/[Vv]erified by((?:\s*(?:,|and)?\s*(?:\*\s*)?`[^`]+`)+)/g))
        for (const name of m[1]!.matchAll(/`([^`]+)`/g)) if (!isKnownCheck(name[1]!.replace(/^.*\/test\//, ''))) unknown.push(`${relative(ROOT, f)}: ${name[1]}`);
    expect(unknown).toEqual([]);
  });

  it('renders every verified formula from its executable definitions (no display LaTeX typed by hand)', () => {
    for (const e of FORMULA_REGISTRY) {
      if (e.kind === 'specification') continue;
      expect(e.displays.length, e.id).toBeGreaterThan(0);
      expect(e.definitions.length, e.id).toBeGreaterThan(0);
      expect(e.latex).toEqual(e.displays.map((d) => renderDisplay(d.formulas, 'latex')));
    }
    // The only typed display LaTeX in the registry's source is that of the four specifications
    // (an iteration, a decision rule, a stopping rule: their outputs are what is checked).
    const source = readFileSync(join(ROOT, 'packages/symbolic/src/registry.ts'), 'utf8');
    expect((source.match(/^\s*latex: \[/gm) ?? []).length).toBe(4);
    expect(FORMULA_REGISTRY.filter((e) => e.kind === 'specification').map((e) => e.id)).toEqual(['lanczos', 'paired-verdict', 'pyhessian-rules', 'power-iteration']);
  });

  it('lists implementation, verification, derivation and cost for every entry, and the chain in order', () => {
    for (const e of FORMULA_REGISTRY) {
      expect(e.implementation.length, e.id).toBeGreaterThan(0);
      expect(e.verifiedBy.length, e.id).toBeGreaterThan(0);
      expect(e.derivation.length, e.id).toBeGreaterThan(0);
      expect(e.cost, e.id).not.toBe('');
    }
    const chain = FORMULA_REGISTRY.filter((e) => e.chainStep !== undefined).map((e) => e.chainStep!);
    expect(chain).toEqual(chain.map((_, q) => q));
  });

  it('every display line and variable symbol of the registry renders with KaTeX throwOnError', () => {
    let count = 0;
    for (const e of FORMULA_REGISTRY) {
      for (const l of [...e.latex, ...e.variables.map((v) => v.symbol)]) {
        expect(() => katex.renderToString(l, { throwOnError: true }), `${e.id}: ${l}`).not.toThrow();
        count++;
      }
      const inline = [...e.derivation, e.cost, ...e.variables.map((v) => v.meaning), ...e.displays.map((d) => d.caption ?? '')].flatMap((x) => (x.match(/\$[^$]+\$/g) ?? []).map((m) => m.slice(1, -1)));
      for (const l of inline) expect(() => katex.renderToString(l, { throwOnError: true }), `${e.id}: ${l}`).not.toThrow();
    }
    expect(count).toBeGreaterThan(200);
  });

  it('renders the Wolkowicz–Styan bounds for a terminal as hsr bound --help prints them', () => {
    expect(formulaByLabel('eq:ws-bounds').text).toEqual(['m = T1/P and s^2 = max(T2/P - m^2, 0)', 'm + s/sqrt(P-1) <= lambda_max <= m + s sqrt(P-1)', 'm - s sqrt(P-1) <= lambda_min <= m - s/sqrt(P-1)']);
    expect(formulaByLabel('eq:range-bound').text).toEqual(['lambda_max - lambda_min <= s sqrt(2P)']);
  });
});
