#!/usr/bin/python3
"""PyTorch reference fixtures for atrous's nn blocks, ops and optimizers (tests: test/nn/*-torch.test.ts).

Each block file holds, in one .safetensors: the block's state dict under `state.`, the input (`input`, and
`condition` where used), a fixed upstream gradient `grad_output`, the forward `output`, and the gradients of
sum(output * grad_output) for the input (`grad.input`) and every parameter (`grad.<name>`); train-mode files
also hold the running statistics after the forward under `after.`.

torch 1.13 may lack the `safetensors` package, so the format is written here directly: an 8-byte little-endian
header length, a JSON header of {name: {dtype, shape, data_offsets}} padded with spaces to 8 bytes, raw data.

Run: /usr/bin/python3 scripts/make_torch_block_fixtures.py   (schema 1; seed 0; writes fixtures/blocks/)
"""
import json
import os
import struct

import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision
from torch.nn.utils import weight_norm
from torchvision.models.resnet import BasicBlock, Bottleneck, resnet18, resnet50
from torchvision.models.segmentation.deeplabv3 import ASPP

SCHEMA = 1
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'fixtures', 'blocks')
torch.manual_seed(0)


def write_safetensors(path, tensors, metadata):
    header, chunks, offset = {'__metadata__': metadata}, [], 0
    for name, t in tensors.items():
        t = t.detach().contiguous()
        if t.dtype == torch.int64:
            dtype, raw = 'I64', t.numpy().astype('<i8').tobytes()
        else:
            dtype, raw = 'F32', t.float().numpy().astype('<f4').tobytes()
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


def metadata(name):
    return {'schema': str(SCHEMA), 'torch': torch.__version__, 'torchvision': torchvision.__version__, 'seed': '0', 'block': name}


def randomize_batch_norms(module):
    for m in module.modules():
        if isinstance(m, nn.modules.batchnorm._BatchNorm):
            with torch.no_grad():
                m.weight.uniform_(0.5, 1.5)
                m.bias.normal_(0, 0.1)
                m.running_mean.normal_(0, 0.1)
                m.running_var.uniform_(0.5, 1.5)


def block_fixture(name, module, inputs, train=False):
    """Runs forward and backward once and writes everything the JS test needs."""
    module.train(train)
    state = {f'state.{k}': v.clone() for k, v in module.state_dict().items()}
    leaves = {k: v.clone().requires_grad_(True) for k, v in inputs.items()}
    out = module(*leaves.values())
    grad_output = torch.randn_like(out)
    (out * grad_output).sum().backward()
    tensors = dict(state)
    tensors.update({k: v.detach() for k, v in leaves.items()})
    tensors['grad_output'] = grad_output
    tensors['output'] = out.detach()
    tensors['grad.input'] = leaves['input'].grad
    for k, p in module.named_parameters():
        tensors[f'grad.{k}'] = p.grad if p.grad is not None else torch.zeros_like(p)
    if train:
        for k, b in module.named_buffers():
            tensors[f'after.{k}'] = b.clone()
    write_safetensors(os.path.join(OUT, f'{name}.safetensors'), tensors, metadata(name))


class TemporalBlock(nn.Module):
    """Bai et al.'s block without the duplicate `net` Sequential (so each parameter has one name); dropout 0."""

    def __init__(self, n_in, n_out, k, d):
        super().__init__()
        self.conv1 = weight_norm(nn.Conv1d(n_in, n_out, k, padding=(k - 1) * d, dilation=d))
        self.conv2 = weight_norm(nn.Conv1d(n_out, n_out, k, padding=(k - 1) * d, dilation=d))
        self.downsample = nn.Conv1d(n_in, n_out, 1) if n_in != n_out else None
        self.chomp = (k - 1) * d

    def forward(self, x):
        y = torch.relu(self.conv1(x)[:, :, :-self.chomp])
        y = torch.relu(self.conv2(y)[:, :, :-self.chomp])
        return torch.relu(y + (x if self.downsample is None else self.downsample(x)))


