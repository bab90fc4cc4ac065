/**
 * The audit: every available named property on one case (or many), folded into a table of
 * quantity x leg with the worst relative error and pass/fail. `hsr audit` prints it. The two-layer
 * network has its properties (AUDIT_PROPERTIES), MLPs of any depth theirs (LAYERED_AUDIT_PROPERTIES:
 * the layered- properties, with the symbolic leg on tiny networks); one table for both.
 */
import fc from 'fast-check';
import type { Dataset, DeepVariant, LayeredModel, Model, Variant } from '@hsr/numeric';
import { caseArbitrary, layeredCaseArbitrary, type CaseOptions, type LayeredCaseOptions } from './arbitraries.ts';
import { fixedCase, type CheckCase, type LayeredCheckCase } from './cases.ts';
import { NUMERIC_IMPLEMENTATIONS, NUMERIC_LAYERED_IMPLEMENTATIONS, type Implementations, type LayeredImplementations } from './implementations.ts';
import { LAYERED_AUTODIFF_PROPERTIES, LAYERED_GRADIENT_PROPERTIES, LAYERED_HESSIAN_PROPERTIES, type LayeredProperty } from './layeredProperties.ts';
import { layeredSymbolicCaseOptions } from './layeredSymbolicLimits.ts';
import { LAYERED_SYMBOLIC_PROPERTIES } from './layeredSymbolicProperties.ts';
import { AUTODIFF_PROPERTIES, GRADIENT_PROPERTIES, HESSIAN_PROPERTIES, type NamedProperty } from './properties.ts';
import { SYMBOLIC_CASE_OPTIONS } from './symbolicLimits.ts';
import { SYMBOLIC_PROPERTIES } from './symbolicProperties.ts';

export interface AuditRow {
  quantity: string;
  leg: string;
  /** Largest relative error over the cases audited (|error| / max(|expected|, scale)). */
  worstRelativeError: number;
  /** The relative tolerance the row is held to (the loosest of its properties). */
  tolerance: number;
  pass: boolean;
}

export interface AuditReport {
  /** What was checked: the case label, or "N generated cases (seed S)". */
  case: string;
  cases: number;
  pass: boolean;
  rows: AuditRow[];
  /** Properties that did not run (oracle missing) or did not apply (kink, P = 1), with why. */
  notChecked: { property: string; reason: string }[];
  /** For each failing row, the worst element and the case it came from. */
  failures: string[];
}

/** Every property the audit runs, in table order. */
export const AUDIT_PROPERTIES: readonly NamedProperty[] = [...HESSIAN_PROPERTIES, ...GRADIENT_PROPERTIES, ...AUTODIFF_PROPERTIES, ...SYMBOLIC_PROPERTIES];

/** Audit the given cases. */
export function auditCases(cases: readonly CheckCase[], description: string, impl: Implementations = NUMERIC_IMPLEMENTATIONS, properties: readonly NamedProperty[] = AUDIT_PROPERTIES): AuditReport {
  return foldAudit(cases, description, impl, properties);
}

/** Every property of the layered audit (MLPs of any depth), in table order: dense, central differences, autodiff, symbolic. */
export const LAYERED_AUDIT_PROPERTIES: readonly LayeredProperty[] = [...LAYERED_HESSIAN_PROPERTIES, ...LAYERED_GRADIENT_PROPERTIES, ...LAYERED_AUTODIFF_PROPERTIES, ...LAYERED_SYMBOLIC_PROPERTIES];

/** Audit the given layered cases (the same table as `auditCases`, over the layered properties). */
export function auditLayeredCases(
  cases: readonly LayeredCheckCase[],
  description: string,
  impl: LayeredImplementations = NUMERIC_LAYERED_IMPLEMENTATIONS,
  properties: readonly LayeredProperty[] = LAYERED_AUDIT_PROPERTIES,
): AuditReport {
  return foldAudit(cases, description, impl, properties);
}

