package dev.conv4j.onednn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.util.List;
import java.util.Random;

import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.Test;

import dev.conv4j.DType;
import dev.conv4j.MemoryFormat;
import dev.conv4j.Tensor;
import dev.conv4j.nn.AdaptiveAvgPool2d;
import dev.conv4j.nn.AvgPool2d;
import dev.conv4j.nn.Conv2d;
import dev.conv4j.nn.ConvTranspose2d;
import dev.conv4j.nn.MaxPool2d;
import dev.conv4j.nn.Module;
import dev.conv4j.nn.ReLU;
import dev.conv4j.nn.Sequential;

/** {@code forward(input, out)}: same numbers as {@code forward(input)}, PyTorch-like refusals, no allocation when warm. */
class ForwardIntoTest {
    private static Tensor random(long seed, long... shape) {
        Random r = new Random(seed);
        int n = 1;
        for (long s : shape) {
            n = Math.multiplyExact(n, Math.toIntExact(s));
        }
        float[] v = new float[n];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return Tensor.of(v, shape);
    }

    private static List<Module> modules() {
        return List.of(Conv2d.builder(4, 6, 3).padding(1).seed(1).build(),
                Conv2d.builder(4, 4, 3).groups(4).stride(2).seed(2).build(),
                ConvTranspose2d.builder(4, 3, 2).stride(2).seed(3).build(),
                MaxPool2d.builder(3).stride(2).padding(1).build(),
                AvgPool2d.builder(3).stride(1).padding(1).build(),
                AdaptiveAvgPool2d.builder(1, 1).build(),
                new ReLU(),
                new Sequential(Conv2d.builder(4, 8, 3).padding(1).seed(4).build(), new ReLU(),
                        MaxPool2d.builder(2).build()));
    }

    @Test
    void intoGivesTheNumbersOfForwardInEitherLayout() {
        for (Module m : modules()) {
            try (m; Tensor x = random(7, 2, 4, 9, 9); Tensor xcl = x.toMemoryFormat(MemoryFormat.CHANNELS_LAST)) {
                for (Tensor in : new Tensor[] {x, xcl}) {
                    try (Tensor expected = m.forward(in);
                            Tensor out = Tensor.empty(DType.FLOAT32, expected.memoryFormat(), expected.shape())) {
                        assertSame(out, m.forward(in, out));
                        assertArrayEquals(expected.toFloatArray(), out.toFloatArray(), m + " " + in.memoryFormat());
                    }
                }
            }
        }
    }

    @Test
    void aWrongOutIsRefusedWithAClearMessage() {
        try (Conv2d conv = Conv2d.builder(4, 6, 3).padding(1).seed(1).build(); Tensor x = random(1, 1, 4, 5, 5);
                Tensor shape = Tensor.zeros(1, 6, 5, 4);
                Tensor dtype = Tensor.zeros(DType.INT64, 1, 6, 5, 5);
                Tensor format = Tensor.empty(DType.FLOAT32, MemoryFormat.CHANNELS_LAST, 1, 6, 5, 5)) {
            assertEquals("out should have shape [1, 6, 5, 5] (this call's output), but got [1, 6, 5, 4]",
                    assertThrows(IllegalArgumentException.class, () -> conv.forward(x, shape)).getMessage());
            assertEquals("Expected out tensor to have dtype float, but got INT64 instead",
                    assertThrows(IllegalArgumentException.class, () -> conv.forward(x, dtype)).getMessage());
            assertEquals("out should be contiguous (as this call's output is), but is channels_last",
                    assertThrows(IllegalArgumentException.class, () -> conv.forward(x, format)).getMessage());
            assertEquals("out must not be null",
                    assertThrows(IllegalArgumentException.class, () -> conv.forward(x, (Tensor) null)).getMessage());
            Tensor closed = Tensor.zeros(1, 6, 5, 5);
            closed.close();
            assertThrows(IllegalStateException.class, () -> conv.forward(x, closed));
        }
        try (ReLU relu = new ReLU(); Tensor x = random(2, 3, 4)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> relu.forward(x, x));
            assertTrue(e.getMessage().startsWith("unsupported operation: some elements of the input tensor and the"
                    + " written-to tensor refer to a single memory location"), e.getMessage());
        }
    }

    /**
     * Warm calls into a caller's output create no native memory: no tensor block from the
     * operating system, no oneDNN execution context, memory object or scratch block, and
     * JavaCPP's native byte count stays where it was.
     */
    @Test
    void aWarmCallIntoOutAllocatesNoNativeMemory() throws Exception {
        for (Module m : modules()) {
            try (m; Tensor x = random(3, 1, 4, 28, 28)) {
                assertWarmCallsAllocateNothing(m, x);
            }
        }
        // 64 input channels on 12x12: the sgemm route for NCHW pointwise convolutions
        try (Conv2d pointwise = Conv2d.builder(64, 8, 1).seed(5).build(); Tensor x = random(4, 1, 64, 12, 12)) {
            assertWarmCallsAllocateNothing(pointwise, x);
        }
    }

    /** Warm calls of {@code m} into a caller's output, on {@code x} and its channels-last copy. */
    private static void assertWarmCallsAllocateNothing(Module m, Tensor x) throws Exception {
        Method fresh = Class.forName("dev.conv4j.BlockPool").getDeclaredMethod("freshBlocks");
        fresh.setAccessible(true);
        try (Tensor xcl = x.toMemoryFormat(MemoryFormat.CHANNELS_LAST)) {
            for (Tensor in : new Tensor[] {x, xcl}) {
                try (Tensor y = m.forward(in); Tensor out = Tensor.empty(DType.FLOAT32, y.memoryFormat(), y.shape())) {
                    for (int i = 0; i < 5; i++) {
                        m.forward(in, out); // warm: plans, thread choice, contexts
                    }
                    long blocks = (long) fresh.invoke(null);
                    long objects = Dnnl.nativeObjects();
                    long bytes = Pointer.totalBytes();
                    for (int i = 0; i < 50; i++) {
                        m.forward(in, out);
                    }
                    String what = m + " on " + in.memoryFormat();
                    assertEquals(blocks, (long) fresh.invoke(null), what + ": tensor blocks");
                    assertEquals(objects, Dnnl.nativeObjects(), what + ": oneDNN contexts and memory");
                    assertEquals(bytes, Pointer.totalBytes(), what + ": JavaCPP bytes");
                }
            }
        }
    }
}
