package dev.conv4j.reference;

import java.util.Arrays;

import dev.conv4j.DType;
import dev.conv4j.Precision;
import dev.conv4j.Tensor;
import dev.conv4j.backend.ConvKernel;
import dev.conv4j.backend.TensorContract;
import dev.conv4j.spec.ConvProblem;
import dev.conv4j.spec.ConvSpec;
import dev.conv4j.spec.PadGeometry;
import dev.conv4j.spec.PaddingMode;
import dev.conv4j.spec.Tuples;

/**
 * Naive convolution and transposed convolution over {@code N, C, D, H, W}; 1d and 2d problems run
 * as 3d ones with leading spatial dimensions of size 1. Each output element is accumulated in
 * double and rounded to float once. At {@link Precision#BF16} the input and weight values are
 * first rounded to bf16 ({@link Precision#roundToBf16}), emulating bf16 products exactly.
 *
 * <p>Immutable after construction (weights and bias are copied at prepare time), so one kernel
 * serves many threads.
 */
final class ReferenceConvKernel implements ConvKernel {
    private final ConvSpec spec;
    /** {@code [OC, IC/G, KD, KH, KW]}, or {@code [IC, OC/G, KD, KH, KW]} when transposed. */
    private final float[] weight;
    /** {@code [OC]}, or null without bias. */
    private final float[] bias;
    /** Whether ReLU is fused: applied to each output after the bias. */
    private final boolean relu;
    private final Precision precision;
    private volatile boolean closed;

    ReferenceConvKernel(ConvSpec spec, Tensor weight, Tensor bias, boolean relu, Precision precision) {
        if (!Arrays.equals(weight.shape(), spec.weightShape())) {
            throw new IllegalArgumentException(spec.opName() + " expects a weight of shape "
                    + Tuples.list(spec.weightShape()) + ", but got " + Tuples.list(weight.shape()));
        }
        if (spec.bias() != (bias != null)) {
            throw new IllegalArgumentException(spec.opName() + (spec.bias() ? " expects a bias, but got none"
                    : " has bias=False, but got a bias"));
        }
        if (bias != null && !Arrays.equals(bias.shape(), new long[] {spec.outChannels()})) {
            throw new IllegalArgumentException(spec.opName() + " expects a bias of shape [" + spec.outChannels()
                    + "], but got " + Tuples.list(bias.shape()));
        }
        this.spec = spec;
        this.precision = precision;
        this.weight = rounded(weight.toFloatArray());
        this.bias = bias == null ? null : bias.toFloatArray();
        this.relu = relu;
    }

    @Override
    public Precision precision() {
        return precision;
    }

    /** {@code values}, rounded to bf16 in place at that precision. */
    private float[] rounded(float[] values) {
        if (precision == Precision.BF16) {
            for (int i = 0; i < values.length; i++) {
                values[i] = Precision.roundToBf16(values[i]);
            }
        }
        return values;
    }

    @Override
    public void forward(ConvProblem problem, Tensor input, Tensor output) {
        if (closed) {
            throw new IllegalStateException("convolution kernel is closed");
        }
        if (!problem.spec().equals(spec)) {
            throw new IllegalArgumentException("problem " + problem + " does not match the kernel's spec " + spec);
        }
        TensorContract.require("input", input, DType.FLOAT32, problem.batchedInputShape());
        TensorContract.require("output", output, DType.FLOAT32, problem.batchedOutputShape());
        if (output.numel() == 0) {
            return;
        }
        float[] x = rounded(input.toFloatArray());
        float[] y = new float[Math.toIntExact(output.numel())];
        if (spec.transposed()) {
            transposed(problem, x, y);
        } else {
            direct(problem, x, y);
        }
        if (relu) {
            TorchMath.relu(y);
        }
        output.copyFrom(y);
    }

