#!/usr/bin/python3
"""Zoo check, PyTorch side (schema 1; torch 1.13, torchvision 0.14, random weights, seed 0).

For every model: export ONNX (opset 13 unless the model needs more; BatchNorms kept unfused so the file's
weights are PyTorch's parameters), count parameters (sum of p.numel()) and multiply-accumulates (every
F.conv*/F.conv_transpose*/F.linear call: weights x output positions, as atrous counts them), and measure the
receptive field by gradient support in float64 on a copy whose parameters are positive and row-normalized,
activations are identities, and max pools are average pools over the same window (so no path cancels or is
cut off by a max; sigmoid and tanh gates become affine maps of slope 1e-3): for chosen output positions along every spatial dimension (every phase of a block, both
ends), the first and last input index with a non-zero gradient. `scripts/zoo_compare.mjs` then compares the
atrous analysis, the counts and atrous's run against onnxruntime-node.

usage: /usr/bin/python3 scripts/zoo_check.py [--only name,name] [--set dilated|torchvision|all] [--out zoo/models]
Models are written to zoo/models/ (git-ignored), one <name>.onnx, <name>.input.npy and <name>.json each.
"""
import argparse, contextlib, copy, json, math, os, sys, time
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision

SCHEMA = 1
SEED = 0
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


# ---------------------------------------------------------------- dilated architectures written for the check
class WaveNet(nn.Module):
    """Causal WaveNet: gated dilated convs (one conv split into filter and gate by chunk), residual and skip."""
    def __init__(self, channels=8, stacks=3, dilations=tuple(2 ** i for i in range(10))):
        super().__init__()
        self.inp = nn.Conv1d(1, channels, 1)
        self.dilations = [d for _ in range(stacks) for d in dilations]
        self.convs = nn.ModuleList(nn.Conv1d(channels, 2 * channels, 2, dilation=d) for d in self.dilations)
        # The last layer feeds only the skip sum: no residual conv there (an unused one is no part of the export).
        self.res = nn.ModuleList(nn.Conv1d(channels, channels, 1) for _ in self.dilations[:-1])
        self.skip = nn.ModuleList(nn.Conv1d(channels, channels, 1) for _ in self.dilations)
        self.out = nn.Conv1d(channels, 4, 1)

    def forward(self, x):
        h = self.inp(x)
        skips = 0
        for i, (d, conv, skip) in enumerate(zip(self.dilations, self.convs, self.skip)):
            f, g = conv(F.pad(h, (d, 0))).chunk(2, dim=1)
            z = torch.tanh(f) * torch.sigmoid(g)
            if i < len(self.res):
                h = h + self.res[i](z)
            skips = skips + skip(z)
        return self.out(F.relu(skips))


class ChannelNorm(nn.Module):
    """Conv-TasNet's cLN: layer norm over the channels at each time step."""
    def __init__(self, channels):
        super().__init__()
        self.norm = nn.LayerNorm(channels)

    def forward(self, x):
        return self.norm(x.transpose(1, 2)).transpose(1, 2)


class TasNet(nn.Module):
    """Conv-TasNet: encoder conv (L=16, stride 8), TCN blocks (dilations 1..128, x2), mask, transposed decoder."""
    def __init__(self, norm='cln', channels=16, hidden=32, repeats=2, blocks=8):
        super().__init__()
        make_norm = (lambda c: ChannelNorm(c)) if norm == 'cln' else (lambda c: nn.GroupNorm(1, c))
        self.encoder = nn.Conv1d(1, channels, 16, stride=8, bias=False)
        layers = []
        for _ in range(repeats):
            for b in range(blocks):
                d = 2 ** b
                layers.append(nn.Sequential(
                    nn.Conv1d(channels, hidden, 1), nn.PReLU(), make_norm(hidden),
                    nn.Conv1d(hidden, hidden, 3, padding=d, dilation=d, groups=hidden), nn.PReLU(), make_norm(hidden),
                    nn.Conv1d(hidden, channels, 1)))
        self.blocks = nn.ModuleList(layers)
        self.mask = nn.Conv1d(channels, channels, 1)
        self.decoder = nn.ConvTranspose1d(channels, 1, 16, stride=8, bias=False)

    def forward(self, x):
        w = self.encoder(x)
        h = w
        for block in self.blocks:
            h = h + block(h)
        return self.decoder(w * torch.sigmoid(self.mask(h)))


