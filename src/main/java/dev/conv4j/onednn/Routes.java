package dev.conv4j.onednn;

import java.util.List;

/**
 * Which implementation runs each operator and configuration on the oneDNN backend: the
 * README's operator table. {@link OneDnnAdapter} makes the decisions; this table states them.
 */
public final class Routes {
    private Routes() {
    }

    /** One row: operator, configuration, implementation, reason. */
    public record Row(String operator, String configuration, String implementation, String reason) {
    }

    public static final List<Row> TABLE = List.of(
            new Row("Conv1d/2d/3d", "padding_mode='zeros' (explicit, 'same' incl. even kernels, 'valid'), any stride, "
                    + "dilation, groups (incl. depthwise), bias",
                    "oneDNN convolution_forward",
                    "weights prepacked once per layout (format any); asymmetric 'same' padding as left/right padding; "
                    + "dilation - 1; bias in the primitive"),
            new Row("Conv1d/2d/3d depthwise", "groups == in_channels (any channel multiplier out/in), "
                    + "padding_mode='zeros', contiguous NC(D)(H)W tensors; before the other Conv and ReLU rows",
                    "own Kernels.depthwiseConv (a Sequential's ReLU fused, NaN kept)",
                    "oneDNN's NCHW depthwise convolution measured about 2x slower than this direct kernel "
                    + "(NchwKernelsBench)"),
            new Row("Conv1d/2d/3d", "a dimension with one output position and stride > 1",
                    "oneDNN convolution_forward with stride 1 there, on a oneDNN reorder copy of the input the window "
                    + "covers (when it ends before the input does)",
                    "oneDNN 3.8.1's brg_conv_fwd is wrong for 1 input channel, output width 1, stride > 1"),
            new Row("Conv1d/2d/3d", "padding_mode='reflect', 'replicate' or 'circular'",
                    "own Kernels.pad into a temporary, then oneDNN convolution_forward without padding",
                    "oneDNN pads with zeros only"),
            new Row("Conv1d/2d/3d", "zero padding at least as wide as the dilated kernel (an output window wholly "
                    + "in the padding)",
                    "own Kernels.pad (zeros) into a temporary, then oneDNN convolution_forward without padding",
                    "oneDNN 3.8.1's brg_conv_fwd crashes on windows wholly in the padding"),
            new Row("ConvTranspose1d/2d/3d", "output_padding <= padding (incl. output_size)",
                    "oneDNN deconvolution_forward",
                    "PyTorch [in, out/groups, k...] weights described by strides, reordered once"),
            new Row("ConvTranspose1d/2d/3d", "output_padding > padding in some dimension",
                    "oneDNN deconvolution_forward into a temporary + oneDNN reorder into the output; trailing "
                    + "positions = bias",
                    "oneDNN refuses negative right padding; those positions receive no input"),
            new Row("Conv*/ConvTranspose*",
                    "batch 0, out_channels 0, an input without elements, or a single window inside the left padding",
                    "none (output empty, or bias)", "nothing to compute"),
            new Row("AvgPool1d/2d", "stride 1 in every dimension, a window at most 8 rows tall, contiguous NC(H)W "
                    + "tensors; before the next two rows",
                    "own Kernels.pool (box filter: the window sums of each input row once, then the column sums)",
                    "oneDNN's NCHW average pooling measured 2-3x slower (AvgPool2d(3, 1, 1) on 256x28x28)"),
            new Row("AvgPool1d/2d/3d", "no divisor_override; count_include_pad=False, or True without a ceil-mode "
                    + "window past the padded input",
                    "oneDNN pooling_forward (avg_exclude_padding / avg_include_padding)",
                    "same divisor as PyTorch"),
            new Row("AvgPool1d/2d/3d", "divisor_override, or count_include_pad=True with a ceil-mode window past "
                    + "the padded input",
                    "own Kernels.pool",
                    "oneDNN counts the overhang in the divisor; no divisor override"),
            new Row("MaxPool1d/2d/3d", "all (with or without return_indices)", "own Kernels.pool",
                    "oneDNN max does not propagate NaN and has no PyTorch indices; a NaN check would read the input "
                    + "once more"),
            new Row("LPPool1d/2d", "all", "own Kernels.pool", "no oneDNN primitive"),
            new Row("Conv*/ConvTranspose* + ReLU", "a Convolution followed by a ReLU in a Sequential (same backend), "
                    + "finite input whose sums cannot overflow",
                    "the routes above with an eltwise_relu post-op on the oneDNN primitive; trailing bias positions get relu(bias)",
                    "one pass over the output instead of two"),
            new Row("Conv*/ConvTranspose* + ReLU", "input with NaN or infinity, or sums that could overflow",
                    "the routes above without post-op, then a Java ReLU loop",
                    "oneDNN's relu post-op turns NaN into 0; torch.relu keeps NaN"),
            new Row("ReLU", "all", "Java loop", "oneDNN eltwise_relu turns NaN into 0 and -0.0 into +0.0"),
            new Row("AdaptiveAvgPool1d/2d/3d", "global (every output size 1), contiguous NC(D)(H)W tensors",
                    "own Kernels.adaptivePool (one vectorised sum per plane)",
                    "oneDNN's NCHW pooling measured 2-5x slower (NchwKernelsBench)"),
            new Row("AdaptiveAvgPool1d/2d/3d", "every input size divisible by its output size (e.g. global pooling "
                    + "on channels-last tensors)",
                    "oneDNN pooling_forward (avg, kernel = stride = in/out)", "identical windows"),
            new Row("AdaptiveAvgPool1d/2d/3d", "otherwise", "own Kernels.adaptivePool",
                    "overlapping, uneven windows"),
            new Row("AdaptiveMaxPool1d/2d/3d", "all", "own Kernels.adaptivePool", "NaN propagation, indices"),
            new Row("MaxUnpool1d/2d/3d", "all", "own Kernels.maxUnpool", "no oneDNN primitive"),
            new Row("pooling", "batch 0 or empty output", "none", "nothing to compute"),
            new Row("Conv*/ConvTranspose*, AvgPool, AdaptiveAvgPool on oneDNN",
                    "channels-last (NHWC / NDHWC) batched tensors, on the routes above that run a oneDNN primitive "
                    + "alone",
                    "the primitive on the channels-last memory as it is (the output is channels-last too)",
                    "NHWC is the layout oneDNN's convolutions choose themselves; plain NCHW costs a reorder each way "
                    + "inside the primitive"),
            new Row("Conv2d/3d, ConvTranspose2d/3d", "contiguous (NCHW / NCDHW) batched tensors on the plain routes "
                    + "above (no own padding, window copy or bias tail)",
                    "per plan, the fastest of: the primitive on NCHW; native transposed channels-last copies (on "
                    + "the calling thread) through the channels-last primitive and back; for groups 1, not "
                    + "transposed: with fewer than 16 input channels the primitive reading NCHW and writing 16-channel "
                    + "blocks that a oneDNN reorder makes NCHW, else (batches, kernels wider than 1) oneDNN reorders "
                    + "of both tensors to and from 16-channel blocks around the primitive on blocks; for single "
                    + "images, not transposed, on 2 threads or more: row bands, one OpenMP region in which each "
                    + "thread takes whole bands of output rows (own Kernels transpose of the rows a band reads into "
                    + "channels-last, the band's one-thread channels-last primitive, own transpose into the NCHW "
                    + "output rows); sgemm where the next row applies. Timed on "
                    + "the plan's first call and once more half a second later (with -Dconv4j.autotune=false: the "
                    + "blocked output where it fits; blocks for batches of at least 2 images of at least 2048 output "
                    + "positions and kernels wider than 1; row bands for single images of groups 1, kernels wider "
                    + "than 1 and at least 7 output rows per thread; sgemm for transposed convolutions, and for "
                    + "pointwise ones of at least 64 input channels and 128 positions; channels-last copies for "
                    + "grouped and transposed convolutions; else the primitive)",
                    "oneDNN's NCHW grouped and transposed convolutions are several times slower than its NHWC ones; "
                    + "for few input channels its direct kernel reads NCHW itself; its direct kernel on blocks beats "
                    + "its NCHW primitive (a reorder to channels-last each way) on large images; row bands fork and "
                    + "join once where that primitive runs a parallel region per step, and keep each thread's rows "
                    + "in its cache (Conv2d(64, 64, 3, padding=1) on 56x56, batch 1: 0.59-0.61 against 0.64-0.65 "
                    + "ms); for others it depends on the shape"),
            new Row("Conv1d/2d/3d, ConvTranspose1d/2d/3d", "groups 1, contiguous tensors: pointwise convolutions "
                    + "(kernel 1, stride 1, no padding), transposed convolutions with kernel = stride (no padding, "
                    + "dilation 1, no output padding); when the per-plan choice of the row above takes it (1d and "
                    + "unbatched input too)",
                    "oneDNN's sgemm per image: the weights [out x in] (transposed ones: [out x kernel][in], "
                    + "rearranged once) times the input image [in x positions]; then, on the image while it is in "
                    + "cache, own Kernels.addBias (bias, a Sequential's ReLU with NaN kept), or for transposed "
                    + "convolutions own Kernels.placePatches (the non-overlapping patches put in place, bias, ReLU)",
                    "NCHW images are already the matrices; oneDNN's NCHW convolution reorders both tensors around "
                    + "a channels-last kernel (Conv2d(1024, 256, 1) on 14x14, batch 1: 0.27 against 0.34 ms; "
                    + "ConvTranspose2d(256, 128, 2, stride=2) on 28x28, batch 16: 11.0 against 13.5 ms)"),
            new Row("MaxPool, LPPool, own-kernel AvgPool", "channels-last batched tensors",
                    "own Kernels.pool on channels-last memory (channels in vector lanes)",
                    "same numbers and indices as the NCHW kernel"),
            new Row("quantized Conv1d/2d/3d, ConvReLU1d/2d/3d, ConvTranspose1d/2d/3d",
                    "zero padding, except a strided dimension with a single output position",
                    "oneDNN int8 convolution_forward / deconvolution_forward (u8 source, s8 weights, f32 bias, u8 "
                    + "destination; scales and zero points as attributes; eltwise_relu post-op for ConvReLU); "
                    + "convolutions: source padded explicitly with its zero point, which is folded into the bias of "
                    + "the call",
                    "the VNNI / AMX int8 kernels (2-3x slower with oneDNN's source zero-point attribute); "
                    + "requantization as PyTorch's onednn engine (f32, ties to even)"),
            new Row("quantized Conv1d/2d/3d, ConvReLU1d/2d/3d", "padding_mode='reflect', or a strided dimension with a "
                    + "single output position",
                    "Java QuantizedReference (integer accumulation)", "rare; keeps the oneDNN path to one primitive"),
            new Row("quantized MaxPool2d, AvgPool2d, AdaptiveAvgPool2d", "all (quint8 input)",
                    "Java QuantizedReference", "PyTorch's rounding of averages (ties to even of the centred sum)"),
            new Row("everything else", "channels-last tensors (padding modes, special routes, adaptive/unpool own "
                    + "kernels, unbatched rank-4 input of a 3d operator)",
                    "the contiguous route on a native transposed copy, result transposed back",
                    "those kernels index planes"));

    /** The table as Markdown. */
    public static String markdown() {
        StringBuilder sb = new StringBuilder("| operator | configuration | runs on | why |\n|---|---|---|---|\n");
        for (Row r : TABLE) {
            sb.append("| ").append(r.operator()).append(" | ").append(r.configuration()).append(" | ")
                    .append(r.implementation()).append(" | ").append(r.reason()).append(" |\n");
        }
        return sb.toString();
    }
}
