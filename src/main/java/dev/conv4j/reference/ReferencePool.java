package dev.conv4j.reference;

import java.util.Arrays;

import dev.conv4j.Tensor;
import dev.conv4j.spec.AdaptivePoolGeometry;
import dev.conv4j.spec.AdaptivePoolProblem;
import dev.conv4j.spec.PoolGeometry;
import dev.conv4j.spec.PoolProblem;
import dev.conv4j.spec.PoolSpec;
import dev.conv4j.spec.Tuples;
import dev.conv4j.spec.UnpoolProblem;

/**
 * Naive pooling kernels over planes {@code P = N*C} of size {@code D x H x W}; 1d and 2d problems
 * run as 3d ones with leading spatial dimensions of size 1. Stateless.
 */
final class ReferencePool {
    private ReferencePool() {
    }

    /**
     * Max pooling as ATen's CPU kernel: the window starts at {@code o*S - PAD} and its taps, every
     * DIL positions, stop before {@code min(start + DIL*(K-1) + 1, I)}; a start in the padding is
     * advanced by DIL until it is inside. The maximum starts at -inf with the index of the first
     * tap inside; a tap replaces it when {@code val > max || isnan(val)}: the first maximum wins a
     * tie, NaN wins over everything, and a later NaN wins over an earlier one.
     */
    static void max(PoolProblem problem, Tensor input, Tensor output, Tensor indices) {
        PoolSpec spec = problem.spec();
        long[] in = Tuples.to3(problem.inputSpatial(), 1);
        long[] out = Tuples.to3(problem.outputSpatial(), 1);
        int[] k = Tuples.to3(spec.kernelSize(), 1);
        int[] s = Tuples.to3(spec.stride(), 1);
        int[] pad = Tuples.to3(spec.padding(), 0);
        int[] dil = Tuples.to3(spec.dilation(), 1);
        final long P = problem.batch() * problem.channels();
        final long ID = in[0], IH = in[1], IW = in[2];
        final long OD = out[0], OH = out[1], OW = out[2];

        float[] x = input.toFloatArray();
        float[] y = new float[Math.toIntExact(output.numel())];
        long[] idx = new long[y.length];
        for (long p = 0; p < P; p++) {
            final long xPlane = p * ID * IH * IW;
            for (long od = 0; od < OD; od++) {
                long[] wd = maxTaps(od, ID, k[0], s[0], pad[0], dil[0]);
                for (long oh = 0; oh < OH; oh++) {
                    long[] wh = maxTaps(oh, IH, k[1], s[1], pad[1], dil[1]);
                    for (long ow = 0; ow < OW; ow++) {
                        long[] ww = maxTaps(ow, IW, k[2], s[2], pad[2], dil[2]);
                        int yi = (int) (((p * OD + od) * OH + oh) * OW + ow);
                        maxWindow(x, xPlane, IH, IW, wd, wh, ww, dil, y, idx, yi);
                    }
                }
            }
        }
        output.copyFrom(y);
        if (indices != null) {
            indices.copyFrom(idx);
        }
    }

    /** Taps one apart in every dimension (adaptive windows). */
    private static final int[] DENSE = {1, 1, 1};

    /**
     * PyTorch's max over one window: taps {@code [from, end)} with the given step per dimension
     * (D, H, W); a larger value or any NaN replaces the current maximum, so the first maximum
     * wins ties and the last NaN wins. The index starts at the first tap (for an all -inf window).
     */
    private static void maxWindow(float[] x, long xPlane, long IH, long IW, long[] wd, long[] wh, long[] ww,
            int[] step, float[] y, long[] idx, int yi) {
        float maxVal = Float.NEGATIVE_INFINITY;
        long maxIndex = (wd[0] * IH + wh[0]) * IW + ww[0];
        for (long id = wd[0]; id < wd[1]; id += step[0]) {
            for (long ih = wh[0]; ih < wh[1]; ih += step[1]) {
                for (long iw = ww[0]; iw < ww[1]; iw += step[2]) {
                    long index = (id * IH + ih) * IW + iw;
                    float val = x[(int) (xPlane + index)];
                    if (val > maxVal || Float.isNaN(val)) {
                        maxVal = val;
                        maxIndex = index;
                    }
                }
            }
        }
        y[yi] = maxVal;
        idx[yi] = maxIndex;
    }

    /** {@code {first tap, end}} of max-pooling window {@code o} along one dimension. */
    private static long[] maxTaps(long o, long in, int k, int stride, int pad, int dilation) {
        long start = PoolGeometry.windowStart(o, stride, pad);
        long end = Math.min(start + (long) dilation * (k - 1) + 1, in);
        while (start < 0) {
            start += dilation;
        }
        return new long[] {start, end};
    }

