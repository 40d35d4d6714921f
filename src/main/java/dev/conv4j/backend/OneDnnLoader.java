package dev.conv4j.backend;

import dev.conv4j.Versions;
import dev.conv4j.onednn.OneDnnBackend;

/** Creates the oneDNN backend on first use; the one place that links the API to the native path. */
final class OneDnnLoader {
    private OneDnnLoader() {
    }

    /**
     * @throws IllegalStateException if the native libraries (or the dnnl/javacpp classes) cannot
     *     be loaded, naming the jars that are needed and the reference backend option
     */
    static Backend backend() {
        try {
            return OneDnnBackend.instance();
        } catch (NoClassDefFoundError e) {
            throw new IllegalStateException("the oneDNN backend cannot load (" + e + "); put the conv4j, dnnl, "
                    + "javacpp and opencl jars with their platform jars (on linux-x86_64: " + Versions.nativeJars("linux-x86_64") + ") on the class path, or use -D" + Backends.PROPERTY
                    + "=reference", e);
        }
    }
}
