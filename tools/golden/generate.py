#!/usr/bin/env python3
"""Golden fixtures for @hsr/numeric, computed independently with PyTorch autograd in float64.

Run by hand (`pnpm fixtures`, i.e. `python3 tools/golden/generate.py` from the repo root).
It needs Debian's `python3-torch`, which only Debian's own interpreter /usr/bin/python3 sees;
if the `python3` found first on PATH cannot import torch, this script re-executes itself
with /usr/bin/python3 (see README.md).

Nothing here reuses the toolkit's closed forms. Every expected value comes from the loss
definition (docs/mathematics.md §1) alone:

  u_n = W x_n + b,  z_n = phi(u_n),  v_n = V z_n + a,  L = kappa * sum_n loss(v_n, y_n)

with kappa = 1/N (mean) or 1 (sum) and the case's loss (LOSSES below, from each definition:
cross-entropy -log softmax(v)[y]; label smoothing -sum_k t_k log softmax(v)_k with
t = (1 - eps) e_y + eps/c; mse 1/2 ||v - e_y||^2; binary cross-entropy torch's
binary_cross_entropy_with_logits against e_y, summed over outputs), differentiated by torch.autograd:

  * Hessian:      torch.autograd.functional.hessian(L, theta, create_graph=True), then the
                  block's principal submatrix;
  * Gauss-Newton: kappa * sum_n J_n^T S_n J_n with J_n = d v_n / d theta from
                  torch.autograd.functional.jacobian(create_graph=True), S_n = diag(p_n) - p_n p_n^T
                  for cross-entropy and, for the other losses, S_n = the autograd Hessian of
                  the per-sample loss in v_n;
  * T1 = tr H_b, T2 = sum of squares of H_b, eigenvalues by torch.linalg.eigvalsh;
  * WS bounds (docs/mathematics.md §2) from T1, T2, P; their gradients, and those of T1 and T2, with
    respect to ALL of theta by torch.autograd.grad through the create_graph Hessian.

theta follows the contract of packages/numeric/src/parameters.ts, rebuilt here from its
statement rather than imported: theta = (vec_row [W | b], vec_row [V | a]), i.e. b_i sits
right after row i of W and a_k right after row k of V; without biases, (vec_row W, vec_row V).

Self-checks (the script aborts if any fails): the index table is a permutation; H_b is
symmetric; sum(eig) = T1 and sum(eig^2) = T2; the second-layer blocks of the Hessian and of
the Gauss-Newton matrix agree (v is linear in V and a, so they must); the explicit erf
formula agrees with F.gelu; central differences agree with autograd for the loss gradient
and for every stored gradient along a random direction.
"""

import json
import math
import os
import sys

try:
    import torch
except ImportError:  # the pyenv/other python3 first on PATH has no torch: use Debian's
    if sys.executable != '/usr/bin/python3' and os.path.exists('/usr/bin/python3'):
        os.execv('/usr/bin/python3', ['/usr/bin/python3', os.path.abspath(__file__), *sys.argv[1:]])
    sys.exit('generate.py needs PyTorch: apt-get install python3-torch, then run with /usr/bin/python3')

import torch.nn.functional as F

torch.set_default_dtype(torch.float64)

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
OUT = os.path.join(ROOT, 'packages', 'numeric', 'test', 'golden', 'fixtures')
COMMAND = 'pnpm fixtures  (= /usr/bin/python3 tools/golden/generate.py)'


# ----------------------------------------------------------------------------- activations

def softplus(u):
    # log(1 + e^u) as logaddexp(u, 0): exact in both tails and smooth to every order. Not
    # F.softplus, whose default threshold=20 switches to the identity and would zero phi''
    # (and phi''') for the saturated cases, |u| ~ 10-20.
    return torch.logaddexp(u, torch.zeros_like(u))


ACTIVATIONS = {
    'sigmoid': torch.sigmoid,
    'tanh': torch.tanh,
    'softplus': softplus,
    'silu': lambda u: u * torch.sigmoid(u),
    # exact erf GELU, u * Phi(u); checked against 0.5 u (1 + erf(u / sqrt 2)) in self_check
    'gelu': lambda u: F.gelu(u, approximate='none'),
}


# ----------------------------------------------------------------------------- losses

def one_hot(y, c):
    return F.one_hot(y, c).to(torch.float64)


def label_smoothing_loss(v, y, eps):
    c = v.shape[1]
    t = (1 - eps) * one_hot(y, c) + eps / c
    return -(t * F.log_softmax(v, dim=1)).sum(1)


# Per-sample losses l(v_n, y_n) (a vector of N), each from its definition.
LOSSES = {
    'cross-entropy': lambda v, y, eps: -F.log_softmax(v, dim=1)[torch.arange(v.shape[0]), y],
    'label-smoothing': label_smoothing_loss,
    'mse': lambda v, y, eps: 0.5 * ((v - one_hot(y, v.shape[1])) ** 2).sum(1),
    'binary-cross-entropy': lambda v, y, eps: F.binary_cross_entropy_with_logits(v, one_hot(y, v.shape[1]), reduction='none').sum(1),
}


