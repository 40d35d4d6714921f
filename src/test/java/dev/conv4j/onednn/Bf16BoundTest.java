package dev.conv4j.onednn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import dev.conv4j.DType;
import dev.conv4j.MemoryFormat;
import dev.conv4j.Precision;
import dev.conv4j.Tensor;
import dev.conv4j.Tolerances;
import dev.conv4j.backend.Backend;
import dev.conv4j.backend.ConvKernel;
import dev.conv4j.reference.ReferenceBackend;
import dev.conv4j.spec.ConvGeometry;
import dev.conv4j.spec.ConvProblem;
import dev.conv4j.spec.ConvSpec;
import dev.conv4j.spec.PaddingMode;

/**
 * The bf16 error bound, {@code |y_bf16 - y_f32| <= 2^-7 * (sum |w| * |x| over the window +
 * |bias|)} per output element ({@link Precision#relativeBound()}), over every convolution and
 * transposed-convolution family (1d/2d/3d, groups, depthwise, dilation, strides, padding
 * numbers, same/valid, reflect/replicate/circular, output_padding, output_size, the routes with
 * a source view and with a negative right padding) on contiguous and channels-last tensors.
 *
 * <p>{@code y_f32} is the reference backend's float32 result (double sums); the bound's scale is
 * computed independently, by the reference backend's float32 convolution of {@code |x|} and
 * {@code |w|} plus {@code |bias|}. Where the CPU has bf16 products the oneDNN result must also
 * differ from the float32 one (bf16 really ran) and agree with the reference backend's bf16
 * emulation (inputs rounded to bf16 to nearest even, exact products) within {@code 2^-16} of
 * the scale: float32 summation only. Where it has none the kernel must say F32 and equal the
 * float32 kernel bit for bit.
 */
class Bf16BoundTest {
    private static final Backend ONEDNN = OneDnnBackend.instance();
    private static final Backend REFERENCE = ReferenceBackend.INSTANCE;

    /** Largest |y_bf16 - y_f32| / (2^-7 * scale) seen, and where. */
    private static double worstRatio;
    private static String worstCase = "";
    private static int casesRun;
    private static int tailRuns;
    private static int viewRuns;

    /** One configuration: the spec, the batched input shape, and a transposed convolution's output_size (or null). */
    private record Config(ConvSpec spec, long[] input, long[] outputSize) {
        @Override
        public String toString() {
            return spec + " input=" + Arrays.toString(input)
                    + (outputSize == null ? "" : " output_size=" + Arrays.toString(outputSize));
        }
    }

    private static Config conv(int dims, int in, int out, int k, UnaryOperator<ConvSpec.Builder> options, long... input) {
        int[] kernel = new int[dims];
        Arrays.fill(kernel, k);
        return new Config(options.apply(ConvSpec.builder(dims, false, in, out, kernel)).build(), input, null);
    }

    private static Config deconv(int dims, int in, int out, int k, UnaryOperator<ConvSpec.Builder> options,
            long[] outputSize, long... input) {
        int[] kernel = new int[dims];
        Arrays.fill(kernel, k);
        return new Config(options.apply(ConvSpec.builder(dims, true, in, out, kernel)).build(), input, outputSize);
    }

