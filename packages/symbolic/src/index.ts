export type { NerdamerExpression, MathNode } from './engines.ts';
export { compileMathjs, compileNerdamer, flushNerdamer, mathjsDerivative } from './engines.ts';
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
export type { ActivationComparison, ActivationDerivation, EngineDerivatives } from './activation.ts';
export { ACTIVATION_SAMPLE_POINTS, compileActivation, deriveActivation } from './activation.ts';
export type { FormulaEntry, FormulaVariable } from './registry.ts';
export { FORMULA_REGISTRY, formulaByLabel } from './registry.ts';
export type { RenderOptions } from './katex.ts';
export { inlineKatexCss, katexDistDir, renderLatex } from './katex.ts';
export type { AuditRowLike, AuditSummary } from './docs.ts';
export { firstDocsDifference, generateDocsFiles, readAudit, renderFormulasHtml, renderFormulasMarkdown, verificationStatus } from './docs.ts';
export type { SymbolicGaussNewton } from './gaussNewton.ts';
export { deriveGaussNewton } from './gaussNewton.ts';