# ----------------------------------------------------------------------------- theta contract

class Layout:
    """Index table of the flattening contract, built from its statement."""

    def __init__(self, d, h, c, bias):
        self.d, self.h, self.c, self.bias = d, h, c, bias
        dt = d + 1 if bias else d  # width of a row of [W | b]
        ht = h + 1 if bias else h  # width of a row of [V | a]
        self.first = h * dt
        self.P = h * dt + c * ht
        self.W = [[i * dt + j for j in range(d)] for i in range(h)]
        self.b = [i * dt + d for i in range(h)] if bias else None
        self.V = [[self.first + k * ht + l for l in range(h)] for k in range(c)]
        self.a = [self.first + k * ht + h for k in range(c)] if bias else None
        used = [i for row in self.W for i in row] + [i for row in self.V for i in row]
        used += (self.b or []) + (self.a or [])
        assert sorted(used) == list(range(self.P)), 'theta layout is not a permutation'

    def block(self, name):
        return {'all': (0, self.P), 'first': (0, self.first), 'second': (self.first, self.P)}[name]

    def flatten(self, model):
        theta = [0.0] * self.P
        for i in range(self.h):
            for j in range(self.d):
                theta[self.W[i][j]] = model['W'][i][j]
            if self.bias:
                theta[self.b[i]] = model['b'][i]
        for k in range(self.c):
            for l in range(self.h):
                theta[self.V[k][l]] = model['V'][k][l]
            if self.bias:
                theta[self.a[k]] = model['a'][k]
        return torch.tensor(theta)

    def unflatten(self, theta):
        W = theta[torch.tensor(self.W)]
        V = theta[torch.tensor(self.V)]
        b = theta[torch.tensor(self.b)] if self.bias else None
        a = theta[torch.tensor(self.a)] if self.bias else None
        return W, b, V, a


# ----------------------------------------------------------------------------- the network

class Problem:
    def __init__(self, model, X, y, reduction):
        self.act = ACTIVATIONS[model['activation']]
        self.loss_name = model.get('loss', 'cross-entropy')
        self.eps = model.get('labelSmoothing', 0.1)
        h, d, c = len(model['W']), len(model['W'][0]), len(model['V'])
        self.layout = Layout(d, h, c, 'b' in model)
        self.theta0 = self.layout.flatten(model)
        self.X = torch.tensor(X)
        self.y = torch.tensor(y, dtype=torch.long)
        self.N = len(X)
        self.kappa = 1.0 / self.N if reduction == 'mean' else 1.0

    def logits(self, theta):
        W, b, V, a = self.layout.unflatten(theta)
        u = self.X @ W.T
        if b is not None:
            u = u + b
        v = self.act(u) @ V.T
        if a is not None:
            v = v + a
        return v

    def loss(self, theta):
        if self.loss_name == 'cross-entropy':
            logp = F.log_softmax(self.logits(theta), dim=1)
            return -self.kappa * logp[torch.arange(self.N), self.y].sum()
        return self.kappa * LOSSES[self.loss_name](self.logits(theta), self.y, self.eps).sum()

    def logit_curvature(self, v):
        """S_n = d^2 l(v_n, y_n) / d v_n^2 (N x c x c), differentiable w.r.t. v."""
        if self.loss_name == 'cross-entropy':
            p = torch.softmax(v, dim=1)
            return torch.diag_embed(p) - p.unsqueeze(2) * p.unsqueeze(1)
        rows = []
        for n in range(self.N):
            f = lambda vn: LOSSES[self.loss_name](vn.unsqueeze(0), self.y[n:n + 1], self.eps).sum()
            rows.append(torch.autograd.functional.hessian(f, v[n], create_graph=True))
        return torch.stack(rows)

    def curvature(self, theta, curvature):
        """Full P x P Hessian or Gauss-Newton matrix, differentiable w.r.t. theta."""
        if curvature == 'hessian':
            return torch.autograd.functional.hessian(self.loss, theta, create_graph=True)
        J = torch.autograd.functional.jacobian(self.logits, theta, create_graph=True)  # N x c x P
        S = self.logit_curvature(self.logits(theta))
        return self.kappa * torch.einsum('nkp,nkl,nlq->pq', J, S, J)

    def block_curvature(self, theta, variant):
        lo, hi = self.layout.block(variant['block'])
        return self.curvature(theta, variant['curvature'])[lo:hi, lo:hi]


def ws_bounds(T1, T2, P):
    """docs/mathematics.md §2 from traces; works on floats or 0-d tensors (for autograd)."""
    m = T1 / P
    s2 = T2 / P - m * m
    if isinstance(s2, torch.Tensor):
        s = torch.sqrt(torch.clamp(s2, min=0.0))
    else:
        s = math.sqrt(max(s2, 0.0))
    if P == 1:  # one eigenvalue: every bound is it, and the spread is exactly 0
        s = 0.0 * s
        return {'mean': m, 'spread': s, 'lambdaMaxUpper': m, 'lambdaMaxLower': m,
                'lambdaMinUpper': m, 'lambdaMinLower': m, 'rangeUpper': s}
    r = math.sqrt(P - 1)
    return {
        'mean': m,
        'spread': s,
        'lambdaMaxUpper': m + s * r,
        'lambdaMaxLower': m + s / r,
        'lambdaMinUpper': m - s / r,
        'lambdaMinLower': m - s * r,
        'rangeUpper': s * math.sqrt(2 * P),
    }


