export type { NerdamerExpression, MathNode } from './engines.ts';
export { compileMathjs, compileMathjsArray, compileNerdamer, flushNerdamer, math, mathjsDerivative } from './engines.ts';
export type { LossSpec, NetworkShape } from './networkExpressions.ts';
export {
  CROSS_ENTROPY_SPEC,
  applyActivation,
  curvatureGenerators,
  datasetDataSymbols,
  lossOnLogits,
  parameterSymbols,
  rationalText,
  sampleDataSymbols,
  sampleLogitExpressions,
  sampleLossExpression,
} from './networkExpressions.ts';
export type { OuterLayer, SymbolicBoundKind, SymbolicBounds, SymbolicQuantities } from './quantities.ts';
export { mathjsOuterLayer, nerdamerOuterLayer } from './quantities.ts';
export type { DerivationOrder, SymbolicNetwork } from './symbolicNetwork.ts';
export { MATHJS_GELU_SKIP_REASON, activationFormula, deriveMathjsNetwork, deriveNerdamerNetwork } from './symbolicNetwork.ts';
export type { ActivationComparison, ActivationDerivation } from './activation.ts';
export { ACTIVATION_SAMPLE_POINTS, ActivationFormulaError, compileActivation, deriveActivation, derivativeWithErf, parseActivationFormula } from './activation.ts';
export type { Display, FormulaEntry, FormulaVariable } from './registry.ts';
export { FORMULA_REGISTRY, entryOfDefinition, formulaByLabel } from './registry.ts';
export type { RenderOptions } from './katex.ts';
export { inlineKatexCss, katexDistDir, renderLatex } from './katex.ts';
export type { AuditRowLike, AuditSummary, DocsSources } from './docs.ts';
export { auditRowsOf, auditStatus, firstDocsDifference, generateDocsFiles, readAudit, readDocsSources, renderDerivationMarkdown, renderFormulasHtml, renderFormulasMarkdown } from './docs.ts';
export type { SymbolicGaussNewton } from './gaussNewton.ts';
export { deriveGaussNewton } from './gaussNewton.ts';
export type { ActivationFunctions, EvaluationContext, Sizes, Tensor } from './notation/evaluate.ts';
export { Evaluator, tensor } from './notation/evaluate.ts';
export type { Definition, Expr, Extent, Index, Notation, TensorSymbol } from './notation/expression.ts';
export type { Formula, Style } from './notation/latex.ts';
export { renderDisplay, renderExpression, renderFormula } from './notation/latex.ts';
export type { Engine, EntrywiseNetwork, SampleDerivatives } from './entrywise.ts';
export { deriveEntrywise } from './entrywise.ts';
export type { SweepCase } from './verification/cases.ts';
export { FULL_SWEEP, SWEEP_SLICE, buildSweepCase, caseName, caseParameters, sweepCaseByName, variantOf } from './verification/cases.ts';
export type { CaseResult, EngineLimits, LegKind, Measurement, RunOptions, Skip } from './verification/run.ts';
export { SWEEP_LIMITS, verifyCase } from './verification/run.ts';
export type { ComparisonRecord, Coverage, EntryRecord, Judge, Judgement, SkipRecord, VerificationRecord } from './verification/record.ts';
export { buildRecord, describeCoverage, readRecord, serializeRecord } from './verification/record.ts';
export { caseContext, namedActivation } from './verification/context.ts';
export type { LayeredShape, SymbolicLayeredNetwork } from './symbolicLayered.ts';
export { deriveLayeredNetwork, layeredBlockIndices, layeredLogitExpressions, layeredParameterSymbols, layeredShapeOf } from './symbolicLayered.ts';
