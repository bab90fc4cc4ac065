/**
 * Figures and page from synthetic results: every plot renders to an SVG with marks, the band
 * statistics are the seeds' mean/min/max, the page is offline (no http(s) reference, fonts
 * inlined) and its claims table shows the computed verdicts.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RTOL_SAME_FORMULA } from '@hsr/testkit';
import { inlineKatexCss } from '@hsr/symbolic/katex';
import { escapeHtml, evaluateClaims, formatValue, renderSvg, reportPlots, trajectory, writeReport } from '../../src/report/index.ts';
import { syntheticDataset, syntheticResults, type FinalValues } from './synthetic.ts';

const v = (lambdaMax: number, testAccuracy = 0.9): FinalValues => ({ lambdaMax, U: lambdaMax + 0.2, testAccuracy });
const ds = syntheticDataset('toy', {
  plain: [v(1.0), v(1.2)],
  'hsr-step': [v(2.0, 0.5), v(2.2, 0.52)],
  'hsr-penalty': [v(0.5), v(0.55)],
  sam: [v(0.9), v(1.1)],
});
const results = syntheticResults([ds]);

describe('trajectory', () => {
  it('is the mean, min and max over seeds at each recorded epoch', () => {
    const t = trajectory(ds, 'plain', 'λmax', (r) => r.lambdaMax);
    expect(t.map((p) => p.epoch)).toEqual([0, 2, 4]);
    const last = t[2]!;
    expect([last.mean, last.lo, last.hi]).toBeAllClose([1.1, 1.0, 1.2], { rtol: RTOL_SAME_FORMULA });
    expect(last.seeds).toBe(2);
  });

  it('leaves out epochs with no finite value instead of plotting zeros', () => {
    const t = trajectory(ds, 'plain', 'none', () => null);
    expect(t).toEqual([]);
  });
});

describe('figures', () => {
  it('renders every figure to an SVG with drawn marks', async () => {
    const plots = reportPlots(results);
    expect(plots.map((p) => p.id)).toEqual(['summary-lambda-max', 'toy-bounds', 'toy-spectrum', 'toy-negatives', 'toy-accuracy', 'toy-weight-norm', 'toy-relative-sharpness']);
    for (const p of plots) {
      const svg = await renderSvg(p.spec);
      expect(svg.startsWith('<svg'), p.id).toBe(true);
      expect(svg, p.id).toMatch(/class="mark-(line|tick|symbol|rule|area)/);
      expect(svg, p.id).not.toMatch(/NaN/);
    }
  });

  it('puts one tick per eigenvalue in the spectrum plot', async () => {
    const spectrum = reportPlots(results).find((p) => p.id === 'toy-spectrum')!;
    const svg = await renderSvg(spectrum.spec);
    // 4 methods x 2 seeds x 7 eigenvalues (synthetic.ts).
    expect((svg.match(/aria-roledescription="tick"/g) ?? []).length).toBe(56);
  });
});

describe('the page', () => {
  it('is offline: no http(s) resource, KaTeX fonts inlined as woff2 data: URIs', () => {
    const css = inlineKatexCss();
    expect(css).not.toMatch(/url\((?!data:)/);
    expect((css.match(/data:font\/woff2;base64,/g) ?? []).length).toBeGreaterThanOrEqual(15);
  });

  it('writes index.html and results.json with the computed verdicts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hsr-report-test-'));
    const report = await writeReport(results, dir, 'hsr reproduce --test');
    const html = readFileSync(report.indexPath, 'utf8');
    expect(html).not.toMatch(/(src|href)="https?:/);
    expect(html).not.toMatch(/url\(["']?https?:/);
    expect((html.match(/<figure class="plot/g) ?? []).length).toBe(7);
    expect((html.match(/class="katex"/g) ?? []).length).toBeGreaterThanOrEqual(6);
    // hsr-step doubles lambda_max on "toy": the page must say the claim does not hold.
    expect(html).toContain('data-claim="flatter-lambda-max" data-method="hsr-step" data-dataset="toy" data-verdict="does not hold"');
    expect(html).toContain('data-claim="flatter-lambda-max" data-method="hsr-penalty" data-dataset="toy" data-verdict="holds"');
    expect(html).toContain('data-claim="no-accuracy-cost" data-method="hsr-step" data-dataset="toy" data-verdict="does not hold"');
    const json = JSON.parse(readFileSync(report.resultsPath, 'utf8'));
    expect(json.schema).toBe('hsr-reproduce/1');
    expect(json.datasets[0].runs).toHaveLength(8);
    expect(json.claims).toEqual(JSON.parse(JSON.stringify(evaluateClaims(results))));
  });

  it('escapes text and formats missing values', () => {
    expect(escapeHtml('<a href="x">&</a>')).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;');
    expect(formatValue(null)).toBe('–');
    expect(formatValue(NaN)).toBe('–');
    expect(formatValue(0.000012345)).toBe('1.23e-5');
    expect(formatValue(1.23456)).toBe('1.235');
  });
});
