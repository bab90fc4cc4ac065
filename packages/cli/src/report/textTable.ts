/**
 * The verdicts as a plain-text table for `hsr reproduce`'s stdout: one row per claim and method,
 * one column per study, the pooled test over every study, then, when the studies train more than
 * one loss, each loss's own pooled verdict and effect (its own Holm family, verdicts.ts byLoss),
 * so the table says by itself whether a claim carries over from cross-entropy to another loss.
 */
import { renderTable } from '../output.ts';
import { formatEffect, formatP, type ClaimsSummary } from './verdicts.ts';

export function verdictTable(claims: ClaimsSummary): string {
  const studiesOf = claims.rows[0]?.cells.map((c) => c.study) ?? [];
  const losses = claims.byLoss ?? [];
  const rows: (string | number)[][] = [['claim', 'method', ...studiesOf, 'pooled', 'effect [95% CI]', 'Holm p', ...losses.flatMap((l) => [l.loss, `${l.loss} effect [95% CI]`])]];
  for (const row of claims.rows) {
    const perLoss = losses.flatMap((l) => {
      const own = l.rows.find((r) => r.claimId === row.claimId && r.method === row.method);
      return own ? [own.pooled.verdict, formatEffect(own.pooled, row.scale)] : ['no data', '-'];
    });
    rows.push([row.claimId, row.method, ...row.cells.map((c) => c.verdict), row.pooled.verdict, formatEffect(row.pooled, row.scale), formatP(row.pooled.pAdjusted), ...perLoss]);
  }
  return renderTable(rows);
}
