package dev.conv4j.onednn;

import org.bytedeco.dnnl.dnnl_engine;
import org.bytedeco.javacpp.Loader;

import dev.conv4j.Versions;
import dev.conv4j.kernels.Kernels;

/**
 * What the oneDNN backend runs on: the native libraries (loaded once, oneDNN and conv4j's own
 * kernels together or not at all), the one CPU engine, the thread setting and how it reaches
 * OpenMP, and the description {@code conv4j info} prints.
 *
 * <p>Threads: oneDNN here is built with OpenMP, whose thread count is a per-thread setting read
 * when a primitive is created and run. The most threads a call uses comes from
 * {@link #setThreads}, else the system property {@code conv4j.threads} (read by
 * {@link Kernels#defaultThreads()}), else the number of available processors; within it,
 * {@link CallThreads} gives each oneDNN call the threads its plan is worth and the calls in
 * flight leave free. Our own kernels get the bound through {@code Kernels.setThreads}. For
 * oneDNN a call's count is applied to the calling thread before it creates or runs a primitive,
 * by {@code omp_set_num_threads} of the OpenMP runtime oneDNN loaded
 * ({@code OwnKernels.setOpenMpThreads}: the dnnl 3.8.1 preset exposes no OpenMP setter, so our
 * native library calls it). If that fails, oneDNN uses OpenMP's default
 * ({@code OMP_NUM_THREADS}, else all processors); {@link #info()} says which.
 */
final class OneDnnRuntime {
    private final dnnl_engine engine;
    private volatile int threads;
    /** The thread count last applied to each thread's OpenMP runtime (0: never). */
    private final ThreadLocal<int[]> appliedThreads = ThreadLocal.withInitial(() -> new int[1]);
    private volatile boolean threadsApplied;
    private final CallThreads callThreads = new CallThreads();

    private OneDnnRuntime() {
        this.engine = Dnnl.createCpuEngine();
        this.threads = Kernels.defaultThreads();
    }

    /**
     * Loads the native libraries and creates the engine; call once.
     *
     * @throws IllegalStateException if they cannot be loaded, naming the jars that are needed
     */
    static OneDnnRuntime load() {
        try {
            Loader.load(org.bytedeco.dnnl.global.dnnl.class);
        } catch (LinkageError | RuntimeException e) {
            throw new IllegalStateException(loadFailureMessage(e), e);
        }
        // the native path is oneDNN plus our own kernels: refuse it whole, never half
        if (!Kernels.available()) {
            throw new IllegalStateException(Kernels.loadError());
        }
        return new OneDnnRuntime();
    }

    private static String loadFailureMessage(Throwable e) {
        String platform = Loader.getPlatform();
        return "the oneDNN backend cannot load its native libraries for platform " + platform + " (" + e
                + "); put " + Versions.nativeJars(platform)
                + " on the class path, or use the pure-Java backend with -Dconv4j.backend=reference";
    }

    /** The CPU engine every primitive of the backend is created on. */
    dnnl_engine engine() {
        return engine;
    }

    /** The most threads one call uses. */
    int threads() {
        return threads;
    }

    /** Sets the most threads each later call uses, on oneDNN (primitives are cached per thread count) and our own kernels. */
    void setThreads(int n) {
        if (n <= 0) {
            throw new IllegalArgumentException("threads should be a positive integer, but got " + n);
        }
        threads = n;
        OwnKernels.setThreads(n);
    }

    /** Chooses and reserves the threads of each oneDNN call. */
    CallThreads callThreads() {
        return callThreads;
    }

    /** Applies the thread setting to the calling thread's OpenMP runtime if it changed. */
    void applyThreads() {
        applyThreads(threads);
    }

    /**
     * Applies {@code n} threads to the calling thread's OpenMP runtime if its count differs. With
     * {@code n > 1} oneDNN's team is about to need every core, so the own kernels' polling workers
     * step aside first ({@link Kernels#stepAside}).
     */
    void applyThreads(int n) {
        if (n > 1) {
            Kernels.stepAside();
        }
        int[] applied = appliedThreads.get();
        if (applied[0] != n) {
            if (OwnKernels.setOpenMpThreads(n)) {
                threadsApplied = true;
            }
            applied[0] = n;
        }
    }

    /** Versions, ISA and threads, as {@code conv4j info} prints them. */
    OneDnnBackend.Info info() {
        applyThreads();
        return new OneDnnBackend.Info(Dnnl.version(), Dnnl.effectiveIsa(), Dnnl.cpuRuntime(), threads, threadsApplied,
                OwnKernels.isa());
    }
}
