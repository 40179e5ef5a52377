#!/usr/bin/python3
"""Exports the whole-model benchmark's models (`npm run bench -- --models`, bench/models-suite.ts).

    /usr/bin/python3 scripts/make_bench_models.py               # everything missing from bench/models/
    /usr/bin/python3 scripts/make_bench_models.py --force       # re-export all
    /usr/bin/python3 scripts/make_bench_models.py --only wavenet context-module

Outputs (git-ignored, ~300 MB, never committed):
  bench/models/<name>.onnx               inference models, torch.onnx.export (opset 17), static shapes, eval mode
  bench/models/train/<name>.safetensors  training steps: the model's state dict under `state.`, the batch under
                                         `input` and `target`, written here and read by both atrous
                                         (bench/training-atrous.ts) and PyTorch (scripts/bench_torch_training.py)
  bench/models/manifest.json             schema, torch version, seed, and per model: file, input name and shape

Weights are random (seeded), batch-norm statistics randomised; what is measured is the architecture's cost.
The training nets are defined here once and imported by scripts/bench_torch_training.py; their parameter names
are those of atrous's nn modules (TCN, WaveNet, torchvision's ASPP), so one state dict loads in both.
"""
import argparse
import json
import os
import struct
import warnings

import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision
from torchvision.models.segmentation.deeplabv3 import ASPP

# The shared model definitions: Bai et al.'s TCN as atrous names it, and the dict-unwrapping wrapper of
# torchvision's segmentation models.
from make_onnx_fixtures import Unwrap
from make_torch_block_fixtures import TCN

SCHEMA_VERSION = 1
SEED = 20261128
OPSET = 17
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'bench', 'models')


# ---- inference models -------------------------------------------------------------------------------------------

class GatedWaveNetLayer(nn.Module):
    """One causal conv to 2C channels, split by `torch.chunk` into tanh and sigmoid halves (as most WaveNet code)."""

    def __init__(self, channels, dilation):
        super().__init__()
        self.dilation = dilation
        self.conv = nn.Conv1d(channels, 2 * channels, 2, dilation=dilation)
        self.residual = nn.Conv1d(channels, channels, 1)
        self.skip = nn.Conv1d(channels, channels, 1)

    def forward(self, x):
        a, b = torch.chunk(self.conv(F.pad(x, (self.dilation, 0))), 2, dim=1)
        z = torch.tanh(a) * torch.sigmoid(b)
        return x + self.residual(z), self.skip(z)


class WaveNetStack(nn.Module):
    """Input 1×1 conv, `stacks` × dilations 1…2^(layers−1) of `make_layer(channels, dilation)` (each returns the
    residual output and a skip), then relu → 1×1 → relu → 1×1 to `classes` logits on the summed skips."""

    def __init__(self, make_layer, channels, layers, stacks, classes):
        super().__init__()
        self.input = nn.Conv1d(1, channels, 1)
        self.layers = nn.ModuleList([make_layer(channels, 2 ** (i % layers)) for i in range(stacks * layers)])
        self.output1 = nn.Conv1d(channels, channels, 1)
        self.output2 = nn.Conv1d(channels, classes, 1)

    def forward(self, x):
        x = self.input(x)
        skips = 0
        for layer in self.layers:
            x, skip = layer(x)
            skips = skips + skip
        return self.output2(torch.relu(self.output1(torch.relu(skips))))


class GatedWaveNet(WaveNetStack):
    """2 stacks × dilations 1…512, 64 channels, 256-way output logits, gate by chunk."""

    def __init__(self, channels=64, stacks=2, layers=10, classes=256):
        super().__init__(GatedWaveNetLayer, channels, layers, stacks, classes)


