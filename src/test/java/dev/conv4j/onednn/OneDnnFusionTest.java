package dev.conv4j.onednn;

import static org.bytedeco.dnnl.global.dnnl.dnnl_eltwise_relu;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;

import dev.conv4j.Tensor;
import dev.conv4j.spec.ConvGeometry;
import dev.conv4j.spec.ConvProblem;
import dev.conv4j.spec.ConvSpec;

/** Evidence that a fused kernel's oneDNN primitive carries the ReLU post-op, on every conv route. */
class OneDnnFusionTest {
    private static final OneDnnBackend ONEDNN = OneDnnBackend.instance();

    @Test
    void fusedPrimitivesCarryTheReluPostOp() {
        check(ConvSpec.builder(2, false, 64, 64, 3).padding(1).build(), new long[] {1, 64, 56, 56}, true);
        check(ConvSpec.builder(2, false, 8, 8, 3).padding(1).groups(8).build(), new long[] {2, 8, 9, 9}, false);
        check(ConvSpec.builder(2, false, 4, 6, 3).padding(1).paddingMode("reflect").build(),
                new long[] {1, 4, 9, 9}, false); // own pad, then oneDNN
        check(ConvSpec.builder(2, true, 6, 4, 3).stride(2).padding(1).build(), new long[] {1, 6, 7, 7}, true);
        check(ConvSpec.builder(2, true, 6, 4, 3).stride(2).outputPadding(1).build(),
                new long[] {1, 6, 7, 7}, false); // negative right padding: bias tail
        check(ConvSpec.builder(3, false, 4, 4, 3).padding(1).build(), new long[] {1, 4, 6, 6, 6}, false);
    }

    private static void check(ConvSpec spec, long[] shape, boolean optimized) {
        ConvProblem p = ConvGeometry.forward(spec, shape, null);
        Random r = new Random(1);
        try (Tensor w = OneDnnEquivalenceTest.random(r, spec.weightShape(), false);
                Tensor b = OneDnnEquivalenceTest.random(r, new long[] {spec.outChannels()}, false);
                OneDnnConvKernel fused = (OneDnnConvKernel) ONEDNN.prepareConv(spec, w, b, true);
                OneDnnConvKernel plain = (OneDnnConvKernel) ONEDNN.prepareConv(spec, w, b)) {
            assertTrue(fused.fusesRelu());
            assertFalse(plain.fusesRelu());
            assertArrayEquals(new int[] {dnnl_eltwise_relu}, fused.postOpEltwiseAlgorithms(p), spec.toString());
            assertArrayEquals(new int[0], plain.postOpEltwiseAlgorithms(p), spec.toString());
            String impl = fused.implementation(p);
            System.out.println("[onednn] fused " + spec + " on " + java.util.Arrays.toString(shape) + ": " + impl
                    + " (unfused: " + plain.implementation(p) + ")");
            if (optimized) {
                assertFalse(impl.contains("ref"), impl);
            }
            // the fused kernel's output is the plain one's after ReLU
            try (Tensor x = OneDnnEquivalenceTest.random(r, shape, false);
                    Tensor yf = Tensor.zeros(p.outputShape());
                    Tensor yp = Tensor.zeros(p.outputShape())) {
                fused.forward(p, x, yf);
                plain.forward(p, x, yp);
                ONEDNN.relu(yp, yp);
                float[] a = yp.toFloatArray();
                float[] f = yf.toFloatArray();
                for (int i = 0; i < a.length; i++) {
                    if (a[i] != f[i]) {
                        throw new AssertionError(spec + ": element " + i + " fused " + f[i] + ", unfused " + a[i]);
                    }
                }
            }
        }
    }
}
