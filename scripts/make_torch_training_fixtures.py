#!/usr/bin/python3
"""PyTorch reference trajectories for atrous's training loop (test: test/nn/training-torch.test.ts).

One small problem, a linear layer fitted by mean squared error (loss = mse_loss(linear(x, W, b), y)), trained for
20 steps in several ways: parameter groups with their own hyperparameters (SGD, Adam, AdamW), a frozen parameter,
and every learning-rate scheduler atrous has (StepLR, CosineAnnealingLR, LinearLR, LambdaLR, OneCycleLR with SGD
momentum and with Adam's beta1, ReduceLROnPlateau, SequentialLR). Each step is zero_grad, forward, backward,
optimizer.step(), scheduler.step() (ReduceLROnPlateau: step(loss)). For every case the fixture holds the loss and
every group's learning rate after each step and the weights after each step.

Run: /usr/bin/python3 scripts/make_torch_training_fixtures.py   (schema 1; seed 0; writes fixtures/torch/training.json)
"""
import json
import os
import warnings

import torch
import torch.nn.functional as F
from torch.optim import SGD, Adam, AdamW
from torch.optim.lr_scheduler import (CosineAnnealingLR, LambdaLR, LinearLR, OneCycleLR, ReduceLROnPlateau,
                                      SequentialLR, StepLR)

SCHEMA = 1
STEPS = 20
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'fixtures', 'torch', 'training.json')
torch.manual_seed(0)
X = torch.randn(8, 4)
Y = torch.randn(8, 3)
W0 = torch.randn(3, 4) * 0.5
B0 = torch.randn(3) * 0.5


def lambda_09(t):
    """The LambdaLR factor the test rebuilds: 0.9 ** t."""
    return 0.9 ** t


# Each case: how to build the optimizer from (W, b) and the scheduler from the optimizer; the test mirrors `spec`.
CASES = [
    {'name': 'sgd-groups', 'spec': {'optimizer': 'SGD', 'options': {'lr': 0.01},
                                    'groups': [{'params': ['W'], 'lr': 0.1, 'momentum': 0.9},
                                               {'params': ['b'], 'momentum': 0.5, 'dampening': 0.1, 'weightDecay': 0.01}]}},
    {'name': 'sgd-nesterov-groups', 'spec': {'optimizer': 'SGD', 'options': {'lr': 0.05, 'momentum': 0.9, 'nesterov': True},
                                             'groups': [{'params': ['W'], 'weightDecay': 0.1}, {'params': ['b'], 'lr': 0.2}]}},
    {'name': 'adam-groups', 'spec': {'optimizer': 'Adam', 'options': {'lr': 0.01},
                                     'groups': [{'params': ['W'], 'lr': 0.05, 'betas': [0.8, 0.99]},
                                                {'params': ['b'], 'weightDecay': 0.1, 'eps': 1e-6}]}},
    {'name': 'adamw-groups', 'spec': {'optimizer': 'AdamW', 'options': {'lr': 0.02},
                                      'groups': [{'params': ['W'], 'weightDecay': 0.5}, {'params': ['b'], 'lr': 0.1}]}},
    {'name': 'adam-frozen-weight', 'spec': {'optimizer': 'Adam', 'options': {'lr': 0.05}, 'frozen': ['W'],
                                            'groups': [{'params': ['W', 'b']}]}},
    {'name': 'sgd-frozen-bias', 'spec': {'optimizer': 'SGD', 'options': {'lr': 0.1, 'momentum': 0.9}, 'frozen': ['b'],
                                         'groups': [{'params': ['W']}, {'params': ['b'], 'lr': 0.5}]}},
    {'name': 'step-lr', 'spec': {'optimizer': 'SGD', 'options': {'lr': 0.1, 'momentum': 0.9},
                                 'scheduler': {'type': 'StepLR', 'options': {'stepSize': 5, 'gamma': 0.5}}}},
    {'name': 'cosine-annealing-lr', 'spec': {'optimizer': 'SGD', 'options': {'lr': 0.1, 'momentum': 0.9},
                                             'scheduler': {'type': 'CosineAnnealingLR', 'options': {'tMax': 8, 'etaMin': 0.001}}}},
    {'name': 'linear-lr', 'spec': {'optimizer': 'Adam', 'options': {'lr': 0.05},
                                   'scheduler': {'type': 'LinearLR', 'options': {'startFactor': 0.1, 'totalIters': 8}}}},
    {'name': 'lambda-lr', 'spec': {'optimizer': 'SGD', 'options': {'lr': 0.1},
                                   'groups': [{'params': ['W']}, {'params': ['b'], 'lr': 0.3}],
                                   'scheduler': {'type': 'LambdaLR', 'options': {'lrLambda': '0.9 ** t'}}}},
    {'name': 'one-cycle-lr-sgd', 'spec': {'optimizer': 'SGD', 'options': {'lr': 0.1, 'momentum': 0.9},
                                          'scheduler': {'type': 'OneCycleLR', 'options': {'maxLr': 0.2, 'totalSteps': 20}}}},
    {'name': 'one-cycle-lr-adam-linear-three-phase', 'spec': {'optimizer': 'Adam', 'options': {'lr': 0.01},
        'scheduler': {'type': 'OneCycleLR', 'options': {'maxLr': 0.1, 'totalSteps': 25, 'annealStrategy': 'linear', 'threePhase': True, 'pctStart': 0.25}}}},
    {'name': 'reduce-lr-on-plateau', 'spec': {'optimizer': 'SGD', 'options': {'lr': 0.2, 'momentum': 0.5},
        'scheduler': {'type': 'ReduceLROnPlateau', 'options': {'patience': 1, 'factor': 0.5, 'threshold': 0.05, 'cooldown': 1, 'minLr': 0.02}}}},
    {'name': 'sequential-lr', 'spec': {'optimizer': 'AdamW', 'options': {'lr': 0.05},
        'scheduler': {'type': 'SequentialLR', 'options': {'milestones': [5], 'schedulers': [
            {'type': 'LinearLR', 'options': {'startFactor': 0.2, 'totalIters': 5}},
            {'type': 'CosineAnnealingLR', 'options': {'tMax': 15}}]}}}},
]

