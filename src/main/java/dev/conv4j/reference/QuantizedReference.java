package dev.conv4j.reference;

import dev.conv4j.DType;
import dev.conv4j.Tensor;
import dev.conv4j.backend.QuantizedBackend;
import dev.conv4j.backend.QuantizedConvKernel;
import dev.conv4j.spec.AdaptivePoolGeometry;
import dev.conv4j.spec.AdaptivePoolProblem;
import dev.conv4j.spec.ConvProblem;
import dev.conv4j.spec.ConvSpec;
import dev.conv4j.spec.PaddingMode;
import dev.conv4j.spec.PoolGeometry;
import dev.conv4j.spec.PoolKind;
import dev.conv4j.spec.PoolProblem;
import dev.conv4j.spec.PoolSpec;
import dev.conv4j.spec.QuantizedConvSpec;
import dev.conv4j.spec.Tuples;

/**
 * The quantized operators in plain Java, the oracle of the oneDNN int8 path: integer
 * accumulation of {@code (x - x_zp) * w} in 64 bits over named loops, then PyTorch's
 * requantization in double ({@link #requantize}). 1d and 2d run as 3d with sizes of one.
 */
public final class QuantizedReference implements QuantizedBackend {
    public static final QuantizedReference INSTANCE = new QuantizedReference();

    private QuantizedReference() {
    }

    /**
     * PyTorch's requantization of one accumulator (engine onednn): {@code y = acc * (x_scale *
     * w_scale) + bias}, ReLU, then {@code round_half_even(y / scale) + zero_point} clamped to
     * quint8.
     */
    public static int requantize(long acc, double inputScale, double weightScale, double bias, boolean relu,
            double scale, long zeroPoint) {
        double y = acc * (inputScale * weightScale) + bias;
        if (relu && y < 0) {
            y = 0;
        }
        double q = Math.rint(y / scale) + zeroPoint;
        return (int) Math.max(0, Math.min(255, q));
    }

    @Override
    public QuantizedConvKernel prepareConv(QuantizedConvSpec spec, Tensor weight, double[] weightScales, Tensor bias) {
        byte[] w = weight.toByteArray();
        float[] b = bias == null ? null : bias.toFloatArray();
        double[] scales = weightScales.clone();
        return new QuantizedConvKernel() {
            @Override
            public void forward(ConvProblem problem, Tensor input, double inputScale, long inputZeroPoint,
                    Tensor output) {
                conv(spec, problem, w, scales, b, input, inputScale, inputZeroPoint, output);
            }

            @Override
            public void close() {
            }
        };
    }

    static void conv(QuantizedConvSpec qs, ConvProblem p, byte[] w, double[] wScales, float[] bias, Tensor input,
            double inputScale, long inputZeroPoint, Tensor output) {
        ConvSpec s = qs.conv();
        final long N = p.batch();
        final int G = s.groups();
        final long IC = s.inChannels() / G;
        final long OC = s.outChannels() / G;
        long[] in = Tuples.to3(p.inputSpatial(), 1);
        long[] out = Tuples.to3(p.outputSpatial(), 1);
        int[] k = Tuples.to3(s.kernelSize(), 1);
        int[] st = Tuples.to3(s.stride(), 1);
        int[] dil = Tuples.to3(s.dilation(), 1);
        int[] pad = Tuples.to3(p.padBefore(), 0);
        final long ID = in[0], IH = in[1], IW = in[2];
        final long OD = out[0], OH = out[1], OW = out[2];
        final int KD = k[0], KH = k[1], KW = k[2];
        boolean reflect = s.paddingMode() == PaddingMode.REFLECT;

        byte[] x = input.toByteArray();
        long[] acc = new long[Math.toIntExact(N * s.outChannels() * OD * OH * OW)];
        for (long n = 0; n < N; n++) {
            for (int g = 0; g < G; g++) {
                for (long ic = 0; ic < IC; ic++) {
                    long c = g * IC + ic;
                    long xPlane = (n * s.inChannels() + c) * ID * IH * IW;
                    for (long oc = 0; oc < OC; oc++) {
                        long o = g * OC + oc;
                        long yPlane = (n * s.outChannels() + o) * OD * OH * OW;
                        // weight [O, I/G, k...]; transposed [I, O/G, k...]
                        long wBase = s.transposed() ? (c * OC + oc) * KD * KH * KW : (o * IC + ic) * KD * KH * KW;
                        if (s.transposed()) {
                            scatter(x, xPlane, inputZeroPoint, w, wBase, acc, yPlane, in, out, k, st, dil, pad);
                        } else {
                            gather(x, xPlane, inputZeroPoint, w, wBase, acc, yPlane, in, out, k, st, dil, pad, reflect);
                        }
                    }
                }
            }
        }
        byte[] y = new byte[acc.length];
        long plane = OD * OH * OW;
        for (int i = 0; i < acc.length; i++) {
            int o = (int) ((i / plane) % s.outChannels());
            double ws = wScales.length == 1 ? wScales[0] : wScales[o];
            y[i] = (byte) requantize(acc[i], inputScale, ws, bias == null ? 0 : bias[o], qs.relu(), qs.scale(),
                    qs.zeroPoint());
        }
        write(y, output);
    }

