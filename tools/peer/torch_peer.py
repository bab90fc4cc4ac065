#!/usr/bin/env python3
"""The PyTorch peer of `pnpm bench --peer torch`: the closed-form WS upper bound U and its
gradient as a PyTorch user would write them from docs/formulas.md (eq:trace-h, eq:trace-h2,
eq:gamma-nm, eq:ws-bounds): the Grams of the A_n, S_n and C_n stacks and the g-terms of
Gamma_nm as N x k GEMMs, T1 and T2 from them, grad U by autograd. float64, one thread.

  /usr/bin/python3 tools/peer/torch_peer.py CASE.json OUT.json [--repeat 5] [--warmup-ms 1000]
  /usr/bin/python3 tools/peer/torch_peer.py --gemm M K N OUT.json
  /usr/bin/python3 tools/peer/torch_peer.py --self-check OUT.json

CASE.json is what the bench writes: {"activation": "tanh", "W", "b", "V", "a" (row-major flat
lists), "d", "h", "c", "X" (N x d flat), "y"}. OUT.json gets the median wall-clock ms of U + grad U
over --repeat calls after a warm-up (at least 3 calls and --warmup-ms), U, and grad U flattened in the theta order of
packages/numeric/src/parameters.ts ([W | b] row by row, then [V | a]).
Run it with OPENBLAS_NUM_THREADS=1 (the bench does) for a one-thread comparison.
"""
import json, resource, statistics, sys, time

import torch

torch.set_num_threads(1)
torch.set_default_dtype(torch.float64)


def upper_bound(Wt, Vt, X, y, act):
    """U = T1/P + sqrt((P-1)/P (T2 - T1^2/P)) for tanh/biases/mean/full Hessian."""
    N, c, h = X.shape[0], Vt.shape[0], Wt.shape[0]
    Xt = torch.cat([X, torch.ones(N, 1)], 1)                       # N x d~
    u = Xt @ Wt.T                                                  # N x h
    z = act(u)
    d1, d2 = 1 - z * z, -2 * z * (1 - z * z)                      # tanh' and tanh''
    zt = torch.cat([z, torch.ones(N, 1)], 1)                       # N x h~
    p = torch.softmax(zt @ Vt.T, 1)                                # N x c
    g = p - torch.nn.functional.one_hot(y, c).to(p.dtype)
    V = Vt[:, :h]
    S = torch.diag_embed(p) - p[:, :, None] * p[:, None, :]       # N x c x c
    B = S @ V                                                      # N x c x h
    C = B * d1[:, None, :]
    delta = g @ V                                                  # N x h
    A = d1[:, :, None] * (V.T @ B) * d1[:, None, :] + torch.diag_embed(delta * d2)
    Kx, Kz = Xt @ Xt.T, zt @ zt.T
    trA = torch.diagonal(A, dim1=1, dim2=2).sum(1)
    T1 = (torch.diagonal(Kx) * trA + (1 - (p * p).sum(1)) * torch.diagonal(Kz)).sum() / N
    flat = lambda M: M.reshape(N, -1)
    GA, GS, GC = flat(A) @ flat(A).T, flat(S) @ flat(S).T, flat(C) @ flat(C).T
    Y = B * (d1 * z)[:, None, :]                                   # g-terms: <Y_n, O_m>
    O = g[:, :, None] * d1[:, None, :]
    YO = flat(Y) @ flat(O).T
    OO = (g @ g.T) * (d1 @ d1.T)
    T2 = (Kx * Kx * GA + Kz * Kz * GS + 2 * Kx * (Kz * GC + YO + YO.T + OO)).sum() / N ** 2
    P = Wt.numel() + Vt.numel()
    return T1 / P + torch.sqrt((P - 1) / P * (T2 - T1 * T1 / P))


