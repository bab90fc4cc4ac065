#!/usr/bin/env python3
"""The PyTorch peer of `pnpm bench --peer torch`: the closed-form WS upper bound U and its
gradient as a PyTorch user would write them from docs/formulas.md (eq:trace-h, eq:trace-h2,
eq:gamma-nm, eq:ws-bounds): the Grams of the A_n, S_n and C_n stacks and the g-terms of
Gamma_nm as N x k GEMMs, T1 and T2 from them, grad U by autograd. float64, one thread.

  /usr/bin/python3 tools/peer/torch_peer.py CASE.json OUT.json [--repeat 5] [--warmup-ms 1000]
  /usr/bin/python3 tools/peer/torch_peer.py --gemm M K N OUT.json

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


def run_case(path, out, repeat, warmup_ms):
    with open(path) as f:
        case = json.load(f)
    d, h, c = case['d'], case['h'], case['c']
    W = torch.tensor(case['W']).reshape(h, d)
    V = torch.tensor(case['V']).reshape(c, h)
    Wt0 = torch.cat([W, torch.tensor(case['b'])[:, None]], 1)
    Vt0 = torch.cat([V, torch.tensor(case['a'])[:, None]], 1)
    X = torch.tensor(case['X']).reshape(-1, d)
    y = torch.tensor(case['y'], dtype=torch.long)
    assert case['activation'] == 'tanh', 'the peer is written for the bench configuration (tanh)'

    def once():
        Wt = Wt0.clone().requires_grad_(True)
        Vt = Vt0.clone().requires_grad_(True)
        U = upper_bound(Wt, Vt, X, y, torch.tanh)
        gW, gV = torch.autograd.grad(U, (Wt, Vt))
        return U, gW, gV

    t0, calls = time.perf_counter(), 0
    while calls < 3 or (time.perf_counter() - t0) * 1000 < warmup_ms:
        once()
        calls += 1
    times, cpu = [], []
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        U, gW, gV = once()
        times.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    grad = torch.cat([gW.reshape(-1), gV.reshape(-1)]).tolist()
    with open(out, 'w') as f:
        json.dump({'ms': statistics.median(times), 'cpuMs': statistics.median(cpu), 'times': times, 'U': U.item(),
                   'gradient': grad, 'torch': torch.__version__, 'threads': torch.get_num_threads(),
                   'peakMB': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}, f)


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
    if args[0] == '--gemm':
        run_gemm(int(args[1]), int(args[2]), int(args[3]), args[4])
    else:
        option = lambda name, default: float(args[args.index(name) + 1]) if name in args else default
        run_case(args[0], args[1], int(option('--repeat', 5)), option('--warmup-ms', 1000))
