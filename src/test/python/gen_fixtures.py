#!/usr/bin/python3
"""Golden-fixture generator for conv4j.

Runs torch.nn convolution and pooling modules on small seeded inputs and writes one
folder per case into src/test/resources/cases/ (see shared/case-format.md):

    case.json              op, args, [forward], inputs, outputs | expect_error
    input.npy              float32 input (batched or unbatched)
    weight.npy, bias.npy   convolutions only (bias omitted when bias=False)
    indices.npy            MaxUnpool only (int64, from a MaxPool with return_indices)
    expected_output.npy    float32 expected output
    expected_indices.npy   int64, when the op returns indices

Usage (from the repository root):

    /usr/bin/python3 src/test/python/gen_fixtures.py

Every case is seeded from the CRC32 of its folder name, so adding, removing or
reordering cases never changes the data of the other cases.  PYTHONHASHSEED is pinned
(the script re-executes itself) because some PyTorch error messages print Python sets.
"""

import copy
import json
import math
import os
import shutil
import sys
import zlib
from collections import Counter, OrderedDict

if os.environ.get("PYTHONHASHSEED") != "0":
    # PyTorch formats some error messages with a Python set ({'same', 'valid'}); pin the
    # string hash seed so that their text is the same on every run.
    os.environ["PYTHONHASHSEED"] = "0"
    os.execv(sys.executable, [sys.executable] + sys.argv)

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import warnings  # noqa: E402

# padding='same' with an even kernel warns that a padded copy is made; that is expected here.
warnings.filterwarnings("ignore", message="Using padding='same'")

torch.set_num_threads(1)  # deterministic float32 summation order

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
OUT_DIR = os.path.join(ROOT, "src", "test", "resources", "cases")

CONV_OPS = {"Conv1d", "Conv2d", "Conv3d", "ConvTranspose1d", "ConvTranspose2d", "ConvTranspose3d"}
UNPOOL_OPS = {"MaxUnpool1d", "MaxUnpool2d", "MaxUnpool3d"}
# Ops whose float32 result is re-checked against a float64 evaluation of the same module.
FLOAT64_CHECKED = CONV_OPS | {"AvgPool1d", "AvgPool2d", "AvgPool3d", "AdaptiveAvgPool1d",
                              "AdaptiveAvgPool2d", "AdaptiveAvgPool3d", "LPPool1d", "LPPool2d"}

NAN = float("nan")
INF = float("inf")


# --------------------------------------------------------------------------------------
# Input makers: functions of a torch.Generator returning a float32 tensor.
# --------------------------------------------------------------------------------------

def randn(*shape, scale=1.0):
    return lambda g: torch.randn(shape, generator=g, dtype=torch.float32) * scale


def ints(*shape, lo=-3, hi=4):
    """Integer-valued floats in [lo, hi): many ties."""
    return lambda g: torch.randint(lo, hi, shape, generator=g).to(torch.float32)


def positive(*shape):
    return lambda g: torch.rand(shape, generator=g, dtype=torch.float32) * 2.0 + 0.1


