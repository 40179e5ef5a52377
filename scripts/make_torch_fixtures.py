"""Writes the PyTorch fixtures that atrous's convolutions are checked against.

    apt-get install -y python3-torch        # Debian's PyTorch (and NumPy) for the system python
    /usr/bin/python3 scripts/make_torch_fixtures.py      # or: npm run fixtures

Outputs (committed, so the tests never need torch):
  fixtures/torch/conv-cases.json   random conv / convTranspose cases over 1-D, 2-D and 3-D: forward output and
                                   the gradients of input, weight and bias for a random upstream gradient
                                   (the "cases" list), and pad cases for `pad`/`padBackward` in every mode
                                   (the "padCases" list)
  fixtures/torch/npy/*.npy         small arrays written by NumPy (dtypes, byte orders, Fortran order, 0-d and
                                   1-d shapes) whose expected values sit in the JSON's "npy" list

Every case stores the options exactly as atrous's API takes them (`conv(x, w, {...options, bias})`), so the test
passes them straight through. Padding forms torch has no argument for are built the way their definition reads:
`[before, after]` pairs, `'causal'` and `'same'` at stride > 1 (ONNX SAME_UPPER) pad explicitly with `F.pad`
(in the case's padding mode) and then convolve unpadded. Inputs are float32; the expected values are computed in
float64 from those float32 inputs and rounded to float32 once, so they carry no float32 accumulation error.
Arrays are base64 of little-endian float32 bytes, row-major.

Re-running with the same seed and torch version writes identical files.
"""
import base64
import json
import os
import random
import sys
import warnings

import numpy as np
import torch
import torch.nn.functional as F

SCHEMA_VERSION = 1
SEED = 20240601
CONV_CASES = 300
TRANSPOSE_CASES = 90
PAD_CASES = 40
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'fixtures', 'torch')

CONV_FN = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}
TRANSPOSE_FN = {1: F.conv_transpose1d, 2: F.conv_transpose2d, 3: F.conv_transpose3d}
MODULE = {1: torch.nn.Conv1d, 2: torch.nn.Conv2d, 3: torch.nn.Conv3d}
# Largest spatial input per rank, to keep the committed JSON small.
MAX_SPATIAL = {1: 16, 2: 9, 3: 5}
MAX_KERNEL = {1: 4, 2: 3, 3: 2}


def encode(t):
    """Base64 of the little-endian float32 bytes of `t`, with its shape."""
    array = np.ascontiguousarray(t.detach().to(torch.float32).numpy()).astype('<f4')
    return {'shape': list(array.shape), 'data': base64.b64encode(array.tobytes()).decode('ascii')}


def float32_tensor(rng, shape):
    """Normal values rounded to float32 (so atrous and torch start from the same numbers), held in float64."""
    values = np.array([rng.gauss(0.0, 1.0) for _ in range(int(np.prod(shape)))], dtype=np.float32)
    return torch.from_numpy(values.reshape(shape).astype(np.float64))


def per_dim(rng, rank, choices, scalar_chance=0.4):
    """A random option value as atrous takes it: a number (same in every dim) or one number per dimension."""
    if rng.random() < scalar_chance:
        value = rng.choice(choices)
        return value, [value] * rank
    values = [rng.choice(choices) for _ in range(rank)]
    return values, values


