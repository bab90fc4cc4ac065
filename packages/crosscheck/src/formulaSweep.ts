/**
 * The formula sweep: every executable definition of the formula registry (@hsr/symbolic) on the
 * sweep's shapes against nerdamer, mathjs, @hsr/numeric, the registry's own identities, the dense
 * spectrum and numeric's training step (symbolic verification/run.ts measures; this module
 * judges), aggregated into the verification record the docs render under each entry.
 *
 * Each kind of comparison has its named tolerance (tolerances.ts), relative to the reference's
 * largest magnitude with the absolute floor ATOL_FLOOR:
 *   numeric       RTOL_DEFINITION_VS_NUMERIC   the same sums in another order
 *   engine        RTOL_VS_SYMBOLIC             an engine's derivative compiled to float64
 *   identity      RTOL_DEFINITION_IDENTITY     two definitions claimed equal
 *   same-formula  RTOL_SAME_FORMULA            the same formula, the same inputs (training steps)
 *   spectrum      RTOL_SPECTRUM_ENCLOSURE      the violation of a bound, relative to |lambda_max| + |lambda_min|
 *   lanczos       RTOL_LANCZOS_VS_DENSE        Lanczos at tol 1e-11 against the dense eigenvalues
 *   enumeration   RTOL_VS_ENUMERATION          an estimator's moment against every Rademacher probe (P <= 10)
 *   projections   RTOL_HUTCHPP_VS_PROJECTIONS  Hutch++ against numeric's, relative to ||H||_F
 *   leave-one-out RTOL_XTRACE_VS_LEAVE_ONE_OUT XTrace's leave-one-out bases against numeric's R^{-T} route, relative to ||H||_F
 *   five-point    RTOL_CLOSED_FORM_VS_FIVE_POINT numeric's deep trace gradients against the stencil (step 2e-4 (1 + |theta|)) of the definitions' own T1, T2
 */
import { FORMULA_REGISTRY } from '@hsr/symbolic/registry';
import { buildRecord, FULL_SWEEP, verifyCase, type CaseResult, type Judgement, type LegKind, type Measurement, type RunOptions, type SweepCase, type VerificationRecord } from '@hsr/symbolic';
import {
  ATOL_FLOOR,
  RTOL_CLOSED_FORM_VS_FIVE_POINT,
  RTOL_DEFINITION_IDENTITY,
  RTOL_DEFINITION_VS_NUMERIC,
  RTOL_HUTCHPP_VS_PROJECTIONS,
  RTOL_LANCZOS_VS_DENSE,
  RTOL_SAME_FORMULA,
  RTOL_SPECTRUM_ENCLOSURE,
  RTOL_VS_ENUMERATION,
  RTOL_VS_SYMBOLIC,
  RTOL_XTRACE_VS_LEAVE_ONE_OUT,
} from './tolerances.ts';

export const SWEEP_TOLERANCES: { readonly [K in LegKind]: { readonly rtol: number; readonly atol: number; readonly name: string } } = {
  numeric: { rtol: RTOL_DEFINITION_VS_NUMERIC, atol: ATOL_FLOOR, name: 'RTOL_DEFINITION_VS_NUMERIC' },
  engine: { rtol: RTOL_VS_SYMBOLIC, atol: ATOL_FLOOR, name: 'RTOL_VS_SYMBOLIC' },
  identity: { rtol: RTOL_DEFINITION_IDENTITY, atol: ATOL_FLOOR, name: 'RTOL_DEFINITION_IDENTITY' },
  'same-formula': { rtol: RTOL_SAME_FORMULA, atol: ATOL_FLOOR, name: 'RTOL_SAME_FORMULA' },
  spectrum: { rtol: RTOL_SPECTRUM_ENCLOSURE, atol: 0, name: 'RTOL_SPECTRUM_ENCLOSURE' },
  lanczos: { rtol: RTOL_LANCZOS_VS_DENSE, atol: ATOL_FLOOR, name: 'RTOL_LANCZOS_VS_DENSE' },
  enumeration: { rtol: RTOL_VS_ENUMERATION, atol: ATOL_FLOOR, name: 'RTOL_VS_ENUMERATION' },
  projections: { rtol: RTOL_HUTCHPP_VS_PROJECTIONS, atol: ATOL_FLOOR, name: 'RTOL_HUTCHPP_VS_PROJECTIONS' },
  'leave-one-out': { rtol: RTOL_XTRACE_VS_LEAVE_ONE_OUT, atol: ATOL_FLOOR, name: 'RTOL_XTRACE_VS_LEAVE_ONE_OUT' },
  'five-point': { rtol: RTOL_CLOSED_FORM_VS_FIVE_POINT, atol: ATOL_FLOOR, name: 'RTOL_CLOSED_FORM_VS_FIVE_POINT' },
};

/** Pass iff max |definition - leg| <= atol + rtol * max |leg| (for `spectrum`: the violation <= rtol * scale). */
export function judgeMeasurement(m: Measurement): Judgement {
  const t = SWEEP_TOLERANCES[m.kind];
  const allowed = t.atol + t.rtol * m.scale;
  const ratio = Number.isNaN(m.maxAbsError) ? Infinity : allowed > 0 ? m.maxAbsError / allowed : m.maxAbsError === 0 ? 0 : Infinity;
  return { pass: ratio <= 1, ratio, tolerance: `${t.name} = ${t.rtol}`, scaleFloor: t.rtol > 0 ? t.atol / t.rtol : 0 };
}

export interface SweepRun {
  readonly results: readonly CaseResult[];
  readonly record: VerificationRecord;
  /** Every failing measurement, with its case, for a message. */
  readonly failures: readonly { case: string; measurement: Measurement; judgement: Judgement }[];
}

/** Run `cases` (default: the full sweep) and judge them. */
export function runFormulaSweep(cases: readonly SweepCase[] = FULL_SWEEP, options: RunOptions & { generatedBy?: string; onCase?: (done: number, total: number, r: CaseResult) => void } = {}): SweepRun {
  const results: CaseResult[] = [];
  cases.forEach((c, q) => {
    const r = verifyCase(c, options);
    results.push(r);
    options.onCase?.(q + 1, cases.length, r);
  });
  const failures = results.flatMap((r) =>
    r.measurements.flatMap((m) => {
      const j = judgeMeasurement(m);
      return j.pass ? [] : [{ case: r.name, measurement: m, judgement: j }];
    }),
  );
  const record = buildRecord(
    results,
    judgeMeasurement,
    options.generatedBy ?? 'hsr docs --sweep',
    FORMULA_REGISTRY.map((e) => e.id),
  );
  return { results, record, failures };
}

/** One line per failing measurement. */
export function describeFailure(f: SweepRun['failures'][number]): string {
  const m = f.measurement;
  return `${f.case}: ${m.entry} ${m.quantity} vs ${m.leg}: max |difference| ${m.maxAbsError.toExponential(2)} at scale ${m.scale.toExponential(2)} (${f.judgement.ratio.toFixed(2)}x ${f.judgement.tolerance})`;
}
