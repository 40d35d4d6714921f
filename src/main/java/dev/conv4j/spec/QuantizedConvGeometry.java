package dev.conv4j.spec;

import java.util.Arrays;

/**
 * PyTorch 1.13's rules for its quantized convolutions on the {@code onednn} engine: the checks of
 * the {@code torch.ao.nn.quantized} constructors and of the engine's weight prepacking, the
 * forward call's input checks, and their messages. Sizes come from {@link ConvGeometry}; only
 * where the quantized path differs (it accepts an output of size zero and reports negative sizes
 * when it allocates the output) are they computed here.
 */
public final class QuantizedConvGeometry {
    private QuantizedConvGeometry() {
    }

    /** The constructor's checks, in PyTorch's order, then the float spec's, then the prepacking's. */
    static QuantizedConvSpec build(QuantizedConvSpec.Builder b) {
        int d = b.dims;
        String className = (b.relu ? "ConvReLU" : b.transposed ? "ConvTranspose" : "Conv") + d + "d";
        if (b.transposed && !"zeros".equals(b.paddingMode)) {
            throw new IllegalArgumentException("Only \"zeros\" padding mode is supported for " + className);
        }
        if (b.groups == 0) {
            throw new IllegalArgumentException("integer modulo by zero"); // in_channels % groups in Python
        }
        if (b.groups > 0 && b.inChannels % b.groups != 0) {
            throw new IllegalArgumentException("in_channels must be divisible by groups");
        }
        if (b.groups > 0 && b.outChannels % b.groups != 0) {
            throw new IllegalArgumentException("out_channels must be divisible by groups");
        }
        if (!b.transposed && !"zeros".equals(b.paddingMode) && !"reflect".equals(b.paddingMode)) {
            throw new IllegalArgumentException("'padding_mode' " + b.paddingMode
                    + " is not supported by quantized convolution");
        }
        if (d == 3 && "reflect".equals(b.paddingMode)) {
            throw new IllegalArgumentException("Conv3d does not support reflection padding");
        }
        if (b.paddingString != null) {
            throw new IllegalArgumentException(paddingStringMessage(d, b.transposed, b.paddingString));
        }
        ConvSpec conv = ConvSpec.builder(d, b.transposed, b.inChannels, b.outChannels, b.kernelSize).stride(b.stride)
                .padding(b.padding).outputPadding(b.outputPadding).dilation(b.dilation).groups(b.groups).bias(b.bias)
                .paddingMode(b.paddingMode).build();
        if (b.transposed && Arrays.stream(conv.outputPadding()).anyMatch(v -> v != 0)) {
            throw new IllegalArgumentException("quantized::conv_prepack: ONEDNN only supports zero output_padding.");
        }
        if (!(b.scale > 0) || Double.isInfinite(b.scale)) {
            throw new IllegalArgumentException("the output scale must be positive and finite, but got " + b.scale);
        }
        if (b.zeroPoint < 0 || b.zeroPoint > 255) {
            throw new IllegalArgumentException("the output zero point must be in [0, 255] (quint8), but got "
                    + b.zeroPoint);
        }
        return new QuantizedConvSpec(conv, b.relu, b.scale, b.zeroPoint);
    }

    /**
     * TorchScript's refusal of a padding string by the prepacking op (PyTorch's message, several
     * lines): Conv1d passes the string on, the others turn it into a tuple of characters first.
     */
    private static String paddingStringMessage(int d, boolean transposed, String padding) {
        boolean str = d == 1 && !transposed;
        String value;
        if (str) {
            value = "'" + padding + "'";
        } else {
            StringBuilder sb = new StringBuilder("(");
            for (int i = 0; i < padding.length(); i++) {
                sb.append(i == 0 ? "" : ", ").append('\'').append(padding.charAt(i)).append('\'');
            }
            value = sb.append(padding.length() == 1 ? ",)" : ")").toString();
        }
        String op = "quantized::" + (transposed ? "conv_transpose" : "conv") + d + "d_prepack";
        String params = transposed ? "int[] stride, int[] padding, int[] output_padding, int[] dilation, int groups"
                : "int[] stride, int[] padding, int[] dilation, int groups";
        return op + "() Expected a value of type 'List[int]' for argument 'padding' but instead found type '"
                + (str ? "str" : "tuple") + "'.\nPosition: 3\nValue: " + value + "\nDeclaration: " + op
                + "(Tensor weight, Tensor? bias, " + params + ") -> __torch__.torch.classes.quantized.Conv"
                + Math.max(d, 2) + "dPackedParamsBase\nCast error details: Unable to cast Python instance to C++ type "
                + "(#define PYBIND11_DETAILED_ERROR_MESSAGES or compile in debug mode for details)";
    }