    /**
     * Average pooling: the sum over the window clipped to the input, divided by the product of
     * the per-dimension factors of {@link PoolGeometry#avgWindow} (or by divisor_override). An
     * empty clipped window gives 0, as in ATen.
     */
    static void avg(PoolProblem problem, Tensor input, Tensor output) {
        PoolSpec spec = problem.spec();
        float[] y = averages(problem, input.toFloatArray(), output.numel(), spec.padding(),
                spec.countIncludePad(), spec.divisorOverride());
        output.copyFrom(y);
    }

    /**
     * LP pooling as torch.nn.functional.lp_pool1d/2d computes it, step by step in float:
     * {@code out = avg_pool(x.pow(p), kernel, stride, padding=0, ceil_mode)} (so the divisor is
     * the window clipped to the input), then
     * {@code (sign(out) * relu(abs(out))).mul(kernelVolume).pow(1/p)} with the full kernel volume.
     */
    static void lp(PoolProblem problem, Tensor input, Tensor output) {
        PoolSpec spec = problem.spec();
        final double p = spec.normType();
        final int kernelVolume = Arrays.stream(spec.kernelSize()).reduce(1, Math::multiplyExact);

        float[] x = input.toFloatArray();
        float[] powered = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            powered[i] = TorchMath.pow(x[i], p);
        }
        float[] y = averages(problem, powered, output.numel(), new int[spec.dims()], true, null);
        for (int i = 0; i < y.length; i++) {
            float out = y[i];
            float signed = TorchMath.sign(out) * TorchMath.relu(Math.abs(out));
            float scaled = signed * (float) kernelVolume;
            y[i] = TorchMath.pow(scaled, 1.0 / p);
        }
        output.copyFrom(y);
    }

    /**
     * The average-pooling pass shared by AvgPool and LPPool; {@code padding}, count_include_pad
     * and divisor_override (null for none) replace the spec's.
     */
    private static float[] averages(PoolProblem problem, float[] x, long outputSize, int[] padding,
            boolean countIncludePad, Integer divisorOverride) {
        PoolSpec spec = problem.spec();
        long[] in = Tuples.to3(problem.inputSpatial(), 1);
        long[] out = Tuples.to3(problem.outputSpatial(), 1);
        int[] k = Tuples.to3(spec.kernelSize(), 1);
        int[] s = Tuples.to3(spec.stride(), 1);
        int[] pad = Tuples.to3(padding, 0);
        final long P = problem.batch() * problem.channels();
        final long ID = in[0], IH = in[1], IW = in[2];
        final long OD = out[0], OH = out[1], OW = out[2];

        float[] y = new float[Math.toIntExact(outputSize)];
        for (long p = 0; p < P; p++) {
            final long xPlane = p * ID * IH * IW;
            for (long od = 0; od < OD; od++) {
                long[] wd = PoolGeometry.avgWindow(od, ID, k[0], s[0], pad[0], countIncludePad);
                for (long oh = 0; oh < OH; oh++) {
                    long[] wh = PoolGeometry.avgWindow(oh, IH, k[1], s[1], pad[1], countIncludePad);
                    for (long ow = 0; ow < OW; ow++) {
                        long[] ww = PoolGeometry.avgWindow(ow, IW, k[2], s[2], pad[2], countIncludePad);
                        int yi = (int) (((p * OD + od) * OH + oh) * OW + ow);
                        if (wd[0] >= wd[1] || wh[0] >= wh[1] || ww[0] >= ww[1]) {
                            y[yi] = 0f; // ATen leaves an empty window at zero
                            continue;
                        }
                        double sum = 0.0;
                        for (long id = wd[0]; id < wd[1]; id++) {
                            for (long ih = wh[0]; ih < wh[1]; ih++) {
                                for (long iw = ww[0]; iw < ww[1]; iw++) {
                                    sum += x[(int) (xPlane + (id * IH + ih) * IW + iw)];
                                }
                            }
                        }
                        long divisor = divisorOverride != null ? divisorOverride : wd[2] * wh[2] * ww[2];
                        y[yi] = (float) (sum / divisor);
                    }
                }
            }
        }
        return y;
    }

    /** Adaptive average: the mean over {@code [start(o), end(o))} per dimension. */
    static void adaptiveAvg(AdaptivePoolProblem problem, Tensor input, Tensor output) {
        long[] in = Tuples.to3(problem.inputSpatial(), 1);
        long[] out = Tuples.to3(problem.outputSpatial(), 1);
        final long P = problem.batch() * problem.channels();
        final long ID = in[0], IH = in[1], IW = in[2];
        final long OD = out[0], OH = out[1], OW = out[2];

        float[] x = input.toFloatArray();
        float[] y = new float[Math.toIntExact(output.numel())];
        for (long p = 0; p < P; p++) {
            final long xPlane = p * ID * IH * IW;
            for (long od = 0; od < OD; od++) {
                long d0 = AdaptivePoolGeometry.start(od, ID, OD);
                long d1 = AdaptivePoolGeometry.end(od, ID, OD);
                for (long oh = 0; oh < OH; oh++) {
                    long h0 = AdaptivePoolGeometry.start(oh, IH, OH);
                    long h1 = AdaptivePoolGeometry.end(oh, IH, OH);
                    for (long ow = 0; ow < OW; ow++) {
                        long w0 = AdaptivePoolGeometry.start(ow, IW, OW);
                        long w1 = AdaptivePoolGeometry.end(ow, IW, OW);
                        double sum = 0.0;
                        for (long id = d0; id < d1; id++) {
                            for (long ih = h0; ih < h1; ih++) {
                                for (long iw = w0; iw < w1; iw++) {
                                    sum += x[(int) (xPlane + (id * IH + ih) * IW + iw)];
                                }
                            }
                        }
                        long volume = (d1 - d0) * (h1 - h0) * (w1 - w0);
                        y[(int) (((p * OD + od) * OH + oh) * OW + ow)] = (float) (sum / volume);
                    }
                }
            }
        }
        output.copyFrom(y);
    }

    /**
     * Adaptive max over {@code [start(o), end(o))} per dimension, with max pooling's rule: -inf
     * and the window's first index to start with, replaced when {@code val > max || isnan(val)}.
     */
    static void adaptiveMax(AdaptivePoolProblem problem, Tensor input, Tensor output, Tensor indices) {
        long[] in = Tuples.to3(problem.inputSpatial(), 1);
        long[] out = Tuples.to3(problem.outputSpatial(), 1);
        final long P = problem.batch() * problem.channels();
        final long ID = in[0], IH = in[1], IW = in[2];
        final long OD = out[0], OH = out[1], OW = out[2];

        float[] x = input.toFloatArray();
        float[] y = new float[Math.toIntExact(output.numel())];
        long[] idx = new long[y.length];
        for (long p = 0; p < P; p++) {
            final long xPlane = p * ID * IH * IW;
            for (long od = 0; od < OD; od++) {
                long d0 = AdaptivePoolGeometry.start(od, ID, OD);
                long d1 = AdaptivePoolGeometry.end(od, ID, OD);
                for (long oh = 0; oh < OH; oh++) {
                    long h0 = AdaptivePoolGeometry.start(oh, IH, OH);
                    long h1 = AdaptivePoolGeometry.end(oh, IH, OH);
                    for (long ow = 0; ow < OW; ow++) {
                        long w0 = AdaptivePoolGeometry.start(ow, IW, OW);
                        long w1 = AdaptivePoolGeometry.end(ow, IW, OW);
                        int yi = (int) (((p * OD + od) * OH + oh) * OW + ow);
                        maxWindow(x, xPlane, IH, IW, new long[] {d0, d1}, new long[] {h0, h1}, new long[] {w0, w1},
                                DENSE, y, idx, yi);
                    }
                }
            }
        }
        output.copyFrom(y);
        if (indices != null) {
            indices.copyFrom(idx);
        }
    }

    /**
     * Max unpooling: {@code y[p][indices[p][i]] = x[p][i]} in input order (a later write wins).
     * Like ATen's CPU kernel (single-threaded), the whole input is scanned and the last invalid
     * index found is reported.
     */
    static void maxUnpool(UnpoolProblem problem, Tensor input, Tensor indices, Tensor output) {
        final long P = problem.batch() * problem.channels();
        final long inPlane = Arrays.stream(problem.inputSpatial()).reduce(1, Math::multiplyExact);
        final long outPlane = problem.outputPlaneSize();

        float[] x = input.toFloatArray();
        long[] idx = indices.toLongArray();
        float[] y = new float[Math.toIntExact(output.numel())];
        Long invalid = null;
        for (long p = 0; p < P; p++) {
            for (long i = 0; i < inPlane; i++) {
                long xi = p * inPlane + i;
                long target = idx[(int) xi];
                if (target < 0 || target >= outPlane) {
                    invalid = target;
                    continue;
                }
                y[(int) (p * outPlane + target)] = x[(int) xi];
            }
        }
        if (invalid != null) {
            throw new IllegalArgumentException(problem.invalidIndexMessage(invalid));
        }
        output.copyFrom(y);
    }
}