class ENetBottleneck(nn.Module):
    def __init__(self, cin, cout, dilation=1, down=False):
        super().__init__()
        self.down, self.extra = down, cout - cin
        mid = cout // 4
        self.branch = nn.Sequential(
            nn.Conv2d(cin, mid, 2 if down else 1, stride=2 if down else 1, bias=False), nn.BatchNorm2d(mid), nn.PReLU(),
            nn.Conv2d(mid, mid, 3, padding=dilation, dilation=dilation, bias=False), nn.BatchNorm2d(mid), nn.PReLU(),
            nn.Conv2d(mid, cout, 1, bias=False), nn.BatchNorm2d(cout))
        self.act = nn.PReLU()

    def forward(self, x):
        main = x
        if self.down:
            main = F.max_pool2d(x, 2, 2)
        if self.extra:
            # ENet's zero channels, through torch.cat (a constant in the export).
            main = torch.cat([main, torch.zeros(main.shape[0], self.extra, main.shape[2], main.shape[3])], 1)
        return self.act(main + self.branch(x)), None


class ENet(nn.Module):
    """ENet-like: initial block (conv ∥ max pool), downsampling bottlenecks with zero channels (torch.cat of a
    constant), dilated bottlenecks 2/4/8/16, decoder by transposed convs. (PyTorch 1.13 cannot export
    max_unpool2d, and a custom symbolic for it fails in the exporter's peephole pass; MaxUnpool is checked
    against onnxruntime-node in test/onnx/operators.test.ts instead.)"""
    def __init__(self, classes=4):
        super().__init__()
        self.initial = nn.Conv2d(3, 13, 3, stride=2, padding=1)
        self.down1 = ENetBottleneck(16, 32, down=True)
        self.down2 = ENetBottleneck(32, 64, down=True)
        self.middle = nn.ModuleList(ENetBottleneck(64, 64, dilation=d) for d in (1, 2, 4, 8, 16))
        self.up2 = nn.ConvTranspose2d(64, 32, 2, stride=2, bias=False)
        self.dec2 = ENetBottleneck(32, 32)
        self.up1 = nn.ConvTranspose2d(32, 16, 2, stride=2, bias=False)
        self.dec1 = ENetBottleneck(16, 16)
        self.final = nn.ConvTranspose2d(16, classes, 2, stride=2)

    def forward(self, x):
        x = torch.cat([self.initial(x), F.max_pool2d(x, 2, 2)], 1)
        x1, _ = self.down1(x)
        x2, _ = self.down2(x1)
        for block in self.middle:
            x2, _ = block(x2)
        y, _ = self.dec2(self.up2(x2) + x1)
        y = self.up1(y)
        y, _ = self.dec1(y)
        return self.final(y)


