/**
 * The verdict on a symbolic activation derivation (@hsr/symbolic `deriveActivation`): nerdamer's
 * phi', phi'', phi''' against mathjs's at RTOL_ENGINES_AGREE, or, where mathjs cannot
 * differentiate the formula (erf), against a five-point difference of nerdamer's own lower
 * derivative at RTOL_ENGINE_VS_FIVE_POINT. `hsr derive --activation` prints it.
 */
import type { ActivationDerivation } from '@hsr/symbolic';
import { RTOL_ENGINE_VS_FIVE_POINT, RTOL_ENGINES_AGREE } from './tolerances.ts';

export interface ActivationAgreement {
  /** Which check ran: both engines, or nerdamer against finite differences (mathjs skipped). */
  readonly against: 'mathjs' | 'five-point-difference';
  readonly tolerance: number;
  /** Worst |a - b| / max(|b|, 1) over the sample points and orders 1..3. */
  readonly worstRelativeError: number;
  readonly pass: boolean;
}

export function activationAgreement(derivation: ActivationDerivation): ActivationAgreement {
  const { against, worstRelativeError } = derivation.comparison;
  const tolerance = against === 'mathjs' ? RTOL_ENGINES_AGREE : RTOL_ENGINE_VS_FIVE_POINT;
  return { against, tolerance, worstRelativeError, pass: Number.isFinite(worstRelativeError) && worstRelativeError <= tolerance };
}
