"""
The same-model proof, PyTorch side, for generated folders given as arguments: the model's parameter
count (parameters and running statistics) equals `alexc check`'s (model.PARAMS), every spec layer's module gives the output shape alexc
reports (model.SHAPES, via forward hooks on the modules named by the spec), and the state_dict keys
are `<layer>.weight` / `<layer>.bias`. Prints one JSON line per folder; exits 1 on any mismatch.

    /usr/bin/python3 test/torch/check_model.py generated-pytorch/alexnet [...]
"""
import importlib
import json
import sys

import torch

failed = False
for folder in sys.argv[1:]:
    sys.path.insert(0, folder)
    for name in ("model", "builtin"):
        sys.modules.pop(name, None)
    model_py = importlib.import_module("model")
    sys.path.pop(0)
    torch.manual_seed(0)
    model = model_py.build_model().eval()
    # alexc counts running statistics with the params (reported apart as non-trainable): PyTorch keeps
    # them as buffers; num_batches_tracked is a counter, not a statistic.
    params = sum(p.numel() for p in model.parameters()) + sum(
        b.numel() for n, b in model.named_buffers() if n.endswith(("running_mean", "running_var")))
    seen = {}
    for layer, _ in model_py.SHAPES:
        module = model.get_submodule(layer)
        # A hook that returns something replaces the output: this one records and returns None.
        module.register_forward_hook(lambda m, i, o, layer=layer: seen.__setitem__(layer, tuple(o.shape[1:])))
    with torch.no_grad():
        out = model(torch.zeros(2, *model_py.INPUT))
    shapes = {layer: tuple(shape) for layer, shape in model_py.SHAPES}
    wrong = {k: [list(shapes[k]), list(seen.get(k, ()))] for k in shapes if seen.get(k) != shapes[k]}
    keys = list(model.state_dict())
    bad_keys = [k for k in keys if k.rsplit(".", 1)[0] not in shapes or k.rsplit(".", 1)[1] not in ("weight", "bias", "running_mean", "running_var", "num_batches_tracked")]
    ok = params == model_py.PARAMS and not wrong and not bad_keys and tuple(out.shape) == (2, model_py.NUM_CLASSES)
    failed |= not ok
    print(json.dumps({"folder": folder, "ok": ok, "params": params, "expected": model_py.PARAMS, "wrong_shapes": wrong, "bad_keys": bad_keys, "keys": keys}))
sys.exit(1 if failed else 0)