def const_blocks(*shape):
    """Piecewise-constant input: ties across whole windows."""
    def make(g):
        x = torch.zeros(shape)
        flat = x.view(-1)
        n = flat.numel()
        vals = torch.randint(-2, 3, (n // 4 + 1,), generator=g).to(torch.float32)
        for i in range(n):
            flat[i] = vals[i // 4]
        return x
    return make


def patched(base, patches):
    """Start from `base` and write `value` at each (index_tuple, value) in `patches`."""
    def make(g):
        x = base(g)
        for idx, val in patches:
            x[idx] = val
        return x
    return make


# --------------------------------------------------------------------------------------
# Case registry
# --------------------------------------------------------------------------------------

CASES = OrderedDict()


def add(name, op, args, x, forward=None, error=False, unpool_from=None, mutate_indices=None,
        indices=None):
    """Register one case.

    name            folder name (lowercase, unique)
    op              torch.nn class name
    args            constructor keyword arguments (JSON-able)
    x               input maker (function of a torch.Generator) or a shape tuple (randn)
    forward         forward() keyword arguments (output_size) or None
    error           True when PyTorch is expected to refuse the case
    unpool_from     MaxUnpool only: MaxPool args used to produce (input, indices) from x
    mutate_indices  MaxUnpool only: function applied to the indices (for error cases)
    indices         MaxUnpool only: explicit indices maker (function of g) instead
    """
    assert name == name.lower() and name not in CASES, name
    if isinstance(x, tuple):
        x = randn(*x)
    CASES[name] = dict(op=op, args=args, x=x, forward=forward, error=error,
                       unpool_from=unpool_from, mutate_indices=mutate_indices, indices=indices)


def err(name, op, args, x, **kw):
    add(name, op, args, x, error=True, **kw)


# --------------------------------------------------------------------------------------
# Running a case
# --------------------------------------------------------------------------------------

def to_py(v):
    """JSON round trip, so that PyTorch sees exactly what case.json records."""
    return json.loads(json.dumps(v))


def seed_of(name):
    return zlib.crc32(name.encode("utf-8")) & 0x7FFFFFFF


def fmt_error(e):
    return f"{type(e).__name__}: {e}"


def close_enough(a32, a64):
    a32 = a32.to(torch.float64)
    if a32.shape != a64.shape:
        return False
    nan32, nan64 = torch.isnan(a32), torch.isnan(a64)
    if not torch.equal(nan32, nan64):
        return False
    ok = ~nan32
    a, b = a32[ok], a64[ok]
    inf = torch.isinf(b)
    if not torch.equal(a[inf], b[inf]):
        return False
    a, b = a[~inf], b[~inf]
    return bool(torch.all((a - b).abs() <= 1e-5 * (1 + b.abs())))


STATS = Counter()


def run_case(name, spec):
    seed = seed_of(name)
    g = torch.Generator().manual_seed(seed)
    torch.manual_seed(seed)
    op, args, forward = spec["op"], to_py(spec["args"]), to_py(spec["forward"])
    fwd = forward or {}

    x = spec["x"](g).to(torch.float32).contiguous()
    inputs = OrderedDict(input=x)
    if op in UNPOOL_OPS:
        if spec["indices"] is not None:
            pooled, idx = x, spec["indices"](g)
        else:
            pool = getattr(nn, "MaxPool" + op[-2:])(return_indices=True, **spec["unpool_from"])
            with torch.no_grad():
                pooled, idx = pool(x)
        if spec["mutate_indices"] is not None:
            idx = spec["mutate_indices"](idx.clone())
        inputs["input"] = pooled.contiguous()
        inputs["indices"] = idx.contiguous()

    result = dict(op=op, args=args, inputs=inputs)
    if forward is not None:
        result["forward"] = forward

    try:
        module = getattr(nn, op)(**args)
    except Exception as e:  # constructor refused the arguments
        result["error"] = fmt_error(e)
        return result

    if op in CONV_OPS:
        w = module.weight
        # Scale like PyTorch's init (1/sqrt(fan_in)) so outputs stay O(1).
        if op.startswith("ConvTranspose"):  # weight [in, out/groups, k...]
            fan_in = w.shape[0] // module.groups * w[0, 0].numel()
        else:  # weight [out, in/groups, k...]
            fan_in = w[0].numel()
        with torch.no_grad():
            w.copy_(torch.randn(w.shape, generator=g) / math.sqrt(max(1, fan_in)))
            if module.bias is not None:
                module.bias.copy_(torch.randn(module.bias.shape, generator=g) * 0.5)
        inputs["weight"] = w.detach().clone()
        if module.bias is not None:
            inputs["bias"] = module.bias.detach().clone()

    module.eval()
    call_args = [inputs["input"]] + ([inputs["indices"]] if op in UNPOOL_OPS else [])
    try:
        with torch.no_grad():
            out = module(*call_args, **fwd)
    except Exception as e:  # forward refused the input
        result["error"] = fmt_error(e)
        return result

    if isinstance(out, tuple):
        out, out_idx = out
        result["indices"] = out_idx.contiguous()
    out = out.contiguous()

    if op in FLOAT64_CHECKED:
        m64 = copy.deepcopy(module).double()
        with torch.no_grad():
            out64 = m64(inputs["input"].double(), **fwd)
        if not close_enough(out, out64):
            STATS["float64_substituted"] += 1
            print(f"  note: {name}: float32 result differs from float64, storing float64")
            out = out64.to(torch.float32).contiguous()
    result["output"] = out
    return result


def save_npy(path, t):
    a = t.detach().cpu().numpy()
    if a.dtype.kind == "f":
        a = a.astype("<f4")
    elif a.dtype.kind in "iu":
        a = a.astype("<i8")
    else:
        raise TypeError(a.dtype)
    a = np.ascontiguousarray(a)
    with open(path, "wb") as f:
        np.lib.format.write_array(f, a, version=(1, 0), allow_pickle=False)


def write_case(name, spec, result):
    d = os.path.join(OUT_DIR, name)
    os.makedirs(d)
    doc = OrderedDict(op=result["op"], args=result["args"])
    if "forward" in result:
        doc["forward"] = result["forward"]
    files = OrderedDict()
    for key, t in result["inputs"].items():
        fn = key + ".npy"
        save_npy(os.path.join(d, fn), t)
        files[key] = fn
    doc["inputs"] = files
    if "error" in result:
        doc["expect_error"] = result["error"]
    else:
        save_npy(os.path.join(d, "expected_output.npy"), result["output"])
        outs = {"output": "expected_output.npy"}
        if "indices" in result:
            save_npy(os.path.join(d, "expected_indices.npy"), result["indices"])
            outs["indices"] = "expected_indices.npy"
        doc["outputs"] = outs
    with open(os.path.join(d, "case.json"), "w") as f:
        json.dump(doc, f, sort_keys=True, indent=1, allow_nan=False)
        f.write("\n")


# ======================================================================================
# Cases
# ======================================================================================

# ---------------------------------------------------------------- Conv1d
C1 = "Conv1d"
add("conv1d_basic", C1, dict(in_channels=3, out_channels=4, kernel_size=3), (2, 3, 10))
add("conv1d_k1", C1, dict(in_channels=3, out_channels=2, kernel_size=1), (2, 3, 6))
add("conv1d_stride2", C1, dict(in_channels=2, out_channels=3, kernel_size=3, stride=2), (2, 2, 11))
add("conv1d_stride3_pad2_k4", C1, dict(in_channels=2, out_channels=3, kernel_size=4, stride=3, padding=2), (1, 2, 12))
add("conv1d_stride3_gt_kernel2", C1, dict(in_channels=2, out_channels=2, kernel_size=2, stride=3), (2, 2, 10))
add("conv1d_lists_k3_s1_p1_d1", C1, dict(in_channels=3, out_channels=2, kernel_size=[3], stride=[1], padding=[1], dilation=[1]), (2, 3, 7))
add("conv1d_pad3_k2", C1, dict(in_channels=2, out_channels=2, kernel_size=2, padding=3), (1, 2, 5))
add("conv1d_dil2", C1, dict(in_channels=2, out_channels=3, kernel_size=3, dilation=2), (2, 2, 10))
add("conv1d_dil3_pad3_stride2", C1, dict(in_channels=2, out_channels=2, kernel_size=3, dilation=3, padding=3, stride=2), (1, 2, 11))
add("conv1d_groups3_depthwise", C1, dict(in_channels=3, out_channels=3, kernel_size=3, groups=3), (2, 3, 8))
add("conv1d_groups3_out_mult2", C1, dict(in_channels=3, out_channels=6, kernel_size=3, groups=3, padding=1), (2, 3, 8))
add("conv1d_groups2_in4_out6", C1, dict(in_channels=4, out_channels=6, kernel_size=3, groups=2, padding=1), (2, 4, 7))
add("conv1d_nobias", C1, dict(in_channels=3, out_channels=4, kernel_size=3, bias=False), (2, 3, 8))
add("conv1d_explicit_defaults", C1, dict(in_channels=2, out_channels=3, kernel_size=3, stride=1, padding=0, dilation=1, groups=1, bias=True, padding_mode="zeros"), (1, 2, 6))
add("conv1d_same_k3", C1, dict(in_channels=2, out_channels=3, kernel_size=3, padding="same"), (2, 2, 7))
add("conv1d_same_k4_even", C1, dict(in_channels=2, out_channels=3, kernel_size=4, padding="same"), (2, 2, 7))
add("conv1d_same_k2_even", C1, dict(in_channels=2, out_channels=2, kernel_size=2, padding="same"), (1, 2, 6))
add("conv1d_same_k4_dil3_asym", C1, dict(in_channels=2, out_channels=2, kernel_size=4, dilation=3, padding="same"), (1, 2, 8))
add("conv1d_same_k3_dil2", C1, dict(in_channels=2, out_channels=2, kernel_size=3, dilation=2, padding="same"), (1, 2, 8))
add("conv1d_valid", C1, dict(in_channels=2, out_channels=3, kernel_size=3, padding="valid"), (2, 2, 7))
add("conv1d_valid_stride2", C1, dict(in_channels=2, out_channels=3, kernel_size=3, padding="valid", stride=2), (2, 2, 8))
add("conv1d_reflect_pad2", C1, dict(in_channels=2, out_channels=3, kernel_size=3, padding=2, padding_mode="reflect"), (2, 2, 6))
add("conv1d_replicate_pad2", C1, dict(in_channels=2, out_channels=3, kernel_size=3, padding=2, padding_mode="replicate"), (2, 2, 6))
add("conv1d_circular_pad2", C1, dict(in_channels=2, out_channels=3, kernel_size=3, padding=2, padding_mode="circular"), (2, 2, 6))
add("conv1d_reflect_same_k4", C1, dict(in_channels=2, out_channels=2, kernel_size=4, padding="same", padding_mode="reflect"), (1, 2, 6))
add("conv1d_circular_same_k4_dil3", C1, dict(in_channels=2, out_channels=2, kernel_size=4, dilation=3, padding="same", padding_mode="circular"), (1, 2, 8))
add("conv1d_replicate_same_k2_dil3", C1, dict(in_channels=2, out_channels=2, kernel_size=2, dilation=3, padding="same", padding_mode="replicate"), (1, 2, 6))
add("conv1d_circular_pad1_stride2_groups2", C1, dict(in_channels=4, out_channels=2, kernel_size=3, padding=1, stride=2, groups=2, padding_mode="circular"), (2, 4, 9))
add("conv1d_reflect_valid", C1, dict(in_channels=2, out_channels=2, kernel_size=3, padding="valid", padding_mode="reflect"), (1, 2, 6))
add("conv1d_unbatched", C1, dict(in_channels=3, out_channels=2, kernel_size=3), (3, 9))
add("conv1d_unbatched_same_reflect", C1, dict(in_channels=2, out_channels=3, kernel_size=4, padding="same", padding_mode="reflect"), (2, 7))
add("conv1d_batch3_c1", C1, dict(in_channels=1, out_channels=1, kernel_size=5, padding=2), (3, 1, 12))

# ---------------------------------------------------------------- Conv2d
C2 = "Conv2d"
add("conv2d_basic", C2, dict(in_channels=3, out_channels=4, kernel_size=3), (2, 3, 7, 8))
add("conv2d_k1x1", C2, dict(in_channels=3, out_channels=2, kernel_size=1), (2, 3, 4, 5))
add("conv2d_kernel_rect_2x4", C2, dict(in_channels=2, out_channels=3, kernel_size=[2, 4]), (2, 2, 6, 7))
add("conv2d_stride2", C2, dict(in_channels=2, out_channels=3, kernel_size=3, stride=2), (2, 2, 9, 8))
add("conv2d_stride_list_1_2", C2, dict(in_channels=2, out_channels=2, kernel_size=3, stride=[1, 2]), (1, 2, 7, 9))
add("conv2d_stride2_pad1_dil2", C2, dict(in_channels=2, out_channels=3, kernel_size=3, stride=2, padding=1, dilation=2), (2, 2, 9, 10))
add("conv2d_stride3_gt_kernel2", C2, dict(in_channels=2, out_channels=2, kernel_size=2, stride=3), (1, 2, 10, 8))
add("conv2d_pad_list_2_0", C2, dict(in_channels=2, out_channels=2, kernel_size=3, padding=[2, 0]), (1, 2, 5, 6))
add("conv2d_pad_list_0_3_k2", C2, dict(in_channels=2, out_channels=2, kernel_size=2, padding=[0, 3]), (1, 2, 5, 4))
add("conv2d_dil_list_1_3", C2, dict(in_channels=2, out_channels=2, kernel_size=3, dilation=[1, 3]), (1, 2, 6, 9))
add("conv2d_dil2_k2", C2, dict(in_channels=2, out_channels=3, kernel_size=2, dilation=2), (2, 2, 6, 6))
add("conv2d_all_lists", C2, dict(in_channels=2, out_channels=3, kernel_size=[3, 2], stride=[2, 1], padding=[1, 2], dilation=[2, 1]), (2, 2, 9, 6))
add("conv2d_groups2", C2, dict(in_channels=4, out_channels=4, kernel_size=3, groups=2), (2, 4, 6, 6))
add("conv2d_depthwise_c4", C2, dict(in_channels=4, out_channels=4, kernel_size=3, groups=4, padding=1), (2, 4, 6, 5))
add("conv2d_depthwise_mult3", C2, dict(in_channels=2, out_channels=6, kernel_size=3, groups=2), (1, 2, 6, 6))
add("conv2d_groups3_in6_out3", C2, dict(in_channels=6, out_channels=3, kernel_size=2, groups=3), (1, 6, 5, 5))
add("conv2d_nobias", C2, dict(in_channels=3, out_channels=2, kernel_size=3, bias=False), (2, 3, 6, 6))
add("conv2d_nobias_groups2_stride2", C2, dict(in_channels=4, out_channels=2, kernel_size=3, bias=False, groups=2, stride=2), (1, 4, 7, 7))
add("conv2d_same_k3", C2, dict(in_channels=2, out_channels=3, kernel_size=3, padding="same"), (2, 2, 6, 5))
add("conv2d_same_k4_even", C2, dict(in_channels=2, out_channels=3, kernel_size=4, padding="same"), (2, 2, 6, 7))
add("conv2d_same_k2x3", C2, dict(in_channels=2, out_channels=2, kernel_size=[2, 3], padding="same"), (1, 2, 5, 6))
add("conv2d_same_k4x2_dil1x3_asym", C2, dict(in_channels=2, out_channels=2, kernel_size=[4, 2], dilation=[1, 3], padding="same"), (1, 2, 6, 7))
add("conv2d_same_k3_dil2", C2, dict(in_channels=2, out_channels=2, kernel_size=3, dilation=2, padding="same"), (1, 2, 7, 6))
add("conv2d_same_k4_dil3_asym", C2, dict(in_channels=2, out_channels=2, kernel_size=4, dilation=3, padding="same"), (1, 2, 6, 6))
add("conv2d_same_groups2_k2", C2, dict(in_channels=4, out_channels=2, kernel_size=2, groups=2, padding="same"), (1, 4, 5, 5))
add("conv2d_valid", C2, dict(in_channels=2, out_channels=3, kernel_size=3, padding="valid"), (2, 2, 5, 6))
add("conv2d_valid_stride2_dil2", C2, dict(in_channels=2, out_channels=2, kernel_size=2, padding="valid", stride=2, dilation=2), (1, 2, 8, 9))
add("conv2d_reflect_pad1", C2, dict(in_channels=2, out_channels=3, kernel_size=3, padding=1, padding_mode="reflect"), (2, 2, 5, 6))
add("conv2d_reflect_pad_list_1_2", C2, dict(in_channels=2, out_channels=2, kernel_size=3, padding=[1, 2], padding_mode="reflect"), (1, 2, 5, 4))
add("conv2d_replicate_pad2", C2, dict(in_channels=2, out_channels=2, kernel_size=3, padding=2, padding_mode="replicate"), (1, 2, 4, 5))
add("conv2d_replicate_pad_list_2_0", C2, dict(in_channels=2, out_channels=2, kernel_size=3, padding=[2, 0], padding_mode="replicate"), (1, 2, 4, 5))
add("conv2d_circular_pad1", C2, dict(in_channels=2, out_channels=3, kernel_size=3, padding=1, padding_mode="circular"), (2, 2, 5, 6))
add("conv2d_circular_pad_list_0_2", C2, dict(in_channels=2, out_channels=2, kernel_size=3, padding=[0, 2], padding_mode="circular"), (1, 2, 5, 4))
add("conv2d_circular_pad_list_3_1_stride2", C2, dict(in_channels=2, out_channels=2, kernel_size=3, padding=[3, 1], stride=2, padding_mode="circular"), (1, 2, 5, 6))
add("conv2d_reflect_same_k4", C2, dict(in_channels=2, out_channels=2, kernel_size=4, padding="same", padding_mode="reflect"), (1, 2, 5, 6))
add("conv2d_replicate_same_k2x4_dil3x1", C2, dict(in_channels=2, out_channels=2, kernel_size=[2, 4], dilation=[3, 1], padding="same", padding_mode="replicate"), (1, 2, 5, 6))
add("conv2d_circular_same_k2x4_dil3x1", C2, dict(in_channels=2, out_channels=2, kernel_size=[2, 4], dilation=[3, 1], padding="same", padding_mode="circular"), (1, 2, 5, 6))
add("conv2d_reflect_dil2_stride2_groups2", C2, dict(in_channels=4, out_channels=4, kernel_size=3, dilation=2, stride=2, groups=2, padding=2, padding_mode="reflect"), (1, 4, 7, 8))
add("conv2d_unbatched", C2, dict(in_channels=3, out_channels=2, kernel_size=3, padding=1), (3, 5, 6))
add("conv2d_unbatched_groups2_stride2", C2, dict(in_channels=4, out_channels=2, kernel_size=3, groups=2, stride=2), (4, 7, 7))
add("conv2d_unbatched_same_reflect_k4", C2, dict(in_channels=2, out_channels=2, kernel_size=4, padding="same", padding_mode="reflect"), (2, 5, 6))
add("conv2d_unbatched_replicate_pad_list_1_2", C2, dict(in_channels=2, out_channels=3, kernel_size=3, padding=[1, 2], padding_mode="replicate"), (2, 4, 5))
add("conv2d_batch3_c1", C2, dict(in_channels=1, out_channels=2, kernel_size=3), (3, 1, 5, 5))
add("conv2d_kernel_equals_input", C2, dict(in_channels=2, out_channels=3, kernel_size=[4, 5]), (2, 2, 4, 5))

# ---------------------------------------------------------------- Conv3d
C3 = "Conv3d"
add("conv3d_basic", C3, dict(in_channels=2, out_channels=3, kernel_size=3), (2, 2, 5, 6, 5))
add("conv3d_k1", C3, dict(in_channels=3, out_channels=2, kernel_size=1), (1, 3, 3, 4, 3))
add("conv3d_kernel_list_1_2_3", C3, dict(in_channels=2, out_channels=2, kernel_size=[1, 2, 3]), (1, 2, 4, 5, 6))
add("conv3d_stride2_pad1", C3, dict(in_channels=2, out_channels=2, kernel_size=3, stride=2, padding=1), (2, 2, 5, 6, 7))
add("conv3d_stride_list_1_2_3", C3, dict(in_channels=2, out_channels=2, kernel_size=2, stride=[1, 2, 3]), (1, 2, 4, 6, 7))
add("conv3d_pad_list_1_0_2", C3, dict(in_channels=2, out_channels=2, kernel_size=3, padding=[1, 0, 2]), (1, 2, 4, 5, 3))
add("conv3d_dil2", C3, dict(in_channels=2, out_channels=2, kernel_size=2, dilation=2), (1, 2, 5, 5, 6))
add("conv3d_dil_list_1_2_1_pad1", C3, dict(in_channels=2, out_channels=2, kernel_size=3, dilation=[1, 2, 1], padding=1), (1, 2, 4, 6, 4))
add("conv3d_groups2", C3, dict(in_channels=4, out_channels=2, kernel_size=2, groups=2), (1, 4, 4, 4, 4))
add("conv3d_depthwise_c3", C3, dict(in_channels=3, out_channels=3, kernel_size=3, groups=3, padding=1), (1, 3, 4, 4, 3))
add("conv3d_nobias", C3, dict(in_channels=2, out_channels=3, kernel_size=2, bias=False), (2, 2, 3, 4, 4))
add("conv3d_same_k3", C3, dict(in_channels=2, out_channels=2, kernel_size=3, padding="same"), (1, 2, 4, 5, 4))
add("conv3d_same_k2x3x4_dil3x1x1", C3, dict(in_channels=2, out_channels=2, kernel_size=[2, 3, 4], dilation=[3, 1, 1], padding="same"), (1, 2, 5, 4, 5))
add("conv3d_valid", C3, dict(in_channels=2, out_channels=2, kernel_size=[3, 2, 2], padding="valid"), (1, 2, 4, 4, 5))
add("conv3d_reflect_pad1", C3, dict(in_channels=2, out_channels=2, kernel_size=3, padding=1, padding_mode="reflect"), (1, 2, 4, 4, 5))
add("conv3d_replicate_pad_list_2_1_0", C3, dict(in_channels=2, out_channels=2, kernel_size=3, padding=[2, 1, 0], padding_mode="replicate"), (1, 2, 3, 4, 5))
add("conv3d_circular_pad1_stride2", C3, dict(in_channels=2, out_channels=2, kernel_size=3, padding=1, stride=2, padding_mode="circular"), (1, 2, 5, 4, 5))
add("conv3d_circular_same_k4", C3, dict(in_channels=2, out_channels=2, kernel_size=[4, 2, 3], padding="same", padding_mode="circular"), (1, 2, 4, 5, 4))
add("conv3d_unbatched_replicate_pad1", C3, dict(in_channels=2, out_channels=2, kernel_size=3, padding=1, padding_mode="replicate"), (2, 3, 4, 3))
add("conv3d_unbatched", C3, dict(in_channels=2, out_channels=3, kernel_size=2, padding=1), (2, 3, 4, 4))

# ---------------------------------------------------------------- ConvTranspose1d
T1 = "ConvTranspose1d"
add("convtranspose1d_basic", T1, dict(in_channels=3, out_channels=2, kernel_size=3), (2, 3, 6))
add("convtranspose1d_stride2", T1, dict(in_channels=2, out_channels=3, kernel_size=3, stride=2), (2, 2, 5))
add("convtranspose1d_stride3_pad1", T1, dict(in_channels=2, out_channels=2, kernel_size=4, stride=3, padding=1), (1, 2, 5))
add("convtranspose1d_stride2_outpad1", T1, dict(in_channels=2, out_channels=2, kernel_size=3, stride=2, output_padding=1), (1, 2, 5))
add("convtranspose1d_stride3_pad2_outpad2", T1, dict(in_channels=2, out_channels=2, kernel_size=3, stride=3, padding=2, output_padding=2), (1, 2, 4))
add("convtranspose1d_stride_gt_kernel", T1, dict(in_channels=2, out_channels=2, kernel_size=2, stride=4), (1, 2, 4))
add("convtranspose1d_dil2", T1, dict(in_channels=2, out_channels=2, kernel_size=3, dilation=2), (1, 2, 5))
add("convtranspose1d_dil3_outpad2_stride1", T1, dict(in_channels=2, out_channels=2, kernel_size=2, dilation=3, output_padding=2), (1, 2, 5))
add("convtranspose1d_groups2", T1, dict(in_channels=4, out_channels=2, kernel_size=3, groups=2), (2, 4, 5))
add("convtranspose1d_depthwise_c3", T1, dict(in_channels=3, out_channels=3, kernel_size=3, groups=3, stride=2), (1, 3, 4))
add("convtranspose1d_groups3_out_mult2", T1, dict(in_channels=3, out_channels=6, kernel_size=2, groups=3), (1, 3, 4))
add("convtranspose1d_nobias", T1, dict(in_channels=2, out_channels=3, kernel_size=3, bias=False, stride=2), (2, 2, 4))
add("convtranspose1d_pad_reduces", T1, dict(in_channels=2, out_channels=2, kernel_size=3, padding=2), (1, 2, 6))
add("convtranspose1d_output_size_min", T1, dict(in_channels=2, out_channels=2, kernel_size=3, stride=3, padding=1), (1, 2, 4), forward=dict(output_size=[10]))
add("convtranspose1d_output_size_max", T1, dict(in_channels=2, out_channels=2, kernel_size=3, stride=3, padding=1), (1, 2, 4), forward=dict(output_size=[12]))
add("convtranspose1d_output_size_overrides_outpad", T1, dict(in_channels=2, out_channels=2, kernel_size=3, stride=2, output_padding=1), (1, 2, 4), forward=dict(output_size=[9]))
add("convtranspose1d_output_size_with_batch_dims", T1, dict(in_channels=2, out_channels=3, kernel_size=3, stride=2), (2, 2, 4), forward=dict(output_size=[2, 3, 10]))
add("convtranspose1d_unbatched", T1, dict(in_channels=2, out_channels=3, kernel_size=3, stride=2, padding=1), (2, 5))
add("convtranspose1d_unbatched_output_size", T1, dict(in_channels=2, out_channels=3, kernel_size=3, stride=2), (2, 4), forward=dict(output_size=[10]))
add("convtranspose1d_lists", T1, dict(in_channels=2, out_channels=2, kernel_size=[3], stride=[2], padding=[1], output_padding=[1], dilation=[2]), (1, 2, 5))

# ---------------------------------------------------------------- ConvTranspose2d
T2 = "ConvTranspose2d"
add("convtranspose2d_basic", T2, dict(in_channels=3, out_channels=2, kernel_size=3), (2, 3, 4, 5))
add("convtranspose2d_stride2", T2, dict(in_channels=2, out_channels=3, kernel_size=3, stride=2), (2, 2, 4, 4))
add("convtranspose2d_stride2_pad1", T2, dict(in_channels=2, out_channels=2, kernel_size=3, stride=2, padding=1), (1, 2, 4, 5))
add("convtranspose2d_stride2_pad1_outpad1", T2, dict(in_channels=2, out_channels=2, kernel_size=3, stride=2, padding=1, output_padding=1), (1, 2, 4, 5))
add("convtranspose2d_stride_list_2_3", T2, dict(in_channels=2, out_channels=2, kernel_size=[3, 2], stride=[2, 3]), (1, 2, 3, 4))
add("convtranspose2d_outpad_list_0_2", T2, dict(in_channels=2, out_channels=2, kernel_size=3, stride=[1, 3], output_padding=[0, 2]), (1, 2, 3, 4))
add("convtranspose2d_pad_list_2_0", T2, dict(in_channels=2, out_channels=2, kernel_size=3, padding=[2, 0]), (1, 2, 5, 4))
add("convtranspose2d_dil2", T2, dict(in_channels=2, out_channels=2, kernel_size=3, dilation=2), (1, 2, 4, 4))
add("convtranspose2d_dil_list_1_2_stride2", T2, dict(in_channels=2, out_channels=2, kernel_size=2, dilation=[1, 2], stride=2, padding=1), (1, 2, 4, 4))
add("convtranspose2d_dil3_outpad2_stride1", T2, dict(in_channels=2, out_channels=2, kernel_size=2, dilation=3, output_padding=2), (1, 2, 3, 4))
add("convtranspose2d_stride3_dil2_outpad2", T2, dict(in_channels=2, out_channels=2, kernel_size=3, dilation=2, stride=3, output_padding=2, padding=1), (1, 2, 3, 3))
add("convtranspose2d_groups2", T2, dict(in_channels=4, out_channels=2, kernel_size=3, groups=2, stride=2), (1, 4, 3, 4))
add("convtranspose2d_depthwise_c3", T2, dict(in_channels=3, out_channels=3, kernel_size=3, groups=3), (2, 3, 3, 3))
add("convtranspose2d_groups2_out_mult3", T2, dict(in_channels=2, out_channels=6, kernel_size=2, groups=2, stride=2), (1, 2, 3, 3))
add("convtranspose2d_nobias", T2, dict(in_channels=2, out_channels=3, kernel_size=3, bias=False), (2, 2, 3, 4))
add("convtranspose2d_k1_stride2", T2, dict(in_channels=2, out_channels=2, kernel_size=1, stride=2), (1, 2, 3, 3))
add("convtranspose2d_output_size_min", T2, dict(in_channels=2, out_channels=2, kernel_size=3, stride=2, padding=1), (1, 2, 4, 4), forward=dict(output_size=[7, 7]))
add("convtranspose2d_output_size_max", T2, dict(in_channels=2, out_channels=2, kernel_size=3, stride=3, padding=1), (1, 2, 3, 4), forward=dict(output_size=[9, 12]))
add("convtranspose2d_output_size_mixed", T2, dict(in_channels=2, out_channels=2, kernel_size=3, stride=[2, 3]), (1, 2, 3, 3), forward=dict(output_size=[8, 9]))
add("convtranspose2d_output_size_with_batch_dims", T2, dict(in_channels=2, out_channels=3, kernel_size=3, stride=2, padding=1), (2, 2, 4, 3), forward=dict(output_size=[2, 3, 8, 6]))
add("convtranspose2d_output_size_batch_dims_ignored_values", T2, dict(in_channels=2, out_channels=3, kernel_size=3, stride=2), (1, 2, 3, 3), forward=dict(output_size=[7, 99, 8, 7]))
add("convtranspose2d_unbatched", T2, dict(in_channels=2, out_channels=3, kernel_size=3, stride=2), (2, 3, 4))
add("convtranspose2d_unbatched_output_size", T2, dict(in_channels=2, out_channels=2, kernel_size=2, stride=2), (2, 3, 3), forward=dict(output_size=[7, 6]))
add("convtranspose2d_unbatched_output_size_with_channel", T2, dict(in_channels=2, out_channels=2, kernel_size=2, stride=2), (2, 3, 3), forward=dict(output_size=[2, 7, 7]))
add("convtranspose2d_all_lists", T2, dict(in_channels=2, out_channels=4, kernel_size=[2, 3], stride=[2, 1], padding=[1, 1], output_padding=[1, 0], dilation=[1, 2], groups=2), (1, 2, 4, 4))

# ---------------------------------------------------------------- ConvTranspose3d
T3 = "ConvTranspose3d"
add("convtranspose3d_basic", T3, dict(in_channels=2, out_channels=2, kernel_size=3), (1, 2, 3, 3, 4))
add("convtranspose3d_stride2_pad1_outpad1", T3, dict(in_channels=2, out_channels=2, kernel_size=3, stride=2, padding=1, output_padding=1), (1, 2, 3, 3, 3))
add("convtranspose3d_lists", T3, dict(in_channels=2, out_channels=2, kernel_size=[2, 3, 2], stride=[1, 2, 3], padding=[0, 1, 1], output_padding=[0, 1, 2]), (1, 2, 3, 3, 3))
add("convtranspose3d_dil2", T3, dict(in_channels=2, out_channels=2, kernel_size=2, dilation=2), (1, 2, 3, 3, 3))
add("convtranspose3d_groups2", T3, dict(in_channels=4, out_channels=2, kernel_size=2, groups=2, stride=2), (1, 4, 2, 3, 2))
add("convtranspose3d_nobias", T3, dict(in_channels=2, out_channels=3, kernel_size=2, bias=False), (2, 2, 3, 2, 3))
add("convtranspose3d_output_size", T3, dict(in_channels=2, out_channels=2, kernel_size=3, stride=2, padding=1), (1, 2, 3, 3, 2), forward=dict(output_size=[5, 6, 4]))
add("convtranspose3d_output_size_with_batch_dims", T3, dict(in_channels=2, out_channels=2, kernel_size=2, stride=2), (1, 2, 2, 2, 3), forward=dict(output_size=[1, 2, 5, 4, 7]))
add("convtranspose3d_unbatched", T3, dict(in_channels=2, out_channels=2, kernel_size=2, stride=2), (2, 2, 3, 2))
add("convtranspose3d_unbatched_output_size", T3, dict(in_channels=2, out_channels=2, kernel_size=3, stride=2), (2, 2, 2, 2), forward=dict(output_size=[6, 5, 6]))

# ---------------------------------------------------------------- MaxPool1d
M1 = "MaxPool1d"
add("maxpool1d_k2_stride_omitted", M1, dict(kernel_size=2), (2, 3, 9))
add("maxpool1d_k3_stride_null", M1, dict(kernel_size=3, stride=None), (2, 2, 10))
add("maxpool1d_k3_s1", M1, dict(kernel_size=3, stride=1), (1, 2, 8))
add("maxpool1d_k3_s2_p1", M1, dict(kernel_size=3, stride=2, padding=1), (2, 2, 9))
add("maxpool1d_k2_s3_gt_kernel", M1, dict(kernel_size=2, stride=3), (1, 2, 11))
add("maxpool1d_dil2", M1, dict(kernel_size=3, stride=1, dilation=2), (1, 2, 9))
add("maxpool1d_dil2_p1_s2", M1, dict(kernel_size=3, stride=2, padding=1, dilation=2), (1, 2, 9))
add("maxpool1d_ceil", M1, dict(kernel_size=3, stride=2, ceil_mode=True), (1, 2, 8))
add("maxpool1d_ceil_drops_last_window", M1, dict(kernel_size=2, stride=2, padding=1, ceil_mode=True), (1, 2, 5))
add("maxpool1d_ceil_pad1_dil2", M1, dict(kernel_size=2, stride=3, padding=1, dilation=2, ceil_mode=True), (1, 2, 9))
add("maxpool1d_indices", M1, dict(kernel_size=3, stride=2, padding=1, return_indices=True), (2, 2, 9))
add("maxpool1d_indices_ties", M1, dict(kernel_size=3, stride=1, return_indices=True), ints(2, 2, 10, lo=0, hi=3))
add("maxpool1d_indices_ceil_dil", M1, dict(kernel_size=2, stride=2, dilation=2, ceil_mode=True, return_indices=True), (1, 2, 8))
add("maxpool1d_nan_indices", M1, dict(kernel_size=3, stride=2, return_indices=True),
    patched(randn(1, 2, 9), [((0, 0, 1), NAN), ((0, 0, 5), NAN), ((0, 0, 6), NAN), ((0, 1, 8), NAN)]))
add("maxpool1d_nan_no_indices", M1, dict(kernel_size=3, stride=2),
    patched(randn(1, 2, 9), [((0, 0, 1), NAN), ((0, 1, 4), NAN), ((0, 1, 8), NAN)]))
add("maxpool1d_neginf_indices", M1, dict(kernel_size=2, stride=2, padding=1, return_indices=True),
    patched(randn(1, 2, 7), [((0, 0, 0), -INF), ((0, 0, 1), -INF), ((0, 0, 2), -INF), ((0, 1, 3), -INF), ((0, 1, 4), -INF), ((0, 1, 6), INF)]))
add("maxpool1d_unbatched", M1, dict(kernel_size=3, stride=2), (3, 9))
add("maxpool1d_unbatched_indices", M1, dict(kernel_size=2, padding=1, return_indices=True), (2, 7))
add("maxpool1d_lists", M1, dict(kernel_size=[3], stride=[2], padding=[1], dilation=[1]), (1, 2, 8))

# ---------------------------------------------------------------- MaxPool2d
M2 = "MaxPool2d"
add("maxpool2d_k2_stride_omitted", M2, dict(kernel_size=2), (2, 3, 6, 7))
add("maxpool2d_k3_stride_null", M2, dict(kernel_size=3, stride=None), (1, 2, 7, 9))
add("maxpool2d_k3_s1", M2, dict(kernel_size=3, stride=1), (1, 2, 5, 6))
add("maxpool2d_k3_s2_p1", M2, dict(kernel_size=3, stride=2, padding=1), (2, 2, 7, 8))
add("maxpool2d_rect_kernel_2x3", M2, dict(kernel_size=[2, 3], stride=[1, 2]), (1, 2, 5, 8))
add("maxpool2d_pad_list_1_0", M2, dict(kernel_size=[3, 2], padding=[1, 0], stride=2), (1, 2, 6, 7))
add("maxpool2d_stride_gt_kernel", M2, dict(kernel_size=2, stride=3), (1, 2, 8, 9))
add("maxpool2d_dil2", M2, dict(kernel_size=2, stride=1, dilation=2), (1, 2, 6, 6))
add("maxpool2d_stride2_pad1_dil2", M2, dict(kernel_size=3, stride=2, padding=1, dilation=2), (1, 2, 9, 10))
add("maxpool2d_dil_list_1_3", M2, dict(kernel_size=2, stride=1, dilation=[1, 3]), (1, 2, 5, 7))
add("maxpool2d_ceil", M2, dict(kernel_size=3, stride=2, ceil_mode=True), (1, 2, 6, 8))
add("maxpool2d_ceil_drops_last_window", M2, dict(kernel_size=2, stride=2, padding=1, ceil_mode=True), (1, 2, 5, 7))
add("maxpool2d_ceil_pad_dil", M2, dict(kernel_size=3, stride=2, padding=1, dilation=2, ceil_mode=True), (1, 2, 8, 9))
add("maxpool2d_indices", M2, dict(kernel_size=3, stride=2, padding=1, return_indices=True), (2, 2, 7, 6))
add("maxpool2d_indices_dil_ceil", M2, dict(kernel_size=2, stride=2, dilation=2, padding=1, ceil_mode=True, return_indices=True), (1, 2, 7, 8))
add("maxpool2d_ties_integers_indices", M2, dict(kernel_size=3, stride=1, return_indices=True), ints(1, 2, 6, 6, lo=0, hi=3))
add("maxpool2d_ties_constant_regions_indices", M2, dict(kernel_size=2, stride=1, padding=1, return_indices=True), const_blocks(1, 2, 6, 8))
add("maxpool2d_ceil_nan_indices", M2, dict(kernel_size=3, stride=2, ceil_mode=True, return_indices=True),
    patched(randn(1, 2, 7, 7), [((0, 0, 0, 1), NAN), ((0, 0, 1, 0), NAN), ((0, 0, 4, 4), NAN), ((0, 1, 6, 6), NAN), ((0, 1, 2, 3), NAN)]))
add("maxpool2d_nan_no_indices", M2, dict(kernel_size=2),
    patched(randn(1, 2, 6, 6), [((0, 0, 0, 0), NAN), ((0, 1, 3, 2), NAN), ((0, 1, 3, 3), NAN)]))
add("maxpool2d_neginf_indices", M2, dict(kernel_size=2, stride=2, padding=1, return_indices=True),
    patched(randn(1, 1, 5, 5), [((0, 0, 0, 0), -INF), ((0, 0, 1, 1), -INF), ((0, 0, 1, 2), -INF),
                                ((0, 0, 2, 1), -INF), ((0, 0, 2, 2), -INF), ((0, 0, 4, 4), INF)]))
add("maxpool2d_all_neginf_indices", M2, dict(kernel_size=3, stride=2, padding=1, return_indices=True),
    lambda g: torch.full((1, 1, 5, 5), -INF))
add("maxpool2d_unbatched", M2, dict(kernel_size=2, stride=2), (3, 5, 6))
add("maxpool2d_unbatched_indices", M2, dict(kernel_size=3, stride=2, padding=1, return_indices=True), (2, 6, 5))
add("maxpool2d_explicit_defaults", M2, dict(kernel_size=2, stride=None, padding=0, dilation=1, return_indices=False, ceil_mode=False), (1, 2, 4, 6))

# ---------------------------------------------------------------- MaxPool3d
M3 = "MaxPool3d"
add("maxpool3d_k2_stride_omitted", M3, dict(kernel_size=2), (2, 2, 4, 5, 6))
add("maxpool3d_k3_stride_null_pad1", M3, dict(kernel_size=3, stride=None, padding=1), (1, 2, 5, 6, 4))
add("maxpool3d_lists", M3, dict(kernel_size=[1, 2, 3], stride=[1, 2, 2], padding=[0, 1, 1]), (1, 2, 3, 5, 6))
add("maxpool3d_dil2", M3, dict(kernel_size=2, stride=1, dilation=2), (1, 2, 4, 5, 5))
add("maxpool3d_ceil", M3, dict(kernel_size=2, stride=2, ceil_mode=True), (1, 2, 5, 4, 3))
add("maxpool3d_ceil_drops_last_window", M3, dict(kernel_size=2, stride=2, padding=1, ceil_mode=True), (1, 1, 5, 3, 5))
add("maxpool3d_indices", M3, dict(kernel_size=2, stride=2, padding=1, return_indices=True), (2, 2, 4, 5, 3))
add("maxpool3d_indices_ties", M3, dict(kernel_size=2, stride=1, return_indices=True), ints(1, 2, 3, 4, 4, lo=0, hi=2))
add("maxpool3d_nan_indices", M3, dict(kernel_size=2, return_indices=True),
    patched(randn(1, 1, 4, 4, 4), [((0, 0, 0, 0, 1), NAN), ((0, 0, 1, 1, 0), NAN), ((0, 0, 3, 2, 2), NAN)]))
add("maxpool3d_neginf_indices", M3, dict(kernel_size=2, stride=2, padding=1, return_indices=True),
    patched(randn(1, 1, 3, 3, 3), [((0, 0, 0, 0, 0), -INF), ((0, 0, 1, 1, 1), -INF), ((0, 0, 2, 2, 2), -INF), ((0, 0, 1, 2, 1), -INF)]))
add("maxpool3d_unbatched_indices", M3, dict(kernel_size=2, stride=[1, 2, 2], return_indices=True), (2, 3, 4, 5))

# ---------------------------------------------------------------- AvgPool1d
A1 = "AvgPool1d"
add("avgpool1d_k2_stride_omitted", A1, dict(kernel_size=2), (2, 3, 9))
add("avgpool1d_k3_stride_null", A1, dict(kernel_size=3, stride=None), (1, 2, 10))
add("avgpool1d_k3_s1", A1, dict(kernel_size=3, stride=1), (1, 2, 7))
add("avgpool1d_k3_s2_p1_include_pad", A1, dict(kernel_size=3, stride=2, padding=1), (2, 2, 9))
add("avgpool1d_k3_s2_p1_exclude_pad", A1, dict(kernel_size=3, stride=2, padding=1, count_include_pad=False), (2, 2, 9))
add("avgpool1d_k4_p2_exclude_pad", A1, dict(kernel_size=4, stride=3, padding=2, count_include_pad=False), (1, 2, 10))
add("avgpool1d_ceil", A1, dict(kernel_size=3, stride=2, ceil_mode=True), (1, 2, 8))
add("avgpool1d_ceil_overhang_include_pad", A1, dict(kernel_size=3, stride=2, padding=1, ceil_mode=True, count_include_pad=True), (1, 2, 8))
add("avgpool1d_ceil_overhang_exclude_pad", A1, dict(kernel_size=3, stride=2, padding=1, ceil_mode=True, count_include_pad=False), (1, 2, 8))
add("avgpool1d_ceil_drops_last_window", A1, dict(kernel_size=2, stride=2, padding=1, ceil_mode=True), (1, 2, 5))
add("avgpool1d_ceil_k4_s3_p2_include_pad", A1, dict(kernel_size=4, stride=3, padding=2, ceil_mode=True), (1, 2, 9))
add("avgpool1d_stride_gt_kernel", A1, dict(kernel_size=2, stride=3), (1, 2, 10))
add("avgpool1d_unbatched", A1, dict(kernel_size=3, stride=2, padding=1), (3, 8))
add("avgpool1d_lists", A1, dict(kernel_size=[3], stride=[2], padding=[1], ceil_mode=True, count_include_pad=False), (1, 2, 10))

# ---------------------------------------------------------------- AvgPool2d
A2 = "AvgPool2d"
add("avgpool2d_k2_stride_omitted", A2, dict(kernel_size=2), (2, 3, 6, 7))
add("avgpool2d_k3_stride_null", A2, dict(kernel_size=3, stride=None), (1, 2, 7, 9))
add("avgpool2d_k3_s1", A2, dict(kernel_size=3, stride=1), (1, 2, 5, 6))
add("avgpool2d_rect_kernel_2x3_stride_list", A2, dict(kernel_size=[2, 3], stride=[1, 2]), (1, 2, 5, 8))
add("avgpool2d_p1_include_pad", A2, dict(kernel_size=3, stride=2, padding=1), (2, 2, 7, 8))
add("avgpool2d_p1_exclude_pad", A2, dict(kernel_size=3, stride=2, padding=1, count_include_pad=False), (2, 2, 7, 8))
add("avgpool2d_pad_list_1_0_exclude_pad", A2, dict(kernel_size=[3, 2], stride=2, padding=[1, 0], count_include_pad=False), (1, 2, 6, 7))
add("avgpool2d_ceil", A2, dict(kernel_size=3, stride=2, ceil_mode=True), (1, 2, 6, 8))
add("avgpool2d_ceil_overhang_include_pad", A2, dict(kernel_size=3, stride=2, padding=1, ceil_mode=True, count_include_pad=True), (1, 2, 6, 8))
add("avgpool2d_ceil_overhang_exclude_pad", A2, dict(kernel_size=3, stride=2, padding=1, ceil_mode=True, count_include_pad=False), (1, 2, 6, 8))
add("avgpool2d_ceil_drops_last_window", A2, dict(kernel_size=2, stride=2, padding=1, ceil_mode=True), (1, 2, 5, 7))
add("avgpool2d_ceil_k4_s3_p2", A2, dict(kernel_size=4, stride=3, padding=2, ceil_mode=True), (1, 2, 9, 8))
add("avgpool2d_divisor_override", A2, dict(kernel_size=2, divisor_override=3), (1, 2, 6, 6))
add("avgpool2d_divisor_override_pad_ceil", A2, dict(kernel_size=3, stride=2, padding=1, ceil_mode=True, divisor_override=5), (1, 2, 6, 7))
add("avgpool2d_divisor_override_exclude_pad", A2, dict(kernel_size=3, stride=2, padding=1, count_include_pad=False, divisor_override=2), (1, 2, 5, 5))
add("avgpool2d_stride_gt_kernel", A2, dict(kernel_size=2, stride=3), (1, 2, 8, 9))
add("avgpool2d_unbatched", A2, dict(kernel_size=2, stride=2, padding=1), (3, 5, 6))
add("avgpool2d_unbatched_ceil_exclude_pad", A2, dict(kernel_size=3, stride=2, padding=1, ceil_mode=True, count_include_pad=False), (2, 6, 5))
add("avgpool2d_explicit_defaults", A2, dict(kernel_size=2, stride=None, padding=0, ceil_mode=False, count_include_pad=True, divisor_override=None), (1, 2, 4, 6))

# ---------------------------------------------------------------- AvgPool3d
A3 = "AvgPool3d"
add("avgpool3d_k2_stride_omitted", A3, dict(kernel_size=2), (2, 2, 4, 5, 6))
add("avgpool3d_k3_stride_null_pad1", A3, dict(kernel_size=3, stride=None, padding=1), (1, 2, 5, 6, 4))
add("avgpool3d_lists", A3, dict(kernel_size=[1, 2, 3], stride=[1, 2, 2], padding=[0, 1, 1]), (1, 2, 3, 5, 6))
add("avgpool3d_exclude_pad", A3, dict(kernel_size=3, stride=2, padding=1, count_include_pad=False), (1, 2, 5, 4, 5))
add("avgpool3d_ceil", A3, dict(kernel_size=2, stride=2, ceil_mode=True), (1, 2, 5, 4, 3))
add("avgpool3d_ceil_overhang_include_pad", A3, dict(kernel_size=3, stride=2, padding=1, ceil_mode=True), (1, 1, 4, 6, 5))
add("avgpool3d_ceil_overhang_exclude_pad", A3, dict(kernel_size=3, stride=2, padding=1, ceil_mode=True, count_include_pad=False), (1, 1, 4, 6, 5))
add("avgpool3d_ceil_drops_last_window", A3, dict(kernel_size=2, stride=2, padding=1, ceil_mode=True), (1, 1, 5, 3, 5))
add("avgpool3d_divisor_override", A3, dict(kernel_size=2, stride=1, divisor_override=3), (1, 2, 3, 4, 3))
add("avgpool3d_divisor_override_pad_ceil", A3, dict(kernel_size=3, stride=2, padding=1, ceil_mode=True, divisor_override=7), (1, 1, 4, 5, 4))
add("avgpool3d_unbatched", A3, dict(kernel_size=2, stride=[1, 2, 2]), (2, 3, 4, 5))

# ---------------------------------------------------------------- AdaptiveAvgPool
AA1, AA2, AA3 = "AdaptiveAvgPool1d", "AdaptiveAvgPool2d", "AdaptiveAvgPool3d"
add("adaptiveavgpool1d_even_5_from_10", AA1, dict(output_size=5), (2, 3, 10))
add("adaptiveavgpool1d_uneven_3_from_10", AA1, dict(output_size=3), (1, 2, 10))
add("adaptiveavgpool1d_uneven_4_from_7", AA1, dict(output_size=4), (1, 2, 7))
add("adaptiveavgpool1d_larger_12_from_5", AA1, dict(output_size=12), (1, 2, 5))
add("adaptiveavgpool1d_global_1", AA1, dict(output_size=1), (2, 2, 9))
add("adaptiveavgpool1d_list_output", AA1, dict(output_size=[4]), (1, 2, 9))
add("adaptiveavgpool1d_unbatched", AA1, dict(output_size=3), (3, 8))
add("adaptiveavgpool2d_int_3_from_6", AA2, dict(output_size=3), (2, 2, 6, 6))
add("adaptiveavgpool2d_uneven_2x3_from_7x5", AA2, dict(output_size=[2, 3]), (1, 2, 7, 5))
add("adaptiveavgpool2d_uneven_5x4_from_7x6", AA2, dict(output_size=[5, 4]), (1, 2, 7, 6))
add("adaptiveavgpool2d_none_first", AA2, dict(output_size=[None, 3]), (1, 2, 5, 7))
add("adaptiveavgpool2d_none_second", AA2, dict(output_size=[4, None]), (1, 2, 6, 5))
add("adaptiveavgpool2d_none_both", AA2, dict(output_size=[None, None]), (1, 2, 3, 4))
add("adaptiveavgpool2d_larger_9x7_from_4x5", AA2, dict(output_size=[9, 7]), (1, 2, 4, 5))
add("adaptiveavgpool2d_global_1", AA2, dict(output_size=1), (2, 3, 5, 6))
add("adaptiveavgpool2d_unbatched", AA2, dict(output_size=[3, 2]), (3, 7, 5))
add("adaptiveavgpool2d_output_size_zero", AA2, dict(output_size=[0, 2]), (1, 2, 4, 4))
add("adaptiveavgpool3d_int_2_from_4", AA3, dict(output_size=2), (1, 2, 4, 4, 4))
add("adaptiveavgpool3d_uneven_3x2x4_from_5x5x6", AA3, dict(output_size=[3, 2, 4]), (1, 2, 5, 5, 6))
add("adaptiveavgpool3d_none_middle", AA3, dict(output_size=[2, None, 3]), (1, 2, 5, 3, 5))
add("adaptiveavgpool3d_larger", AA3, dict(output_size=[4, 5, 3]), (1, 1, 3, 3, 2))
add("adaptiveavgpool3d_global_1", AA3, dict(output_size=1), (2, 2, 3, 4, 5))
add("adaptiveavgpool3d_unbatched", AA3, dict(output_size=[2, 3, 2]), (2, 4, 5, 3))

# ---------------------------------------------------------------- AdaptiveMaxPool
AM1, AM2, AM3 = "AdaptiveMaxPool1d", "AdaptiveMaxPool2d", "AdaptiveMaxPool3d"
add("adaptivemaxpool1d_even_5_from_10", AM1, dict(output_size=5), (2, 3, 10))
add("adaptivemaxpool1d_uneven_3_from_10_indices", AM1, dict(output_size=3, return_indices=True), (1, 2, 10))
add("adaptivemaxpool1d_uneven_4_from_7_indices", AM1, dict(output_size=4, return_indices=True), (1, 2, 7))
add("adaptivemaxpool1d_larger_11_from_4_indices", AM1, dict(output_size=11, return_indices=True), (1, 2, 4))
add("adaptivemaxpool1d_ties_indices", AM1, dict(output_size=4, return_indices=True), ints(1, 2, 9, lo=0, hi=2))
add("adaptivemaxpool1d_nan_indices", AM1, dict(output_size=3, return_indices=True),
    patched(randn(1, 2, 8), [((0, 0, 0), NAN), ((0, 0, 2), NAN), ((0, 1, 5), NAN)]))
add("adaptivemaxpool1d_neginf_indices", AM1, dict(output_size=3, return_indices=True),
    patched(randn(1, 1, 6), [((0, 0, 0), -INF), ((0, 0, 1), -INF), ((0, 0, 3), -INF)]))
add("adaptivemaxpool1d_unbatched_indices", AM1, dict(output_size=4, return_indices=True), (2, 9))
add("adaptivemaxpool1d_list_output", AM1, dict(output_size=[3]), (1, 2, 8))
add("adaptivemaxpool2d_int_3_from_6", AM2, dict(output_size=3), (2, 2, 6, 6))
add("adaptivemaxpool2d_uneven_2x3_from_7x5_indices", AM2, dict(output_size=[2, 3], return_indices=True), (1, 2, 7, 5))
add("adaptivemaxpool2d_uneven_5x4_from_7x6_indices", AM2, dict(output_size=[5, 4], return_indices=True), (1, 2, 7, 6))
add("adaptivemaxpool2d_none_first_indices", AM2, dict(output_size=[None, 3], return_indices=True), (1, 2, 5, 7))
add("adaptivemaxpool2d_none_second", AM2, dict(output_size=[4, None]), (1, 2, 6, 5))
add("adaptivemaxpool2d_larger_7x6_from_3x4_indices", AM2, dict(output_size=[7, 6], return_indices=True), (1, 2, 3, 4))
add("adaptivemaxpool2d_global_1_indices", AM2, dict(output_size=1, return_indices=True), (2, 3, 5, 6))
add("adaptivemaxpool2d_ties_indices", AM2, dict(output_size=[3, 2], return_indices=True), ints(1, 2, 6, 5, lo=0, hi=2))
add("adaptivemaxpool2d_nan_indices", AM2, dict(output_size=[2, 3], return_indices=True),
    patched(randn(1, 2, 5, 6), [((0, 0, 0, 0), NAN), ((0, 0, 1, 1), NAN), ((0, 1, 3, 4), NAN), ((0, 1, 2, 2), NAN)]))
add("adaptivemaxpool2d_neginf_indices", AM2, dict(output_size=2, return_indices=True),
    patched(randn(1, 1, 4, 4), [((0, 0, 0, 0), -INF), ((0, 0, 0, 1), -INF), ((0, 0, 1, 0), -INF), ((0, 0, 1, 1), -INF), ((0, 0, 3, 3), INF)]))
add("adaptivemaxpool2d_unbatched_indices", AM2, dict(output_size=[3, 2], return_indices=True), (3, 7, 5))
add("adaptivemaxpool3d_int_2_from_4_indices", AM3, dict(output_size=2, return_indices=True), (1, 2, 4, 4, 4))
add("adaptivemaxpool3d_uneven_3x2x4_from_5x5x6", AM3, dict(output_size=[3, 2, 4]), (1, 2, 5, 5, 6))
add("adaptivemaxpool3d_none_last_indices", AM3, dict(output_size=[2, 3, None], return_indices=True), (1, 2, 5, 5, 3))
add("adaptivemaxpool3d_larger_indices", AM3, dict(output_size=[4, 3, 5], return_indices=True), (1, 1, 3, 2, 3))
add("adaptivemaxpool3d_nan_indices", AM3, dict(output_size=2, return_indices=True),
    patched(randn(1, 1, 4, 4, 4), [((0, 0, 0, 0, 1), NAN), ((0, 0, 1, 1, 0), NAN), ((0, 0, 3, 3, 3), NAN)]))
add("adaptivemaxpool3d_unbatched_indices", AM3, dict(output_size=[2, 3, 2], return_indices=True), (2, 4, 5, 3))

# ---------------------------------------------------------------- LPPool
L1, L2 = "LPPool1d", "LPPool2d"
add("lppool1d_p2_k3_stride_omitted", L1, dict(norm_type=2, kernel_size=3), (2, 3, 9))
add("lppool1d_p2_stride_null", L1, dict(norm_type=2, kernel_size=2, stride=None), (1, 2, 8))
add("lppool1d_p1_positive", L1, dict(norm_type=1, kernel_size=3, stride=2), positive(1, 2, 9))
add("lppool1d_p1_negative_values", L1, dict(norm_type=1, kernel_size=3, stride=2), (1, 2, 9))
add("lppool1d_p3_positive", L1, dict(norm_type=3, kernel_size=2, stride=1), positive(1, 2, 7))
add("lppool1d_p3_negative_values", L1, dict(norm_type=3, kernel_size=2, stride=2), (1, 2, 10))
add("lppool1d_p1_5_positive", L1, dict(norm_type=1.5, kernel_size=3, stride=1), positive(1, 2, 6))
add("lppool1d_p1_5_negative_values", L1, dict(norm_type=1.5, kernel_size=2, stride=2), (1, 2, 8))
add("lppool1d_p2_explicit_stride3", L1, dict(norm_type=2, kernel_size=2, stride=3), (1, 2, 11))
add("lppool1d_p2_ceil_partial_window", L1, dict(norm_type=2, kernel_size=3, stride=2, ceil_mode=True), (1, 2, 8))
add("lppool1d_p1_ceil_partial_window", L1, dict(norm_type=1, kernel_size=4, stride=3, ceil_mode=True), positive(1, 2, 9))
add("lppool1d_p2_float_norm", L1, dict(norm_type=2.0, kernel_size=2), (1, 2, 6))
add("lppool1d_unbatched", L1, dict(norm_type=2, kernel_size=3, stride=2), (3, 9))
add("lppool2d_p2_k2_stride_omitted", L2, dict(norm_type=2, kernel_size=2), (2, 3, 6, 7))
add("lppool2d_p2_stride_null", L2, dict(norm_type=2, kernel_size=3, stride=None), (1, 2, 6, 7))
add("lppool2d_p1_positive", L2, dict(norm_type=1, kernel_size=2, stride=1), positive(1, 2, 4, 5))
add("lppool2d_p1_negative_values", L2, dict(norm_type=1, kernel_size=2, stride=2), (1, 2, 6, 6))
add("lppool2d_p3_positive", L2, dict(norm_type=3, kernel_size=[2, 3], stride=[1, 2]), positive(1, 2, 5, 7))
add("lppool2d_p3_negative_values", L2, dict(norm_type=3, kernel_size=2), (1, 2, 6, 6))
add("lppool2d_p1_5_positive", L2, dict(norm_type=1.5, kernel_size=3, stride=2), positive(1, 2, 7, 7))
add("lppool2d_p1_5_negative_values", L2, dict(norm_type=1.5, kernel_size=2), (1, 2, 4, 6))
add("lppool2d_rect_kernel_stride_list", L2, dict(norm_type=2, kernel_size=[3, 2], stride=[2, 1]), (1, 2, 7, 5))
add("lppool2d_p2_ceil_partial_window", L2, dict(norm_type=2, kernel_size=3, stride=2, ceil_mode=True), (1, 2, 6, 8))
add("lppool2d_p1_ceil_partial_window", L2, dict(norm_type=1, kernel_size=2, stride=2, ceil_mode=True), positive(1, 2, 5, 5))
add("lppool2d_p3_ceil_rect", L2, dict(norm_type=3, kernel_size=[3, 2], stride=[2, 2], ceil_mode=True), positive(1, 1, 6, 5))
add("lppool2d_unbatched", L2, dict(norm_type=2, kernel_size=2, stride=2), (3, 6, 5))

# ---------------------------------------------------------------- MaxUnpool
U1, U2, U3 = "MaxUnpool1d", "MaxUnpool2d", "MaxUnpool3d"
add("maxunpool1d_k2", U1, dict(kernel_size=2), (2, 3, 8), unpool_from=dict(kernel_size=2))
add("maxunpool1d_k2_stride_null", U1, dict(kernel_size=2, stride=None), (1, 2, 8), unpool_from=dict(kernel_size=2))
add("maxunpool1d_k3_s1_overlap", U1, dict(kernel_size=3, stride=1), (1, 2, 8), unpool_from=dict(kernel_size=3, stride=1))
add("maxunpool1d_k2_s3_stride_gt_kernel", U1, dict(kernel_size=2, stride=3), (1, 2, 11), unpool_from=dict(kernel_size=2, stride=3))
add("maxunpool1d_k3_s2_p1", U1, dict(kernel_size=3, stride=2, padding=1), (1, 2, 9), unpool_from=dict(kernel_size=3, stride=2, padding=1))
add("maxunpool1d_output_size_larger", U1, dict(kernel_size=2, stride=2), (1, 2, 9), unpool_from=dict(kernel_size=2, stride=2), forward=dict(output_size=[9]))
add("maxunpool1d_output_size_with_batch_dims", U1, dict(kernel_size=3, stride=3), (2, 2, 11), unpool_from=dict(kernel_size=3, stride=3), forward=dict(output_size=[2, 2, 11]))
add("maxunpool1d_unbatched", U1, dict(kernel_size=2, stride=2), (3, 8), unpool_from=dict(kernel_size=2, stride=2))
add("maxunpool1d_ties", U1, dict(kernel_size=2, stride=1), ints(1, 2, 8, lo=0, hi=2), unpool_from=dict(kernel_size=2, stride=1))
add("maxunpool2d_k2", U2, dict(kernel_size=2), (2, 2, 6, 6), unpool_from=dict(kernel_size=2))
add("maxunpool2d_k3_s1_overlap", U2, dict(kernel_size=3, stride=1), (1, 2, 5, 6), unpool_from=dict(kernel_size=3, stride=1))
add("maxunpool2d_k2_s3_stride_gt_kernel", U2, dict(kernel_size=2, stride=3), (1, 2, 8, 8), unpool_from=dict(kernel_size=2, stride=3))
add("maxunpool2d_k3_s2_p1", U2, dict(kernel_size=3, stride=2, padding=1), (1, 2, 7, 7), unpool_from=dict(kernel_size=3, stride=2, padding=1))
add("maxunpool2d_rect_lists", U2, dict(kernel_size=[2, 3], stride=[2, 2], padding=[0, 1]), (1, 2, 6, 7), unpool_from=dict(kernel_size=[2, 3], stride=[2, 2], padding=[0, 1]))
add("maxunpool2d_output_size_larger", U2, dict(kernel_size=2, stride=2), (1, 2, 7, 7), unpool_from=dict(kernel_size=2, stride=2), forward=dict(output_size=[7, 7]))
add("maxunpool2d_output_size_with_batch_dims", U2, dict(kernel_size=2, stride=2), (2, 2, 5, 7), unpool_from=dict(kernel_size=2, stride=2), forward=dict(output_size=[2, 2, 5, 7]))
add("maxunpool2d_unbatched", U2, dict(kernel_size=2, stride=2), (3, 6, 4), unpool_from=dict(kernel_size=2, stride=2))
add("maxunpool2d_unbatched_output_size", U2, dict(kernel_size=3, stride=2, padding=1), (2, 6, 6), unpool_from=dict(kernel_size=3, stride=2, padding=1), forward=dict(output_size=[6, 6]))
add("maxunpool2d_ties_overlap", U2, dict(kernel_size=2, stride=1), ints(1, 1, 5, 5, lo=0, hi=2), unpool_from=dict(kernel_size=2, stride=1))
add("maxunpool3d_k2", U3, dict(kernel_size=2), (1, 2, 4, 4, 6), unpool_from=dict(kernel_size=2))
add("maxunpool3d_k3_s2_p1", U3, dict(kernel_size=3, stride=2, padding=1), (1, 2, 5, 5, 5), unpool_from=dict(kernel_size=3, stride=2, padding=1))
add("maxunpool3d_lists_stride_ne_kernel", U3, dict(kernel_size=[1, 2, 2], stride=[1, 2, 3]), (1, 1, 3, 4, 8), unpool_from=dict(kernel_size=[1, 2, 2], stride=[1, 2, 3]))
add("maxunpool3d_output_size_larger", U3, dict(kernel_size=2, stride=2), (1, 1, 5, 4, 5), unpool_from=dict(kernel_size=2, stride=2), forward=dict(output_size=[5, 4, 5]))
add("maxunpool3d_unbatched", U3, dict(kernel_size=2, stride=2), (2, 4, 4, 2), unpool_from=dict(kernel_size=2, stride=2))

# ======================================================================================
# Error cases
# ======================================================================================

# Convolutions: constructor errors
err("err_conv2d_in_channels_not_divisible_by_groups", C2, dict(in_channels=3, out_channels=4, kernel_size=3, groups=2), (1, 3, 5, 5))
err("err_conv1d_out_channels_not_divisible_by_groups", C1, dict(in_channels=4, out_channels=3, kernel_size=3, groups=2), (1, 4, 6))
err("err_conv2d_groups_zero", C2, dict(in_channels=2, out_channels=2, kernel_size=3, groups=0), (1, 2, 5, 5))
err("err_conv2d_same_stride2", C2, dict(in_channels=2, out_channels=2, kernel_size=3, stride=2, padding="same"), (1, 2, 6, 6))
err("err_conv1d_same_stride_list", C1, dict(in_channels=2, out_channels=2, kernel_size=3, stride=[2], padding="same"), (1, 2, 6))
err("err_conv1d_bad_padding_string", C1, dict(in_channels=2, out_channels=2, kernel_size=3, padding="full"), (1, 2, 6))
err("err_conv2d_bad_padding_mode", C2, dict(in_channels=2, out_channels=2, kernel_size=3, padding=1, padding_mode="mirror"), (1, 2, 5, 5))
err("err_convtranspose2d_padding_mode_reflect", T2, dict(in_channels=2, out_channels=2, kernel_size=3, padding_mode="reflect"), (1, 2, 4, 4))
err("err_convtranspose1d_in_channels_not_divisible_by_groups", T1, dict(in_channels=3, out_channels=2, kernel_size=3, groups=2), (1, 3, 5))
# Convolutions: forward errors
err("err_conv2d_channel_mismatch", C2, dict(in_channels=2, out_channels=4, kernel_size=3), (1, 3, 6, 6))
err("err_conv1d_channel_mismatch_unbatched", C1, dict(in_channels=4, out_channels=2, kernel_size=3), (3, 8))
err("err_conv3d_channel_mismatch", C3, dict(in_channels=2, out_channels=2, kernel_size=2), (1, 1, 4, 4, 4))
err("err_conv2d_groups2_channel_mismatch", C2, dict(in_channels=4, out_channels=2, kernel_size=3, groups=2), (1, 2, 5, 5))
err("err_conv2d_wrong_rank_2d", C2, dict(in_channels=2, out_channels=2, kernel_size=3), (5, 5))
err("err_conv2d_wrong_rank_5d", C2, dict(in_channels=2, out_channels=2, kernel_size=3), (1, 2, 3, 5, 5))
err("err_conv1d_wrong_rank_4d", C1, dict(in_channels=2, out_channels=2, kernel_size=3), (1, 2, 5, 5))
err("err_conv3d_wrong_rank_3d", C3, dict(in_channels=2, out_channels=2, kernel_size=2), (2, 4, 4))
err("err_conv2d_kernel_larger_than_input", C2, dict(in_channels=2, out_channels=2, kernel_size=4), (1, 2, 3, 5))
err("err_conv1d_dilated_kernel_larger_than_padded_input", C1, dict(in_channels=2, out_channels=2, kernel_size=3, dilation=3, padding=1), (1, 2, 4))
err("err_conv3d_kernel_larger_than_input", C3, dict(in_channels=1, out_channels=1, kernel_size=[2, 3, 4]), (1, 1, 3, 3, 3))
err("err_conv2d_negative_padding", C2, dict(in_channels=2, out_channels=2, kernel_size=3, padding=-1), (1, 2, 6, 6))
err("err_conv2d_zero_stride", C2, dict(in_channels=2, out_channels=2, kernel_size=3, stride=0), (1, 2, 6, 6))
err("err_conv1d_negative_stride", C1, dict(in_channels=2, out_channels=2, kernel_size=3, stride=-1), (1, 2, 6))
err("err_conv2d_zero_dilation", C2, dict(in_channels=2, out_channels=2, kernel_size=3, dilation=0), (1, 2, 6, 6))
err("err_conv2d_reflect_padding_too_large", C2, dict(in_channels=2, out_channels=2, kernel_size=3, padding=3, padding_mode="reflect"), (1, 2, 3, 5))
err("err_conv1d_reflect_same_too_large", C1, dict(in_channels=2, out_channels=2, kernel_size=5, dilation=2, padding="same", padding_mode="reflect"), (1, 2, 4))
err("err_conv1d_circular_padding_too_large", C1, dict(in_channels=2, out_channels=2, kernel_size=3, padding=5, padding_mode="circular"), (1, 2, 4))
# PyTorch 1.13 quirk: circular padding (F.pad mode='circular') only accepts batched input.
err("err_conv1d_unbatched_circular", C1, dict(in_channels=2, out_channels=2, kernel_size=3, padding=1, padding_mode="circular"), (2, 6))
err("err_conv2d_unbatched_circular_same", C2, dict(in_channels=2, out_channels=2, kernel_size=4, padding="same", padding_mode="circular"), (2, 5, 6))
err("err_conv2d_replicate_wrong_rank", C2, dict(in_channels=2, out_channels=2, kernel_size=3, padding=1, padding_mode="replicate"), (2, 5))
# ConvTranspose: forward errors
err("err_convtranspose2d_channel_mismatch", T2, dict(in_channels=3, out_channels=2, kernel_size=3), (1, 2, 4, 4))
err("err_convtranspose2d_bad_output_padding", T2, dict(in_channels=2, out_channels=2, kernel_size=3, stride=2, output_padding=2), (1, 2, 4, 4))
err("err_convtranspose1d_output_padding_ge_stride_and_dilation", T1, dict(in_channels=2, out_channels=2, kernel_size=3, output_padding=1), (1, 2, 5))
err("err_convtranspose3d_output_padding_eq_dilation", T3, dict(in_channels=2, out_channels=2, kernel_size=2, stride=1, dilation=2, output_padding=2), (1, 2, 3, 3, 3))
err("err_convtranspose2d_output_size_too_large", T2, dict(in_channels=2, out_channels=2, kernel_size=3, stride=2, padding=1), (1, 2, 4, 4), forward=dict(output_size=[9, 7]))
err("err_convtranspose2d_output_size_too_small", T2, dict(in_channels=2, out_channels=2, kernel_size=3, stride=2, padding=1), (1, 2, 4, 4), forward=dict(output_size=[7, 6]))
err("err_convtranspose2d_unbatched_output_size_too_large", T2, dict(in_channels=2, out_channels=2, kernel_size=2, stride=2), (2, 3, 3), forward=dict(output_size=[6, 8]))
err("err_convtranspose1d_output_size_wrong_length", T1, dict(in_channels=2, out_channels=2, kernel_size=3, stride=2), (1, 2, 4), forward=dict(output_size=[9, 9]))
err("err_convtranspose2d_padding_same", T2, dict(in_channels=2, out_channels=2, kernel_size=3, padding="same"), (1, 2, 4, 4))
err("err_convtranspose1d_negative_output_size", T1, dict(in_channels=2, out_channels=2, kernel_size=2, padding=3), (1, 2, 2))
err("err_convtranspose2d_wrong_rank", T2, dict(in_channels=2, out_channels=2, kernel_size=3), (2, 4))
# Pools
err("err_maxpool2d_pad_gt_half_kernel", M2, dict(kernel_size=3, padding=2), (1, 2, 8, 8))
err("err_maxpool1d_indices_output_too_small", M1, dict(kernel_size=4, return_indices=True), (1, 2, 3))
# PyTorch 1.13 quirk: MaxPool1d WITHOUT return_indices (max_pool1d_impl) returns an empty output
# instead of refusing a kernel larger than the input.
add("maxpool1d_kernel_larger_than_input_empty_output", M1, dict(kernel_size=4), (1, 2, 3))
err("err_maxpool2d_zero_stride", M2, dict(kernel_size=2, stride=0), (1, 2, 6, 6))
err("err_maxpool2d_wrong_rank", M2, dict(kernel_size=2), (6, 6))
err("err_maxpool3d_dilation_zero", M3, dict(kernel_size=2, dilation=0), (1, 1, 4, 4, 4))
err("err_maxpool3d_output_too_small", M3, dict(kernel_size=3, dilation=2), (1, 1, 4, 6, 6))
err("err_avgpool2d_pad_gt_half_kernel", A2, dict(kernel_size=2, padding=2), (1, 2, 6, 6))
err("err_avgpool2d_divisor_override_zero", A2, dict(kernel_size=2, divisor_override=0), (1, 2, 6, 6))
err("err_avgpool1d_output_too_small", A1, dict(kernel_size=5), (1, 2, 4))
err("err_avgpool3d_kernel_larger_than_input", A3, dict(kernel_size=[2, 2, 4]), (1, 1, 3, 3, 3))
err("err_avgpool1d_wrong_rank", A1, dict(kernel_size=2), (6,))
err("err_adaptiveavgpool2d_negative_output", AA2, dict(output_size=[-1, 2]), (1, 2, 4, 4))
err("err_adaptiveavgpool1d_output_size_too_long", AA1, dict(output_size=[2, 2]), (1, 2, 6))
err("err_adaptiveavgpool3d_wrong_rank", AA3, dict(output_size=2), (4, 4))
err("err_adaptivemaxpool2d_negative_output", AM2, dict(output_size=[2, -2]), (1, 2, 4, 4))
err("err_adaptivemaxpool1d_wrong_rank", AM1, dict(output_size=2), (1, 2, 3, 6))
err("err_lppool2d_kernel_larger_than_input", L2, dict(norm_type=2, kernel_size=4), (1, 2, 3, 6))
err("err_lppool1d_norm_type_zero", L1, dict(norm_type=0, kernel_size=2), (1, 2, 6))
err("err_lppool1d_output_too_small", L1, dict(norm_type=2, kernel_size=5, stride=1), (1, 2, 4))
# MaxUnpool
err("err_maxunpool2d_indices_out_of_range", U2, dict(kernel_size=2), (1, 1, 4, 4), unpool_from=dict(kernel_size=2),
    mutate_indices=lambda i: i.index_fill_(3, torch.tensor([1]), 16))
err("err_maxunpool1d_negative_index", U1, dict(kernel_size=2), (1, 1, 6), unpool_from=dict(kernel_size=2),
    mutate_indices=lambda i: i.index_fill_(2, torch.tensor([0]), -1))
err("err_maxunpool3d_indices_out_of_range", U3, dict(kernel_size=2), (1, 1, 2, 4, 4), unpool_from=dict(kernel_size=2),
    mutate_indices=lambda i: i.index_fill_(4, torch.tensor([0]), 40))
err("err_maxunpool1d_output_size_out_of_range", U1, dict(kernel_size=2, stride=2), (1, 2, 8), unpool_from=dict(kernel_size=2, stride=2), forward=dict(output_size=[10]))
err("err_maxunpool2d_output_size_too_small", U2, dict(kernel_size=2, stride=2), (1, 2, 6, 6), unpool_from=dict(kernel_size=2, stride=2), forward=dict(output_size=[6, 4]))
err("err_maxunpool2d_output_size_wrong_length", U2, dict(kernel_size=2, stride=2), (1, 2, 6, 6), unpool_from=dict(kernel_size=2, stride=2), forward=dict(output_size=[2, 6, 6]))
err("err_maxunpool2d_indices_shape_mismatch", U2, dict(kernel_size=2), (1, 2, 6, 6), unpool_from=dict(kernel_size=2),
    mutate_indices=lambda i: i[:, :, :, :2].contiguous())


# ======================================================================================

def main():
    if os.path.isdir(OUT_DIR):
        shutil.rmtree(OUT_DIR)
    os.makedirs(OUT_DIR)
    per_op, errors = Counter(), Counter()
    messages = []
    for name, spec in CASES.items():
        result = run_case(name, spec)
        got_error = "error" in result
        if got_error != spec["error"]:
            raise AssertionError(f"{name}: expected error={spec['error']}, got "
                                 f"{result.get('error', 'a result')}")
        write_case(name, spec, result)
        per_op[spec["op"]] += 1
        if got_error:
            errors[spec["op"]] += 1
            messages.append((name, result["error"]))

    print(f"wrote {len(CASES)} cases to {os.path.relpath(OUT_DIR, ROOT)}")
    print(f"{'op':<20} {'cases':>5} {'errors':>6}")
    for op in sorted(per_op):
        print(f"{op:<20} {per_op[op]:>5} {errors[op]:>6}")
    print(f"{'total':<20} {sum(per_op.values()):>5} {sum(errors.values()):>6}")
    if STATS["float64_substituted"]:
        print(f"float64 result stored for {STATS['float64_substituted']} case(s)")
    if "-v" in sys.argv:
        for name, msg in messages:
            print(f"{name}: {msg}")


if __name__ == "__main__":
    main()