    /** The families, each on shapes large enough for the vectorised kernels and long sums. */
    static List<Config> configs() {
        List<Config> c = new ArrayList<>();
        for (int dims = 1; dims <= 3; dims++) {
            long[] small = dims == 1 ? new long[] {2, 0, 37} : dims == 2 ? new long[] {2, 0, 11, 13}
                    : new long[] {1, 0, 5, 6, 7};
            int d = dims;
            // plain, 1x1, bias off
            c.add(conv(d, 32, 48, 3, b -> b.padding(1), with(small, 32)));
            c.add(conv(d, 64, 24, 1, b -> b, with(small, 64)));
            c.add(conv(d, 16, 16, 3, b -> b.bias(false), with(small, 16)));
            // stride, dilation, padding numbers, same, valid
            c.add(conv(d, 24, 32, 3, b -> b.stride(2).padding(2), with(small, 24)));
            c.add(conv(d, 16, 16, 3, b -> b.dilation(2).padding(1), with(small, 16)));
            c.add(conv(d, 16, 20, 2, b -> b.padding("same").dilation(2), with(small, 16)));
            c.add(conv(d, 20, 16, 3, b -> b.padding("valid"), with(small, 20)));
            // groups, depthwise, depthwise multiplier
            c.add(conv(d, 32, 64, 3, b -> b.groups(4).padding(1), with(small, 32)));
            c.add(conv(d, 48, 48, 3, b -> b.groups(48).padding(1), with(small, 48)));
            c.add(conv(d, 16, 32, 3, b -> b.groups(16).stride(2), with(small, 16)));
            // padding modes (own padding, then oneDNN)
            for (PaddingMode m : new PaddingMode[] {PaddingMode.REFLECT, PaddingMode.REPLICATE, PaddingMode.CIRCULAR}) {
                c.add(conv(d, 16, 24, 3, b -> b.padding(1).paddingMode(m), with(small, 16)));
            }
            // one output position per dimension: the primitive reads a view of the source
            long[] wide = new long[small.length];
            Arrays.fill(wide, 6);
            wide[0] = 2;
            c.add(conv(d, 16, 16, 3, b -> b.stride(5), with(wide, 16)));
            // transposed: plain, stride + output_padding, dilation, groups, depthwise, output_size
            long[] tin = dims == 1 ? new long[] {2, 0, 19} : dims == 2 ? new long[] {2, 0, 7, 6} : new long[] {1, 0, 4, 3, 5};
            c.add(deconv(d, 32, 24, 3, b -> b.padding(1), null, with(tin, 32)));
            c.add(deconv(d, 24, 16, 3, b -> b.stride(2).outputPadding(1), null, with(tin, 24)));
            c.add(deconv(d, 16, 16, 3, b -> b.dilation(2).padding(2).stride(2).outputPadding(1), null, with(tin, 16)));
            c.add(deconv(d, 32, 32, 2, b -> b.groups(4).stride(2), null, with(tin, 32)));
            c.add(deconv(d, 24, 24, 3, b -> b.groups(24).padding(1), null, with(tin, 24)));
            c.add(deconv(d, 16, 16, 3, b -> b.groups(2).bias(false), null, with(tin, 16)));
            long[] size = new long[dims];
            for (int i = 0; i < dims; i++) {
                size[i] = (tin[2 + i] - 1) * 2 + 3; // the largest of stride 2, kernel 3: output_padding 1
            }
            c.add(deconv(d, 16, 24, 3, b -> b.stride(2), size, with(tin, 16)));
            // padding larger than the kernel's reach: a negative right padding (temporary, then copy)
            c.add(deconv(d, 16, 16, 1, b -> b.stride(2).outputPadding(1), null, with(tin, 16)));
        }
        return c;
    }

    private static long[] with(long[] shape, long channels) {
        long[] s = shape.clone();
        s[1] = channels;
        return s;
    }

    @Test
    void boundHoldsForEveryFamilyAndLayout() {
        boolean bf16 = ONEDNN.effectivePrecision(Precision.BF16) == Precision.BF16;
        List<String> failures = new ArrayList<>();
        int differing = 0;
        long seed = 20261130L;
        for (Config config : configs()) {
            for (MemoryFormat format : MemoryFormat.values()) {
                if (!format.supports(config.input.length)) {
                    continue;
                }
                String name = config + " " + format;
                try {
                    differing += check(config, format, seed++, bf16, name);
                } catch (AssertionError e) {
                    failures.add(e.getMessage());
                }
            }
        }
        if (!failures.isEmpty()) {
            fail(failures.size() + " configurations broke the bound:\n" + String.join("\n", failures));
        }
        assertTrue(tailRuns > 0 && viewRuns > 0, "the sweep missed a route: " + tailRuns + " with a negative right "
                + "padding, " + viewRuns + " with a source view");
        if (bf16) {
            assertTrue(differing > 0, "bf16 results never differed from f32 ones: bf16 did not run");
            // Random data: the largest error lands well inside the bound, but not at zero.
            assertTrue(worstRatio > 0x1p-6, "largest error / bound " + worstRatio + " suspiciously small");
        }
    }