/** Run every property on every case and fold the parts into quantity x leg rows. */
function foldAudit<C extends { readonly label: string }, I>(cases: readonly C[], description: string, impl: I, properties: readonly NamedProperty<C, I>[]): AuditReport {
  const rows = new Map<string, AuditRow>();
  const notChecked = new Map<string, string>();
  const failures: string[] = [];
  for (const property of properties) {
    for (const c of cases) {
      const o = property.check(c, impl);
      if (o.skipped !== undefined) {
        notChecked.set(property.name, cases.length === 1 ? o.skipped : `skipped on some cases (${o.skipped})`);
        continue;
      }
      for (const p of o.parts) {
        const key = `${p.quantity}\u0000${p.leg}`;
        const row = rows.get(key) ?? { quantity: p.quantity, leg: p.leg, worstRelativeError: 0, tolerance: p.rtol, pass: true };
        row.tolerance = Math.max(row.tolerance, p.rtol);
        row.worstRelativeError = Math.max(row.worstRelativeError, p.worstRelativeError);
        if (!p.ok) {
          row.pass = false;
          failures.push(`${property.name} on ${c.label}: ${p.worst}`);
        }
        rows.set(key, row);
      }
    }
  }
  const list = [...rows.values()];
  return {
    case: description,
    cases: cases.length,
    pass: list.every((r) => r.pass),
    rows: list,
    notChecked: [...notChecked].map(([property, reason]) => ({ property, reason })),
    failures,
  };
}

/** Audit one model and data set under one variant. */
export function auditCase(model: Model, data: Dataset, variant: Variant, label: string, impl?: Implementations): AuditReport {
  return auditCases([fixedCase(model, data, variant, label)], label, impl);
}

/** Audit one layered model and data set under one deep variant. */
export function auditLayeredCase(model: LayeredModel, data: Dataset, variant: DeepVariant, label: string, impl?: LayeredImplementations): AuditReport {
  return auditLayeredCases([{ model, data, variant, label }], label, impl);
}

/**
 * Audit `runs` generated layered cases of depth `depth` drawn with `seed` (layeredCaseArbitrary:
 * tiny widths, per-layer activations, any block of layers, both curvatures, every loss unless
 * `options` restrict them), plus `symbolicRuns` tiny ones (layeredSymbolicCaseOptions, same
 * seed) that both symbolic engines can derive at that depth.
 */
export function auditLayeredGenerated(runs: number, seed: number, depth: number, options: LayeredCaseOptions = {}, impl?: LayeredImplementations, symbolicRuns = Math.min(runs, 2)): AuditReport {
  const cases = fc.sample(layeredCaseArbitrary({ ...options, depth: [depth, depth] }), { numRuns: runs, seed });
  const tinyOptions = { ...layeredSymbolicCaseOptions(depth), ...(options.activations ? { activations: options.activations } : {}), ...(options.losses ? { losses: options.losses } : {}) };
  const tiny = symbolicRuns > 0 ? fc.sample(layeredCaseArbitrary(tinyOptions), { numRuns: symbolicRuns, seed }) : [];
  const description = `${runs} generated case${runs === 1 ? '' : 's'} of depth L = ${depth} (seed ${seed}${options.losses ? `, loss ${options.losses.join(', ')}` : ''})${tiny.length ? `, plus ${tiny.length} tiny case${tiny.length === 1 ? '' : 's'} for the symbolic leg` : ''}`;
  return auditLayeredCases([...cases, ...tiny], description, impl);
}

/**
 * Audit `runs` generated cases drawn with `seed` (every variant unless restricted), plus
 * `symbolicRuns` tiny cases (SYMBOLIC_CASE_OPTIONS, same seed) so the symbolic leg, which only
 * derives networks of a few parameters, has cases it can check whatever `options` allow.
 */
export function auditGenerated(runs: number, seed: number, options: CaseOptions = {}, impl?: Implementations, symbolicRuns = Math.min(runs, 2)): AuditReport {
  const cases = fc.sample(caseArbitrary(options), { numRuns: runs, seed });
  const tiny =
    symbolicRuns > 0
      ? fc.sample(caseArbitrary({ ...SYMBOLIC_CASE_OPTIONS, ...(options.activations ? { activations: options.activations } : {}), ...(options.losses ? { losses: options.losses } : {}) }), { numRuns: symbolicRuns, seed })
      : [];
  const description = `${runs} generated case${runs === 1 ? '' : 's'} (seed ${seed}${options.losses ? `, loss ${options.losses.join(', ')}` : ''})${tiny.length ? `, plus ${tiny.length} tiny case${tiny.length === 1 ? '' : 's'} for the symbolic leg` : ''}`;
  return auditCases([...cases, ...tiny], description, impl);
}
