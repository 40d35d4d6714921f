package dev.conv4j.onednn;

import java.util.Random;

import dev.conv4j.Tensor;
import dev.conv4j.backend.ConvKernel;
import dev.conv4j.spec.ConvProblem;
import dev.conv4j.spec.PoolProblem;

/**
 * The package's test probes (package-private in the library) for tests in other packages, such
 * as conv4j-tools' benchmark tests through the test jar. Test code only: the library's public
 * classes carry no test hooks.
 */
public final class TestHooks {
    private TestHooks() {
    }

    /** The implementation oneDNN chose for {@code problem} in a kernel of the {@code onednn} backend. */
    public static String implementation(ConvKernel kernel, ConvProblem problem) {
        return ((OneDnnConvKernel) kernel).implementation(problem);
    }

    /** The implementation the {@code onednn} backend runs a pooling problem on ({@code own:ROUTE} for its own kernels). */
    public static String poolImplementation(PoolProblem problem) {
        return OneDnnBackend.instance().pooling().implementation(problem);
    }

    /** A float32 tensor of ordinary random values ({@link OneDnnEquivalenceTest#random}, no special values). */
    public static Tensor random(Random r, long[] shape) {
        return OneDnnEquivalenceTest.random(r, shape, false);
    }
}