    /** Convolution: every output position sums its window; taps in the zero padding add nothing. */
    private static void gather(byte[] x, long xPlane, long zp, byte[] w, long wBase, long[] acc, long yPlane,
            long[] in, long[] out, int[] k, int[] st, int[] dil, int[] pad, boolean reflect) {
        for (long od = 0; od < out[0]; od++) {
            for (long oh = 0; oh < out[1]; oh++) {
                for (long ow = 0; ow < out[2]; ow++) {
                    long sum = 0;
                    for (int kd = 0; kd < k[0]; kd++) {
                        long id = index(od * st[0] - pad[0] + (long) kd * dil[0], in[0], reflect);
                        if (id < 0) {
                            continue;
                        }
                        for (int kh = 0; kh < k[1]; kh++) {
                            long ih = index(oh * st[1] - pad[1] + (long) kh * dil[1], in[1], reflect);
                            if (ih < 0) {
                                continue;
                            }
                            for (int kw = 0; kw < k[2]; kw++) {
                                long iw = index(ow * st[2] - pad[2] + (long) kw * dil[2], in[2], reflect);
                                if (iw < 0) {
                                    continue;
                                }
                                int xv = x[(int) (xPlane + (id * in[1] + ih) * in[2] + iw)] & 0xff;
                                int wv = w[(int) (wBase + ((long) kd * k[1] + kh) * k[2] + kw)];
                                sum += (xv - zp) * wv;
                            }
                        }
                    }
                    acc[(int) (yPlane + (od * out[1] + oh) * out[2] + ow)] += sum;
                }
            }
        }
    }

    /**
     * The input index a padded position reads: itself inside the input; outside it, its mirror
     * image for reflect padding (the input was padded before the convolution), else -1 (zero).
     */
    private static long index(long i, long size, boolean reflect) {
        if (i >= 0 && i < size) {
            return i;
        }
        if (!reflect) {
            return -1;
        }
        return i < 0 ? -i : 2 * (size - 1) - i;
    }

    /** Transposed convolution: input position {@code i} reaches output {@code i*stride - pad + k*dilation}. */
    private static void scatter(byte[] x, long xPlane, long zp, byte[] w, long wBase, long[] acc, long yPlane,
            long[] in, long[] out, int[] k, int[] st, int[] dil, int[] pad) {
        for (long id = 0; id < in[0]; id++) {
            for (long ih = 0; ih < in[1]; ih++) {
                for (long iw = 0; iw < in[2]; iw++) {
                    long xv = (x[(int) (xPlane + (id * in[1] + ih) * in[2] + iw)] & 0xff) - zp;
                    for (int kd = 0; kd < k[0]; kd++) {
                        long od = id * st[0] - pad[0] + (long) kd * dil[0];
                        if (od < 0 || od >= out[0]) {
                            continue;
                        }
                        for (int kh = 0; kh < k[1]; kh++) {
                            long oh = ih * st[1] - pad[1] + (long) kh * dil[1];
                            if (oh < 0 || oh >= out[1]) {
                                continue;
                            }
                            for (int kw = 0; kw < k[2]; kw++) {
                                long ow = iw * st[2] - pad[2] + (long) kw * dil[2];
                                if (ow < 0 || ow >= out[2]) {
                                    continue;
                                }
                                int wv = w[(int) (wBase + ((long) kd * k[1] + kh) * k[2] + kw)];
                                acc[(int) (yPlane + (od * out[1] + oh) * out[2] + ow)] += xv * wv;
                            }
                        }
                    }
                }
            }
        }
    }

    @Override
    public void pool(PoolProblem problem, long zeroPoint, Tensor input, Tensor output) {
        PoolSpec spec = problem.spec();
        long[] in = Tuples.to3(problem.inputSpatial(), 1);
        long[] out = Tuples.to3(problem.outputSpatial(), 1);
        int[] k = Tuples.to3(spec.kernelSize(), 1);
        int[] s = Tuples.to3(spec.stride(), 1);
        int[] pad = Tuples.to3(spec.padding(), 0);
        int[] dil = Tuples.to3(spec.dilation(), 1);
        boolean max = spec.kind() == PoolKind.MAX;
        long planes = problem.batch() * problem.channels();
        byte[] x = input.toByteArray();
        byte[] y = new byte[Math.toIntExact(output.numel())];
        for (long p = 0; p < planes; p++) {
            long xPlane = p * in[0] * in[1] * in[2];
            for (long od = 0; od < out[0]; od++) {
                for (long oh = 0; oh < out[1]; oh++) {
                    for (long ow = 0; ow < out[2]; ow++) {
                        long[] o = {od, oh, ow};
                        int yi = (int) (((p * out[0] + od) * out[1] + oh) * out[2] + ow);
                        y[yi] = (byte) (max ? maxWindow(x, xPlane, in, o, k, s, pad, dil)
                                : avgWindow(x, xPlane, in, o, k, s, pad, spec, zeroPoint));
                    }
                }
            }
        }
        write(y, output);
    }

