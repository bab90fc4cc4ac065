/**
 * `@hsr/crosscheck/symbolic`: what loads the computer-algebra engines (nerdamer and mathjs,
 * about 2 s): the symbolic leg, its named properties, the audit, which runs every leg
 * including these, and the formula sweep, which judges the registry's executable definitions. The package index loads none of it; `checkAgainstOracles` imports the
 * symbolic properties only when asked for `symbolicRuns`.
 */
export type { SymbolicEvaluation } from './symbolicLeg.ts';
export { symbolicBlock, symbolicEvaluation, symbolicGaussNewton, symbolicOrder } from './symbolicLeg.ts';
export { SYMBOLIC_PROPERTIES, traceGradientsEqualMathjs, traceGradientsEqualNerdamer, tracesEqualMathjs, tracesEqualNerdamer } from './symbolicProperties.ts';
export type { AuditReport, AuditRow } from './audit.ts';
export { AUDIT_PROPERTIES, LAYERED_AUDIT_PROPERTIES, auditCase, auditCases, auditGenerated, auditLayeredCase, auditLayeredCases, auditLayeredGenerated } from './audit.ts';
export type { SweepRun } from './formulaSweep.ts';
export { SWEEP_TOLERANCES, describeFailure, judgeMeasurement, runFormulaSweep } from './formulaSweep.ts';
export type { LayeredSymbolicEvaluation } from './layeredSymbolicProperties.ts';
export {
  LAYERED_SYMBOLIC_PROPERTIES,
  layeredSymbolicEvaluation,
  layeredSymbolicOrder,
  layeredSymbolicProperties,
  layeredSymbolicTraceGradientsEqualMathjs,
  layeredSymbolicTraceGradientsEqualNerdamer,
  layeredSymbolicTracesEqualMathjs,
  layeredSymbolicTracesEqualNerdamer,
} from './layeredSymbolicProperties.ts';
