/**
 * The verdict on a printed activation derivation (@hsr/symbolic `deriveActivation`): the printed
 * phi', phi'', phi''' against nerdamer's independent derivation at RTOL_ENGINES_AGREE, against a
 * five-point difference of the printed lower derivative at RTOL_ENGINE_VS_FIVE_POINT, and, for a
 * named activation, against @hsr/numeric's table at RTOL_VS_SYMBOLIC. `hsr derive --activation`
 * prints it and exits non-zero when it fails.
 */
import type { ActivationDerivation } from '@hsr/symbolic';
import { RTOL_ENGINE_VS_FIVE_POINT, RTOL_ENGINES_AGREE, RTOL_VS_SYMBOLIC } from './tolerances.ts';

export interface ActivationCheck {
  readonly against: 'nerdamer' | 'five-point-difference' | 'numeric';
  readonly tolerance: number;
  /** Worst |a - b| / max(|b|, 1) over the sample points and orders. */
  readonly worstRelativeError: number;
  readonly pass: boolean;
}

export interface ActivationAgreement {
  readonly checks: readonly ActivationCheck[];
  readonly pass: boolean;
}

const TOLERANCE = { nerdamer: RTOL_ENGINES_AGREE, 'five-point-difference': RTOL_ENGINE_VS_FIVE_POINT, numeric: RTOL_VS_SYMBOLIC } as const;

export function activationAgreement(derivation: ActivationDerivation): ActivationAgreement {
  const checks = derivation.comparisons.map((c) => {
    const tolerance = TOLERANCE[c.against];
    return { against: c.against, tolerance, worstRelativeError: c.worstRelativeError, pass: Number.isFinite(c.worstRelativeError) && c.worstRelativeError <= tolerance };
  });
  return { checks, pass: checks.every((c) => c.pass) };
}