class TCN(nn.Module):
    def __init__(self, n_in, channels, k):
        super().__init__()
        self.network = nn.Sequential(*[TemporalBlock(n_in if i == 0 else channels[i - 1], c, k, 2 ** i) for i, c in enumerate(channels)])

    def forward(self, x):
        return self.network(x)


class DilatedCausalConv1d(nn.Module):
    """Seed 001's class, verbatim in behaviour: pad both sides, chop the right."""

    def __init__(self, in_channels, out_channels, kernel_size, dilation):
        super().__init__()
        self.padding = (kernel_size - 1) * dilation
        self.conv = nn.Conv1d(in_channels, out_channels, kernel_size, dilation=dilation, padding=self.padding)

    def forward(self, x):
        out = self.conv(x)
        return out[:, :, :-self.padding] if self.padding > 0 else out


class WaveNetLayer(nn.Module):
    def __init__(self, r, g, s, k, d, cond):
        super().__init__()
        self.filter = nn.Conv1d(r, g, k, dilation=d)
        self.gate = nn.Conv1d(r, g, k, dilation=d)
        self.residual = nn.Conv1d(g, r, 1)
        self.skip = nn.Conv1d(g, s, 1)
        if cond:
            self.condition_filter = nn.Conv1d(cond, g, 1, bias=False)
            self.condition_gate = nn.Conv1d(cond, g, 1, bias=False)
        self.pad = (k - 1) * d

    def forward(self, x, h):
        xp = F.pad(x, (self.pad, 0))
        f, g = self.filter(xp), self.gate(xp)
        if h is not None:
            f, g = f + self.condition_filter(h), g + self.condition_gate(h)
        z = torch.tanh(f) * torch.sigmoid(g)
        return x + self.residual(z), self.skip(z)


class WaveNet(nn.Module):
    def __init__(self, c_in, c_out, r, g, s, k, layers, stacks, cond):
        super().__init__()
        self.input = nn.Conv1d(c_in, r, 1)
        self.layers = nn.ModuleList([WaveNetLayer(r, g, s, k, 2 ** (i % layers), cond) for i in range(layers * stacks)])
        self.output1 = nn.Conv1d(s, s, 1)
        self.output2 = nn.Conv1d(s, c_out, 1)

    def forward(self, x, condition):
        h = condition.unsqueeze(-1)
        x = self.input(x)
        skips = 0
        for layer in self.layers:
            x, skip = layer(x, h)
            skips = skips + skip
        return self.output2(torch.relu(self.output1(torch.relu(skips))))


class ContextModule(nn.Module):
    """Yu & Koltun's Table 1 with padding = dilation; `large` widens to 2C, 2C, 4C, 8C, 16C, 32C, 32C."""

    def __init__(self, c, large=False):
        super().__init__()
        widths = [m * c for m in [2, 2, 4, 8, 16, 32, 32]] if large else [c] * 7
        ins = [c] + widths[:-1]
        self.layers = nn.ModuleList([nn.Conv2d(i, o, 3, padding=d, dilation=d) for i, o, d in zip(ins, widths, [1, 1, 2, 4, 8, 16, 1])] + [nn.Conv2d(widths[-1], c, 1)])

    def forward(self, x):
        for i, layer in enumerate(self.layers):
            x = layer(x)
            if i < len(self.layers) - 1:
                x = torch.relu(x)
        return x