GRADIENT_FIELDS = {
    'gradTraceH': lambda T1, T2, P: T1,
    'gradTraceH2': lambda T1, T2, P: T2,
    'gradUpper': lambda T1, T2, P: ws_bounds(T1, T2, P)['lambdaMaxUpper'],
    'gradLower': lambda T1, T2, P: ws_bounds(T1, T2, P)['lambdaMinLower'],
    'gradRange': lambda T1, T2, P: ws_bounds(T1, T2, P)['rangeUpper'],
}


def traces(prob, theta, variant):
    H = prob.block_curvature(theta, variant)
    return H, torch.diagonal(H).sum(), (H * H).sum()


def expected_values(prob, variant):
    theta = prob.theta0.clone().requires_grad_(True)
    loss = prob.loss(theta)
    (grad,) = torch.autograd.grad(loss, theta)
    H, T1, T2 = traces(prob, theta, variant)
    P = H.shape[0]
    Hd = H.detach()
    eig = torch.linalg.eigvalsh(Hd)
    t1, t2 = T1.item(), T2.item()
    bounds = ws_bounds(t1, t2, P)
    out = {
        'loss': loss.item(),
        'gradient': grad.tolist(),
        'P': P,
        'traceH': t1,
        'traceH2': t2,
        'eigenvalues': eig.tolist(),
        **{k: float(bounds[k]) for k in ('lambdaMaxUpper', 'lambdaMaxLower', 'lambdaMinUpper', 'lambdaMinLower', 'rangeUpper')},
    }
    checks = {'H': Hd, 'eig': eig, 'grad': grad}
    if P > 1 and bounds['spread'] > 0:
        for name, f in GRADIENT_FIELDS.items():
            (g,) = torch.autograd.grad(f(T1, T2, P), theta, retain_graph=True)
            out[name] = g.tolist()
    else:
        out['gradientsSkipped'] = 's = 0 (P = 1): the bounds are not differentiable there'
    return out, checks


# ----------------------------------------------------------------------------- self-checks

def close(a, b, rtol, scale=None):
    a, b = torch.as_tensor(a), torch.as_tensor(b)
    scale = scale if scale is not None else max(b.abs().max().item(), 1e-300)
    return (a - b).abs().max().item() <= rtol * scale


def self_check(name, prob, variant, exp, checks):
    H, eig = checks['H'], checks['eig']
    hs = H.abs().max().item()
    assert close(H, H.T, 1e-13, hs), f'{name}: block matrix not symmetric'
    assert close(eig.sum(), exp['traceH'], 1e-12, eig.abs().max().item() * len(eig)), f'{name}: sum eig != T1'
    assert close((eig * eig).sum(), exp['traceH2'], 1e-12), f'{name}: sum eig^2 != T2'
    # v is linear in (V, a): the second-layer Hessian block IS the Gauss-Newton block.
    th = prob.theta0.clone()
    second = {'reduction': variant['reduction'], 'block': 'second'}
    Hs = prob.block_curvature(th, {**second, 'curvature': 'hessian'}).detach()
    Gs = prob.block_curvature(th, {**second, 'curvature': 'gauss-newton'}).detach()
    assert close(Hs, Gs, 1e-12), f'{name}: Hessian and Gauss-Newton differ on the second block'
    if prob.loss_name in ('label-smoothing', 'binary-cross-entropy'):
        # the definitions above against torch's own loss functions (and BCE against softplus(v) - y v)
        v = prob.logits(prob.theta0)
        mine = LOSSES[prob.loss_name](v, prob.y, prob.eps).sum()
        if prob.loss_name == 'label-smoothing':
            theirs = F.cross_entropy(v, prob.y, label_smoothing=prob.eps, reduction='sum')
        else:
            theirs = (torch.logaddexp(v, torch.zeros_like(v)) - one_hot(prob.y, v.shape[1]) * v).sum()
        assert close(mine, theirs, 1e-13), f'{name}: loss definition disagrees with torch'
    if prob.act is ACTIVATIONS['gelu']:
        u = torch.linspace(-20, 20, 401)
        ref = 0.5 * u * (1 + torch.erf(u / math.sqrt(2)))
        assert close(prob.act(u), ref, 1e-15, 20.0), f'{name}: F.gelu is not the erf GELU'
    # Central differences along one random direction, for every stored gradient.
    gen = torch.Generator().manual_seed(1234)
    direction = torch.randn(prob.layout.P, generator=gen)
    direction /= direction.norm()
    step = 1e-5 * max(1.0, prob.theta0.abs().max().item())

    def fd(f):
        return (f(prob.theta0 + step * direction) - f(prob.theta0 - step * direction)) / (2 * step)

    def quantity(field):
        if field == 'gradient':
            return lambda th: prob.loss(th).item()
        def q(th):
            _, T1, T2 = traces(prob, th, variant)
            return float(GRADIENT_FIELDS[field](T1.item(), T2.item(), exp['P']))
        return q

    for field in ['gradient', *[k for k in GRADIENT_FIELDS if k in exp]]:
        g = torch.tensor(exp[field])
        analytic = (g @ direction).item()
        numeric = fd(quantity(field))
        # truncation O(step^2) relative to the gradient's size, and the round-off of the two
        # values, O(eps |f| / step): it dominates when f is large and flat (saturated units
        # under mse: T1 ~ 10 with a gradient ~ 1e-10)
        f0 = quantity(field)(prob.theta0)
        tol = 1e-6 * g.norm().item() + 1e-12 + 1e3 * 2.2e-16 * abs(f0) / step
        assert abs(analytic - numeric) <= tol, f'{name}: {field} vs central difference: {analytic} vs {numeric}'


