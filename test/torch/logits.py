"""
The same-model proof's PyTorch half for generated folders: builds each model with seeded weights,
runs a seeded batch, and writes what the tfjs side needs to compare (test/pytorch-target.test.ts,
`npm run parity:torch`): FOLDER/parity/index.json naming each state_dict tensor's shape and offset in
FOLDER/parity/tensors.bin (float32, little endian), then the input (NCHW) and PyTorch's logits.
One process for all folders: starting Python with torch costs seconds.

    /usr/bin/python3 test/torch/logits.py FOLDER [FOLDER...]
"""
import importlib
import json
import os
import sys

import torch

for folder in sys.argv[1:]:
    sys.path.insert(0, folder)
    sys.modules.pop("model", None)
    model_py = importlib.import_module("model")
    sys.path.pop(0)
    torch.manual_seed(7)
    model = model_py.build_model().eval()
    # The specs' init leaves biases at zero: random ones show that they load too.
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith(".bias"):
                p.uniform_(-0.1, 0.1)
    x = torch.rand(2, *model_py.INPUT) * 2 - 1
    with torch.no_grad():
        logits = model(x)
    out = os.path.join(folder, "parity")
    os.makedirs(out, exist_ok=True)
    index, offset = [], 0
    with open(os.path.join(out, "tensors.bin"), "wb") as f:
        for name, t in [*model.state_dict().items(), ("input", x), ("logits", logits)]:
            data = t.detach().contiguous().to(torch.float32).numpy().astype("<f4").tobytes()
            f.write(data)
            index.append({"name": name, "shape": list(t.shape), "offset": offset})
            offset += len(data)
    with open(os.path.join(out, "index.json"), "w") as f:
        json.dump(index, f)
