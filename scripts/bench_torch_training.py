#!/usr/bin/python3
"""One PyTorch CPU training step for the models bench (`npm run bench -- --models`; started by
bench/models-suite.ts, one process per net and thread count).

    /usr/bin/python3 scripts/bench_torch_training.py tcn --threads 2 --samples 5 --warmup 2

Builds the net of make_bench_models.py's TRAINING table, loads the initial weights and batch that atrous loads
(bench/models/train/<name>.safetensors), then times forward + backward + Adam (lr 1e-3) steps. Prints one line,
`@@atrous-bench-result {"firstLoss": ..., "samplesMs": [...], "threads": n}` (the bench's child protocol).
"""
import argparse
import json
import os
import time

import torch
import torch.nn.functional as F

from make_bench_models import ROOT, TRAINING, read_safetensors, training_model

RESULT_MARKER = '@@atrous-bench-result '


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('name', choices=sorted(TRAINING))
    parser.add_argument('--threads', type=int, required=True)
    parser.add_argument('--samples', type=int, default=5)
    parser.add_argument('--warmup', type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    tensors = read_safetensors(os.path.join(ROOT, 'train', f'{args.name}.safetensors'))
    model = training_model(args.name)
    model.load_state_dict({k[len('state.'):]: v for k, v in tensors.items() if k.startswith('state.')})
    x, target = tensors['input'], tensors['target']
    loss_fn = F.mse_loss if TRAINING[args.name][3] == 'mse' else F.cross_entropy
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)

    def step():
        optimizer.zero_grad()
        loss = loss_fn(model(x), target)
        loss.backward()
        optimizer.step()
        return loss.item()

    first_loss = None
    for i in range(max(1, args.warmup)):
        loss = step()
        if i == 0:
            first_loss = loss
    samples = []
    for _ in range(args.samples):
        start = time.perf_counter()
        step()
        samples.append((time.perf_counter() - start) * 1000)
    print(RESULT_MARKER + json.dumps({'firstLoss': first_loss, 'samplesMs': samples, 'threads': torch.get_num_threads()}),
          flush=True)


if __name__ == '__main__':
    main()
