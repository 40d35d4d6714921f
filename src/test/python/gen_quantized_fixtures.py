#!/usr/bin/python3
"""Golden-fixture generator for conv4j's quantized (int8) operators.

Runs torch.ao.nn.quantized convolutions (engine 'onednn'), torch.nn.intrinsic.quantized
ConvReLU modules and torch.nn pooling modules on quint8 inputs, and writes one folder per
case into src/test/resources/cases-quantized/ (see shared/case-format.md, "Quantized cases"):

    case.json                 op, args, inputs, quant, outputs | expect_error
    input.npy                 the quint8 input's int_repr() (|u1)
    weight.npy                the qint8 weight's int_repr() (|i1), convolutions only
    weight_scales.npy         per-channel weights only (<f8), with weight_zero_points.npy (<i8)
    bias.npy                  float32 bias (<f4), when bias=True
    expected_output.npy       the quint8 result's int_repr() (|u1)

Usage (from the repository root; needs PyTorch 1.13 with the onednn quantized engine):

    /usr/bin/python3 src/test/python/gen_quantized_fixtures.py

Every case is seeded from the CRC32 of its folder name, so adding or removing cases never
changes the data of the others.
"""

import json
import os
import shutil
import sys
import zlib
from collections import Counter, OrderedDict

import numpy as np
import torch
import torch.nn as nn
import torch.ao.nn.quantized as nnq
import torch.nn.intrinsic.quantized as nniq

torch.backends.quantized.engine = "onednn"
torch.set_num_threads(1)

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
OUT_DIR = os.path.join(ROOT, "src", "test", "resources", "cases-quantized")

CONV = {"Conv1d", "Conv2d", "Conv3d", "ConvTranspose1d", "ConvTranspose2d", "ConvTranspose3d",
        "ConvReLU1d", "ConvReLU2d", "ConvReLU3d"}
POOL = {"MaxPool2d", "AvgPool2d", "AdaptiveAvgPool2d"}

CASES = OrderedDict()


def add(name, op, args, shape, x_scale=0.05, x_zp=128, per_channel=True, out=None, error=False,
        weight_zp=0, x_range=1.0):
    """Register one case.

    name         folder name (lowercase, unique)
    op           class name in torch.ao.nn.quantized / torch.nn.intrinsic.quantized, or a
                 torch.nn pooling module applied to a quint8 tensor
    args         constructor arguments of the float module (JSON-able)
    shape        input shape
    x_scale/x_zp quantization of the quint8 input
    per_channel  qint8 weights per output channel (axis 0), else per tensor
    out          (scale, zero_point) of the output, or None to fit the float result's range
    weight_zp    zero point of the weights (PyTorch's onednn engine refuses anything but 0)
    x_range      standard deviation of the float input before quantization
    """
    assert name == name.lower() and name not in CASES, name
    assert op in CONV | POOL, op
    CASES[name] = dict(op=op, args=args, shape=shape, x_scale=x_scale, x_zp=x_zp,
                       per_channel=per_channel, out=out, error=error, weight_zp=weight_zp,
                       x_range=x_range)


def err(name, op, args, shape, **kw):
    add(name, op, args, shape, error=True, **kw)


def seed_of(name):
    return zlib.crc32(name.encode("utf-8")) & 0x7FFFFFFF


def fmt_error(e):
    return f"{type(e).__name__}: {e}"


def module_class(op):
    if op.startswith("ConvReLU"):
        return getattr(nniq, op)
    if op in CONV:
        return getattr(nnq, op)
    return getattr(nn, op)


def quantize_weight(w, per_channel, transposed, zp):
    """Symmetric qint8 weights as PyTorch's default observers make them (zero point 0)."""
    if per_channel:
        axis = 1 if transposed else 0  # the output channels (PyTorch refuses it for transposed)
        amax = w.abs().transpose(0, axis).flatten(1).max(dim=1).values.clamp(min=1e-3).double()
        scales = amax / 127.0
        zps = torch.full((w.shape[axis],), zp, dtype=torch.long)
        return torch.quantize_per_channel(w, scales, zps, axis, torch.qint8)
    amax = max(float(w.abs().max()), 1e-3)
    return torch.quantize_per_tensor(w, amax / 127.0, zp, torch.qint8)