def same_upper(size, kernel, stride, dilation):
    """ONNX SAME_UPPER / atrous 'same': output ceil(size/stride), the odd extra padding at the end."""
    span = dilation * (kernel - 1) + 1
    out = -(-size // stride)
    total = max(0, (out - 1) * stride + span - size)
    return [total // 2, total - total // 2]


def torch_pad_list(pairs):
    """F.pad wants the last dimension first: [before_last, after_last, before_prev, after_prev, ...]."""
    flat = []
    for before, after in reversed(pairs):
        flat += [before, after]
    return flat


def choose_groups(rng):
    """(groups, input channels per group, output channels per group): plain, grouped, depthwise, multipliers."""
    kind = rng.choice(['plain', 'plain', 'grouped', 'depthwise', 'multiplier'])
    if kind == 'plain':
        return 1, rng.randint(1, 4), rng.randint(1, 4)
    if kind == 'grouped':
        return rng.choice([2, 3]), rng.randint(1, 2), rng.randint(1, 2)
    if kind == 'depthwise':
        return rng.randint(2, 5), 1, 1
    return rng.randint(2, 3), 1, rng.choice([2, 3])


def conv_case(rng, index):
    """One random conv case, or None when the drawn geometry is invalid (the caller draws again)."""
    rank = [1, 1, 2, 2, 2, 3][index % 6]
    groups, cig, cog = choose_groups(rng)
    batch = rng.choice([1, 1, 2])
    kernel = [rng.randint(1, MAX_KERNEL[rank]) for _ in range(rank)]
    size = [rng.randint(1, MAX_SPATIAL[rank]) for _ in range(rank)]
    stride_opt, stride = per_dim(rng, rank, [1, 1, 2, 3] if rank < 3 else [1, 2])
    dilation_opt, dilation = per_dim(rng, rank, [1, 2, 3] if rank < 3 else [1, 2])
    mode = rng.choice(['zeros', 'zeros', 'reflect', 'replicate', 'circular'])
    forms = ['number', 'per-dim', 'pairs', 'valid', 'same', 'same'] + (['causal', 'causal'] if rank == 1 else [])
    form = rng.choice(forms)
    spans = [d * (k - 1) + 1 for k, d in zip(kernel, dilation)]

    if form == 'number':
        amount = rng.randint(0, max(spans) // 2 + 1)
        padding_opt, pairs = amount, [[amount, amount]] * rank
    elif form == 'per-dim':
        amounts = [rng.randint(0, s // 2 + 1) for s in spans]
        padding_opt, pairs = amounts, [[a, a] for a in amounts]
    elif form == 'pairs':
        pairs = [[rng.randint(0, s), rng.randint(0, s)] for s in spans]
        padding_opt = pairs
    elif form == 'valid':
        padding_opt, pairs = 'valid', [[0, 0]] * rank
    elif form == 'same':
        padding_opt = 'same'
        pairs = [same_upper(n, k, s, d) for n, k, s, d in zip(size, kernel, stride, dilation)]
    else:
        padding_opt, pairs = 'causal', [[spans[0] - 1, 0]]

    widest = [max(p) for p in pairs]
    if mode == 'reflect' and any(w >= n for w, n in zip(widest, size)):
        return None
    if mode == 'circular' and any(w > n for w, n in zip(widest, size)):
        return None
    if any(n + b + a < s for n, (b, a), s in zip(size, pairs, spans)):
        return None

    cin, cout = groups * cig, groups * cog
    x = float32_tensor(rng, [batch, cin] + size).requires_grad_()
    w = float32_tensor(rng, [cout, cig] + kernel).requires_grad_()
    has_bias = rng.random() < 0.6
    b = float32_tensor(rng, [cout]).requires_grad_() if has_bias else None

    native = form in ('number', 'per-dim', 'valid') or (form == 'same' and all(s == 1 for s in stride))
    if native and mode == 'zeros':
        how = 'F.conv padding=' + (repr(padding_opt) if isinstance(padding_opt, str) else 'per-dim')
        y = CONV_FN[rank](x, w, b, stride, torch_padding_argument(padding_opt, pairs), dilation, groups)
    elif native:
        how = 'nn.Conv padding_mode=' + mode
        module = MODULE[rank](cin, cout, kernel, stride, torch_padding_argument(padding_opt, pairs),
                              dilation, groups, has_bias, mode)
        y = module._conv_forward(x, w, b)
    else:
        how = 'F.pad(' + ('constant' if mode == 'zeros' else mode) + ') then F.conv'
        padded = F.pad(x, torch_pad_list(pairs), mode='constant' if mode == 'zeros' else mode)
        y = CONV_FN[rank](padded, w, b, stride, 0, dilation, groups)

    options = {'stride': stride_opt, 'padding': padding_opt, 'dilation': dilation_opt, 'groups': groups}
    if mode != 'zeros' or rng.random() < 0.3:
        options['paddingMode'] = mode
    return finish('conv', rank, how, options, x, w, b, y, rng)


def torch_padding_argument(padding_opt, pairs):
    """torch's own `padding` argument for the forms it has: 'valid', 'same' (stride 1) or one amount per dim."""
    return padding_opt if isinstance(padding_opt, str) else [before for before, _ in pairs]


def transpose_case(rng, index):
    """One random convTranspose case, or None when the drawn geometry is invalid."""
    rank = [1, 2, 2, 3][index % 4]
    groups, cig, cog = choose_groups(rng)
    batch = rng.choice([1, 1, 2])
    kernel = [rng.randint(1, MAX_KERNEL[rank]) for _ in range(rank)]
    size = [rng.randint(1, {1: 8, 2: 5, 3: 3}[rank]) for _ in range(rank)]
    stride_opt, stride = per_dim(rng, rank, [1, 2, 3] if rank < 3 else [1, 2])
    dilation_opt, dilation = per_dim(rng, rank, [1, 2, 3] if rank < 3 else [1, 2])
    padding_opt, padding = per_dim(rng, rank, [0, 0, 1, 2])
    limits = [max(s, d) for s, d in zip(stride, dilation)]
    output_padding = [rng.randint(0, l - 1) for l in limits]
    out = [(n - 1) * s - 2 * p + d * (k - 1) + op + 1
           for n, k, s, d, p, op in zip(size, kernel, stride, dilation, padding, output_padding)]
    if any(o < 1 for o in out):
        return None
    cin, cout = groups * cig, groups * cog
    x = float32_tensor(rng, [batch, cin] + size).requires_grad_()
    w = float32_tensor(rng, [cin, cog] + kernel).requires_grad_()
    has_bias = rng.random() < 0.6
    b = float32_tensor(rng, [cout]).requires_grad_() if has_bias else None
    y = TRANSPOSE_FN[rank](x, w, b, stride, padding, output_padding, groups, dilation)
    options = {'stride': stride_opt, 'padding': padding_opt, 'dilation': dilation_opt, 'groups': groups}
    if any(output_padding) or rng.random() < 0.3:
        options['outputPadding'] = output_padding if rng.random() < 0.7 or len(set(output_padding)) > 1 else output_padding[0]
    return finish('convTranspose', rank, 'F.conv_transpose', options, x, w, b, y, rng)


def pad_case(rng, index):
    """One random `pad` case: F.pad in constant (atrous 'zeros' with a fill value), reflect, replicate or circular."""
    rank = [1, 2, 3][index % 3]
    size = [rng.randint(1, MAX_SPATIAL[rank]) for _ in range(rank)]
    mode = ['zeros', 'reflect', 'replicate', 'circular'][(index // 3) % 4]
    limit = {'zeros': 3, 'replicate': 3, 'reflect': None, 'circular': None}[mode]
    pairs = []
    for n in size:
        most = limit if limit is not None else (n - 1 if mode == 'reflect' else n)
        pairs.append([rng.randint(0, most), rng.randint(0, most)])
    # Constant padding may name only the trailing dimensions; the others keep their size.
    padded_dims = rng.randint(1, rank) if mode == 'zeros' else rank
    pairs = pairs[rank - padded_dims:]
    x = float32_tensor(rng, [rng.randint(1, 2), rng.randint(1, 3)] + size).requires_grad_()
    options = {'mode': mode}
    if mode == 'zeros':
        options['value'] = rng.choice([0, 0, 1.5, -2])
        y = F.pad(x, torch_pad_list(pairs), mode='constant', value=options['value'])
    else:
        y = F.pad(x, torch_pad_list(pairs), mode=mode)
    grad_output = float32_tensor(rng, list(y.shape))
    (y * grad_output).sum().backward()
    return {
        'op': 'pad', 'rank': rank, 'torch': 'F.pad', 'padding': pairs, 'options': options,
        'input': encode(x), 'output': encode(y), 'gradOutput': encode(grad_output), 'gradInput': encode(x.grad),
    }


def finish(op, rank, how, options, x, w, b, y, rng):
    """Back-propagates a random upstream gradient and packs the case."""
    grad_output = float32_tensor(rng, list(y.shape))
    (y * grad_output).sum().backward()
    return {
        'op': op,
        'rank': rank,
        'torch': how,
        'options': options,
        'input': encode(x),
        'weight': encode(w),
        'bias': encode(b) if b is not None else None,
        'output': encode(y),
        'gradOutput': encode(grad_output),
        'gradInput': encode(x.grad),
        'gradWeight': encode(w.grad),
        'gradBias': encode(b.grad) if b is not None else None,
    }


def draw(rng, count, make):
    cases = []
    index = 0
    while len(cases) < count:
        case = make(rng, index)
        if case is not None:
            case['id'] = f"{case['op']}-{len(cases):03d}"
            cases.append(case)
            index += 1
    return cases


def write_npy_fixtures(directory):
    """Arrays in the layouts numpy writes; returns their expected values for the JSON."""
    os.makedirs(directory, exist_ok=True)
    arrays = {
        'float64-2x3.npy': np.array([[1.5, -2.25, 3.0], [0.125, 1e-3, -7.0]], dtype='<f8'),
        'int64-4.npy': np.array([-3, 0, 7, 2 ** 40], dtype='<i8'),
        'int32-2x2.npy': np.array([[1, -2], [30000, -2 ** 31]], dtype='<i4'),
        'float32-fortran-2x3x2.npy': np.asfortranarray(np.arange(12, dtype='<f4').reshape(2, 3, 2) - 5.5),
        'float32-bigendian-3x2.npy': np.array([[0.5, -1.0], [2.0, 3.25], [-4.5, 1e6]], dtype='>f4'),
        'float64-bigendian-fortran-2x3.npy': np.asfortranarray((np.array([[1, 2, 3], [4, 5, 6]]) / 8).astype('>f8')),
        'float32-scalar.npy': np.array(42.5, dtype='<f4'),
        'float32-1d-5.npy': np.array([0.0, -0.0, 1.0, -1.5, 3.0e-8], dtype='<f4'),
        'float32-empty-0x3.npy': np.zeros((0, 3), dtype='<f4'),
    }
    entries = []
    for name in sorted(arrays):
        array = arrays[name]
        np.save(os.path.join(directory, name), array, allow_pickle=False)
        entries.append({
            'file': 'npy/' + name,
            'dtype': array.dtype.str,
            'fortranOrder': bool(array.flags.f_contiguous and not array.flags.c_contiguous),
            'shape': list(array.shape),
            'values': [float(v) for v in np.asarray(array, dtype=np.float64).ravel(order='C')],
        })
    return entries


def main():
    # torch warns that 'same' with an even kernel copies the input; that copy is exactly what is being checked.
    warnings.filterwarnings('ignore', message="Using padding='same'")
    torch.manual_seed(SEED)
    torch.set_grad_enabled(True)
    rng = random.Random(SEED)
    cases = draw(rng, CONV_CASES, conv_case) + draw(rng, TRANSPOSE_CASES, transpose_case)
    pad_cases = draw(rng, PAD_CASES, pad_case)
    document = {
        'schemaVersion': SCHEMA_VERSION,
        'generator': 'scripts/make_torch_fixtures.py',
        'torchVersion': torch.__version__,
        'numpyVersion': np.__version__,
        'seed': SEED,
        'encoding': 'base64 of little-endian float32, row-major',
        'computedIn': 'float64 from float32 inputs, rounded to float32',
        'cases': cases,
        'padCases': pad_cases,
        'npy': write_npy_fixtures(os.path.join(ROOT, 'npy')),
    }
    path = os.path.join(ROOT, 'conv-cases.json')
    with open(path, 'w') as f:
        json.dump(document, f, separators=(',', ':'))
        f.write('\n')
    print(f'{len(cases)} cases, {len(pad_cases)} pad cases, {len(document["npy"])} npy files -> {os.path.relpath(path)} '
          f'({os.path.getsize(path) / 1e6:.2f} MB), torch {torch.__version__}, seed {SEED}', file=sys.stderr)


if __name__ == '__main__':
    main()
