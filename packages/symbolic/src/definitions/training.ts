/**
 * Training as executable definitions over the parameter vector theta (index a = 1..P): the
 * direction each method hands to the optimizer and the step it adds (eq:train-plain,
 * eq:train-hsr-step, eq:train-hsr-penalty, eq:train-sam; docs/mathematics.md §6), the optimizers'
 * updates with decoupled weight decay (eq:optimizer-sgd, eq:optimizer-momentum, eq:optimizer-adam)
 * and the scale-aware sharpness (eq:relative-sharpness). The sweep checks one step of
 * @hsr/numeric `train` per method and optimizer against these.
 */
import { add, define, div, extent, input, mul, neg, num, pow, ref, sqrt, sub, sum } from '../notation/expression.ts';
import { a, notation } from './network.ts';

const vec = (latex: string, text: string) =>
  notation(
    (ix) => `(${latex})_{${ix[0]}}`,
    (ix) => `${text}[${ix[0]}]`,
  );
export const THETA = input('theta', ['theta'], notation('\\theta', 'theta'), 'the parameters, in theta order');
export const GRAD_L = input('gradL', ['theta'], vec('\\nabla L', 'grad L'), 'gradient of the batch mean loss at $\\theta$');
export const GRAD_U = input('gradUvec', ['theta'], vec('\\nabla U', 'grad U'), 'gradient of the batch bound $U$ at $\\theta$ (eq:bound-gradient)');
export const GRAD_L_SAM = input('gradLsam', ['theta'], vec('\\nabla L(\\theta + \\epsilon)', 'grad L(theta+eps)'), 'gradient of the batch loss at the perturbed point $\\theta + \\epsilon$');
export const ETA = input('eta', [], notation('\\eta', 'eta'), 'learning rate');
export const RHO = input('rho', [], notation('\\rho', 'rho'), "hsr-step's step length and SAM's radius");
export const LAMBDA = input('lambda', [], notation('\\lambda', 'lambda'), "hsr-penalty's weight of $U$");
export const MU = input('mu', [], notation('\\mu', 'mu'), 'momentum');
export const OMEGA = input('omega', [], notation('\\omega', 'omega'), 'decoupled weight decay');
export const BETA1 = input('beta1', [], notation('\\beta_1', 'beta1'), "Adam's first-moment decay (0.9)");
export const BETA2 = input('beta2', [], notation('\\beta_2', 'beta2'), "Adam's second-moment decay (0.999)");
export const EPSILON = input('epsAdam', [], notation('\\varepsilon', 'eps'), "Adam's $\\varepsilon$ ($10^{-8}$)");
export const STEP = input('t', [], notation('t', 't'), 'the step count, from 1');
export const DIRECTION = input('dir', ['theta'], notation('d', 'd'), 'the direction handed to the optimizer');
export const MOMENT1 = input('m', ['theta'], notation('m', 'm'), 'first moment (momentum buffer), 0 before the first step');
export const MOMENT2 = input('vAdam', ['theta'], notation('v', 'v'), "Adam's second moment, 0 before the first step");
export const LAMBDA_MAX_IN = input('lambdaMaxRel', [], notation('\\lambda_{\\max}', 'lambda_max'), 'largest eigenvalue of the Hessian block');

export const NORM_GRAD_U = define('normGradU', [], notation('\\|\\nabla U\\|', '|grad U|'), 'Euclidean norm of $\\nabla U$', sqrt(sum(a, pow(ref(GRAD_U, a), 2))));
export const NORM_GRAD_L = define('normGradL', [], notation('\\|\\nabla L\\|', '|grad L|'), 'Euclidean norm of $\\nabla L$', sqrt(sum(a, pow(ref(GRAD_L, a), 2))));
export const NORM_THETA_SQUARED = define('normTheta2', [], notation('\\|\\theta\\|^2', '|theta|^2', { decorated: true }), 'squared norm of the parameters', sum(a, pow(ref(THETA, a), 2)));

export const DIR_PLAIN = define('dir.plain', [a], notation('d', 'd'), 'plain: the loss gradient', ref(GRAD_L, a));
export const DIR_PENALTY = define('dir.penalty', [a], notation('d', 'd'), 'hsr-penalty: the gradient of $L + \\lambda U$', add(ref(GRAD_L, a), mul(ref(LAMBDA), ref(GRAD_U, a))));
export const HSR_STEP = define('step.hsr', [a], notation('\\Delta', 'Delta'), 'hsr-step: the normalised bound step added after the optimizer', neg(div(mul(ref(RHO), ref(GRAD_U, a)), ref(NORM_GRAD_U))));
export const SAM_EPSILON = define('sam.eps', [a], notation('\\epsilon', 'eps'), "SAM's perturbation", div(mul(ref(RHO), ref(GRAD_L, a)), ref(NORM_GRAD_L)));
export const DIR_SAM = define('dir.sam', [a], notation('d', 'd'), 'SAM: the loss gradient at $\\theta + \\epsilon$', ref(GRAD_L_SAM, a));

const decay = mul(ref(ETA), ref(OMEGA), ref(THETA, a));
export const SGD = define('opt.sgd', [a], notation('\\theta^+', 'theta+', { decorated: true }), 'SGD', sub(sub(ref(THETA, a), mul(ref(ETA), ref(DIRECTION, a))), decay));
export const MOMENTUM_BUFFER = define('opt.momentum.m', [a], notation('m^+', 'm+', { decorated: true }), 'heavy-ball buffer (no dampening)', add(mul(ref(MU), ref(MOMENT1, a)), ref(DIRECTION, a)));
export const MOMENTUM = define(
  'opt.momentum',
  [a],
  notation('\\theta^+', 'theta+', { decorated: true }),
  'heavy-ball momentum (PyTorch convention)',
  sub(sub(ref(THETA, a), mul(ref(ETA), ref(MOMENTUM_BUFFER, a))), decay),
);
export const ADAM_M = define('opt.adam.m', [a], notation('m^+', 'm+', { decorated: true }), 'first moment', add(mul(ref(BETA1), ref(MOMENT1, a)), mul(sub(num(1), ref(BETA1)), ref(DIRECTION, a))));
export const ADAM_V = define('opt.adam.v', [a], notation('v^+', 'v+', { decorated: true }), 'second moment', add(mul(ref(BETA2), ref(MOMENT2, a)), mul(sub(num(1), ref(BETA2)), pow(ref(DIRECTION, a), 2))));
export const ADAM_M_HAT = define('opt.adam.mhat', [a], notation('\\hat m', 'm^'), 'bias-corrected first moment', div(ref(ADAM_M, a), sub(num(1), pow(ref(BETA1), ref(STEP)))));
export const ADAM_V_HAT = define('opt.adam.vhat', [a], notation('\\hat v', 'v^'), 'bias-corrected second moment', div(ref(ADAM_V, a), sub(num(1), pow(ref(BETA2), ref(STEP)))));
export const ADAM = define(
  'opt.adam',
  [a],
  notation('\\theta^+', 'theta+', { decorated: true }),
  'Adam (Kingma & Ba 2015, Alg. 1)',
  sub(sub(ref(THETA, a), div(mul(ref(ETA), ref(ADAM_M_HAT, a)), add(sqrt(ref(ADAM_V_HAT, a)), ref(EPSILON)))), decay),
);

export const RELATIVE_SHARPNESS = define('kappaRel', [], notation('\\kappa_{\\mathrm{rel}}', 'kappa_rel'), 'scale-aware sharpness', div(mul(ref(LAMBDA_MAX_IN), ref(NORM_THETA_SQUARED)), extent('theta')));
