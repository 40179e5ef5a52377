"""Exports the ONNX models that atrous's importer, analyser and executor are checked against.

    /usr/bin/python3 scripts/make_onnx_fixtures.py            # small models only (committed, < 5 MB in all)
    /usr/bin/python3 scripts/make_onnx_fixtures.py --large    # also the full-size models (git-ignored)

Outputs:
  fixtures/onnx/<name>.onnx            the model, exported by torch.onnx.export with the opset in MODELS
  fixtures/onnx/<name>.input.npy       a seeded input (float32)
  fixtures/onnx/<name>.output.npy      PyTorch's output for that input, in eval mode
  fixtures/onnx/manifest.json          schema version, torch version, seed, and per model: file names, opset,
                                       input name and shape, whether its spatial axes were exported as symbolic
  fixtures/onnx/large/...              the same for the full-size models (DeepLabV3-ResNet50, VGG-16 features,
                                       ResNet-18 and ResNet-50 features, and other torchvision classifiers and
                                       segmenters); ~450 MB, never committed (fixtures/onnx/.gitignore) and used by
                                       `npm run test:models` (which runs this script with --large --missing)

The small models keep the exact geometry (kernels, strides, dilations, paddings, pooling, block structure) of
the real architectures with fewer channels, so their receptive fields are those of the real networks while the
files stay a few hundred kilobytes. Batch-norm statistics are randomised so that folding them wrongly shows.
Weights are random (seeded): the architecture is what matters. Re-running with the same seed and torch version
writes identical arrays.
"""
import argparse
import json
import os
import sys
import warnings

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision
from torchvision.models import resnet, vgg
from torchvision.models.segmentation import deeplabv3

SCHEMA_VERSION = 1
SEED = 20241122
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'fixtures', 'onnx')


def resnet_features(block, layers, widths, stem=64, dilate=(False, False, False)):
    """torchvision's ResNet up to layer4 (no avgpool/fc), built from torchvision's own blocks with the given
    stage widths, so a narrow copy has the full network's geometry."""
    modules = [nn.Conv2d(3, stem, 7, stride=2, padding=3, bias=False), nn.BatchNorm2d(stem), nn.ReLU(inplace=True),
               nn.MaxPool2d(3, stride=2, padding=1)]
    inplanes, dilation = stem, 1
    for stage, (planes, count) in enumerate(zip(widths, layers)):
        stride = 1 if stage == 0 else 2
        previous_dilation = dilation
        if stage > 0 and dilate[stage - 1]:
            dilation *= stride
            stride = 1
        downsample = None
        if stride != 1 or inplanes != planes * block.expansion:
            downsample = nn.Sequential(nn.Conv2d(inplanes, planes * block.expansion, 1, stride=stride, bias=False),
                                       nn.BatchNorm2d(planes * block.expansion))
        blocks = [block(inplanes, planes, stride, downsample, dilation=previous_dilation)]
        inplanes = planes * block.expansion
        blocks += [block(inplanes, planes, dilation=dilation) for _ in range(1, count)]
        modules.append(nn.Sequential(*blocks))
    return nn.Sequential(*modules)