def blocks():
    aspp = ASPP(in_channels=6, atrous_rates=[2, 3], out_channels=4)
    randomize_batch_norms(aspp)
    block_fixture('aspp', aspp, {'input': torch.randn(2, 6, 9, 9)})

    block_fixture('tcn', TCN(3, [4, 4], 3), {'input': torch.randn(2, 3, 20)}, train=True)
    block_fixture('dilated_causal_conv1d', DilatedCausalConv1d(3, 2, 2, 4), {'input': torch.randn(2, 3, 12)})
    block_fixture('wavenet', WaveNet(2, 3, 4, 5, 6, 2, 3, 2, 3), {'input': torch.randn(2, 2, 16), 'condition': torch.randn(2, 3)})
    block_fixture('context_module', ContextModule(3), {'input': torch.randn(1, 3, 12, 12)})
    block_fixture('context_module_large', ContextModule(1, large=True), {'input': torch.randn(1, 1, 10, 10)})

    down = nn.Sequential(nn.Conv2d(8, 16, 1, bias=False), nn.BatchNorm2d(16))
    basic_down = nn.Sequential(nn.Conv2d(4, 6, 1, stride=2, bias=False), nn.BatchNorm2d(6))
    basic = BasicBlock(4, 6, stride=2, downsample=basic_down)
    randomize_batch_norms(basic)
    block_fixture('basic_block_strided', basic, {'input': torch.randn(2, 4, 9, 9)}, train=True)

    bottleneck = Bottleneck(8, 4, stride=1, downsample=down, dilation=2)
    randomize_batch_norms(bottleneck)
    block_fixture('bottleneck_dilated', bottleneck, {'input': torch.randn(2, 8, 7, 7)}, train=True)


def resnet_layouts():
    """State-dict names and shapes of torchvision's ResNet-18 and dilated ResNet-50, and feature map sizes."""
    layouts = {'schema': SCHEMA, 'torch': torch.__version__, 'torchvision': torchvision.__version__}
    for name, model in [('resnet18', resnet18()), ('resnet50_os8', resnet50(replace_stride_with_dilation=[False, True, True])),
                        ('resnet50_os16', resnet50(replace_stride_with_dilation=[False, False, True]))]:
        model.eval()
        body = nn.Sequential(*list(model.children())[:-2])
        with torch.no_grad():
            features = body(torch.randn(1, 3, 64, 64))
        layouts[name] = {
            'state': [[k, list(v.shape)] for k, v in model.state_dict().items()],
            'parameters': sum(p.numel() for p in model.parameters()),
            'features_shape_64': list(features.shape),
        }
    with open(os.path.join(OUT, 'resnet_layouts.json'), 'w') as f:
        json.dump(layouts, f, separators=(',', ':'))


def ops():
    """Pooling and interpolation forward/backward against torch."""
    tensors = {}

    def case(name, fn, x):
        x = x.clone().requires_grad_(True)
        y = fn(x)
        g = torch.randn_like(y)
        (y * g).sum().backward()
        tensors.update({f'{name}.input': x.detach(), f'{name}.output': y.detach(), f'{name}.grad_output': g, f'{name}.grad_input': x.grad})

    x2 = torch.randn(2, 3, 9, 8)
    case('max_pool_dilated_ceil', lambda x: F.max_pool2d(x, 3, stride=2, padding=1, dilation=2, ceil_mode=True), x2)
    case('avg_pool_ceil_exclude_pad', lambda x: F.avg_pool2d(x, (2, 3), stride=2, padding=1, ceil_mode=True, count_include_pad=False), x2)
    case('avg_pool_include_pad', lambda x: F.avg_pool2d(x, 3, stride=2, padding=1), x2)
    case('max_pool1d', lambda x: F.max_pool1d(x, 2), torch.randn(2, 3, 9))
    case('adaptive_avg_pool', lambda x: F.adaptive_avg_pool2d(x, (2, 3)), torch.randn(1, 2, 5, 7))
    case('bilinear', lambda x: F.interpolate(x, size=(7, 5), mode='bilinear', align_corners=False), torch.randn(1, 2, 3, 4))
    case('bilinear_align_corners', lambda x: F.interpolate(x, size=(7, 5), mode='bilinear', align_corners=True), torch.randn(1, 2, 3, 4))
    case('bilinear_down', lambda x: F.interpolate(x, size=(3, 2), mode='bilinear', align_corners=False), torch.randn(1, 2, 7, 5))
    case('nearest_scale', lambda x: F.interpolate(x, scale_factor=2, mode='nearest'), torch.randn(1, 2, 3, 4))
    case('nearest_size', lambda x: F.interpolate(x, size=(5, 7), mode='nearest'), torch.randn(1, 2, 3, 4))
    case('gelu', F.gelu, torch.randn(3, 7) * 3)
    case('log_softmax', lambda x: F.log_softmax(x, dim=1), torch.randn(2, 4, 3))
    gamma, beta = torch.randn(4), torch.randn(4)
    tensors.update({'norm.gamma': gamma, 'norm.beta': beta})
    case('layer_norm', lambda x: F.layer_norm(x, (4,), weight=gamma, bias=beta), torch.randn(2, 3, 4))
    case('group_norm', lambda x: F.group_norm(x, 2, weight=gamma, bias=beta), torch.randn(2, 4, 3, 2))
    logits = torch.randn(2, 4, 3, 3)
    target = torch.randint(0, 4, (2, 3, 3))
    target[0, 1, 1] = 255
    tensors['cross_entropy.target'] = target.float()
    case('cross_entropy', lambda x: F.cross_entropy(x, target, ignore_index=255).reshape(1), logits)
    write_safetensors(os.path.join(OUT, 'ops.safetensors'), tensors, metadata('ops'))


