/**
 * Symbolic derivation (either engine) vs the closed forms of @hsr/numeric, evaluated in
 * float64: different expression trees for the same exact value, with O(P^2) terms summed
 * for T2 and its gradient; issue 5 asks for relative 1e-10 (the same as RTOL_VS_AUTODIFF).
 */
export const RTOL_SYMBOLIC_VS_NUMERIC = 1e-10;