    /** Checks one configuration; returns 1 if the bf16 result differs from the f32 one somewhere. */
    private static int check(Config config, MemoryFormat format, long seed, boolean bf16, String name) {
        ConvSpec spec = config.spec;
        ConvProblem problem = ConvGeometry.forward(spec, config.input, config.outputSize);
        OneDnnAdapter.ConvDesc route = OneDnnAdapter.conv(problem);
        tailRuns += route.hasTail() ? 1 : 0;
        viewRuns += route.hasSrcView() ? 1 : 0;
        Random r = new Random(seed);
        try (Tensor x = random(r, config.input);
                Tensor w = random(r, spec.weightShape());
                Tensor b = spec.bias() ? random(r, new long[] {spec.outChannels()}) : null;
                Tensor ax = abs(x);
                Tensor aw = abs(w);
                Tensor ab = b == null ? null : abs(b);
                Tensor xIn = x.toMemoryFormat(format);
                Tensor yBf16 = Tensor.zeros(DType.FLOAT32, format, problem.outputShape());
                Tensor yF32 = Tensor.zeros(problem.outputShape());
                Tensor yOneDnnF32 = Tensor.zeros(DType.FLOAT32, format, problem.outputShape());
                Tensor yEmulated = Tensor.zeros(problem.outputShape());
                Tensor scale = Tensor.zeros(problem.outputShape());
                ConvKernel kBf16 = ONEDNN.prepareConv(spec, w, b, false, Precision.BF16);
                ConvKernel kF32 = ONEDNN.prepareConv(spec, w, b, false, Precision.F32);
                ConvKernel ref = REFERENCE.prepareConv(spec, w, b, false, Precision.F32);
                ConvKernel emulation = REFERENCE.prepareConv(spec, w, b, false, Precision.BF16);
                ConvKernel absRef = REFERENCE.prepareConv(spec, aw, ab, false, Precision.F32)) {
            assertEquals(bf16 ? Precision.BF16 : Precision.F32, kBf16.precision(), name);
            kBf16.forward(problem, xIn, yBf16);
            kF32.forward(problem, xIn, yOneDnnF32);
            ref.forward(problem, x, yF32);
            emulation.forward(problem, x, yEmulated);
            absRef.forward(problem, ax, scale);
            float[] got = yBf16.toFloatArray();
            float[] exact = yF32.toFloatArray();
            float[] emulated = yEmulated.toFloatArray();
            float[] s = scale.toFloatArray();
            float[] oneDnnF32 = yOneDnnF32.toFloatArray();
            assertTrue(got.length > 0, name + ": empty output");
            boolean differs = false;
            for (int i = 0; i < got.length; i++) {
                double bound = Precision.BF16.relativeBound() * s[i];
                double err = Math.abs((double) got[i] - exact[i]);
                if (!(err <= bound)) {
                    throw new AssertionError(name + ": element " + i + ": bf16 " + got[i] + ", f32 " + exact[i]
                            + ", |diff| " + err + " > bound " + bound);
                }
                double ratio = bound == 0 ? 0 : err / bound;
                if (ratio > worstRatio) {
                    worstRatio = ratio;
                    worstCase = name;
                }
                if (bf16) {
                    double emulationErr = Math.abs((double) got[i] - emulated[i]);
                    if (!(emulationErr <= Tolerances.BF16_EMULATION * s[i])) {
                        throw new AssertionError(name + ": element " + i + ": oneDNN bf16 " + got[i]
                                + ", emulated bf16 " + emulated[i] + ", |diff| " + emulationErr + " > "
                                + Tolerances.BF16_EMULATION + " * " + s[i]);
                    }
                } else if (Float.floatToIntBits(got[i]) != Float.floatToIntBits(oneDnnF32[i])) {
                    throw new AssertionError(name + ": element " + i + ": without bf16 products the kernel must "
                            + "compute f32, but got " + got[i] + " vs " + oneDnnF32[i]);
                }
                differs |= got[i] != oneDnnF32[i];
            }
            casesRun++;
            return differs ? 1 : 0;
        }
    }

    @AfterAll
    static void reportWorst() {
        // Quoted in the README's precision section and the note.
        System.out.printf("bf16 bound sweep: %d runs, largest |y_bf16 - y_f32| / bound = %.4f (%s)%n", casesRun,
                worstRatio, worstCase);
    }

    /** Values uniform in [-1, 1) with magnitudes spread over 2^-4..2^4, so rounding errors vary in scale. */
    static Tensor random(Random r, long[] shape) {
        Tensor t = Tensor.zeros(shape);
        java.nio.FloatBuffer buf = t.floatBuffer();
        for (int i = 0; i < buf.capacity(); i++) {
            buf.put(i, (float) ((r.nextDouble() * 2 - 1) * Math.scalb(1.0, r.nextInt(9) - 4)));
        }
        return t;
    }

    private static Tensor abs(Tensor t) {
        Tensor a = Tensor.zeros(t.shape());
        java.nio.FloatBuffer in = t.floatBuffer();
        java.nio.FloatBuffer out = a.floatBuffer();
        for (int i = 0; i < in.capacity(); i++) {
            out.put(i, Math.abs(in.get(i)));
        }
        return a;
    }
}
