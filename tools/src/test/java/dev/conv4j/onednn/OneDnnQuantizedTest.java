package dev.conv4j.onednn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.conv4j.DType;
import dev.conv4j.MemoryFormat;
import dev.conv4j.Tensor;
import dev.conv4j.backend.Backends;
import dev.conv4j.backend.QuantizedConvKernel;
import dev.conv4j.cases.Tolerance;
import dev.conv4j.reference.QuantizedReference;
import dev.conv4j.spec.ConvProblem;
import dev.conv4j.spec.QuantizedConvGeometry;
import dev.conv4j.spec.QuantizedConvSpec;

/**
 * The oneDNN int8 convolution against the reference (integer accumulation) on random problems
 * larger than the golden cases, in both memory formats, and the implementation oneDNN chose.
 */
class OneDnnQuantizedTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', value = {
        "res-like 3x3; 2; false; false; 32; 48; 3; 1; 1; 1; 1; 2, 32, 14, 14; true",
        "1x1 per-tensor; 2; false; false; 64; 32; 1; 1; 0; 1; 1; 3, 64, 9, 9; false",
        "strided 5x5; 2; false; false; 16; 24; 5; 2; 2; 1; 1; 2, 16, 17, 15; true",
        "depthwise; 2; false; false; 24; 24; 3; 1; 1; 1; 24; 2, 24, 12, 12; true",
        "grouped dilated relu; 2; false; true; 16; 32; 3; 1; 2; 2; 4; 2, 16, 13, 11; true",
        "conv1d relu; 1; false; true; 16; 20; 5; 2; 2; 1; 1; 3, 16, 40; true",
        "conv3d; 3; false; false; 8; 16; 3; 1; 1; 1; 1; 2, 8, 6, 7, 5; true",
        "deconv 2x2/2; 2; true; false; 32; 16; 2; 2; 0; 1; 1; 2, 32, 7, 7; false",
        "deconv 3x3/2 groups; 2; true; false; 16; 16; 3; 2; 1; 1; 2; 2, 16, 6, 5; false",
        "deconv3d; 3; true; false; 8; 8; 3; 2; 1; 1; 1; 1, 8, 4, 3, 5; false"})
    void int8PrimitiveMatchesTheReference(String name, int dims, boolean transposed, boolean relu, int in, int out,
            int k, int stride, int pad, int dil, int groups, String shape, boolean perChannel) {
        QuantizedConvSpec spec = QuantizedConvSpec.builder(dims, transposed, relu, in, out, k).stride(stride)
                .padding(pad).dilation(dil).groups(groups).scale(0.05 + 0.01 * k).zeroPoint(relu ? 20 : 120).build();
        long[] inputShape = java.util.Arrays.stream(shape.split(",")).mapToLong(s -> Long.parseLong(s.trim())).toArray();
        SplittableRandom r = new SplittableRandom(name.hashCode());
        long[] wShape = spec.conv().weightShape();
        byte[] w = new byte[Math.toIntExact(java.util.Arrays.stream(wShape).reduce(1, (a, b) -> a * b))];
        for (int i = 0; i < w.length; i++) {
            w[i] = (byte) r.nextInt(-128, 128);
        }
        double[] scales = new double[perChannel ? out : 1];
        for (int i = 0; i < scales.length; i++) {
            scales[i] = 0.0005 + r.nextDouble() * 0.002;
        }
        float[] bias = new float[out];
        for (int i = 0; i < out; i++) {
            bias[i] = (float) r.nextGaussian();
        }
        byte[] x = new byte[Math.toIntExact(java.util.Arrays.stream(inputShape).reduce(1, (a, b) -> a * b))];
        for (int i = 0; i < x.length; i++) {
            x[i] = (byte) r.nextInt(256);
        }
        ConvProblem p = QuantizedConvGeometry.forward(spec, inputShape, true, true);
        assertTrue(OneDnnQuantizedConvKernel.onOneDnn(p), "expected the oneDNN route for " + p);
        try (Tensor wt = Tensor.ofBytes(DType.INT8, w, wShape); Tensor bt = Tensor.of(bias, out);
                Tensor xt = Tensor.ofBytes(DType.UINT8, x, inputShape);
                QuantizedConvKernel ref = QuantizedReference.INSTANCE.prepareConv(spec, wt, scales, bt);
                QuantizedConvKernel dnn = Backends.onednn().quantized().prepareConv(spec, wt, scales, bt);
                Tensor expected = Tensor.zeros(DType.UINT8, p.outputShape())) {
            ref.forward(p, xt, 0.02, 100, expected);
            byte[] e = expected.toByteArray();
            int distinct = (int) java.util.stream.IntStream.range(0, e.length).map(i -> e[i] & 0xff).distinct().count();
            assertTrue(distinct > 20, "the reference output should spread over the range, got " + distinct + " values");
            for (MemoryFormat f : new MemoryFormat[] {MemoryFormat.CONTIGUOUS, MemoryFormat.CHANNELS_LAST}) {
                if (!f.supports(inputShape.length)) {
                    continue;
                }
                try (Tensor xf = xt.toMemoryFormat(f); Tensor got = Tensor.empty(DType.UINT8, f, p.outputShape())) {
                    dnn.forward(p, xf, 0.02, 100, got);
                    assertNull(Tolerance.compareQuantized(name + " " + f, got, expected, false));
                }
            }
            String impl = ((OneDnnQuantizedConvKernel) dnn).implementation(p, MemoryFormat.CONTIGUOUS);
            assertFalse(impl.startsWith("ref"), "oneDNN chose its reference implementation: " + impl);
        }
    }

    @ParameterizedTest
    @CsvSource({"64, 56", "256, 14"})
    void resnetLayersRunOnAnInt8JitKernel(int channels, int size) {
        QuantizedConvSpec spec = QuantizedConvSpec.builder(2, false, false, channels, channels, 3).padding(1).build();
        ConvProblem p = QuantizedConvGeometry.forward(spec, new long[] {1, channels, size, size}, true, true);
        try (Tensor w = Tensor.zeros(DType.INT8, spec.conv().weightShape()); Tensor b = Tensor.zeros(channels);
                QuantizedConvKernel k = Backends.onednn().quantized().prepareConv(spec, w, new double[] {0.01}, b)) {
            String impl = ((OneDnnQuantizedConvKernel) k).implementation(p, MemoryFormat.CONTIGUOUS);
            // brg_conv_fwd / jit_int8 / ...:avx512_core_vnni (or _amx) on this machine; never "ref"
            assertFalse(impl.startsWith("ref"), impl);
            assertTrue(impl.contains("avx") || impl.contains("sve") || impl.contains("amx"), impl);
            assertEquals(impl, ((OneDnnQuantizedConvKernel) k).implementation(p, MemoryFormat.CONTIGUOUS));
        }
    }
}