# ----------------------------------------------------------------------------- case data

def r6(x):
    """Round to 6 significant digits: readable fixtures; the stored values are then exact."""
    return float(f'{x:.6g}')


def rows(t):
    return [[r6(x) for x in row] for row in t.tolist()]


def draws(g):
    """The three ways a case draws from its seeded generator g: normal, uniform on [lo, hi) and
    random signs (the two-layer and the deep cases draw in the same ways)."""
    def randn(*shape):
        return torch.randn(*shape, generator=g)

    def uniform(lo, hi, *shape):
        return lo + (hi - lo) * torch.rand(*shape, generator=g)

    def signs(*shape):
        return torch.where(torch.rand(*shape, generator=g) < 0.5, -1.0, 1.0)

    return randn, uniform, signs


def make_case(spec):
    g = torch.Generator().manual_seed(spec['seed'])
    d, h, c, N = spec['d'], spec['h'], spec['c'], spec['N']
    act, bias, weights, inputs = spec['activation'], spec['bias'], spec.get('weights', 'normal'), spec.get('inputs', 'normal')
    randn, uniform, signs = draws(g)

    if inputs == 'orthogonal':
        # N <= d rows of an orthonormal basis, scaled to norms in [1, 2], plus 1e-3 noise:
        # nearly orthogonal samples (the case where cross-sample first-layer terms vanish).
        assert N <= d
        Q, _ = torch.linalg.qr(randn(d, d))
        X = Q[:N] * uniform(1.0, 2.0, N, 1) + 1e-3 * randn(N, d)
    elif weights == 'saturated':
        # Each sample's entries share one sign, and so does each row of W: |u| adds up
        # without cancellation to roughly 10-20 (checked below), on both sides of zero.
        X = signs(N, 1) * uniform(0.8, 1.3, N, d)
    else:
        X = randn(N, d)

    if weights == 'saturated':
        W = signs(h, 1) * uniform(10.0 / (0.8 * d), 18.0 / (1.3 * d), h, d)
        b = uniform(-1.0, 1.0, h)
        V = randn(c, h) * (1.0 if act in ('sigmoid', 'tanh') else 0.1)  # keep the softmax unsaturated
        a = 0.5 * randn(c)
    elif weights == 'tiny':
        W, b, V, a = 1e-3 * randn(h, d), 1e-3 * randn(h), 1e-3 * randn(c, h), 1e-3 * randn(c)
    else:
        W, b, V, a = randn(h, d) / math.sqrt(d), 0.5 * randn(h), randn(c, h), 0.5 * randn(c)

    model = {'activation': act}
    if spec.get('loss', 'cross-entropy') != 'cross-entropy':
        model['loss'] = spec['loss']
        if spec['loss'] == 'label-smoothing' and spec.get('eps') is not None:
            model['labelSmoothing'] = spec['eps']
    model['W'] = rows(W)
    if bias:
        model['b'] = [r6(x) for x in b.tolist()]
    model['V'] = rows(V)
    if bias:
        model['a'] = [r6(x) for x in a.tolist()]
    X = rows(X)
    y = torch.randint(0, c, (N,), generator=g).tolist()
    if N >= c:  # every class present when there is room
        y[:c] = list(range(c))
    return model, {'X': X, 'y': y}


def case(activation, bias, reduction, block, curvature, c, d=3, h=4, N=6, weights='normal', inputs='normal', note='', loss='cross-entropy', eps=None):
    parts = ([] if loss == 'cross-entropy' else [loss] + ([f'eps{eps:g}'] if eps is not None else [])) + [activation, 'bias' if bias else 'nobias', reduction, block, 'gn' if curvature == 'gauss-newton' else 'hessian', f'c{c}']
    if weights != 'normal':
        parts.append(weights)
    if inputs != 'normal':
        parts.append(inputs)
    if N == 1:
        parts.append('n1')
    return {'name': '-'.join(parts), 'activation': activation, 'bias': bias, 'reduction': reduction,
            'block': block, 'curvature': curvature, 'c': c, 'd': d, 'h': h, 'N': N,
            'weights': weights, 'inputs': inputs, 'note': note, 'loss': loss, 'eps': eps}


