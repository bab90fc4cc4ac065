#!/usr/bin/env python3
"""PyTorch-written safetensors fixtures for @hsr/io's model reader.

Run by hand (`pnpm fixtures:safetensors`, i.e. `python3 tools/golden/safetensors_models.py`
from the repo root). It needs Debian's PyTorch (`/usr/bin/python3`, python3-torch 1.13) and the
`safetensors` package (`pip install safetensors`); tests never need Python.

Each model is exported exactly as a PyTorch user exports one:

    net = nn.Sequential(nn.Linear(d, h), activation, nn.Linear(h, c))
    safetensors.torch.save_file(net.state_dict(), "model.safetensors", metadata={"activation": "tanh"})

and written to packages/io/test/fixtures/pytorch/ beside, computed by torch from the same net:

    <name>.safetensors   the state_dict as save_file wrote it
    <name>.model.json    the same weights as an hsr model JSON (float32 ones widened to float64,
                         each written by repr, so JSON.parse recovers the double exactly)
    data.json            a small data set (inputs rounded to 6 significant digits)
    expected.json        per model: dtype, activation, whether the file stores it, and torch's
                         float64 logits and mean cross-entropy loss on data.json

The TypeScript tests (packages/io/test/modelSource.pytorch.test.ts, test/cli/boundSafetensors.test.ts)
read these; a layout mistake in the reader (a transposed weight, swapped layers) changes the
loss, so agreeing with torch's loss to 1e-12 checks the mapping, not just the bytes.
"""

import json
import os
import sys

try:
    import torch
except ImportError:  # another python3 first on PATH has no torch: use Debian's
    if sys.executable != '/usr/bin/python3' and os.path.exists('/usr/bin/python3'):
        os.execv('/usr/bin/python3', ['/usr/bin/python3', os.path.abspath(__file__), *sys.argv[1:]])
    sys.exit('safetensors_models.py needs PyTorch: apt-get install python3-torch, then run with /usr/bin/python3')
try:
    import safetensors
    import safetensors.torch
except ImportError:
    sys.exit('safetensors_models.py needs the safetensors package: pip install safetensors')

import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
OUT = os.path.join(ROOT, 'packages', 'io', 'test', 'fixtures', 'pytorch')
COMMAND = 'pnpm fixtures:safetensors  (= /usr/bin/python3 tools/golden/safetensors_models.py)'

D, H, C, N = 4, 5, 3, 10

# name, activation module, dtype, biases, metadata stored in the file
MODELS = [
    ('tanh-f64', nn.Tanh, torch.float64, True, {'activation': 'tanh'}),
    ('silu-f32', nn.SiLU, torch.float32, True, {'activation': 'SiLU'}),
    ('gelu-f64-nobias-nometadata', nn.GELU, torch.float64, False, None),
]


def r6(x):
    return float(f'{x:.6g}')


def rows(t):
    return [[float(v) for v in row] for row in t.tolist()]


def main():
    os.makedirs(OUT, exist_ok=True)
    g = torch.Generator().manual_seed(20261201)
    X = torch.tensor([[r6(v) for v in row] for row in torch.randn(N, D, generator=g, dtype=torch.float64).tolist()], dtype=torch.float64)
    y = torch.arange(N) % C
    data = {'X': rows(X), 'y': [int(v) for v in y], 'source': f'tools/golden/safetensors_models.py, torch.randn seeded 20261201'}
    expected = {'torch': torch.__version__, 'safetensors': safetensors.__version__, 'command': COMMAND, 'data': 'data.json', 'models': {}}
    for index, (name, act, dtype, bias, metadata) in enumerate(MODELS):
        torch.manual_seed(7 + index)  # nn.Linear's own initialisation, seeded per model
        net = nn.Sequential(nn.Linear(D, H, bias=bias), act(), nn.Linear(H, C, bias=bias)).to(dtype)
        path = os.path.join(OUT, f'{name}.safetensors')
        safetensors.torch.save_file(net.state_dict(), path, metadata=metadata)
        # Read back through the library, as a second reader of the same bytes.
        back = safetensors.torch.load_file(path)
        for k, v in net.state_dict().items():
            assert torch.equal(back[k], v), k
        wide = net.to(torch.float64)
        with torch.no_grad():
            logits = wide(X)
            loss = F.cross_entropy(logits, y, reduction='mean')
        sd = {k: v.to(torch.float64) for k, v in wide.state_dict().items()}
        model = {'activation': act.__name__.lower(), 'W': rows(sd['0.weight'])}
        if bias:
            model['b'] = [float(v) for v in sd['0.bias']]
        model['V'] = rows(sd['2.weight'])
        if bias:
            model['a'] = [float(v) for v in sd['2.bias']]
        model['source'] = f'tools/golden/safetensors_models.py: the weights of {name}.safetensors'
        with open(os.path.join(OUT, f'{name}.model.json'), 'w') as f:
            json.dump(model, f, indent=1)
            f.write('\n')
        expected['models'][name] = {
            'file': f'{name}.safetensors',
            'modelJson': f'{name}.model.json',
            'dtype': {torch.float64: 'F64', torch.float32: 'F32'}[dtype],
            'activation': act.__name__.lower(),
            'activationInFile': metadata is not None,
            'bias': bias,
            'loss': float(loss),
            'logits': rows(logits),
        }
    with open(os.path.join(OUT, 'data.json'), 'w') as f:
        json.dump(data, f, indent=1)
        f.write('\n')
    with open(os.path.join(OUT, 'expected.json'), 'w') as f:
        json.dump(expected, f, indent=1)
        f.write('\n')
    total = sum(os.path.getsize(os.path.join(OUT, p)) for p in os.listdir(OUT))
    print(f'{len(MODELS)} models, {total} bytes in {os.path.relpath(OUT, ROOT)}')


if __name__ == '__main__':
    main()