def vgg16_features(divisor):
    return vgg.make_layers([c if c == 'M' else c // divisor for c in vgg.cfgs['D']])


class CausalConv1d(nn.Module):
    """Conv1d padded by d(k-1) on both sides, then trimmed at the end by a Slice, as most WaveNet ports do."""

    def __init__(self, channels, dilation):
        super().__init__()
        self.trim = dilation
        self.conv = nn.Conv1d(channels, channels, 2, dilation=dilation, padding=dilation)

    def forward(self, x):
        return self.conv(x)[:, :, :-self.trim]


class WaveNet(nn.Module):
    """Gated residual stack (van den Oord et al. 2016) with skip connections, two stacks of dilations 1..32."""

    def __init__(self, channels=8, dilations=(1, 2, 4, 8, 16, 32) * 2):
        super().__init__()
        self.input = nn.Conv1d(1, channels, 1)
        self.filters = nn.ModuleList(CausalConv1d(channels, d) for d in dilations)
        self.gates = nn.ModuleList(CausalConv1d(channels, d) for d in dilations)
        self.residuals = nn.ModuleList(nn.Conv1d(channels, channels, 1) for _ in dilations)
        self.skips = nn.ModuleList(nn.Conv1d(channels, channels, 1) for _ in dilations)
        self.head = nn.Sequential(nn.ReLU(), nn.Conv1d(channels, channels, 1), nn.ReLU(), nn.Conv1d(channels, 4, 1))

    def forward(self, x):
        x = self.input(x)
        skip = 0
        for f, g, r, s in zip(self.filters, self.gates, self.residuals, self.skips):
            z = torch.tanh(f(x)) * torch.sigmoid(g(x))
            x = x + r(z)
            skip = skip + s(z)
        return torch.softmax(self.head(skip), dim=1)


class AsppWithoutPooling(nn.Module):
    """torchvision's ASPP minus its image-pooling branch: 1x1 conv + three atrous 3x3 branches, concatenated."""

    def __init__(self, in_channels, rates, out_channels):
        super().__init__()
        self.branches = nn.ModuleList(
            [nn.Sequential(nn.Conv2d(in_channels, out_channels, 1, bias=False), nn.BatchNorm2d(out_channels), nn.ReLU())]
            + [deeplabv3.ASPPConv(in_channels, out_channels, rate) for rate in rates])
        self.project = nn.Sequential(nn.Conv2d(out_channels * (len(rates) + 1), out_channels, 1, bias=False),
                                     nn.BatchNorm2d(out_channels), nn.ReLU())

    def forward(self, x):
        return self.project(torch.cat([branch(x) for branch in self.branches], dim=1))


def context_module(channels):
    """Yu & Koltun (2016) basic context module: 3x3 convs with dilations 1,1,2,4,8,16,1 and a 1x1 output layer."""
    layers = []
    for d in (1, 1, 2, 4, 8, 16, 1):
        layers += [nn.Conv2d(channels, channels, 3, padding=d, dilation=d), nn.ReLU()]
    layers.append(nn.Conv2d(channels, channels, 1))
    return nn.Sequential(*layers)


class Unwrap(nn.Module):
    """torchvision's segmentation models return {'out': ...}; ONNX wants a tensor."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, x):
        return self.model(x)['out']


def deeplabv3_resnet50():
    return Unwrap(torchvision.models.segmentation.deeplabv3_resnet50(weights=None, weights_backbone=None,
                                                                     aux_loss=False, num_classes=21))


# name: (builder, input shape, opset, symbolic spatial axes, large)
MODELS = {
    'resnet18-narrow': (lambda: resnet_features(resnet.BasicBlock, [2, 2, 2, 2], [4, 8, 16, 32], stem=4),
                        [1, 3, 64, 64], 11, False, False),
    'resnet50-narrow': (lambda: resnet_features(resnet.Bottleneck, [3, 4, 6, 3], [4, 8, 16, 32], stem=4),
                        [1, 3, 64, 64], 14, False, False),
    'vgg16-narrow': (lambda: vgg16_features(16), [1, 3, 64, 64], 13, False, False),
    'wavenet': (WaveNet, [1, 1, 200], 13, False, False),
    'aspp': (lambda: deeplabv3.ASPP(16, [6, 12, 18], 8), [1, 16, 33, 33], 17, True, False),
    'aspp-no-pooling': (lambda: AsppWithoutPooling(16, [6, 12, 18], 8), [1, 16, 33, 33], 12, False, False),
    'context-module': (lambda: context_module(8), [1, 8, 48, 48], 12, False, False),
    'dilated-resnet50-narrow': (lambda: resnet_features(resnet.Bottleneck, [3, 4, 6, 3], [4, 8, 16, 32], stem=4,
                                                        dilate=(False, True, True)),
                                [1, 3, 64, 64], 16, False, False),
    'deeplabv3-resnet50': (deeplabv3_resnet50, [1, 3, 129, 129], 17, True, True),
    'vgg16-features': (lambda: torchvision.models.vgg16(weights=None).features, [1, 3, 64, 64], 13, False, True),
    'resnet18-features': (lambda: nn.Sequential(*list(torchvision.models.resnet18(weights=None).children())[:-2]),
                          [1, 3, 64, 64], 13, False, True),
    'resnet50-features': (lambda: nn.Sequential(*list(torchvision.models.resnet50(weights=None).children())[:-2]),
                          [1, 3, 64, 64], 13, False, True),
    # Other torchvision architectures, to check the importer beyond dilated networks: squeeze-and-excitation,
    # hard-swish, channel shuffle, ceil-mode pooling, LayerNorm in channels-last blocks.
    'mobilenet-v3-small': (lambda: torchvision.models.mobilenet_v3_small(weights=None), [1, 3, 96, 96], 13, True, True),
    'squeezenet1_1': (lambda: torchvision.models.squeezenet1_1(weights=None), [1, 3, 96, 96], 11, True, True),
    'googlenet': (lambda: torchvision.models.googlenet(weights=None, aux_logits=False, init_weights=True), [1, 3, 96, 96], 13, True, True),
    'lraspp-mobilenet-v3': (lambda: Unwrap(torchvision.models.segmentation.lraspp_mobilenet_v3_large(weights=None, weights_backbone=None)),
                            [1, 3, 96, 96], 16, True, True),
    'shufflenet-v2': (lambda: torchvision.models.shufflenet_v2_x0_5(weights=None), [1, 3, 96, 96], 12, True, True),
    'efficientnet-b0': (lambda: torchvision.models.efficientnet_b0(weights=None), [1, 3, 96, 96], 15, True, True),
    'convnext-tiny': (lambda: torchvision.models.convnext_tiny(weights=None), [1, 3, 96, 96], 17, True, True),
}


def randomise_batch_norm(model, generator):
    """Random running statistics and affine parameters, so an importer that ignores or misfolds them fails."""
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            n = m.num_features
            m.running_mean.copy_(torch.randn(n, generator=generator) * 0.1)
            m.running_var.copy_(torch.rand(n, generator=generator) + 0.5)
            m.weight.data.copy_(torch.rand(n, generator=generator) + 0.5)
            m.bias.data.copy_(torch.randn(n, generator=generator) * 0.1)


def export(name, folder, generator):
    builder, shape, opset, symbolic, _ = MODELS[name]
    torch.manual_seed(SEED)
    model = builder().eval()
    with torch.no_grad():
        randomise_batch_norm(model, generator)
        x = torch.randn(*shape, generator=generator)
        y = model(x)
    dynamic_axes = None
    if symbolic:
        spatial = {i: f'size{i}' for i in range(2, len(shape))}
        dynamic_axes = {'input': {0: 'batch', **spatial}, 'output': {0: 'batch', **spatial}}
    path = os.path.join(folder, f'{name}.onnx')
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        torch.onnx.export(model, x, path, opset_version=opset, input_names=['input'], output_names=['output'],
                          dynamic_axes=dynamic_axes, do_constant_folding=True)
    np.save(os.path.join(folder, f'{name}.input.npy'), x.numpy().astype('<f4'))
    np.save(os.path.join(folder, f'{name}.output.npy'), y.numpy().astype('<f4'))
    return {'file': f'{name}.onnx', 'input': f'{name}.input.npy', 'output': f'{name}.output.npy',
            'inputName': 'input', 'inputShape': shape, 'opset': opset, 'symbolic': symbolic,
            'bytes': os.path.getsize(path)}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--large', action='store_true', help='also export the full-size models into large/')
    parser.add_argument('--only', nargs='*', help='export only these models')
    parser.add_argument('--missing', action='store_true', help='export only models whose files are not there yet')
    args = parser.parse_args()
    for large in (False, True):
        if large and not args.large:
            continue
        folder = os.path.join(ROOT, 'large') if large else ROOT
        os.makedirs(folder, exist_ok=True)
        manifest_path = os.path.join(folder, 'manifest.json')
        manifest = {'schema': SCHEMA_VERSION, 'torch': torch.__version__, 'torchvision': torchvision.__version__,
                    'seed': SEED, 'models': {}}
        if os.path.exists(manifest_path):
            manifest['models'] = json.load(open(manifest_path))['models']
        for name, spec in MODELS.items():
            if spec[4] != large or (args.only and name not in args.only):
                continue
            if args.missing and name in manifest['models'] and all(
                    os.path.exists(os.path.join(folder, manifest['models'][name][key])) for key in ('file', 'input', 'output')):
                continue
            generator = torch.Generator().manual_seed(SEED)
            manifest['models'][name] = export(name, folder, generator)
            print(f'{name}: {manifest["models"][name]["bytes"]} bytes', file=sys.stderr)
        with open(manifest_path, 'w') as f:
            json.dump(manifest, f, indent=2, sort_keys=True)
            f.write('\n')


if __name__ == '__main__':
    main()