H, GN = 'hessian', 'gauss-newton'
CASES = [
    # every activation on the default variant
    case('sigmoid', True, 'mean', 'all', H, 3, note='baseline'),
    case('tanh', True, 'mean', 'all', H, 3),
    case('softplus', True, 'mean', 'all', H, 3),
    case('silu', True, 'mean', 'all', H, 3),
    case('gelu', True, 'mean', 'all', H, 3),
    # variants spread over activations: bias off, sum, blocks, Gauss-Newton, c = 2 and 4
    case('sigmoid', False, 'sum', 'first', H, 2),
    case('tanh', False, 'mean', 'second', H, 4),
    case('softplus', True, 'sum', 'second', GN, 2),
    case('silu', False, 'mean', 'first', GN, 3),
    case('gelu', True, 'mean', 'all', GN, 4),
    case('sigmoid', True, 'mean', 'all', GN, 3),
    case('tanh', True, 'sum', 'all', GN, 2),
    case('softplus', False, 'mean', 'first', H, 4),
    case('silu', True, 'sum', 'second', H, 3),
    case('gelu', False, 'sum', 'first', H, 2),
    case('tanh', True, 'mean', 'first', GN, 3, d=4, h=3, N=5),
    case('gelu', True, 'sum', 'all', H, 2, d=5, h=5, N=8, note='largest'),
    # saturated hidden units, |u| ~ 10-20
    case('sigmoid', True, 'mean', 'all', H, 3, weights='saturated'),
    case('tanh', False, 'sum', 'all', H, 3, weights='saturated'),
    case('softplus', True, 'mean', 'first', H, 2, weights='saturated'),
    case('silu', True, 'mean', 'all', GN, 3, weights='saturated'),
    case('gelu', False, 'mean', 'second', H, 4, weights='saturated'),
    case('gelu', True, 'mean', 'all', H, 3, weights='saturated'),
    # tiny weights ~ 1e-3 (softmax near uniform, u near 0)
    case('sigmoid', True, 'mean', 'all', H, 3, weights='tiny'),
    case('tanh', False, 'mean', 'all', H, 2, weights='tiny'),
    case('softplus', True, 'sum', 'all', GN, 4, weights='tiny'),
    case('silu', False, 'mean', 'first', H, 3, weights='tiny'),
    case('gelu', True, 'mean', 'second', GN, 3, weights='tiny'),
    # a single sample
    case('sigmoid', True, 'mean', 'all', H, 3, N=1),
    case('gelu', False, 'sum', 'all', H, 4, N=1),
    case('silu', True, 'mean', 'first', GN, 2, N=1),
    # near-orthogonal inputs
    case('tanh', False, 'mean', 'all', H, 3, d=5, N=4, inputs='orthogonal'),
    case('softplus', False, 'sum', 'first', H, 2, d=4, N=4, inputs='orthogonal'),
    case('sigmoid', True, 'mean', 'all', GN, 3, d=5, N=5, inputs='orthogonal'),
    case('silu', False, 'mean', 'second', H, 4, d=5, N=3, inputs='orthogonal'),
    # P = 1: a single first-layer weight; s = 0, every bound equals the one eigenvalue
    case('tanh', False, 'mean', 'first', H, 2, d=1, h=1, N=3, note='P = 1'),
]

# The other losses: every activation on the default variant, then the variants spread over
# activations (bias off, sum, blocks, Gauss-Newton, c = 2 and 4, saturated hidden units, N = 1).
# Appended after the cross-entropy cases so that those keep their seeds and files byte for byte.
for _loss in ('mse', 'label-smoothing', 'binary-cross-entropy'):
    for _act in ACTIVATIONS:
        CASES.append(case(_act, True, 'mean', 'all', H, 3, loss=_loss))
    CASES += [
        case('sigmoid', False, 'sum', 'first', H, 2, loss=_loss),
        case('tanh', False, 'mean', 'second', H, 4, loss=_loss),
        case('softplus', True, 'sum', 'all', GN, 2, loss=_loss),
        case('silu', True, 'mean', 'all', GN, 4, loss=_loss),
        case('gelu', True, 'mean', 'first', GN, 3, loss=_loss),
        case('tanh', True, 'mean', 'all', H, 3, weights='saturated', loss=_loss),
        case('gelu', False, 'sum', 'all', H, 3, N=1, loss=_loss),
    ]
CASES.append(case('tanh', True, 'mean', 'all', H, 3, loss='label-smoothing', eps=0.3, note='eps = 0.3'))


def check_saturation(spec, model, data):
    if spec['weights'] != 'saturated':
        return
    W = torch.tensor(model['W'])
    u = torch.tensor(data['X']) @ W.T
    if 'b' in model:
        u = u + torch.tensor(model['b'])
    lo, hi = u.abs().min().item(), u.abs().max().item()
    assert 8.0 <= lo and hi <= 22.0, f"{spec['name']}: |u| in [{lo}, {hi}], not saturated as intended"
    return lo, hi


