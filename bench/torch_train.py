"""
PyTorch's training speed on this CPU for the models alexc's benchmarks train (bench/torch.ts runs
this): Adam at the spec's learning rate, cross-entropy, train mode (dropout on), batches of random
images already in memory, so PyTorch does no data work at all. Prints one JSON line:
{"torch": version, "threads": n, "seconds": [per-step wall time after the warm-up steps]}.

    python3 bench/torch_train.py --model seed|mini --threads N --steps S
"""
import argparse
import json
import time

import torch
import torch.nn as nn

from torch_models import mini_alexnet, seed_alexnet

MODELS = {
    "seed": (seed_alexnet, 1000, 224, 2e-4),
    "mini": (mini_alexnet, 8, 32, 1e-3),
}

parser = argparse.ArgumentParser()
parser.add_argument("--model", choices=MODELS, required=True)
parser.add_argument("--threads", type=int, required=True)
parser.add_argument("--steps", type=int, default=6)
parser.add_argument("--warmup", type=int, default=2)
parser.add_argument("--batch", type=int, default=32)
args = parser.parse_args()

torch.set_num_threads(args.threads)
torch.manual_seed(1)
build, classes, size, lr = MODELS[args.model]
model = build(classes).train()
optimizer = torch.optim.Adam(model.parameters(), lr=lr)
loss_fn = nn.CrossEntropyLoss()
x = torch.randn(args.batch, 3, size, size)
y = torch.randint(0, classes, (args.batch,))

seconds = []
for step in range(args.warmup + args.steps):
    start = time.perf_counter()
    optimizer.zero_grad()
    loss = loss_fn(model(x), y)
    loss.backward()
    optimizer.step()
    loss.item()
    if step >= args.warmup:
        seconds.append(time.perf_counter() - start)
print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "seconds": seconds}))