def optimizers():
    """Three steps of each optimizer from the same start and gradients, and two LR schedules."""
    start = torch.randn(6)
    grads = [torch.randn(6) for _ in range(3)]
    tensors = {'start': start, **{f'grad.{i}': g for i, g in enumerate(grads)}}
    configs = {
        'sgd_nesterov_wd': lambda p: torch.optim.SGD([p], lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01),
        'sgd_dampening': lambda p: torch.optim.SGD([p], lr=0.1, momentum=0.9, dampening=0.3),
        'sgd_plain': lambda p: torch.optim.SGD([p], lr=0.1),
        'adam_wd': lambda p: torch.optim.Adam([p], lr=0.01, weight_decay=0.1),
        'adamw': lambda p: torch.optim.AdamW([p], lr=0.01, weight_decay=0.1, betas=(0.8, 0.99)),
    }
    for name, make in configs.items():
        p = start.clone().requires_grad_(True)
        opt = make(p)
        for i, g in enumerate(grads):
            p.grad = g.clone()
            opt.step()
            tensors[f'{name}.{i}'] = p.detach().clone()
    p = torch.zeros(1, requires_grad=True)
    for name, make in {'cosine': lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=7, eta_min=0.01),
                       'step': lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=3, gamma=0.5)}.items():
        opt = torch.optim.SGD([p], lr=0.2)
        schedule = make(opt)
        lrs = []
        for _ in range(10):
            opt.step()
            schedule.step()
            lrs.append(opt.param_groups[0]['lr'])
        tensors[f'lr.{name}'] = torch.tensor(lrs, dtype=torch.float64).float()
    q = torch.randn(6, requires_grad=True)
    q.grad = grads[0].clone() * 3
    norm = torch.nn.utils.clip_grad_norm_([q], 1.5)
    tensors['clip.grad_before'] = grads[0] * 3
    tensors['clip.grad_after'] = q.grad.clone()
    tensors['clip.norm'] = norm.reshape(1)
    write_safetensors(os.path.join(OUT, 'optimizers.safetensors'), tensors, metadata('optimizers'))


if __name__ == '__main__':
    os.makedirs(OUT, exist_ok=True)
    blocks()
    resnet_layouts()
    ops()
    optimizers()
    total = sum(os.path.getsize(os.path.join(OUT, f)) for f in os.listdir(OUT))
    print(f'wrote {len(os.listdir(OUT))} files, {total} bytes, to {os.path.normpath(OUT)}')
