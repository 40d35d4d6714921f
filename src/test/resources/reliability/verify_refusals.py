#!/usr/bin/env python3
"""Checks refusals.txt (and zero_batch.txt) against the real PyTorch 1.13.

Not run by the build (CI has no PyTorch); run it by hand after editing the catalogue:

    PYTHONHASHSEED=0 python3 src/test/resources/reliability/verify_refusals.py

For every refusals.txt row with source 'torch' it builds the torch.nn module with the row's
arguments, runs the forward on the row's inputs and checks that PyTorch raises the same message;
for rows with source 'conv4j' it prints what PyTorch does instead. For zero_batch.txt it checks
the output shapes. A file with only three columns (op | arguments | inputs) is a draft: the
script prints PyTorch's outcome for each row.
"""
import os
import re
import sys

import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
TENSOR = re.compile(r"(f32|i64)\[([^\]]*)\](\{[^}]*\})?(~[a-z]-?\d+)?")


def tensor(dtype, shape, values):
    dt = torch.float32 if dtype == "f32" else torch.int64
    if values is None:
        return torch.zeros(shape, dtype=dt)
    return torch.tensor(values, dtype=dt).reshape(shape)


def parse_args(text):
    text = text.strip()
    if text in ("", "-"):
        return {}

    def repl(m):
        values = m.group(3)
        values = "None" if values is None else "[" + values[1:-1] + "]"
        return 'tensor("%s", [%s], %s)' % (m.group(1), m.group(2), values)

    return eval("dict(" + TENSOR.sub(repl, text) + ")", {"tensor": tensor, "nan": float("nan")})


def run(op, args, inputs):
    """PyTorch's outcome: ('ok', [shapes]) or ('error', 'Type: message')."""
    try:
        if op == "Tensor":
            dt = torch.int64 if args.get("dtype") == "int64" else torch.float32
            out = torch.zeros(args["shape"], dtype=dt)
            return "ok", [list(out.shape)]
        args = {k: v for k, v in args.items() if k != "seed"}
        module = getattr(nn, op)(**args)
        x = inputs["input"]
        extra = {}
        if "output_size" in inputs:
            extra["output_size"] = inputs["output_size"]
        if op.startswith("MaxUnpool"):
            out = module(x, inputs["indices"], **extra)
        else:
            out = module(x, **extra)
        outs = out if isinstance(out, tuple) else (out,)
        return "ok", [list(o.shape) for o in outs]
    except Exception as e:  # noqa: BLE001 - every refusal is wanted here
        return "error", "%s: %s" % (type(e).__name__, e)


def rows(name):
    with open(os.path.join(HERE, name)) as f:
        for number, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            yield number, line


def main():
    import warnings
    warnings.simplefilter("ignore")
    if os.environ.get("PYTHONHASHSEED") != "0":
        print("note: run with PYTHONHASHSEED=0; messages that print a Python set depend on it")
    bad = 0
    files = sys.argv[1:] or [os.path.join(HERE, "refusals.txt"), os.path.join(HERE, "zero_batch.txt")]
    for path in files:
        base = os.path.basename(path)
        for number, line in rows(os.path.abspath(path)):
            if line.startswith("##"):
                continue
            cols = [c.strip() for c in line.split(" | ", 5)]
            op, args, inputs = cols[0], parse_args(cols[1]), parse_args(cols[2])
            kind, what = run(op, args, inputs)
            where = "%s:%d %s | %s | %s" % (base, number, cols[0], cols[1], cols[2])
            if len(cols) == 3:
                print("%s\n    torch: %s %s" % (where, kind, what))
            elif base.startswith("zero_batch"):
                expected = eval(cols[3])
                if kind != "ok" or what != expected:
                    bad += 1
                    print("MISMATCH %s\n    expected %s\n    torch:   %s %s" % (where, expected, kind, what))
            else:
                source, message = cols[4], cols[5]
                torch_message = what.split(": ", 1)[1] if kind == "error" else None
                if source == "torch" and torch_message != message:
                    bad += 1
                    print("MISMATCH %s\n    row:   %s\n    torch: %s %s" % (where, message, kind, what))
                elif source == "conv4j":
                    print("conv4j-only %s\n    conv4j: %s\n    torch:  %s %s" % (where, message, kind, what))
    print("%d mismatch(es)" % bad)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