TORCH_NAMES = {'weightDecay': 'weight_decay', 'lr': 'lr', 'momentum': 'momentum', 'dampening': 'dampening',
               'nesterov': 'nesterov', 'betas': 'betas', 'eps': 'eps'}


def torch_options(options):
    return {TORCH_NAMES[k]: (tuple(v) if k == 'betas' else v) for k, v in options.items()}


def build_scheduler(spec, optimizer):
    kind, o = spec['type'], spec['options']
    if kind == 'StepLR':
        return StepLR(optimizer, step_size=o['stepSize'], gamma=o['gamma'])
    if kind == 'CosineAnnealingLR':
        return CosineAnnealingLR(optimizer, T_max=o['tMax'], eta_min=o.get('etaMin', 0))
    if kind == 'LinearLR':
        return LinearLR(optimizer, start_factor=o['startFactor'], total_iters=o['totalIters'])
    if kind == 'LambdaLR':
        return LambdaLR(optimizer, lr_lambda=lambda_09)
    if kind == 'OneCycleLR':
        return OneCycleLR(optimizer, max_lr=o['maxLr'], total_steps=o['totalSteps'], pct_start=o.get('pctStart', 0.3),
                          anneal_strategy=o.get('annealStrategy', 'cos'), three_phase=o.get('threePhase', False))
    if kind == 'ReduceLROnPlateau':
        return ReduceLROnPlateau(optimizer, patience=o['patience'], factor=o['factor'], threshold=o['threshold'],
                                 cooldown=o['cooldown'], min_lr=o['minLr'])
    if kind == 'SequentialLR':
        parts = [build_scheduler(s, optimizer) for s in o['schedulers']]
        return SequentialLR(optimizer, schedulers=parts, milestones=o['milestones'])
    raise ValueError(kind)


def run(spec):
    params = {'W': W0.clone().requires_grad_(True), 'b': B0.clone().requires_grad_(True)}
    for name in spec.get('frozen', []):
        params[name].requires_grad_(False)
    groups = spec.get('groups', [{'params': ['W', 'b']}])
    torch_groups = [{'params': [params[p] for p in g['params']], **torch_options({k: v for k, v in g.items() if k != 'params'})} for g in groups]
    optimizer = {'SGD': SGD, 'Adam': Adam, 'AdamW': AdamW}[spec['optimizer']](torch_groups, **torch_options(spec['options']))
    scheduler = build_scheduler(spec['scheduler'], optimizer) if 'scheduler' in spec else None
    losses, lrs, weights, biases = [], [], [], []
    for _ in range(STEPS):
        optimizer.zero_grad()
        loss = F.mse_loss(F.linear(X, params['W'], params['b']), Y)
        loss.backward()
        optimizer.step()
        if isinstance(scheduler, ReduceLROnPlateau):
            scheduler.step(loss.item())
        elif scheduler is not None:
            scheduler.step()
        losses.append(f32(loss.item()))
        lrs.append([g['lr'] for g in optimizer.param_groups])
        weights.append(f32(params['W'].detach().flatten().tolist()))
        biases.append(f32(params['b'].detach().flatten().tolist()))
    return {'losses': losses, 'lrs': lrs, 'W': weights, 'b': biases}


def f32(values):
    """Float32 values printed with the 9 significant digits that round-trip them (keeps the file small)."""
    if isinstance(values, list):
        return [f32(v) for v in values]
    return float('%.9g' % values)


def main():
    warnings.filterwarnings('ignore', message='The epoch parameter')  # SequentialLR's own step(0) at a milestone
    fixture = {'schema': SCHEMA, 'torch': torch.__version__, 'seed': 0, 'steps': STEPS,
               'x': f32(X.flatten().tolist()), 'xShape': list(X.shape), 'y': f32(Y.flatten().tolist()), 'yShape': list(Y.shape),
               'W0': f32(W0.flatten().tolist()), 'WShape': list(W0.shape), 'b0': f32(B0.tolist()),
               'cases': [{'name': c['name'], 'spec': c['spec'], **run(c['spec'])} for c in CASES]}
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, 'w') as f:
        json.dump(fixture, f, separators=(',', ':'))
        f.write('\n')
    print(f'wrote {OUT}: {len(CASES)} cases of {STEPS} steps (torch {torch.__version__})')


if __name__ == '__main__':
    main()
