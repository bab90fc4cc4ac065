export { buildProgram } from './main.ts';
export { computeBoundReport, renderBoundReport, type BoundReport } from './commands/bound.ts';
export { UsageError, CheckFailed, runAction, parseNumber, parseChoice } from './errors.ts';
export { formatNumber, printJson, renderTable } from './output.ts';
export { addVariantOptions, readVariant } from './variantFlags.ts';