    /** The largest integer of a max-pooling window (taps every {@code dil}, from the first inside the input). */
    private static int maxWindow(byte[] x, long xPlane, long[] in, long[] o, int[] k, int[] s, int[] pad, int[] dil) {
        long[][] taps = new long[3][];
        for (int i = 0; i < 3; i++) {
            long start = PoolGeometry.windowStart(o[i], s[i], pad[i]);
            long end = Math.min(start + (long) dil[i] * (k[i] - 1) + 1, in[i]);
            while (start < 0) {
                start += dil[i];
            }
            taps[i] = new long[] {start, end};
        }
        int best = 0;
        for (long id = taps[0][0]; id < taps[0][1]; id += dil[0]) {
            for (long ih = taps[1][0]; ih < taps[1][1]; ih += dil[1]) {
                for (long iw = taps[2][0]; iw < taps[2][1]; iw += dil[2]) {
                    best = Math.max(best, x[(int) (xPlane + (id * in[1] + ih) * in[2] + iw)] & 0xff);
                }
            }
        }
        return best;
    }

    /** An average-pooling window: the centred integer sum over the input part, divided, rounded, re-centred. */
    private static int avgWindow(byte[] x, long xPlane, long[] in, long[] o, int[] k, int[] s, int[] pad, PoolSpec spec,
            long zp) {
        long[][] w = new long[3][];
        long divisor = 1;
        for (int i = 0; i < 3; i++) {
            w[i] = PoolGeometry.avgWindow(o[i], in[i], k[i], s[i], pad[i], spec.countIncludePad());
            divisor *= w[i][2];
        }
        if (spec.divisorOverride() != null) {
            divisor = spec.divisorOverride();
        }
        return average(x, xPlane, in, w[0][0], w[0][1], w[1][0], w[1][1], w[2][0], w[2][1], divisor, zp);
    }

    /** {@code clamp(round_half_even((sum(x) - n * zp) / divisor) + zp)} over the box {@code [d0,d1) x [h0,h1) x [w0,w1)}. */
    private static int average(byte[] x, long xPlane, long[] in, long d0, long d1, long h0, long h1, long w0, long w1,
            long divisor, long zp) {
        long sum = 0;
        long count = 0;
        for (long id = d0; id < d1; id++) {
            for (long ih = h0; ih < h1; ih++) {
                for (long iw = w0; iw < w1; iw++) {
                    sum += x[(int) (xPlane + (id * in[1] + ih) * in[2] + iw)] & 0xff;
                    count++;
                }
            }
        }
        double q = Math.rint((double) (sum - count * zp) / divisor) + zp;
        return (int) Math.max(0, Math.min(255, q));
    }

    @Override
    public void adaptiveAvgPool(AdaptivePoolProblem problem, long zeroPoint, Tensor input, Tensor output) {
        long[] in = Tuples.to3(problem.inputSpatial(), 1);
        long[] out = Tuples.to3(problem.outputSpatial(), 1);
        long planes = problem.batch() * problem.channels();
        byte[] x = input.toByteArray();
        byte[] y = new byte[Math.toIntExact(output.numel())];
        for (long p = 0; p < planes; p++) {
            long xPlane = p * in[0] * in[1] * in[2];
            for (long od = 0; od < out[0]; od++) {
                long d0 = AdaptivePoolGeometry.start(od, in[0], out[0]);
                long d1 = AdaptivePoolGeometry.end(od, in[0], out[0]);
                for (long oh = 0; oh < out[1]; oh++) {
                    long h0 = AdaptivePoolGeometry.start(oh, in[1], out[1]);
                    long h1 = AdaptivePoolGeometry.end(oh, in[1], out[1]);
                    for (long ow = 0; ow < out[2]; ow++) {
                        long w0 = AdaptivePoolGeometry.start(ow, in[2], out[2]);
                        long w1 = AdaptivePoolGeometry.end(ow, in[2], out[2]);
                        int yi = (int) (((p * out[0] + od) * out[1] + oh) * out[2] + ow);
                        y[yi] = (byte) average(x, xPlane, in, d0, d1, h0, h1, w0, w1,
                                (d1 - d0) * (h1 - h0) * (w1 - w0), zeroPoint);
                    }
                }
            }
        }
        write(y, output);
    }

    /** Writes C-order integers into {@code output}, whatever its memory format. */
    private static void write(byte[] y, Tensor output) {
        try (Tensor t = Tensor.ofBytes(DType.UINT8, y, output.shape())) {
            output.copyFrom(t);
        }
    }
}
