package dev.conv4j.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

import dev.conv4j.MemoryFormat;
import dev.conv4j.Tensor;
import dev.conv4j.backend.Backends;
import dev.conv4j.backend.ConvKernel;
import dev.conv4j.nn.Conv2d;
import dev.conv4j.onednn.OneDnnBackend;
import dev.conv4j.onednn.TestHooks;
import dev.conv4j.spec.AdaptivePoolGeometry;
import dev.conv4j.spec.AdaptivePoolProblem;
import dev.conv4j.spec.AdaptivePoolSpec;
import dev.conv4j.spec.ConvGeometry;
import dev.conv4j.spec.ConvProblem;
import dev.conv4j.spec.ConvSpec;
import dev.conv4j.spec.PoolGeometry;
import dev.conv4j.spec.PoolProblem;
import dev.conv4j.spec.PoolSpec;

/** The bare primitive computes what the backend computes, on the implementation the backend uses. */
class BarePrimitiveTest {
    private static final OneDnnBackend ONEDNN = OneDnnBackend.instance();

    @Test
    void convolutionsMatchTheKernelBitForBit() {
        check(ConvSpec.builder(2, false, 3, 5, 3).padding(1).build(), new long[] {2, 3, 7, 7});
        check(ConvSpec.builder(2, false, 4, 6, 3).stride(2).bias(false).build(), new long[] {1, 4, 9, 8});
        // grouped (depthwise on NCHW runs the own kernel: Routes)
        check(ConvSpec.builder(2, false, 8, 8, 3).padding(1).groups(4).build(), new long[] {1, 8, 6, 6});
        check(ConvSpec.builder(2, false, 4, 4, 2).padding("same").build(), new long[] {1, 4, 5, 5});
        check(ConvSpec.builder(1, false, 3, 2, 3).dilation(2).build(), new long[] {2, 3, 11});
        check(ConvSpec.builder(3, false, 2, 3, 3).padding(1).build(), new long[] {1, 2, 4, 5, 6});
        check(ConvSpec.builder(2, true, 6, 4, 3).stride(2).padding(1).build(), new long[] {1, 6, 5, 5});
        check(ConvSpec.builder(2, true, 4, 6, 2).stride(2).groups(2).build(), new long[] {2, 4, 3, 3});
    }

    private static void check(ConvSpec spec, long[] shape) {
        ConvProblem p = ConvGeometry.forward(spec, shape, null);
        assertTrue(BarePrimitive.supports(p), spec.toString());
        Random r = new Random(7);
        try (Tensor w = TestHooks.random(r, spec.weightShape());
                Tensor b = spec.bias() ? TestHooks.random(r, new long[] {spec.outChannels()}) : null;
                Tensor x = TestHooks.random(r, shape);
                Tensor y = Tensor.zeros(p.outputShape());
                ConvKernel kernel = ONEDNN.prepareConv(spec, w, b);
                BarePrimitive bare = BarePrimitive.convolution(p, w, b)) {
            kernel.forward(p, x, y);
            bare.load(x);
            bare.run(1);
            float[] expected = y.toFloatArray();
            assertFalse(allZero(expected), spec.toString());
            assertArrayEquals(expected, bare.output(), spec + " on " + Arrays.toString(shape));
            assertEquals(TestHooks.implementation(kernel, p), bare.implementation(), spec.toString());
            // running again gives the same numbers (the primitive overwrites its output)
            bare.run(3);
            assertArrayEquals(expected, bare.output(), spec.toString());
        }
    }

    @Test
    void aModuleAndItsBarePrimitiveAgree() {
        try (Conv2d conv = Conv2d.builder(3, 4, 3).stride(2).padding(1).backend(Backends.onednn()).seed(3).build();
                Tensor x = TestHooks.random(new Random(3), new long[] {1, 3, 10, 10});
                Tensor y = conv.forward(x);
                BarePrimitive bare = BarePrimitive.convolution(ConvGeometry.forward(conv.spec(), x.shape(), null),
                        conv.weight(), conv.bias())) {
            bare.load(x);
            bare.run(1);
            assertArrayEquals(y.toFloatArray(), bare.output());
        }
    }

    /** On channels-last tensors the bare primitive takes and gives NHWC memory, as the module does. */
    @Test
    void channelsLastModuleAndItsBarePrimitiveAgree() {
        try (Conv2d conv = Conv2d.builder(16, 8, 3).padding(1).backend(Backends.onednn()).seed(4).build();
                Tensor x0 = TestHooks.random(new Random(4), new long[] {2, 16, 7, 9});
                Tensor x = x0.toMemoryFormat(MemoryFormat.CHANNELS_LAST);
                Tensor y = conv.forward(x);
                BarePrimitive bare = BarePrimitive.convolution(ConvGeometry.forward(conv.spec(), x.shape(), null),
                        conv.weight(), conv.bias(), MemoryFormat.CHANNELS_LAST)) {
            assertThrows(IllegalArgumentException.class, () -> bare.load(x0));
            bare.load(x);
            bare.run(1);
            float[] memoryOrder = new float[Math.toIntExact(y.numel())];
            y.floatBuffer().get(memoryOrder);
            assertArrayEquals(memoryOrder, bare.output());
            assertFalse(bare.implementation().contains("ncsp"), bare.implementation());
        }
    }