class DRN(nn.Module):
    """DRN-D-like: strided stem, residual stages with dilation 2 and 4 instead of stride, degridding tail."""
    def __init__(self, classes=4, w=8):
        super().__init__()
        def block(cin, cout, stride=1, dilation=1):
            return nn.Sequential(nn.Conv2d(cin, cout, 3, stride, dilation, dilation, bias=False), nn.BatchNorm2d(cout), nn.ReLU(),
                                 nn.Conv2d(cout, cout, 3, 1, dilation, dilation, bias=False), nn.BatchNorm2d(cout))
        self.stem = nn.Sequential(nn.Conv2d(3, w, 7, 1, 3, bias=False), nn.BatchNorm2d(w), nn.ReLU(),
                                  nn.Conv2d(w, w, 3, 2, 1, bias=False), nn.ReLU(), nn.Conv2d(w, 2 * w, 3, 2, 1, bias=False), nn.ReLU())
        self.stages = nn.ModuleList([block(2 * w, 4 * w, 2), block(4 * w, 4 * w, 1, 2), block(4 * w, 8 * w, 1, 4), block(8 * w, 8 * w, 1, 2), block(8 * w, 8 * w, 1, 1)])
        self.skips = nn.ModuleList([nn.Conv2d(2 * w, 4 * w, 1, 2, bias=False), None, nn.Conv2d(4 * w, 8 * w, 1, bias=False), None, None])
        self.head = nn.Conv2d(8 * w, classes, 1)

    def forward(self, x):
        x = self.stem(x)
        for stage, skip in zip(self.stages, self.skips):
            x = F.relu(stage(x) + (skip(x) if skip is not None else x))
        return F.interpolate(self.head(x), scale_factor=8, mode='bilinear', align_corners=False)


class Dict2Tensor(nn.Module):
    """Segmentation models return {'out': ...}; the check analyses and runs 'out'."""
    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, x):
        return self.model(x)['out']


class Logits(nn.Module):
    """GoogLeNet/Inception return named tuples in training; eval returns logits, kept for export."""
    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, x):
        y = self.model(x)
        return y if torch.is_tensor(y) else y[0]


def dilated_models():
    return {
        # Inputs larger than the field, so that central outputs have interior windows.
        'wavenet-3x1-512': (lambda: WaveNet(), [1, 1, 4096]),
        'tasnet-cln': (lambda: TasNet('cln'), [1, 1, 12288]),
        'tasnet-gln-groupnorm': (lambda: TasNet('gln'), [1, 1, 2048]),
        'enet': (lambda: ENet(), [1, 3, 608, 608]),
        'drn-d-like': (lambda: DRN(), [1, 3, 384, 384]),
    }


# ---------------------------------------------------------------- torchvision 0.14
def torchvision_models():
    from torchvision.models import list_models, get_model
    import torchvision.models.segmentation as seg
    import torchvision.models.video as video
    out = {}
    for name in list_models(module=torchvision.models):
        # 224 where the architecture fixes it (ViT's position embedding, AlexNet/VGG's adaptive 7×7 pool, which
        # PyTorch exports only for a whole factor; MaxViT's 7×7 windows at every stage), 96 elsewhere to keep the
        # measurement affordable.
        size = 224 if name.startswith(('vit_', 'swin', 'alexnet', 'vgg', 'maxvit')) else 96
        kwargs = {'weights': None}
        if name.startswith('inception') or name == 'googlenet':
            kwargs.update(aux_logits=False, init_weights=False)
        out[name] = (lambda name=name, kwargs=kwargs: Logits(get_model(name, **kwargs)), [1, 3, size, size])
    for name in list_models(module=seg):
        out[name] = (lambda name=name: Dict2Tensor(get_model(name, weights=None, weights_backbone=None, aux_loss=False) if 'lraspp' not in name else get_model(name, weights=None, weights_backbone=None)), [1, 3, 96, 96])
    for name in list_models(module=video):
        # S3D's final 2×7×7 average pool needs 16×224×224. MViT's builders fix 16×224×224 too, where the float64
        # measurement of its attention needs over 23 GB: it is built smaller (SMALL_MVIT: same blocks, position
        # embeddings sized for that input). The rest run small.
        if name.startswith('mvit'):
            out[name] = (lambda name=name: small_mvit(name), [1, 3, *SMALL_MVIT[name]])
            continue
        shape = [1, 3, 16, 224, 224] if name.startswith('s3d') else [1, 3, 8, 64, 64]
        out[name] = (lambda name=name: get_model(name, weights=None), shape)
    return out


# T, H, W of the MViT inputs. PyTorch 1.13's exporter needs over 19 GB for MViT-V2's relative positions at
# 8×112×112 and 3.3 GB at 4×64×64 (the smallest its blocks accept).
SMALL_MVIT = {'mvit_v1_b': (8, 112, 112), 'mvit_v2_s': (4, 64, 64)}


