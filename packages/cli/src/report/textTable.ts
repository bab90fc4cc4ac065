/**
 * The verdicts as a plain-text table for `hsr reproduce`'s stdout: one row per claim and method,
 * one column per study, the pooled test over every study, then, when the studies train more than
 * one loss, each loss's own pooled verdict and effect (its own Holm family, verdicts.ts byLoss),
 * so the table says by itself whether a claim carries over from cross-entropy to another loss;
 * and, with deeper studies, each depth's pooled verdict and effect (verdicts.ts byDepth), so it
 * says whether the claim holds beyond three layers.
 */
import { renderTable } from '../output.ts';
import { formatEffect, formatP, type ClaimsSummary } from './verdicts.ts';

export function verdictTable(claims: ClaimsSummary): string {
  const studiesOf = claims.rows[0]?.cells.map((c) => c.study) ?? [];
  const losses = claims.byLoss ?? [];
  const depths = claims.byDepth ?? [];
  const rows: (string | number)[][] = [
    [
      'claim',
      'method',
      ...studiesOf,
      'pooled',
      'effect [95% CI]',
      'Holm p',
      ...losses.flatMap((l) => [l.loss, `${l.loss} effect [95% CI]`]),
      ...depths.flatMap((d) => [`${d.layers} layers`, `${d.layers} layers effect [95% CI]`]),
    ],
  ];
  const pooledOf = (own: { pooled: Parameters<typeof formatEffect>[0] & { verdict: string } } | undefined, scale: 'log' | 'linear') => (own ? [own.pooled.verdict, formatEffect(own.pooled, scale)] : ['no data', '-']);
  for (const row of claims.rows) {
    const same = (r: { claimId: string; method: string }) => r.claimId === row.claimId && r.method === row.method;
    const perLoss = losses.flatMap((l) => pooledOf(l.rows.find(same), row.scale));
    const perDepth = depths.flatMap((d) => pooledOf(d.summary.rows.find(same), row.scale));
    rows.push([row.claimId, row.method, ...row.cells.map((c) => c.verdict), row.pooled.verdict, formatEffect(row.pooled, row.scale), formatP(row.pooled.pAdjusted), ...perLoss, ...perDepth]);
  }
  return renderTable(rows);
}