def deep_traces(Wts, X, y):
    """T1, T2 of the full Hessian of the mean loss of an MLP of any depth (tanh, biases), from
    the per-sample pieces of docs/mathematics.md section 9 (eq:deep-lambda, eq:deep-jacobians,
    eq:deep-trace-h, eq:deep-trace-h2), batched over the samples; nothing P x P is formed.

    Wts[l] = [W_l | b_l] (m_l x (n_l + 1)). Per layer: the augmented inputs a~^l and their Gram
    K^l; the backpropagated delta^l; Lambda^L-1 = S_n, Lambda^l = D W^T Lambda^{l+1} W D +
    diag((W^T delta^{l+1}) phi''). Per pair l > l': F^{l,l'} = du^l/du^{l'} (F^{l'+1,l'} = W D),
    G^{l,l'} = D^{l-1} F^{l-1,l'}, X^{l,l'} = Lambda^l F^{l,l'}, and
    Gamma = K^l <X_n, X_m> + 2 delta_m^T X_n G_m^T a_n + (delta_n . delta_m) <G_n, G_m>.
    """
    L, N = len(Wts), X.shape[0]
    ones = torch.ones(N, 1)
    a, d1, d2 = [torch.cat([X, ones], 1)], [], []                 # a~^l: N x (n_l + 1)
    for l in range(L - 1):
        z = torch.tanh(a[l] @ Wts[l].T)
        d1.append(1 - z * z)                                       # tanh'(u^l)
        d2.append(-2 * z * (1 - z * z))                            # tanh''(u^l)
        a.append(torch.cat([z, ones], 1))
    p = torch.softmax(a[L - 1] @ Wts[L - 1].T, 1)
    g = p - torch.nn.functional.one_hot(y, p.shape[1]).to(p.dtype)
    W = [Wt[:, :-1] for Wt in Wts]
    delta = [None] * L
    delta[L - 1] = g
    for l in range(L - 2, -1, -1):
        delta[l] = d1[l] * (delta[l + 1] @ W[l + 1])
    lam = [None] * L
    lam[L - 1] = torch.diag_embed(p) - p[:, :, None] * p[:, None, :]
    for l in range(L - 2, -1, -1):
        Q = W[l + 1].T @ lam[l + 1] @ W[l + 1]                     # N x m_l x m_l
        lam[l] = d1[l][:, :, None] * Q * d1[l][:, None, :] + torch.diag_embed((delta[l + 1] @ W[l + 1]) * d2[l])
    K = [al @ al.T for al in a]
    flat = lambda M: M.reshape(N, -1)
    gram = lambda M: flat(M) @ flat(M).T
    T1 = sum((torch.diagonal(K[l]) * torch.diagonal(lam[l], dim1=1, dim2=2).sum(1)).sum() for l in range(L)) / N
    T2 = sum((K[l] * K[l] * gram(lam[l])).sum() for l in range(L))
    for lp in range(L - 1):
        F = None
        for l in range(lp + 1, L):
            abar = a[l][:, :-1]                                    # unaugmented input of layer l
            if l == lp + 1:                                        # G = diag phi'^{l'}, F = W_l G
                F = W[l] * d1[lp][:, None, :]
                Xs = lam[l] @ F
                Y = Xs * abar[:, None, :]
                O = delta[l][:, :, None] * d1[lp][:, None, :]
                q = flat(Y) @ flat(O).T                            # q[n, m] = delta_m^T X_n G_m^T a_n
                GG = d1[lp] @ d1[lp].T
            else:
                G = d1[l - 1][:, :, None] * F                      # N x n_l x m_l'
                F = W[l] @ G
                Xs = lam[l] @ F
                Z = torch.matmul(delta[l], Xs)                     # Z[n, m] = X_n^T delta_m: N x N x m_l'
                R = torch.matmul(abar, G)                          # R[m, n] = G_m^T a_n:     N x N x m_l'
                q = (Z * R.transpose(0, 1)).sum(-1)
                GG = gram(G)
            Gamma = K[l] * gram(Xs) + 2 * q + (delta[l] @ delta[l].T) * GG
            T2 = T2 + 2 * (K[lp] * Gamma).sum()
    return T1, T2 / N ** 2


def bound_from_traces(T1, T2, P):
    """eq:ws-bounds, the upper one."""
    return T1 / P + torch.sqrt((P - 1) / P * (T2 - T1 * T1 / P))


def deep_upper_bound(Wts, X, y):
    T1, T2 = deep_traces(Wts, X, y)
    return bound_from_traces(T1, T2, sum(Wt.numel() for Wt in Wts))


def case_runner(case):
    """The case's U + grad U as one call, and the theta order of parameters.ts / deep/model.ts."""
    X = torch.tensor(case['X']).reshape(-1, case['d'])
    y = torch.tensor(case['y'], dtype=torch.long)
    assert case['activation'] == 'tanh', 'the peer is written for the bench configuration (tanh)'
    if 'layers' in case:
        Wts0 = [torch.cat([torch.tensor(ly['W']).reshape(ly['outputs'], ly['inputs']), torch.tensor(ly['b'])[:, None]], 1) for ly in case['layers']]

        def once():
            Wts = [Wt.clone().requires_grad_(True) for Wt in Wts0]
            U = deep_upper_bound(Wts, X, y)
            return U, torch.autograd.grad(U, Wts)
        return once
    d, h, c = case['d'], case['h'], case['c']
    W = torch.tensor(case['W']).reshape(h, d)
    V = torch.tensor(case['V']).reshape(c, h)
    Wt0 = torch.cat([W, torch.tensor(case['b'])[:, None]], 1)
    Vt0 = torch.cat([V, torch.tensor(case['a'])[:, None]], 1)

    def once():
        Wt = Wt0.clone().requires_grad_(True)
        Vt = Vt0.clone().requires_grad_(True)
        U = upper_bound(Wt, Vt, X, y, torch.tanh)
        return U, torch.autograd.grad(U, (Wt, Vt))
    return once