def run_case(name, spec):
    g = torch.Generator().manual_seed(seed_of(name))
    torch.manual_seed(seed_of(name))
    op, args = spec["op"], json.loads(json.dumps(spec["args"]))
    xf = torch.randn(spec["shape"], generator=g) * spec["x_range"]
    x = torch.quantize_per_tensor(xf, spec["x_scale"], spec["x_zp"], torch.quint8)
    result = dict(op=op, args=args, x=x)
    cls = module_class(op)
    try:
        module = cls(**args)
    except Exception as e:  # constructor refused the arguments
        result["error"] = fmt_error(e)
        return result
    if op in CONV:
        transposed = op.startswith("ConvTranspose")
        wshape = module.weight().shape
        fan_in = (wshape[0] // module.groups if transposed else wshape[1]) * int(np.prod(wshape[2:]))
        wf = torch.randn(wshape, generator=g) / np.sqrt(max(1, fan_in))
        bias = torch.randn(wshape[1] * module.groups if transposed else wshape[0], generator=g) * 0.5 \
            if module.bias() is not None else None
        qw = quantize_weight(wf, spec["per_channel"], transposed, spec["weight_zp"])
        result["weight"] = qw
        result["bias"] = bias
        try:
            module.set_weight_bias(qw, bias)
        except Exception as e:
            result["error"] = fmt_error(e)
            return result
        if spec["out"] is None:
            # an output scale that fits the float result (as a calibrated observer would)
            try:
                ref = float_reference(op, args, x.dequantize(), qw.dequantize(), bias)
                lo, hi = min(float(ref.min()), 0.0), max(float(ref.max()), 0.0)
                scale = max((hi - lo) / 255.0, 1e-4)
                zp = int(np.clip(round(-lo / scale), 0, 255))
            except Exception:
                scale, zp = 0.1, 128
        else:
            scale, zp = spec["out"]
        module.scale, module.zero_point = float(scale), int(zp)
        result["args"]["scale"] = float(scale)
        result["args"]["zero_point"] = int(zp)
    try:
        with torch.no_grad():
            y = module(x)
    except Exception as e:  # forward refused the input
        result["error"] = fmt_error(e)
        return result
    assert y.dtype == torch.quint8, y.dtype
    if op in CONV:
        assert abs(y.q_scale() - result["args"]["scale"]) < 1e-12 and y.q_zero_point() == result["args"]["zero_point"]
    else:
        assert y.q_scale() == x.q_scale() and y.q_zero_point() == x.q_zero_point()
    result["output"] = y.int_repr()
    return result


def float_reference(op, args, x, w, b):
    """The float module on the dequantized tensors, only to choose an output scale."""
    fargs = dict(args)
    fop = op.replace("ConvReLU", "Conv")
    m = getattr(nn, fop)(**fargs)
    with torch.no_grad():
        m.weight.copy_(w)
        if b is not None:
            m.bias.copy_(b)
        y = m(x)
    return torch.relu(y) if op.startswith("ConvReLU") else y


def save(path, a, dtype):
    a = np.ascontiguousarray(np.asarray(a).astype(dtype))
    with open(path, "wb") as f:
        np.lib.format.write_array(f, a, version=(1, 0), allow_pickle=False)


def write_case(name, result):
    d = os.path.join(OUT_DIR, name)
    os.makedirs(d)
    doc = OrderedDict(op="quantized." + result["op"], args=result["args"])
    x = result["x"]
    save(os.path.join(d, "input.npy"), x.int_repr().numpy(), "|u1")
    inputs = OrderedDict(input="input.npy")
    quant = OrderedDict(input=OrderedDict(dtype="quint8", scale=x.q_scale(), zero_point=x.q_zero_point()))
    qw = result.get("weight")
    if qw is not None:
        save(os.path.join(d, "weight.npy"), qw.int_repr().numpy(), "|i1")
        inputs["weight"] = "weight.npy"
        if qw.qscheme() == torch.per_channel_affine:
            save(os.path.join(d, "weight_scales.npy"), qw.q_per_channel_scales().numpy(), "<f8")
            save(os.path.join(d, "weight_zero_points.npy"), qw.q_per_channel_zero_points().numpy(), "<i8")
            quant["weight"] = OrderedDict(dtype="qint8", scales="weight_scales.npy",
                                          zero_points="weight_zero_points.npy", axis=qw.q_per_channel_axis())
        else:
            quant["weight"] = OrderedDict(dtype="qint8", scale=qw.q_scale(), zero_point=qw.q_zero_point())
        if result.get("bias") is not None:
            save(os.path.join(d, "bias.npy"), result["bias"].numpy(), "<f4")
            inputs["bias"] = "bias.npy"
    doc["inputs"] = inputs
    doc["quant"] = quant
    if "error" in result:
        doc["expect_error"] = result["error"]
    else:
        save(os.path.join(d, "expected_output.npy"), result["output"].numpy(), "|u1")
        doc["outputs"] = {"output": "expected_output.npy"}
    with open(os.path.join(d, "case.json"), "w") as f:
        json.dump(doc, f, sort_keys=True, indent=1, allow_nan=False)
        f.write("\n")


# ======================================================================================
# Cases
# ======================================================================================

def conv_family(dims, prefix, relu=False):
    """The argument sweep shared by Conv{1,2,3}d and ConvReLU{1,2,3}d."""
    op = ("ConvReLU" if relu else "Conv") + f"{dims}d"
    sp = {1: (11,), 2: (9, 8), 3: (6, 5, 7)}[dims]
    n = lambda c, b=2: (b, c) + sp  # noqa: E731
    add(f"{prefix}_basic", op, dict(in_channels=4, out_channels=6, kernel_size=3), n(4))
    add(f"{prefix}_basic_per_tensor", op, dict(in_channels=4, out_channels=6, kernel_size=3), n(4), per_channel=False)
    add(f"{prefix}_pad1", op, dict(in_channels=3, out_channels=5, kernel_size=3, padding=1), n(3))
    add(f"{prefix}_stride2_pad1", op, dict(in_channels=4, out_channels=8, kernel_size=3, stride=2, padding=1), n(4))
    add(f"{prefix}_k1", op, dict(in_channels=8, out_channels=4, kernel_size=1), n(8), per_channel=False)
    add(f"{prefix}_dil2", op, dict(in_channels=3, out_channels=4, kernel_size=2, dilation=2, padding=1), n(3))
    add(f"{prefix}_groups2", op, dict(in_channels=4, out_channels=6, kernel_size=3, groups=2, padding=1), n(4))
    add(f"{prefix}_depthwise", op, dict(in_channels=6, out_channels=6, kernel_size=3, groups=6, padding=1), n(6))
    add(f"{prefix}_nobias", op, dict(in_channels=4, out_channels=5, kernel_size=3, bias=False), n(4))
    add(f"{prefix}_batch1_zp0", op, dict(in_channels=4, out_channels=6, kernel_size=3, padding=1), n(4, 1),
        x_scale=0.02, x_zp=0, x_range=0.5)
    add(f"{prefix}_saturating", op, dict(in_channels=4, out_channels=6, kernel_size=3, padding=1), n(4),
        out=(0.01, 100))
    # PyTorch 1.13 pads 1d and 2d quantized inputs in reflect mode, and refuses 3d ones
    (err if dims == 3 else add)(f"{prefix}_reflect", op, dict(in_channels=3, out_channels=4, kernel_size=3, padding=1,
                                                             padding_mode="reflect"), n(3))
    add(f"{prefix}_zero_batch", op, dict(in_channels=4, out_channels=6, kernel_size=3), n(4, 0), out=(0.1, 128))
    err(f"{prefix}_unbatched", op, dict(in_channels=4, out_channels=6, kernel_size=3), (4,) + sp, out=(0.1, 128))
    err(f"{prefix}_channels", op, dict(in_channels=3, out_channels=6, kernel_size=3), n(4), out=(0.1, 128))
    err(f"{prefix}_kernel_too_big", op, dict(in_channels=4, out_channels=6, kernel_size=[1] * (dims - 1) + [20]),
        n(4), out=(0.1, 128))
    err(f"{prefix}_replicate", op, dict(in_channels=4, out_channels=6, kernel_size=3, padding_mode="replicate"), n(4))
    err(f"{prefix}_weight_zero_point", op, dict(in_channels=4, out_channels=6, kernel_size=3), n(4), weight_zp=2)


def conv_transpose_family(dims, prefix):
    op = f"ConvTranspose{dims}d"
    sp = {1: (7,), 2: (5, 6), 3: (4, 3, 5)}[dims]
    n = lambda c, b=2: (b, c) + sp  # noqa: E731
    add(f"{prefix}_basic", op, dict(in_channels=4, out_channels=6, kernel_size=3), n(4), per_channel=False)
    add(f"{prefix}_stride2", op, dict(in_channels=4, out_channels=5, kernel_size=3, stride=2), n(4), per_channel=False)
    add(f"{prefix}_stride2_pad1", op, dict(in_channels=3, out_channels=4, kernel_size=3, stride=2, padding=1), n(3),
        per_channel=False)
    add(f"{prefix}_k2s2", op, dict(in_channels=8, out_channels=4, kernel_size=2, stride=2), n(8), per_channel=False)
    add(f"{prefix}_dil2", op, dict(in_channels=3, out_channels=4, kernel_size=3, dilation=2, stride=2, padding=1),
        n(3), per_channel=False)
    add(f"{prefix}_groups2", op, dict(in_channels=4, out_channels=6, kernel_size=3, groups=2), n(4),
        per_channel=False)
    add(f"{prefix}_nobias", op, dict(in_channels=4, out_channels=5, kernel_size=3, bias=False), n(4),
        per_channel=False)
    add(f"{prefix}_saturating", op, dict(in_channels=4, out_channels=6, kernel_size=3), n(4), per_channel=False,
        out=(0.01, 30))
    err(f"{prefix}_output_padding", op, dict(in_channels=4, out_channels=6, kernel_size=3, stride=2, output_padding=1),
        n(4), per_channel=False)
    err(f"{prefix}_per_channel", op, dict(in_channels=4, out_channels=6, kernel_size=3), n(4), per_channel=True)
    err(f"{prefix}_unbatched", op, dict(in_channels=4, out_channels=6, kernel_size=3), (4,) + sp, per_channel=False)
    err(f"{prefix}_channels", op, dict(in_channels=3, out_channels=6, kernel_size=3), n(4), per_channel=False)
    err(f"{prefix}_output_empty", op, dict(in_channels=4, out_channels=6, kernel_size=1, padding=[0] * (dims - 1) + [4]),
        n(4), per_channel=False)
    err(f"{prefix}_reflect", op, dict(in_channels=4, out_channels=6, kernel_size=3, padding_mode="reflect"), n(4),
        per_channel=False)


conv_family(1, "qconv1d")
conv_family(2, "qconv2d")
conv_family(3, "qconv3d")
conv_family(1, "qconvrelu1d", relu=True)
conv_family(2, "qconvrelu2d", relu=True)
conv_family(3, "qconvrelu3d", relu=True)
conv_transpose_family(1, "qconvtranspose1d")
conv_transpose_family(2, "qconvtranspose2d")
conv_transpose_family(3, "qconvtranspose3d")

# more 2d convolutions: asymmetric arguments, larger channel counts, strides > kernel
Q2 = "Conv2d"
add("qconv2d_asym", Q2, dict(in_channels=5, out_channels=7, kernel_size=[3, 2], stride=[2, 1], padding=[1, 0],
                             dilation=[1, 2]), (2, 5, 11, 9))
add("qconv2d_wide", Q2, dict(in_channels=32, out_channels=48, kernel_size=3, padding=1), (2, 32, 10, 10))
add("qconv2d_stride3_k2", Q2, dict(in_channels=4, out_channels=6, kernel_size=2, stride=3), (2, 4, 10, 10))
add("qconv2d_pad2_k2", Q2, dict(in_channels=4, out_channels=6, kernel_size=2, padding=2), (1, 4, 5, 5))
add("qconv2d_kernel_equals_input", Q2, dict(in_channels=4, out_channels=6, kernel_size=5), (2, 4, 5, 5))
add("qconv2d_kernel_one_past_input", Q2, dict(in_channels=4, out_channels=6, kernel_size=6), (2, 4, 5, 5),
    out=(0.1, 128))
add("qconv2d_x_zp_255", Q2, dict(in_channels=4, out_channels=6, kernel_size=3), (2, 4, 6, 6), x_scale=0.01,
    x_zp=255, x_range=0.5)
add("qconv2d_x_scale_large", Q2, dict(in_channels=4, out_channels=6, kernel_size=3), (2, 4, 6, 6), x_scale=0.5,
    x_zp=10, x_range=20.0)
add("qconv2d_out_zp0", Q2, dict(in_channels=4, out_channels=6, kernel_size=3), (2, 4, 6, 6), out=(0.05, 0))
add("qconv2d_out_zp255", Q2, dict(in_channels=4, out_channels=6, kernel_size=3), (2, 4, 6, 6), out=(0.05, 255))
add("qconv2d_groups4_out8", Q2, dict(in_channels=8, out_channels=8, kernel_size=3, groups=4, stride=2),
    (2, 8, 9, 9))
add("qconv2d_resnet_like", Q2, dict(in_channels=16, out_channels=16, kernel_size=3, padding=1), (1, 16, 14, 14))
err("qconv2d_padding_same", Q2, dict(in_channels=4, out_channels=6, kernel_size=3, padding="same"), (2, 4, 6, 6))
err("qconv1d_padding_same", "Conv1d", dict(in_channels=4, out_channels=6, kernel_size=3, padding="same"), (2, 4, 6))
err("qconv2d_groups_indivisible", Q2, dict(in_channels=4, out_channels=6, kernel_size=3, groups=3), (2, 4, 6, 6))
err("qconv2d_out_groups_indivisible", Q2, dict(in_channels=4, out_channels=6, kernel_size=3, groups=4),
    (2, 4, 6, 6))
err("qconv2d_circular", Q2, dict(in_channels=4, out_channels=6, kernel_size=3, padding_mode="circular"), (2, 4, 6, 6))
err("qconv2d_reflect_too_wide", Q2, dict(in_channels=4, out_channels=6, kernel_size=3, padding=5,
                                          padding_mode="reflect"), (2, 4, 5, 5))
err("qconv2d_rank5", Q2, dict(in_channels=4, out_channels=6, kernel_size=3), (1, 2, 4, 6, 6))
err("qconv2d_empty_height", Q2, dict(in_channels=4, out_channels=6, kernel_size=3), (2, 4, 0, 6), out=(0.1, 128))

# ---------------------------------------------------------------- pooling on quint8
M2, A2, AA2 = "MaxPool2d", "AvgPool2d", "AdaptiveAvgPool2d"
add("qmaxpool2d_k2", M2, dict(kernel_size=2), (2, 3, 8, 8))
add("qmaxpool2d_k3s2p1", M2, dict(kernel_size=3, stride=2, padding=1), (2, 4, 9, 10))
add("qmaxpool2d_ceil", M2, dict(kernel_size=3, stride=2, ceil_mode=True), (2, 3, 8, 8))
add("qmaxpool2d_dil2", M2, dict(kernel_size=2, dilation=2, padding=1), (1, 3, 9, 9))
add("qmaxpool2d_asym", M2, dict(kernel_size=[3, 2], stride=[1, 2], padding=[1, 0]), (2, 2, 7, 9))
add("qmaxpool2d_unbatched", M2, dict(kernel_size=2), (3, 6, 6))
add("qmaxpool2d_zero_batch", M2, dict(kernel_size=2), (0, 3, 6, 6))
add("qmaxpool2d_zp0", M2, dict(kernel_size=2, stride=1), (2, 3, 6, 6), x_scale=0.01, x_zp=0)
err("qmaxpool2d_pad_too_big", M2, dict(kernel_size=3, padding=2), (2, 3, 6, 6))
err("qmaxpool2d_output_too_small", M2, dict(kernel_size=3, dilation=3), (2, 3, 5, 5))
err("qmaxpool2d_rank5", M2, dict(kernel_size=2), (1, 2, 3, 6, 6))
err("qmaxpool2d_empty_channels", M2, dict(kernel_size=2), (2, 0, 6, 6))
err("qmaxpool2d_stride0", M2, dict(kernel_size=2, stride=0), (2, 3, 6, 6))
err("qmaxpool2d_kernel0", M2, dict(kernel_size=0), (2, 3, 6, 6))
err("qmaxpool2d_return_indices", M2, dict(kernel_size=2, return_indices=True), (2, 3, 6, 6))
err("qmaxpool2d_negative_pad", M2, dict(kernel_size=2, padding=-1), (2, 3, 6, 6))
add("qavgpool2d_k2", A2, dict(kernel_size=2), (2, 3, 8, 8))
add("qavgpool2d_k3s1p1", A2, dict(kernel_size=3, stride=1, padding=1), (2, 4, 7, 7))
add("qavgpool2d_k3s2p1_exclude_pad", A2, dict(kernel_size=3, stride=2, padding=1, count_include_pad=False),
    (2, 3, 9, 8))
add("qavgpool2d_ceil", A2, dict(kernel_size=3, stride=2, ceil_mode=True), (2, 3, 8, 8))
add("qavgpool2d_ceil_pad_exclude", A2, dict(kernel_size=3, stride=2, padding=1, ceil_mode=True,
                                             count_include_pad=False), (1, 3, 8, 9))
add("qavgpool2d_divisor3", A2, dict(kernel_size=2, divisor_override=3), (2, 3, 6, 6))
add("qavgpool2d_asym", A2, dict(kernel_size=[3, 2], stride=[2, 1], padding=[1, 1]), (2, 2, 9, 7))
add("qavgpool2d_unbatched", A2, dict(kernel_size=2), (3, 6, 6))
add("qavgpool2d_zp0", A2, dict(kernel_size=3, stride=1), (2, 3, 6, 6), x_scale=0.01, x_zp=0)
add("qavgpool2d_zero_batch", A2, dict(kernel_size=2), (0, 3, 6, 6))
add("qavgpool2d_kernel_too_big_empty", A2, dict(kernel_size=6), (2, 3, 5, 5))
err("qavgpool2d_pad_too_big", A2, dict(kernel_size=3, padding=2), (2, 3, 6, 6))
err("qavgpool2d_divisor0", A2, dict(kernel_size=2, divisor_override=0), (2, 3, 6, 6))
err("qavgpool2d_stride0", A2, dict(kernel_size=2, stride=0), (2, 3, 6, 6))
err("qavgpool2d_negative_pad", A2, dict(kernel_size=2, padding=-1), (2, 3, 6, 6))
add("qadaptiveavgpool2d_1", AA2, dict(output_size=1), (2, 8, 7, 7))
add("qadaptiveavgpool2d_3", AA2, dict(output_size=3), (2, 4, 8, 7))
add("qadaptiveavgpool2d_larger", AA2, dict(output_size=[9, 7]), (2, 3, 4, 5))
add("qadaptiveavgpool2d_none", AA2, dict(output_size=[None, 3]), (2, 3, 6, 7))
add("qadaptiveavgpool2d_unbatched", AA2, dict(output_size=2), (3, 6, 5))
add("qadaptiveavgpool2d_zero_batch", AA2, dict(output_size=2), (0, 3, 6, 5))
add("qadaptiveavgpool2d_zp0", AA2, dict(output_size=[2, 3]), (2, 3, 7, 8), x_scale=0.01, x_zp=0)
err("qadaptiveavgpool2d_negative", AA2, dict(output_size=-1), (2, 3, 6, 6))
err("qadaptiveavgpool2d_rank5", AA2, dict(output_size=2), (1, 2, 3, 6, 6))
err("qadaptiveavgpool2d_empty_height", AA2, dict(output_size=2), (2, 3, 0, 6))
err("qadaptiveavgpool2d_three_sizes", AA2, dict(output_size=[1, 2, 3]), (2, 3, 6, 6))


CHAIN_DIR = os.path.join(ROOT, "src", "test", "resources", "quantized-chain")


def write_chain():
    """One torch.nn.Sequential of quantized modules (for QSequential): ConvReLU2d -> MaxPool2d ->
    Conv2d (per-tensor weights) -> AvgPool2d -> AdaptiveAvgPool2d, int8 between the layers.
    Written as chain.json (arguments and quantization parameters) and .npy files."""
    if os.path.isdir(CHAIN_DIR):
        shutil.rmtree(CHAIN_DIR)
    os.makedirs(CHAIN_DIR)
    g = torch.Generator().manual_seed(seed_of("chain"))
    x = torch.quantize_per_tensor(torch.randn((2, 4, 12, 12), generator=g), 0.04, 120, torch.quint8)
    c1 = nniq.ConvReLU2d(4, 8, 3, padding=1)
    w1 = quantize_weight(torch.randn((8, 4, 3, 3), generator=g) / 6, True, False, 0)
    b1 = torch.randn(8, generator=g) * 0.3
    c1.set_weight_bias(w1, b1)
    c1.scale, c1.zero_point = 0.03, 0
    c2 = nnq.Conv2d(8, 6, 3, stride=1)
    w2 = quantize_weight(torch.randn((6, 8, 3, 3), generator=g) / 8, False, False, 0)
    b2 = torch.randn(6, generator=g) * 0.3
    c2.set_weight_bias(w2, b2)
    c2.scale, c2.zero_point = 0.02, 128
    chain = nn.Sequential(c1, nn.MaxPool2d(2), c2, nn.AvgPool2d(2), nn.AdaptiveAvgPool2d(1))
    with torch.no_grad():
        y = chain(x)
    save(os.path.join(CHAIN_DIR, "input.npy"), x.int_repr().numpy(), "|u1")
    save(os.path.join(CHAIN_DIR, "weight1.npy"), w1.int_repr().numpy(), "|i1")
    save(os.path.join(CHAIN_DIR, "weight1_scales.npy"), w1.q_per_channel_scales().numpy(), "<f8")
    save(os.path.join(CHAIN_DIR, "bias1.npy"), b1.numpy(), "<f4")
    save(os.path.join(CHAIN_DIR, "weight2.npy"), w2.int_repr().numpy(), "|i1")
    save(os.path.join(CHAIN_DIR, "bias2.npy"), b2.numpy(), "<f4")
    save(os.path.join(CHAIN_DIR, "expected_output.npy"), y.int_repr().numpy(), "|u1")
    doc = OrderedDict(layers=["ConvReLU2d(4, 8, 3, padding=1, scale=0.03, zero_point=0), per-channel weight1",
                              "MaxPool2d(2)",
                              "Conv2d(8, 6, 3, scale=0.02, zero_point=128), per-tensor weight2",
                              "AvgPool2d(2)", "AdaptiveAvgPool2d(1)"],
                      input=OrderedDict(scale=x.q_scale(), zero_point=x.q_zero_point()),
                      weight2_scale=w2.q_scale(),
                      output=OrderedDict(scale=y.q_scale(), zero_point=y.q_zero_point()))
    with open(os.path.join(CHAIN_DIR, "chain.json"), "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")


def main():
    write_chain()
    if os.path.isdir(OUT_DIR):
        shutil.rmtree(OUT_DIR)
    os.makedirs(OUT_DIR)
    per_op, errors = Counter(), Counter()
    for name, spec in CASES.items():
        result = run_case(name, spec)
        got_error = "error" in result
        if got_error != spec["error"]:
            raise AssertionError(f"{name}: expected error={spec['error']}, got {result.get('error', 'a result')}")
        write_case(name, result)
        per_op[spec["op"]] += 1
        errors[spec["op"]] += got_error
        if got_error and "-v" in sys.argv:
            print(f"{name}: {result['error']}")
    print(f"wrote {len(CASES)} cases to {os.path.relpath(OUT_DIR, ROOT)}")
    print(f"{'op':<20} {'cases':>5} {'errors':>6}")
    for op in sorted(per_op):
        print(f"{'quantized.' + op:<30} {per_op[op]:>5} {errors[op]:>6}")
    print(f"{'total':<30} {sum(per_op.values()):>5} {sum(errors.values()):>6}")


if __name__ == "__main__":
    main()