def small_mvit(name):
    """torchvision's MViT with its blocks unchanged, for the smaller inputs above (its builder passes 16×224×224)."""
    import torchvision.models.video.mvit as mvit
    from torchvision.models import get_model
    build = mvit._mvit
    mvit._mvit = lambda **kw: build(**{**kw, 'spatial_size': SMALL_MVIT[name][1:], 'temporal_size': SMALL_MVIT[name][0]})
    try:
        return get_model(name, weights=None)
    finally:
        mvit._mvit = build


# ---------------------------------------------------------------- counting
@contextlib.contextmanager
def counting_macs(batch=1):
    """Counts weights x output positions of every conv, transposed conv (input positions), linear call and
    matmul with a constant, per input sample: positions and rows are all of the output's over the model's batch
    (Swin folds its windows into the batch axis, so a linear on [batch x windows, tokens, C] runs windows x
    tokens rows per sample)."""
    total = [0]
    saved = {}
    def wrap(name, count):
        original = getattr(F, name)
        saved[name] = original
        def counted(*args, **kw):
            y = original(*args, **kw)
            # Only layers the input flows through (see model_counts): layers on constants are folded by any
            # ONNX runtime, atrous included, and run once when the model is planned.
            if args[0].requires_grad:
                total[0] += count(args, kw, y)
            return y
        setattr(F, name, counted)
    def weight_of(args, kw):
        return args[1] if len(args) > 1 else kw['weight']
    # Positions per input sample: a conv on heads folded into the batch axis (MViT's pooling) works on every head.
    per_sample = lambda t: t.numel() // t.shape[1] // batch
    for d in (1, 2, 3):
        wrap(f'conv{d}d', lambda a, k, y: weight_of(a, k).numel() * per_sample(y))
        wrap(f'conv_transpose{d}d', lambda a, k, y: weight_of(a, k).numel() * per_sample(a[0]))
    wrap('linear', lambda a, k, y: weight_of(a, k).numel() * (y.numel() // batch // weight_of(a, k).shape[0]))
    # A matmul of the input's flow with a constant (MViT-V2's temporal relative positions, gathered from a
    # parameter) is a linear layer in all but name: every output element costs the contracted length. A product
    # of two values of the flow (attention scores) has no weights and is not counted.
    matmul = torch.matmul
    def counted_matmul(a, b, *rest, **kw):
        y = matmul(a, b, *rest, **kw)
        if a.requires_grad != b.requires_grad:
            total[0] += y.numel() // batch * a.shape[-1]
        return y
    torch.matmul = counted_matmul
    tensor_matmul = torch.Tensor.__matmul__
    torch.Tensor.__matmul__ = lambda a, b: counted_matmul(a, b)
    try:
        yield total
    finally:
        for name, original in saved.items():
            setattr(F, name, original)
        torch.matmul = matmul
        torch.Tensor.__matmul__ = tensor_matmul


def average_pool(x, kernel, stride, padding, ceil_mode):
    """A max pool's windows, averaged. PyTorch's average pools refuse an input smaller than the kernel even where
    the padding makes up the difference (its max pools accept it: S3D's last 3×3×3 pool on 2×7×7); there the
    padding is applied as zeros first, which adds no path."""
    rank = x.dim() - 2
    per_dim = lambda v: tuple(v) if isinstance(v, (tuple, list)) else (v,) * rank
    kernel, padding = per_dim(kernel), per_dim(padding)
    stride = kernel if stride is None or stride == [] or stride == () else per_dim(stride)
    pool = (F.avg_pool1d, F.avg_pool2d, F.avg_pool3d)[rank - 1]
    if all(n >= k for n, k in zip(x.shape[2:], kernel)):
        return pool(x, kernel, stride, padding, ceil_mode)
    return pool(F.pad(x, [q for p in reversed(padding) for q in (p, p)]), kernel, stride, 0, ceil_mode)


@contextlib.contextmanager
def measuring():
    """Identity activations, affine gates, average pools in place of max pools (module and functional forms)."""
    identity = lambda x, *a, **k: x
    # Gates (sigmoid, tanh) become affine with a small slope: a non-zero derivative everywhere and values near
    # 0.5, so products of gates (WaveNet's tanh·sigmoid) neither explode nor vanish over many layers.
    gate = lambda x, *a, **k: 0.5 + 1e-3 * x
    patches = {
        'relu': identity, 'relu6': identity, 'hardtanh': identity, 'hardswish': identity, 'hardsigmoid': gate,
        'silu': identity, 'gelu': identity, 'elu': identity, 'leaky_relu': identity, 'mish': identity, 'sigmoid': gate, 'tanh': gate,
        'prelu': identity,
        'max_pool1d': lambda x, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False: average_pool(x, kernel_size, stride, padding, ceil_mode) if dilation in (1, (1,)) else refuse('dilated max pool'),
        'max_pool2d': lambda x, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False: average_pool(x, kernel_size, stride, padding, ceil_mode),
        'max_pool3d': lambda x, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False: average_pool(x, kernel_size, stride, padding, ceil_mode),
        'adaptive_max_pool1d': lambda x, size, return_indices=False: F.adaptive_avg_pool1d(x, size),
        'adaptive_max_pool2d': lambda x, size, return_indices=False: F.adaptive_avg_pool2d(x, size),
        'adaptive_max_pool3d': lambda x, size, return_indices=False: F.adaptive_avg_pool3d(x, size),
    }
    saved_f = {name: getattr(F, name) for name in patches if hasattr(F, name)}
    saved_t = {name: getattr(torch, name) for name in ('sigmoid', 'tanh', 'relu', 'max_pool2d', 'max_pool1d', 'max_pool3d') if hasattr(torch, name)}
    avg = {'max_pool1d': patches['max_pool1d'], 'max_pool2d': patches['max_pool2d'], 'max_pool3d': patches['max_pool3d']}
    try:
        for name in saved_f:
            setattr(F, name, patches[name])
        for name in saved_t:
            setattr(torch, name, avg.get(name, identity if name == 'relu' else gate))
        nn.Sigmoid.forward = lambda self, x: gate(x)
        nn.Tanh.forward = lambda self, x: gate(x)
        for pool in (nn.MaxPool1d, nn.MaxPool2d, nn.MaxPool3d):
            pool.forward = lambda self, x: average_pool(x, self.kernel_size, self.stride, self.padding, self.ceil_mode)
        yield
    finally:
        for name, f in saved_f.items():
            setattr(F, name, f)
        for name, f in saved_t.items():
            setattr(torch, name, f)
        for cls, fwd in ORIGINAL_FORWARDS.items():
            cls.forward = fwd


ORIGINAL_FORWARDS = {cls: cls.forward for cls in (nn.Sigmoid, nn.Tanh, nn.MaxPool1d, nn.MaxPool2d, nn.MaxPool3d)}


def refuse(what):
    raise RuntimeError(f'cannot measure a {what}')


def positive_copy(model):
    """float64; weights positive and normalized over their fan-in, vectors positive; BN statistics neutral."""
    m = copy.deepcopy(model).double().eval()
    g = torch.Generator().manual_seed(SEED + 1)
    with torch.no_grad():
        for p in m.parameters():
            v = torch.rand(p.shape, generator=g, dtype=torch.float64) + 0.1
            if p.dim() >= 2:
                v = v / v.flatten(1).sum(1).reshape(-1, *([1] * (p.dim() - 1)))
            p.copy_(v)
        for mod in m.modules():
            if isinstance(mod, nn.modules.batchnorm._BatchNorm) and mod.running_mean is not None:
                mod.running_mean.zero_()
                mod.running_var.fill_(1.0)
    return m


def measure_support(model, shape, block):
    """Per spatial dim d: for output positions along d (others at the centre), the input index range with a
    non-zero gradient (projected on d). Positions: `block` consecutive ones at the centre and both ends."""
    m = positive_copy(model)
    x = torch.rand(shape, dtype=torch.float64, generator=torch.Generator().manual_seed(SEED + 2)) + 0.5
    with measuring():
        y0 = m(x.clone())
    out_spatial = list(y0.shape[2:])
    rank_in = len(shape) - 2
    rows = []
    if len(out_spatial) != rank_in:
        # A classifier (no output grid): the support of the first logit.
        xg = x.clone().requires_grad_(True)
        with measuring():
            y = m(xg)
        y.reshape(y.shape[0], -1)[:, 0].sum().backward()
        rows.append({'dim': None, 'o': None, 'range': support(xg.grad, rank_in)})
        return {'outputSpatial': out_spatial, 'rows': rows}
    centre = [n // 2 for n in out_spatial]
    for d, n in enumerate(out_spatial):
        mid = max(0, min(n - block, n // 2 - block // 2))
        positions = sorted(set(list(range(mid, min(n, mid + block))) + [0, 1, n - 2, n - 1]) & set(range(n)))
        for o in positions:
            xg = x.clone().requires_grad_(True)
            with measuring():
                y = m(xg)
            at = list(centre)
            at[d] = o
            y[(slice(None), slice(None), *at)].sum().backward()
            rows.append({'dim': d, 'o': at, 'range': support(xg.grad, rank_in)})
    return {'outputSpatial': out_spatial, 'rows': rows}


def support(grad, rank):
    mask = grad.abs().sum(dim=(0, 1)) > 0
    ranges = []
    for d in range(rank):
        line = mask
        for i in reversed(range(rank)):
            if i != d:
                line = line.any(dim=i)
        idx = torch.nonzero(line).flatten()
        ranges.append(None if idx.numel() == 0 else [int(idx[0]), int(idx[-1])])
    return ranges


@contextlib.contextmanager
def exportable_zeroing():
    """PyTorch 1.13 cannot export `Tensor.zero_` (Swin-V2 zeroes its key bias inside forward); multiplying by
    zero in place computes the same for finite values and exports."""
    original = torch.Tensor.zero_
    torch.Tensor.zero_ = lambda self: self.mul_(0)
    try:
        yield
    finally:
        torch.Tensor.zero_ = original


def check(name, make, shape, out_dir, opset, block):
    torch.manual_seed(SEED)
    model = make().eval()
    with torch.no_grad():
        # Perturb every tensor: the exporter merges initializers with equal values (fresh BatchNorms are all
        # ones and zeros), which would hide parameters from the file; random statistics keep BN non-trivial.
        # Zero-mean noise keeps deep stacks from drifting; variances are scaled, never shifted.
        for mod in model.modules():
            for key, t in list(mod.named_parameters(recurse=False)) + list(mod.named_buffers(recurse=False)):
                if not t.is_floating_point():
                    continue
                if key == 'running_var':
                    t.mul_(1 + 0.1 * torch.rand(t.shape))
                else:
                    t.add_((torch.rand(t.shape) - 0.5) * 1e-3)
    x = torch.randn(shape, generator=torch.Generator().manual_seed(SEED + 3))
    params, macs, y = model_counts(model, x)
    path = os.path.join(out_dir, f'{name}.onnx')
    with exportable_zeroing():
        torch.onnx.export(model, (x,), path, opset_version=opset, input_names=['input'], output_names=['output'],
                          do_constant_folding=False, training=torch.onnx.TrainingMode.PRESERVE)
    np.save(os.path.join(out_dir, f'{name}.input.npy'), x.numpy().astype(np.float32))
    np.save(os.path.join(out_dir, f'{name}.torch.npy'), y.detach().numpy().astype(np.float32))
    t = time.time()
    measured = measure_support(model, shape, block)
    return {'schema': SCHEMA, 'name': name, 'torch': torch.__version__, 'torchvision': torchvision.__version__, 'seed': SEED,
            'opset': opset, 'inputShape': shape, 'params': params, 'macs': macs, 'measureSeconds': round(time.time() - t, 1), **measured}


def model_counts(model, x):
    """(weights, MACs per input sample, output) as an ONNX file of the model holds and runs them.

    Weights: the parameters and the float buffers other than BatchNorm statistics, which an export stores alike
    as initializers (a file does not say which is which; Swin-V2's coordinate table is such a buffer).
    MACs: the conv and linear calls the input flows through, found by letting only the input require a
    gradient (Swin-V2's position-bias MLP over its fixed table runs on constants, which a runtime folds once)."""
    statistics = {id(b) for m in model.modules() if isinstance(m, nn.modules.batchnorm._NormBase) for b in (m.running_mean, m.running_var) if b is not None}
    weights = sum(p.numel() for p in model.parameters())
    weights += sum(b.numel() for b in model.buffers() if b.is_floating_point() and id(b) not in statistics)
    flags = [p.requires_grad for p in model.parameters()]
    for p in model.parameters():
        p.requires_grad_(False)
    try:
        with torch.enable_grad(), counting_macs(x.shape[0]) as macs:
            y = model(x.clone().requires_grad_(True))
    finally:
        for p, flag in zip(model.parameters(), flags):
            p.requires_grad_(flag)
    return weights, macs[0], y.detach()


def count(make, shape):
    """Weights and MACs of the model as check() builds it (same seed)."""
    torch.manual_seed(SEED)
    model = make().eval()
    x = torch.randn(shape, generator=torch.Generator().manual_seed(SEED + 3))
    weights, macs, _ = model_counts(model, x)
    return weights, macs


def recount(name, make, result_path):
    """Rewrites the parameter and MAC counts of an existing result (after a change to the counting rules)."""
    if not os.path.exists(result_path):
        return
    with open(result_path) as f:
        result = json.load(f)
    if 'error' in result:
        return
    params, macs = count(make, result['inputShape'])
    changed = (params, macs) != (result['params'], result['macs'])
    result['params'], result['macs'] = params, macs
    with open(result_path, 'w') as f:
        json.dump(result, f)
    print(f"{name}: {'recounted' if changed else 'unchanged'}", flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--only', default='')
    ap.add_argument('--set', default='all', choices=['dilated', 'torchvision', 'all'])
    ap.add_argument('--out', default=os.path.join(ROOT, 'zoo', 'models'))
    ap.add_argument('--block', type=int, default=8, help='consecutive output positions measured per dimension')
    ap.add_argument('--missing', action='store_true', help='skip models whose result file exists')
    ap.add_argument('--recount', action='store_true', help='only recount parameters and MACs in the existing result files')
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    torch.set_num_threads(1)
    models = {}
    if args.set in ('dilated', 'all'):
        models.update(dilated_models())
    if args.set in ('torchvision', 'all'):
        models.update(torchvision_models())
    wanted = [n for n in args.only.split(',') if n]
    for name, (make, shape) in models.items():
        if wanted and name not in wanted:
            continue
        result_path = os.path.join(args.out, f'{name}.json')
        if args.recount:
            recount(name, make, result_path)
            continue
        if args.missing and os.path.exists(result_path):
            continue
        t = time.time()
        try:
            opset = 17 if name.startswith(('vit_', 'swin', 'convnext', 'mvit')) else 13
            result = check(name, make, shape, args.out, opset, args.block)
        except Exception as e:  # the failure is the result: the comparison reports it
            result = {'schema': SCHEMA, 'name': name, 'inputShape': shape, 'error': f'{type(e).__name__}: {str(e).splitlines()[0][:300]}'}
        result['seconds'] = round(time.time() - t, 1)
        with open(result_path, 'w') as f:
            json.dump(result, f)
        print(f"{name}: {result.get('error', 'ok')} ({result['seconds']} s)", flush=True)


if __name__ == '__main__':
    main()