    @Test
    void differentInputsGiveDifferentOutputs() {
        ConvSpec spec = ConvSpec.builder(2, false, 2, 2, 3).padding(1).build();
        ConvProblem p = ConvGeometry.forward(spec, new long[] {1, 2, 5, 5}, null);
        Random r = new Random(11);
        try (Tensor w = TestHooks.random(r, spec.weightShape());
                Tensor b = TestHooks.random(r, new long[] {2});
                Tensor x1 = TestHooks.random(r, new long[] {1, 2, 5, 5});
                Tensor x2 = TestHooks.random(r, new long[] {1, 2, 5, 5});
                BarePrimitive bare = BarePrimitive.convolution(p, w, b)) {
            bare.run(1);
            // zero input: every output is the bias of its channel
            float[] out = bare.output();
            float[] bias = b.toFloatArray();
            for (int i = 0; i < out.length; i++) {
                assertEquals(bias[i / 25], out[i]);
            }
            bare.load(x1);
            bare.run(1);
            float[] y1 = bare.output();
            bare.load(x2);
            bare.run(1);
            assertNotEquals(Arrays.toString(y1), Arrays.toString(bare.output()));
            try (Tensor wrong = Tensor.zeros(1, 2, 5, 4)) {
                assertThrows(IllegalArgumentException.class, () -> bare.load(wrong));
            }
        }
    }

    @Test
    void averagePoolingMatchesTheBackend() {
        // stride 2: the backend runs NCHW average pooling of stride 1 on its own box filter
        PoolProblem p = PoolGeometry.forward(PoolSpec.avg(2, 3).stride(2).padding(1).build(), new long[] {2, 3, 6, 7});
        AdaptivePoolProblem gap = AdaptivePoolGeometry.forward(AdaptivePoolSpec.avg(2, 1, 1), new long[] {1, 5, 4, 4});
        Random r = new Random(5);
        try (Tensor x = TestHooks.random(r, new long[] {2, 3, 6, 7});
                Tensor y = Tensor.zeros(p.outputShape());
                Tensor gx = TestHooks.random(r, new long[] {1, 5, 4, 4});
                Tensor gy = Tensor.zeros(gap.outputShape());
                BarePrimitive bare = BarePrimitive.pooling(p);
                BarePrimitive bareGap = BarePrimitive.pooling(gap)) {
            ONEDNN.pool(p, x, y, null);
            bare.load(x);
            bare.run(1);
            assertArrayEquals(y.toFloatArray(), bare.output());
            assertEquals(TestHooks.poolImplementation(p), bare.implementation());
            ONEDNN.adaptivePool(gap, gx, gy, null);
            bareGap.load(gx);
            bareGap.run(1);
            assertArrayEquals(gy.toFloatArray(), bareGap.output());
        }
    }

    @Test
    void refusesWhatIsNotOnePrimitive() {
        ConvProblem reflect = ConvGeometry.forward(
                ConvSpec.builder(2, false, 2, 2, 3).padding(1).paddingMode("reflect").build(), new long[] {1, 2, 5, 5}, null);
        ConvProblem tail = ConvGeometry.forward(ConvSpec.builder(2, true, 2, 2, 3).stride(2).outputPadding(1).build(),
                new long[] {1, 2, 4, 4}, null);
        assertFalse(BarePrimitive.supports(reflect));
        assertFalse(BarePrimitive.supports(tail));
        try (Tensor w = Tensor.zeros(2, 2, 3, 3); Tensor b = Tensor.zeros(2)) {
            assertThrows(IllegalArgumentException.class, () -> BarePrimitive.convolution(reflect, w, b));
        }
        PoolProblem max = PoolGeometry.forward(PoolSpec.max(2, 2).build(), new long[] {1, 1, 4, 4});
        assertFalse(BarePrimitive.supports(max));
        assertThrows(IllegalArgumentException.class, () -> BarePrimitive.pooling(max));
    }

    @Test
    void closedIsClosed() {
        PoolProblem p = PoolGeometry.forward(PoolSpec.avg(2, 2).build(), new long[] {1, 1, 4, 4});
        BarePrimitive bare = BarePrimitive.pooling(p);
        bare.close();
        bare.close();
        assertThrows(IllegalStateException.class, () -> bare.run(1));
        assertThrows(IllegalStateException.class, bare::output);
    }

    private static boolean allZero(float[] v) {
        for (float f : v) {
            if (f != 0) {
                return false;
            }
        }
        return true;
    }
}