# ----------------------------------------------------------------------------- networks of any depth

DEEP_OUT = os.path.join(ROOT, 'packages', 'numeric', 'test', 'golden', 'fixtures', 'deep')


class DeepLayout:
    """theta = (vec_row [W_0 | b_0], ..., vec_row [W_{L-1} | b_{L-1}]) (deep/model.ts's
    contract, rebuilt from its statement): layer l's slice follows layer l-1's, b_i right after
    row i of W_l. A block of layers is the concatenation of those layers' slices."""

    def __init__(self, widths, bias):
        self.widths, self.bias = widths, bias
        self.L = len(widths) - 1
        self.W, self.b, self.slices = [], [], []
        o = 0
        for l in range(self.L):
            n, m = widths[l], widths[l + 1]
            nt = n + 1 if bias else n
            self.W.append([[o + i * nt + j for j in range(n)] for i in range(m)])
            self.b.append([o + i * nt + n for i in range(m)] if bias else None)
            self.slices.append((o, o + m * nt))
            o += m * nt
        self.P = o
        used = [i for l in range(self.L) for row in self.W[l] for i in row]
        used += [i for l in range(self.L) for i in (self.b[l] or [])]
        assert sorted(used) == list(range(self.P)), 'deep theta layout is not a permutation'

    def indices(self, layers):
        return [i for l in layers for i in range(*self.slices[l])]

    def flatten(self, model):
        theta = [0.0] * self.P
        for l, layer in enumerate(model['layers']):
            for i, row in enumerate(layer['W']):
                for j, x in enumerate(row):
                    theta[self.W[l][i][j]] = x
                if self.bias:
                    theta[self.b[l][i]] = layer['b'][i]
        return torch.tensor(theta)


class DeepProblem:
    """u^l = W_l a^l + b_l, a^{l+1} = phi_l(u^l), v = u^{L-1}; the same loss and reduction as
    Problem. Offers the interface expected_values and self_check use."""

    def __init__(self, model, X, y, reduction):
        L = len(model['layers'])
        names = model.get('activations', [model['activation']] * (L - 1))
        self.acts = [ACTIVATIONS[a] for a in names]
        # self_check's erf test runs when any hidden layer is GELU
        self.act = ACTIVATIONS['gelu'] if 'gelu' in names else self.acts[0]
        self.loss_name = model.get('loss', 'cross-entropy')
        self.eps = model.get('labelSmoothing', 0.1)
        widths = [len(model['layers'][0]['W'][0])] + [len(layer['W']) for layer in model['layers']]
        self.layout = DeepLayout(widths, 'b' in model['layers'][0])
        self.theta0 = self.layout.flatten(model)
        self.X = torch.tensor(X)
        self.y = torch.tensor(y, dtype=torch.long)
        self.N = len(X)
        self.kappa = 1.0 / self.N if reduction == 'mean' else 1.0

    def pre_activations(self, theta):
        lay = self.layout
        a, us = self.X, []
        for l in range(lay.L):
            u = a @ theta[torch.tensor(lay.W[l])].T
            if lay.bias:
                u = u + theta[torch.tensor(lay.b[l])]
            us.append(u)
            if l < lay.L - 1:
                a = self.acts[l](u)
        return us

    def logits(self, theta):
        return self.pre_activations(theta)[-1]

    loss = Problem.loss
    logit_curvature = Problem.logit_curvature
    curvature = Problem.curvature

    def block_curvature(self, theta, variant):
        # self_check's "second" block is the last layer, in which v is linear
        layers = variant['layers'] if 'layers' in variant else {'all': range(self.layout.L), 'second': [self.layout.L - 1]}[variant['block']]
        idx = torch.tensor(self.layout.indices(layers))
        return self.curvature(theta, variant['curvature'])[idx][:, idx]


def deep_case(widths, activation, bias, reduction, layers, curvature, N=5, weights='normal', loss='cross-entropy', note=''):
    """activation: one name, or a list (one per hidden layer); layers: 0-based, None = all."""
    L = len(widths) - 1
    layers = list(range(L)) if layers is None else layers
    acts = activation if isinstance(activation, list) else [activation] * (L - 1)
    block = 'all' if layers == list(range(L)) else 'layers' + ''.join(str(l + 1) for l in layers)
    parts = ([] if loss == 'cross-entropy' else [loss]) + [f'L{L}', '+'.join(acts) if isinstance(activation, list) else activation,
             'bias' if bias else 'nobias', reduction, block, 'gn' if curvature == 'gauss-newton' else 'hessian', f'c{widths[-1]}']
    if weights != 'normal':
        parts.append(weights)
    if N == 1:
        parts.append('n1')
    return {'name': '-'.join(parts), 'widths': widths, 'activations': acts, 'list': isinstance(activation, list), 'bias': bias,
            'reduction': reduction, 'layers': layers, 'curvature': curvature, 'N': N, 'weights': weights, 'loss': loss, 'note': note}