    /**
     * {@code y[n][oc][o] = bias[oc] + sum x[n][ic][src(o*S + k*DIL)] * w[oc][icl][k]} over the
     * input channels {@code ic} of oc's group, where {@code src} maps a position of the padded
     * input to the input ({@link PadGeometry#sourceIndex}; -1, skipped, for zero padding).
     */
    private void direct(ConvProblem problem, float[] x, float[] y) {
        final long N = problem.batch();
        final int G = spec.groups();
        final int IC = spec.inChannels();
        final int OC = spec.outChannels();
        final int ICG = IC / G; // input channels per group
        final int OCG = OC / G; // output channels per group
        final PaddingMode mode = spec.paddingMode();

        long[] in = Tuples.to3(problem.inputSpatial(), 1);
        long[] out = Tuples.to3(problem.outputSpatial(), 1);
        int[] k = Tuples.to3(spec.kernelSize(), 1);
        int[] s = Tuples.to3(spec.stride(), 1);
        int[] dil = Tuples.to3(spec.dilation(), 1);
        int[] pad = Tuples.to3(problem.padBefore(), 0);
        final long ID = in[0], IH = in[1], IW = in[2];
        final long OD = out[0], OH = out[1], OW = out[2];
        final int KD = k[0], KH = k[1], KW = k[2];
        final int SD = s[0], SH = s[1], SW = s[2];
        final int DD = dil[0], DH = dil[1], DW = dil[2];
        final int PD = pad[0], PH = pad[1], PW = pad[2];

        for (long n = 0; n < N; n++) {
            for (int oc = 0; oc < OC; oc++) {
                final int g = oc / OCG;
                for (long od = 0; od < OD; od++) {
                    for (long oh = 0; oh < OH; oh++) {
                        for (long ow = 0; ow < OW; ow++) {
                            double acc = bias == null ? 0.0 : bias[oc];
                            for (int icl = 0; icl < ICG; icl++) {
                                final int ic = g * ICG + icl;
                                for (int kd = 0; kd < KD; kd++) {
                                    long id = PadGeometry.sourceIndex(mode, od * SD + (long) kd * DD, ID, PD);
                                    if (id < 0) {
                                        continue;
                                    }
                                    for (int kh = 0; kh < KH; kh++) {
                                        long ih = PadGeometry.sourceIndex(mode, oh * SH + (long) kh * DH, IH, PH);
                                        if (ih < 0) {
                                            continue;
                                        }
                                        for (int kw = 0; kw < KW; kw++) {
                                            long iw = PadGeometry.sourceIndex(mode, ow * SW + (long) kw * DW, IW, PW);
                                            if (iw < 0) {
                                                continue;
                                            }
                                            long xi = (((n * IC + ic) * ID + id) * IH + ih) * IW + iw;
                                            long wi = ((((long) oc * ICG + icl) * KD + kd) * KH + kh) * KW + kw;
                                            acc += (double) x[(int) xi] * weight[(int) wi];
                                        }
                                    }
                                }
                            }
                            long yi = (((n * OC + oc) * OD + od) * OH + oh) * OW + ow;
                            y[(int) yi] = (float) acc;
                        }
                    }
                }
            }
        }
    }

    /**
     * {@code y[n][oc][o] = bias[oc] + sum x[n][ic][i] * w[ic][ocl][k]} over the input channels
     * {@code ic} of oc's group and all {@code (i, k)} with {@code o = i*S - PAD + k*DIL}, gathered
     * per output element: {@code i = (o + PAD - k*DIL) / S} when that divides exactly and lies in
     * the input.
     */
    private void transposed(ConvProblem problem, float[] x, float[] y) {
        final long N = problem.batch();
        final int G = spec.groups();
        final int IC = spec.inChannels();
        final int OC = spec.outChannels();
        final int ICG = IC / G;
        final int OCG = OC / G;

        long[] in = Tuples.to3(problem.inputSpatial(), 1);
        long[] out = Tuples.to3(problem.outputSpatial(), 1);
        int[] k = Tuples.to3(spec.kernelSize(), 1);
        int[] s = Tuples.to3(spec.stride(), 1);
        int[] dil = Tuples.to3(spec.dilation(), 1);
        int[] pad = Tuples.to3(problem.padBefore(), 0);
        final long ID = in[0], IH = in[1], IW = in[2];
        final long OD = out[0], OH = out[1], OW = out[2];
        final int KD = k[0], KH = k[1], KW = k[2];
        final int SD = s[0], SH = s[1], SW = s[2];
        final int DD = dil[0], DH = dil[1], DW = dil[2];
        final int PD = pad[0], PH = pad[1], PW = pad[2];

        for (long n = 0; n < N; n++) {
            for (int oc = 0; oc < OC; oc++) {
                final int g = oc / OCG;
                final int ocl = oc % OCG;
                for (long od = 0; od < OD; od++) {
                    for (long oh = 0; oh < OH; oh++) {
                        for (long ow = 0; ow < OW; ow++) {
                            double acc = bias == null ? 0.0 : bias[oc];
                            for (int icl = 0; icl < ICG; icl++) {
                                final int ic = g * ICG + icl;
                                for (int kd = 0; kd < KD; kd++) {
                                    long td = od + PD - (long) kd * DD;
                                    if (td < 0 || td % SD != 0 || td / SD >= ID) {
                                        continue;
                                    }
                                    long id = td / SD;
                                    for (int kh = 0; kh < KH; kh++) {
                                        long th = oh + PH - (long) kh * DH;
                                        if (th < 0 || th % SH != 0 || th / SH >= IH) {
                                            continue;
                                        }
                                        long ih = th / SH;
                                        for (int kw = 0; kw < KW; kw++) {
                                            long tw = ow + PW - (long) kw * DW;
                                            if (tw < 0 || tw % SW != 0 || tw / SW >= IW) {
                                                continue;
                                            }
                                            long iw = tw / SW;
                                            long xi = (((n * IC + ic) * ID + id) * IH + ih) * IW + iw;
                                            long wi = ((((long) ic * OCG + ocl) * KD + kd) * KH + kh) * KW + kw;
                                            acc += (double) x[(int) xi] * weight[(int) wi];
                                        }
                                    }
                                }
                            }
                            long yi = (((n * OC + oc) * OD + od) * OH + oh) * OW + ow;
                            y[(int) yi] = (float) acc;
                        }
                    }
                }
            }
        }
    }

    /** Drops nothing native; marks the kernel closed. Closing twice is harmless. */
    @Override
    public void close() {
        closed = true;
    }
}
