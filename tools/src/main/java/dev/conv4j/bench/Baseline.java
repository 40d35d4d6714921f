package dev.conv4j.bench;

import dev.conv4j.Tensor;
import dev.conv4j.nn.Module;

/**
 * What a backend's module rows are compared with: the same work done without the module, e.g.
 * the layer's oneDNN primitive executed bare ({@link OneDnnBaseline}). Timed in alternating
 * blocks with the module, so that a disturbance hits both alike; reported as rows of its own
 * backend name.
 */
public interface Baseline {
    /** The backend name of the baseline's rows, e.g. {@code onednn-direct}. */
    String name();

    /**
     * The baseline call for {@code module} (built for {@code layer}) on {@code input}, or null
     * when the layer has no baseline. The caller closes it.
     */
    Call open(BenchLayer layer, Module module, Tensor input);

    /** One prepared baseline: {@link #run} does one call's work. */
    interface Call extends AutoCloseable {
        void run();

        @Override
        void close();
    }
}