def make_deep_case(spec):
    g = torch.Generator().manual_seed(spec['seed'])
    widths, N, L = spec['widths'], spec['N'], len(spec['widths']) - 1
    d, c = widths[0], widths[-1]
    randn, uniform, signs = draws(g)

    saturated = spec['weights'] == 'saturated'
    X = signs(N, 1) * uniform(0.8, 1.3, N, d) if saturated else randn(N, d)
    layers = []
    for l in range(L):
        n, m = widths[l], widths[l + 1]
        if saturated and l == 0:
            # as in the two-layer cases: |u^0| ~ 10-20 without cancellation (checked below)
            W, b = signs(m, 1) * uniform(10.0 / (0.8 * n), 18.0 / (1.3 * n), m, n), uniform(-1.0, 1.0, m)
        elif saturated:
            # the layer after a saturated one: bounded activations give O(1) inputs, the others
            # inputs up to ~20, so their weights are scaled down to keep the softmax unsaturated
            bounded = spec['activations'][l - 1] in ('sigmoid', 'tanh')
            W, b = randn(m, n) * ((1.0 if bounded else 0.1) / math.sqrt(n)), 0.5 * randn(m)
        elif l == L - 1:
            W, b = randn(m, n), 0.5 * randn(m)
        else:
            W, b = 1.5 * randn(m, n) / math.sqrt(n), 0.5 * randn(m)
        layer = {'W': rows(W)}
        if spec['bias']:
            layer['b'] = [r6(x) for x in b.tolist()]
        layers.append(layer)
    model = {'activation': spec['activations'][0]}
    if spec['list']:
        model['activations'] = spec['activations']
    if spec['loss'] != 'cross-entropy':
        model['loss'] = spec['loss']
    model['layers'] = layers
    y = torch.randint(0, c, (N,), generator=g).tolist()
    if N >= c:
        y[:c] = list(range(c))
    return model, {'X': rows(X), 'y': y}


def check_deep_saturation(spec, model, data):
    if spec['weights'] != 'saturated':
        return None
    u = torch.tensor(data['X']) @ torch.tensor(model['layers'][0]['W']).T
    if spec['bias']:
        u = u + torch.tensor(model['layers'][0]['b'])
    lo, hi = u.abs().min().item(), u.abs().max().item()
    assert 8.0 <= lo and hi <= 22.0, f"{spec['name']}: |u^0| in [{lo}, {hi}], not saturated as intended"
    return lo, hi


L3, L4 = [3, 3, 3, 3], [2, 3, 3, 2, 3]
DEEP_CASES = []
for _w in (L3, L4):
    for _act in ACTIVATIONS:
        DEEP_CASES.append(deep_case(_w, _act, True, 'mean', None, H))
DEEP_CASES += [
    # L = 3: variants spread over activations (bias off, sum, layer blocks, Gauss-Newton)
    deep_case(L3, 'sigmoid', False, 'sum', [0], H),
    deep_case(L3, 'tanh', True, 'mean', [1], H),
    deep_case(L3, 'softplus', True, 'sum', [2], GN),
    deep_case(L3, 'silu', False, 'mean', [0, 2], H),
    deep_case(L3, 'gelu', True, 'mean', [1, 2], GN),
    deep_case(L3, 'sigmoid', True, 'mean', None, GN),
    deep_case(L3, 'tanh', False, 'sum', None, GN),
    deep_case(L3, 'softplus', True, 'mean', [0, 1], H),
    deep_case(L3, ['tanh', 'gelu'], True, 'mean', None, H, note='one activation per hidden layer'),
    deep_case([3, 4, 3, 2], 'gelu', False, 'sum', None, H),
    deep_case(L3, 'silu', True, 'mean', None, H, N=1),
    deep_case(L3, 'tanh', True, 'mean', None, H, weights='saturated'),
    deep_case(L3, 'softplus', True, 'mean', [0, 2], H, weights='saturated'),
    deep_case(L3, 'sigmoid', False, 'sum', None, GN, weights='saturated'),
    deep_case(L3, 'gelu', True, 'mean', None, H, weights='saturated'),
    # L = 4
    deep_case(L4, 'sigmoid', False, 'sum', [0, 2], H),
    deep_case(L4, 'tanh', True, 'mean', [1, 3], H),
    deep_case(L4, 'softplus', True, 'mean', [3], GN),
    deep_case(L4, 'silu', True, 'sum', [0], GN),
    deep_case(L4, 'gelu', False, 'mean', [1, 2], H),
    deep_case(L4, 'tanh', True, 'mean', None, GN),
    deep_case(L4, ['sigmoid', 'silu', 'gelu'], True, 'mean', None, H, note='one activation per hidden layer'),
    deep_case(L4, 'tanh', True, 'mean', None, H, weights='saturated'),
    deep_case(L4, 'silu', False, 'mean', [0, 3], H, weights='saturated'),
    deep_case(L4, 'gelu', True, 'sum', None, H, N=1),
]
# The other losses at L = 3: every activation on the default variant, then bias off with sum,
# a layer block under Gauss-Newton, the last layer alone and saturated units.
for _loss in ('mse', 'label-smoothing', 'binary-cross-entropy'):
    for _act in ACTIVATIONS:
        DEEP_CASES.append(deep_case(L3, _act, True, 'mean', None, H, loss=_loss))
    DEEP_CASES += [
        deep_case(L3, 'sigmoid', False, 'sum', [0], H, loss=_loss),
        deep_case(L3, 'gelu', True, 'mean', [1, 2], GN, loss=_loss),
        deep_case(L3, 'silu', True, 'sum', [2], H, loss=_loss),
        deep_case(L3, 'tanh', True, 'mean', None, H, weights='saturated', loss=_loss),
    ]