def run_case(path, out, repeat, warmup_ms):
    with open(path) as f:
        once = case_runner(json.load(f))

    t0, calls = time.perf_counter(), 0
    while calls < 3 or (time.perf_counter() - t0) * 1000 < warmup_ms:
        once()
        calls += 1
    times, cpu = [], []
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        U, grads = once()
        times.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    grad = torch.cat([g.reshape(-1) for g in grads]).tolist()
    with open(out, 'w') as f:
        json.dump({'ms': statistics.median(times), 'cpuMs': statistics.median(cpu), 'times': times, 'U': U.item(),
                   'gradient': grad, 'torch': torch.__version__, 'threads': torch.get_num_threads(),
                   'peakMB': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}, f)


SELF_CHECK_WIDTHS = ((3, 4, 2), (3, 4, 3, 2), (2, 3, 4, 2, 3))


def self_check(out):
    """The deep peer against torch's own dense Hessian on tiny nets (L = 2, 3, 4; tanh, nonzero
    biases, mean loss): T1 = tr H, T2 = ||H||_F^2 and U from
    torch.autograd.functional.hessian of F.cross_entropy, grad U by autograd through that
    Hessian (create_graph), against deep_traces / deep_upper_bound and their autograd gradient;
    at L = 2 also against the two-layer peer's upper_bound. OUT.json gets the relative errors;
    the bench compares them with named tolerances and refuses the deep rows when one fails."""
    gen = torch.Generator().manual_seed(7)
    rows = []
    for widths in SELF_CHECK_WIDTHS:
        N = 6
        X = torch.randn(N, widths[0], generator=gen)
        y = torch.arange(N) % widths[-1]
        shapes = [(m, n + 1) for n, m in zip(widths[:-1], widths[1:])]
        theta0 = torch.cat([(0.9 * torch.randn(m * k, generator=gen)) for m, k in shapes])

        def layers(theta):
            out, o = [], 0
            for m, k in shapes:
                out.append(theta[o:o + m * k].reshape(m, k))
                o += m * k
            return out

        def loss(theta):
            a = X
            Wts = layers(theta)
            for Wt in Wts[:-1]:
                a = torch.tanh(a @ Wt[:, :-1].T + Wt[:, -1])
            return torch.nn.functional.cross_entropy(a @ Wts[-1][:, :-1].T + Wts[-1][:, -1], y)

        P = theta0.numel()
        theta = theta0.clone().requires_grad_(True)
        H = torch.autograd.functional.hessian(loss, theta, create_graph=True)
        T1d, T2d = torch.trace(H), (H * H).sum()
        Ud = bound_from_traces(T1d, T2d, P)
        (gd,) = torch.autograd.grad(Ud, theta)
        theta = theta0.clone().requires_grad_(True)
        T1, T2 = deep_traces(layers(theta), X, y)
        U = bound_from_traces(T1, T2, P)
        (g,) = torch.autograd.grad(U, theta)
        rel = lambda x, ref: abs(x.item() - ref.item()) / abs(ref.item())
        row = {'widths': list(widths), 'N': N, 'P': P, 'T1': rel(T1, T1d), 'T2': rel(T2, T2d), 'U': rel(U, Ud),
               'gradient': ((g - gd).abs().max() / gd.abs().max()).item()}
        if len(widths) == 3:
            Wt, Vt = layers(theta0)
            row['twoLayerU'] = rel(upper_bound(Wt, Vt, X, y, torch.tanh), U)
        rows.append(row)
    with open(out, 'w') as f:
        json.dump(rows, f)


def run_gemm(M, K, N, out):
    """G multiply-adds/s of one float64 GEMM (M x K)(K x N) by torch.mm and numpy.dot."""
    import numpy as np
    a, b = torch.randn(M, K), torch.randn(K, N)
    res = {}
    for name, mm, x, w in (('torch', torch.mm, a, b), ('numpy', np.dot, a.numpy(), b.numpy())):
        mm(x, w)
        times = []
        for _ in range(7):
            t0 = time.perf_counter()
            mm(x, w)
            times.append(time.perf_counter() - t0)
        res[name] = M * K * N / statistics.median(times) / 1e9
    with open(out, 'w') as f:
        json.dump(res, f)


if __name__ == '__main__':
    args = sys.argv[1:]
    if args[0] == '--self-check':
        self_check(args[1])
    elif args[0] == '--gemm':
        run_gemm(int(args[1]), int(args[2]), int(args[3]), args[4])
    else:
        option = lambda name, default: float(args[args.index(name) + 1]) if name in args else default
        run_case(args[0], args[1], int(option('--repeat', 5)), option('--warmup-ms', 1000))
