package dev.conv4j.kernels;

import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.Namespace;
import org.bytedeco.javacpp.annotation.Platform;

/**
 * The JNI binding of {@code native/conv4j_kernels.h}: the one definition of how the native
 * library is built. The JavaCPP Builder (the Maven plugin's {@code build} goal, or
 * {@code cppbuild.sh}) compiles the generated JNI code together with {@code native/} into
 * {@code dev/conv4j/kernels/<platform>/libjniNativeKernels}.
 *
 * <p>Raw and unchecked: addresses are passed as {@code long}, geometry as {@code long[]} in the
 * layouts of the header's {@code *_DESC_*} constants, and a wrong value crashes the JVM. Use
 * {@link Kernels}, which checks every argument first.
 */
@Platform(include = {"conv4j_kernels.h", "conv4j_kernels.cpp"}, compiler = "cpp17")
@Namespace("conv4j")
final class NativeKernels {
    static {
        Loader.load();
    }

    // Status codes (conv4j::Status)
    static final int STATUS_OK = 0;
    static final int STATUS_INVALID_INDEX = 1;
    static final int STATUS_BAD_ARGUMENT = -1;
    static final int STATUS_OUT_OF_MEMORY = -2;
    static final int STATUS_UNAVAILABLE = -3;
    static final int STATUS_PRIMITIVE_FAILED = -4;

    // run_bands() layouts (conv4j::BandGeometry, conv4j::BandPointers)
    static final int BAND_GEOMETRY_SIZE = 6;
    static final int BAND_POINTERS_SIZE = 7;

    // pool() descriptor layout (conv4j::PoolDesc)
    static final int POOL_DESC_PLANES = 0;
    static final int POOL_DESC_IN = 1;
    static final int POOL_DESC_OUT = 4;
    static final int POOL_DESC_KERNEL = 7;
    static final int POOL_DESC_STRIDE = 10;
    static final int POOL_DESC_PAD = 13;
    static final int POOL_DESC_DILATION = 16;
    static final int POOL_DESC_COUNT_INCLUDE_PAD = 19;
    static final int POOL_DESC_DIVISOR_OVERRIDE = 20;
    static final int POOL_DESC_CHANNELS = 21;
    static final int POOL_DESC_CHANNELS_LAST = 22;
    static final int POOL_DESC_LENGTH = 23;

    // adaptive_pool() descriptor layout (conv4j::AdaptiveDesc)
    static final int ADAPTIVE_DESC_PLANES = 0;
    static final int ADAPTIVE_DESC_IN = 1;
    static final int ADAPTIVE_DESC_OUT = 4;
    static final int ADAPTIVE_DESC_LENGTH = 7;

    // depthwise_conv() descriptor layout (conv4j::DepthwiseDesc)
    static final int DW_DESC_BATCH = 0;
    static final int DW_DESC_CHANNELS = 1;
    static final int DW_DESC_MULTIPLIER = 2;
    static final int DW_DESC_IN = 3;
    static final int DW_DESC_OUT = 6;
    static final int DW_DESC_KERNEL = 9;
    static final int DW_DESC_STRIDE = 12;
    static final int DW_DESC_PAD = 15;
    static final int DW_DESC_DILATION = 18;
    static final int DW_DESC_RELU = 21;
    static final int DW_DESC_LENGTH = 22;

    // pad() descriptor layout (conv4j::PadDesc)
    static final int PAD_DESC_PLANES = 0;
    static final int PAD_DESC_IN = 1;
    static final int PAD_DESC_BEFORE = 4;
    static final int PAD_DESC_AFTER = 7;
    static final int PAD_DESC_LENGTH = 10;

    // max_unpool() descriptor layout (conv4j::UnpoolDesc)
    static final int UNPOOL_DESC_PLANES = 0;
    static final int UNPOOL_DESC_IN_PLANE = 1;
    static final int UNPOOL_DESC_OUT_PLANE = 2;
    static final int UNPOOL_DESC_LENGTH = 3;

    private NativeKernels() {
    }

    /** {@code "avx512"}, {@code "avx2"}, {@code "neon"} or {@code "scalar"}. */
    public static native @Cast("const char*") String isa();

    /** Forces a path ({@code "auto"} for the best); returns the active one. */
    public static native @Cast("const char*") String select_isa(@Cast("const char*") String name);

    public static native int pad(int mode, @Cast("const int64_t*") long[] desc, @Cast("const float*") long in,
            @Cast("float*") long out, int threads);

    public static native int pool(int kind, @Cast("const int64_t*") long[] desc, double normType,
            @Cast("const float*") long in, @Cast("float*") long out, @Cast("int64_t*") long indices, int threads);

    /** Sends the thread pool's polling workers to sleep now; the next kernel call wakes them. */
    public static native void pool_step_aside();

    /** 1 or 0 enables or disables pool()'s planar fast path; other values query. Returns the setting. */
    public static native int pool_fast_path(int enable);

    public static native int depthwise_conv(@Cast("const int64_t*") long[] desc, @Cast("const float*") long in,
            @Cast("const float*") long weight, @Cast("const float*") long bias, @Cast("float*") long out, int threads);

    /** Per batch, in (rows x cols, row-major) to out (cols x rows); elemSize 4 or 8. */
    public static native int transpose(int elemSize, long batches, long rows, long cols,
            @Cast("const void*") long in, @Cast("void*") long out, int threads);

    /** Per channel c of each image, data[c] = data[c] + bias[c] (bias nullable), then torch.relu if relu is 1. */
    public static native int add_bias(long batches, long channels, long plane, @Cast("const float*") long bias,
            @Cast("float*") long data, int relu, int threads);

    /** A transposed convolution's output image from its weights x input product; kernel and in are D H W. */
    public static native int place_patches(long channels, @Cast("const int64_t*") long[] kernel,
            @Cast("const int64_t*") long[] in, @Cast("const float*") long patches, @Cast("const float*") long bias,
            @Cast("float*") long out, int relu, int threads);

    public static native int adaptive_pool(int kind, @Cast("const int64_t*") long[] desc,
            @Cast("const float*") long in, @Cast("float*") long out, @Cast("int64_t*") long indices, int threads);

    public static native int max_unpool(@Cast("const int64_t*") long[] desc, @Cast("const float*") long in,
            @Cast("const int64_t*") long indices, @Cast("float*") long out, @Cast("int64_t*") long[] badIndex,
            int threads);

    public static native double peak_gflops(int threads, double seconds);

    /** 1 if run_bands() found the OpenMP runtime and oneDNN loaded in the process, else 0. */
    public static native int bands_available();

    /** Bands of a convolution in one OpenMP region on the calling thread's team; see the header. */
    public static native int run_bands(int count, @Cast("const int64_t*") long[] geometry,
            @Cast("const int64_t*") long[] pointers, @Cast("const int*") int[] nargs, int threads);

    /** 1 if the OpenMP runtime loaded in the process took the calling thread's count, else 0. */
    public static native int set_openmp_threads(int threads);

    /** The largest |x| of {@code n} floats, as float bits (infinity/NaN above every finite value). */
    public static native int abs_max_bits(@Cast("const float*") long x, long n);
}
