"""
How much does PyTorch keep for the backward pass of the seed's model? Sums the distinct storages
autograd saves (saved_tensors_hooks) during one forward pass, parameters excluded, and prints them
next to alexc's "activations" term (the input plus every layer's output). Quoted in
docs/analysis.md. Needs Debian's python3-torch:  /usr/bin/python3 bench/saved-tensors.py
"""
import torch
import torch.nn as nn

from torch_models import seed_alexnet  # the seed's code, layer for layer (specs/alexnet.anet)


model = seed_alexnet().train()
params = {p.data_ptr() for p in model.parameters()}
# alexc's activation term for this model: 882,296 values per image (alexc summary).
ALEXC_VALUES = 882_296
print(f"torch {torch.__version__}")
print("| batch | PyTorch saved for backward | of which float32 | alexc activations term |")
print("|---:|---:|---:|---:|")
for batch in (1, 8, 32):
    seen = {}

    def pack(t):
        storage = t.untyped_storage() if hasattr(t, "untyped_storage") else t.storage()
        if storage.data_ptr() not in params:
            seen[storage.data_ptr()] = (storage.nbytes(), t.dtype)
        return t

    x = torch.randn(batch, 3, 224, 224)
    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        loss = nn.functional.cross_entropy(model(x), torch.zeros(batch, dtype=torch.long))
    total = sum(n for n, _ in seen.values())
    f32 = sum(n for n, d in seen.values() if d == torch.float32)
    mib = lambda b: f"{b / 2**20:.1f} MiB"
    print(f"| {batch} | {mib(total)} | {mib(f32)} | {mib(batch * ALEXC_VALUES * 4)} |")
