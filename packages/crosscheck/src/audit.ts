/**
 * The audit: every available named property on one case (or many), folded into a table of
 * quantity x leg with the worst relative error and pass/fail. `hsr audit` prints it.
 */
import fc from 'fast-check';
import type { Dataset, Model, Variant } from '@hsr/numeric';
import { caseArbitrary, type CaseOptions } from './arbitraries.ts';
import { fixedCase, type CheckCase } from './cases.ts';
import { NUMERIC_IMPLEMENTATIONS, type Implementations } from './implementations.ts';
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