class TasNetBlock(nn.Module):
    """Conv-TasNet's 1-D conv block: 1×1 B→H, PReLU, gLN, depthwise dilated conv, PReLU, gLN, 1×1 residual and skip."""

    def __init__(self, b, h, skip, p, dilation):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv1d(b, h, 1), nn.PReLU(), nn.GroupNorm(1, h),
            nn.Conv1d(h, h, p, dilation=dilation, padding=dilation * (p - 1) // 2, groups=h), nn.PReLU(), nn.GroupNorm(1, h))
        self.residual = nn.Conv1d(h, b, 1)
        self.skip = nn.Conv1d(h, skip, 1)

    def forward(self, x):
        y = self.net(x)
        return x + self.residual(y), self.skip(y)


class TasNetSeparator(nn.Module):
    """Luo & Mesgarani 2019, the separator of the best configuration: N=512, B=Sc=128, H=512, P=3, X=8, R=3, two
    sources. Global layer norm is GroupNorm(1, C), which torch 1.13 exports as InstanceNormalization."""

    def __init__(self, n=512, b=128, h=512, p=3, x=8, r=3, sources=2):
        super().__init__()
        self.n, self.sources = n, sources
        self.norm = nn.GroupNorm(1, n)
        self.bottleneck = nn.Conv1d(n, b, 1)
        self.blocks = nn.ModuleList([TasNetBlock(b, h, b, p, 2 ** i) for _ in range(r) for i in range(x)])
        self.prelu = nn.PReLU()
        self.mask = nn.Conv1d(b, sources * n, 1)

    def forward(self, w):
        x = self.bottleneck(self.norm(w))
        skips = 0
        for block in self.blocks:
            x, skip = block(x)
            skips = skips + skip
        m = torch.sigmoid(self.mask(self.prelu(skips)))
        return m.reshape(w.shape[0], self.sources, self.n, w.shape[-1])


def context_module(channels):
    """Yu & Koltun (2016) basic context module: 3x3 convs with dilations 1,1,2,4,8,16,1 and a 1x1 output layer."""
    layers = []
    for d in (1, 1, 2, 4, 8, 16, 1):
        layers += [nn.Conv2d(channels, channels, 3, padding=d, dilation=d), nn.ReLU()]
    layers.append(nn.Conv2d(channels, channels, 1))
    return nn.Sequential(*layers)


# name: (builder, input shape, description)
MODELS = {
    'deeplabv3-resnet50': (lambda: Unwrap(torchvision.models.segmentation.deeplabv3_resnet50(
        weights=None, weights_backbone=None, aux_loss=False, num_classes=21)), [1, 3, 257, 257],
        'DeepLabV3-ResNet50 (torchvision, output stride 8)'),
    'deeplabv3-mobilenetv3': (lambda: Unwrap(torchvision.models.segmentation.deeplabv3_mobilenet_v3_large(
        weights=None, weights_backbone=None, aux_loss=False, num_classes=21)), [1, 3, 257, 257],
        'DeepLabV3-MobileNetV3-Large (torchvision)'),
    'wavenet': (GatedWaveNet, [1, 1, 16000], 'WaveNet, 2 stacks × dilations 1…512, 64 channels, gate by chunk'),
    'conv-tasnet': (TasNetSeparator, [1, 512, 1000], 'Conv-TasNet separator TCN (GroupNorm(1, C)), 1000 frames'),
    'context-module': (lambda: context_module(64), [1, 64, 128, 128], 'Yu–Koltun context module, 64 channels'),
}


def randomise_batch_norm(model, generator):
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            n = m.num_features
            m.running_mean.copy_(torch.randn(n, generator=generator) * 0.1)
            m.running_var.copy_(torch.rand(n, generator=generator) + 0.5)
            m.weight.data.copy_(torch.rand(n, generator=generator) + 0.5)
            m.bias.data.copy_(torch.randn(n, generator=generator) * 0.1)


def export_model(name):
    builder, shape, description = MODELS[name]
    torch.manual_seed(SEED)
    generator = torch.Generator().manual_seed(SEED)
    model = builder().eval()
    with torch.no_grad():
        randomise_batch_norm(model, generator)
        x = torch.randn(*shape, generator=generator)
    path = os.path.join(ROOT, f'{name}.onnx')
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        torch.onnx.export(model, x, path, opset_version=OPSET, input_names=['input'], output_names=['output'],
                          do_constant_folding=True)
    return {'file': f'{name}.onnx', 'inputName': 'input', 'inputShape': shape, 'description': description,
            'bytes': os.path.getsize(path)}


# ---- training nets (parameter names as atrous's nn modules) -----------------------------------------------------

class WaveNetLayer(nn.Module):
    """atrous's WaveNetLayer: separate filter and gate convolutions, residual and skip 1×1s."""

    def __init__(self, channels, d):
        super().__init__()
        self.filter = nn.Conv1d(channels, channels, 2, dilation=d)
        self.gate = nn.Conv1d(channels, channels, 2, dilation=d)
        self.residual = nn.Conv1d(channels, channels, 1)
        self.skip = nn.Conv1d(channels, channels, 1)
        self.pad = d

    def forward(self, x):
        xp = F.pad(x, (self.pad, 0))
        z = torch.tanh(self.filter(xp)) * torch.sigmoid(self.gate(xp))
        return x + self.residual(z), self.skip(z)


class WaveNet(WaveNetStack):
    """atrous's WaveNet (inChannels 1, 32 residual/gate/skip channels, k=2, 2 stacks × 1…128, 256 classes)."""

    def __init__(self, channels=32, layers=8, stacks=2, classes=256):
        super().__init__(WaveNetLayer, channels, layers, stacks, classes)


def segmentation_net(classes=8):
    """A small DeepLab-style net: two conv-BN-ReLU (the first stride 2), torchvision's ASPP (rates 2, 4, 6, no
    dropout so both frameworks compute the same step), a 1×1 classifier, bilinear ×2 back to the input size."""
    aspp = ASPP(32, [2, 4, 6], 32)
    aspp.project[3].p = 0.0
    return nn.Sequential(
        nn.Conv2d(3, 16, 3, stride=2, padding=1, bias=False), nn.BatchNorm2d(16), nn.ReLU(),
        nn.Conv2d(16, 32, 3, padding=1, bias=False), nn.BatchNorm2d(32), nn.ReLU(),
        aspp, nn.Conv2d(32, classes, 1), nn.Upsample(scale_factor=2, mode='bilinear', align_corners=False))


# name: (builder, input shape, target (shape, classes or None for a regression target), loss, description)
TRAINING = {
    'tcn': (lambda: nn.Sequential(TCN(1, [16, 16, 16], 3), nn.Conv1d(16, 1, 1)), [16, 1, 1000], ([16, 1, 1000], None),
            'mse', 'TCN (Bai et al.), 3 blocks × 16 channels, k=3, + 1×1 head; MSE; batch 16 × 1000'),
    'wavenet-train': (WaveNet, [4, 1, 4000], ([4, 4000], 256), 'cross-entropy',
                'WaveNet 2 × dilations 1…128, 32 channels, 256-way cross-entropy; batch 4 × 4000'),
    'segmentation': (segmentation_net, [2, 3, 64, 64], ([2, 64, 64], 8), 'cross-entropy',
                     'conv-BN-ReLU ×2 + ASPP(32, rates 2/4/6) + 1×1 + bilinear ×2, 8 classes; batch 2×3×64×64'),
}


def training_model(name):
    """The training net `name` with its seeded initial weights (train mode)."""
    torch.manual_seed(SEED)
    return TRAINING[name][0]().train()


def write_safetensors(path, tensors, metadata):
    """The safetensors format written directly (torch 1.13 may lack the package): 8-byte header length, JSON
    header padded with spaces to 8 bytes, raw little-endian data."""
    header, chunks, offset = {'__metadata__': metadata}, [], 0
    for name, t in tensors.items():
        t = t.detach().contiguous()
        dtype, raw = ('I64', t.numpy().astype('<i8').tobytes()) if t.dtype == torch.int64 \
            else ('F32', t.float().numpy().astype('<f4').tobytes())
        header[name] = {'dtype': dtype, 'shape': list(t.shape), 'data_offsets': [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(',', ':')).encode()
    text += b' ' * ((8 - len(text) % 8) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(text)))
        f.write(text)
        for c in chunks:
            f.write(c)


def read_safetensors(path):
    with open(path, 'rb') as f:
        size = struct.unpack('<Q', f.read(8))[0]
        header = json.loads(f.read(size))
        data = f.read()
    tensors = {}
    for name, info in header.items():
        if name == '__metadata__':
            continue
        start, end = info['data_offsets']
        dtype = torch.int64 if info['dtype'] == 'I64' else torch.float32
        tensors[name] = torch.frombuffer(bytearray(data[start:end]), dtype=dtype).reshape(info['shape'])
    return tensors


def export_training(name):
    _, shape, (target_shape, classes), loss, description = TRAINING[name]
    model = training_model(name)
    generator = torch.Generator().manual_seed(SEED + 1)
    x = torch.randn(*shape, generator=generator)
    target = torch.randn(*target_shape, generator=generator) if classes is None \
        else torch.randint(0, classes, target_shape, generator=generator)
    tensors = {f'state.{k}': v for k, v in model.state_dict().items()}
    tensors['input'] = x
    tensors['target'] = target
    os.makedirs(os.path.join(ROOT, 'train'), exist_ok=True)
    path = os.path.join(ROOT, 'train', f'{name}.safetensors')
    write_safetensors(path, tensors, {'schema': str(SCHEMA_VERSION), 'torch': torch.__version__, 'seed': str(SEED),
                                      'loss': loss, 'description': description})
    return {'file': f'train/{name}.safetensors', 'inputShape': shape, 'loss': loss, 'description': description}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--force', action='store_true', help='re-export models whose files exist')
    parser.add_argument('--only', nargs='*', help='export only these models (inference or training names)')
    args = parser.parse_args()
    unknown = [n for n in args.only or [] if n not in MODELS and n not in TRAINING]
    if unknown:
        parser.error(f'unknown model(s) {", ".join(unknown)}; valid: {", ".join(sorted({*MODELS, *TRAINING}))}')
    os.makedirs(ROOT, exist_ok=True)
    manifest_path = os.path.join(ROOT, 'manifest.json')
    manifest = {'schema': SCHEMA_VERSION, 'torch': torch.__version__, 'seed': SEED, 'models': {}, 'training': {}}
    if os.path.exists(manifest_path):
        with open(manifest_path) as f:
            old = json.load(f)
        if old.get('schema') == SCHEMA_VERSION and old.get('seed') == SEED:
            manifest['models'].update(old.get('models', {}))
            manifest['training'].update(old.get('training', {}))
    for kind, table, export in (('models', MODELS, export_model), ('training', TRAINING, export_training)):
        for name in table:
            if args.only and name not in args.only:
                continue
            entry = manifest[kind].get(name)
            if entry and not args.force and os.path.exists(os.path.join(ROOT, entry['file'])):
                continue
            print(f'exporting {kind} {name} ...', flush=True)
            manifest[kind][name] = export(name)
            # Write after every model, so an interrupted run keeps what it finished.
            with open(manifest_path + '.tmp', 'w') as f:
                json.dump(manifest, f, indent=2)
            os.replace(manifest_path + '.tmp', manifest_path)
    with open(manifest_path + '.tmp', 'w') as f:
        json.dump(manifest, f, indent=2)
    os.replace(manifest_path + '.tmp', manifest_path)
    print(f'bench models in {os.path.normpath(ROOT)}')


if __name__ == '__main__':
    main()