    /**
     * The prepacking's checks of the quantized weights: qint8, zero points 0 (symmetric), per
     * channel only along the output channels and only for non-transposed convolutions.
     *
     * @param shape the weight's shape
     * @param qint8 whether the weight's type is qint8
     * @param zeroPoints its zero point(s)
     * @param axis its per-channel axis, or -1 for per-tensor weights
     */
    public static void checkWeight(QuantizedConvSpec s, long[] shape, boolean qint8, long[] zeroPoints, int axis) {
        ConvSpec c = s.conv();
        if (!Arrays.equals(shape, c.weightShape())) {
            throw new IllegalArgumentException("weight must have shape " + Tuples.list(c.weightShape()) + ", but got "
                    + Tuples.list(shape));
        }
        if (Arrays.stream(zeroPoints).anyMatch(z -> z != 0)) {
            throw new IllegalArgumentException("quantized::qconv_prepack: ONEDNN only supports symmetric quantization "
                    + "of weight, whose zero point must be 0.");
        }
        if (!qint8) {
            throw new IllegalArgumentException("quantized convolution weights must be qint8");
        }
        if (axis >= 0 && c.transposed()) {
            throw new IllegalArgumentException("Per Channel Quantization is currently disabled for transposed conv");
        }
        if (axis > 0) {
            throw new IllegalArgumentException("per-channel weights must be quantized along axis 0 (the output "
                    + "channels), but got axis " + axis);
        }
    }

    /**
     * Resolves one forward call on a {@code quint8} input of the given shape, with PyTorch's
     * checks in its order: the rank (the module's own check), reflect padding ({@code F.pad}), the
     * output size the engine allocates, the channels. An output with a zero size is returned as
     * an empty problem (no backend call needed).
     *
     * @param quint8 whether the input is {@code quint8}
     * @param perTensor whether it is quantized per tensor
     */
    public static ConvProblem forward(QuantizedConvSpec qs, long[] inputShape, boolean quint8, boolean perTensor) {
        ConvSpec s = qs.conv();
        int d = s.dims();
        if (inputShape.length != d + 2) {
            String dimsText = d == 1 ? "L" : d == 2 ? "H, W" : s.transposed() ? "T, H, W" : "D, H, W";
            throw new IllegalArgumentException("Input shape must be `(N, C, " + dimsText + ")`!");
        }
        if (!perTensor) {
            throw new IllegalArgumentException("Expected quantizer->qscheme() == kPerTensorAffine to be true, but got "
                    + "false.  (Could this error message be improved?  If so, please report an enhancement request to "
                    + "PyTorch.)");
        }
        if (!quint8) {
            throw new IllegalArgumentException("quantized::" + (s.transposed() ? "conv_transpose" : "conv")
                    + Math.max(d, 2) + "d (ONEDNN): data type of input should be QUint8.");
        }
        long[] spatial = Arrays.copyOfRange(inputShape, 2, inputShape.length);
        int[] pad = s.padding();
        boolean reflect = s.paddingMode() == PaddingMode.REFLECT;
        if (reflect) {
            PadGeometry.check(s.paddingMode(), inputShape, pad, pad);
        }
        long[] out = new long[d];
        if (!s.transposed()) {
            for (int i = 0; i < d; i++) {
                // ideep's size formula, with C++'s truncating division; padding already applied for reflect
                long padded = spatial[i] + 2L * pad[i];
                out[i] = (padded - (long) s.dilation()[i] * (s.kernelSize()[i] - 1) - 1) / s.stride()[i] + 1;
            }
            long[] full = engineShape(inputShape[0], s.outChannels(), out);
            for (long v : full) {
                if (v < 0) {
                    throw new IllegalArgumentException("Trying to create tensor with negative dimension " + v + ": "
                            + Tuples.list(full));
                }
            }
            if (inputShape[1] != s.inChannels() || s.inChannels() == 0) {
                throw new IllegalArgumentException("could not create a descriptor for a dilated convolution forward "
                        + "propagation primitive");
            }
        } else {
            String fn = "quantized::conv_transpose" + Math.max(d, 2) + "d (ONEDNN)";
            if (inputShape[1] != s.inChannels()) {
                throw new IllegalArgumentException(fn + ": input channel number should be " + s.inChannels() + ", but got "
                        + inputShape[1]);
            }
            for (int i = 0; i < d; i++) {
                long o = (spatial[i] - 1) * s.stride()[i] - 2L * pad[i] + (long) s.dilation()[i] * (s.kernelSize()[i] - 1)
                        + 1;
                if (o <= 0) {
                    // 1d runs as 2d with a height of one: its axis is 1
                    throw new IllegalArgumentException("Output dimension is zero for " + (d == 1 ? 1 : i) + " axis; "
                            + "kernel: " + s.kernelSize()[i] + ", stride: " + s.stride()[i] + ", input padding: "
                            + pad[i] + ", output padding: 0, dilation: " + s.dilation()[i]);
                }
            }
        }
        if (!s.transposed() && Arrays.stream(out).anyMatch(v -> v == 0)) {
            ConvGeometry.checkElementCount(ConvProblem.shape(inputShape[0], s.outChannels(), out, true));
            return new ConvProblem(s, true, inputShape[0], spatial, out, pad, pad);
        }
        return ConvGeometry.forward(s, inputShape, null);
    }

    /** The output shape as the engine allocates it: 1d as 2d with a height of one. */
    private static long[] engineShape(long n, long c, long[] out) {
        long[] spatial = out.length == 1 ? new long[] {1, out[0]} : out;
        return ConvProblem.shape(n, c, spatial, true);
    }

    /** Whether the problem's output has no element (nothing to compute). */
    public static boolean isEmpty(ConvProblem p) {
        return Arrays.stream(p.batchedOutputShape()).anyMatch(v -> v == 0);
    }
}