def write_deep():
    write_fixtures(DEEP_OUT, DEEP_CASES, 5000, 'deep fixtures', make_deep_case, check_deep_saturation,
                   lambda spec: {'reduction': spec['reduction'], 'curvature': spec['curvature'], 'layers': spec['layers']},
                   DeepProblem, lambda spec: {'widths': spec['widths'], 'N': spec['N']}, '|u^0|', 56)


def write_fixtures(out, cases, seed_base, label, make, saturation, variant_of, problem, shape_of, sat_label, width):
    """Write one fixture per case (seeded seed_base + its position) and the index into out, after
    the generator's self-check of each; the two-layer and the deep sets differ only in these
    arguments."""
    os.makedirs(out, exist_ok=True)
    for f in os.listdir(out):
        if f.endswith('.json'):
            os.remove(os.path.join(out, f))
    names = [s['name'] for s in cases]
    assert len(set(names)) == len(names), f'duplicate case names in {label}'
    index = []
    for seed, spec in enumerate(cases, start=1):
        spec['seed'] = seed_base + seed
        model, data = make(spec)
        sat = saturation(spec, model, data)
        variant = variant_of(spec)
        prob = problem(model, data['X'], data['y'], spec['reduction'])
        exp, checks = expected_values(prob, variant)
        self_check(spec['name'], prob, variant, exp, checks)
        fixture = {
            'name': spec['name'],
            'note': spec['note'],
            'generator': {'command': COMMAND, 'torch': torch.__version__, 'seed': spec['seed']},
            'model': model,
            'data': data,
            'variant': variant,
            'expected': exp,
        }
        with open(os.path.join(out, spec['name'] + '.json'), 'w') as fh:
            fh.write(dump(fixture))
        index.append({'name': spec['name'], 'file': spec['name'] + '.json', 'P': exp['P'], 'thetaSize': prob.layout.P,
                      **shape_of(spec), 'gradients': 'gradTraceH' in exp})
        extra = f'  {sat_label} in [{sat[0]:.1f}, {sat[1]:.1f}]' if sat else ''
        print(f"{spec['name']:{width}s} P={exp['P']:3d}  T1={exp['traceH']:.6g}  eig=[{exp['eigenvalues'][0]:.3g}, {exp['eigenvalues'][-1]:.3g}]{extra}")
    with open(os.path.join(out, 'index.json'), 'w') as fh:
        meta = {'command': COMMAND, 'python': sys.version.split()[0], 'torch': torch.__version__,
                'dtype': 'float64', 'cases': index}
        fh.write(json.dumps(meta, indent=1) + '\n')
    total = sum(os.path.getsize(os.path.join(out, f)) for f in os.listdir(out))
    print(f'{len(cases)} {label}, {total} bytes in {os.path.relpath(out, ROOT)}')


# ----------------------------------------------------------------------------- output

def dump(obj):
    """One key per line, arrays compact: small diffs, small files. json uses float.__repr__,
    the shortest string that round-trips, so JSON.parse recovers every double exactly."""
    def enc(v):
        return json.dumps(v, separators=(',', ':'), allow_nan=False)
    lines = ['{']
    items = list(obj.items())
    for i, (k, v) in enumerate(items):
        comma = ',' if i < len(items) - 1 else ''
        if isinstance(v, dict):
            inner = list(v.items())
            lines.append(f'  {enc(k)}: {{')
            for j, (k2, v2) in enumerate(inner):
                lines.append(f'    {enc(k2)}: {enc(v2)}' + (',' if j < len(inner) - 1 else ''))
            lines.append('  }' + comma)
        else:
            lines.append(f'  {enc(k)}: {enc(v)}{comma}')
    lines.append('}')
    return '\n'.join(lines) + '\n'


def main():
    # --deep: only the fixtures of networks of any depth (fixtures/deep/), leaving the
    # two-layer files as committed (they differ in the last bits under another BLAS, README.md)
    if '--deep' not in sys.argv[1:]:
        write_two_layer()
    write_deep()


def write_two_layer():
    write_fixtures(OUT, CASES, 1000, 'fixtures', make_case, check_saturation,
                   lambda spec: {'reduction': spec['reduction'], 'block': spec['block'], 'curvature': spec['curvature']},
                   Problem, lambda spec: {'d': spec['d'], 'h': spec['h'], 'c': spec['c'], 'N': spec['N']}, '|u|', 48)


if __name__ == '__main__':
    main()
