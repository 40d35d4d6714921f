package dev.conv4j.kernels;

import java.lang.ref.Reference;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Supplier;

import dev.conv4j.DType;
import dev.conv4j.Tensor;
import dev.conv4j.backend.TensorContract;
import dev.conv4j.spec.AdaptivePoolProblem;
import dev.conv4j.spec.ConvProblem;
import dev.conv4j.spec.ConvSpec;
import dev.conv4j.spec.PadGeometry;
import dev.conv4j.spec.PaddingMode;
import dev.conv4j.spec.PoolKind;
import dev.conv4j.spec.PoolProblem;
import dev.conv4j.spec.PoolSpec;
import dev.conv4j.spec.Tuples;
import dev.conv4j.spec.UnpoolProblem;

/**
 * conv4j's own native kernels (C++, vectorised for AVX-512 and AVX2 on x86-64 and for NEON on
 * AArch64, with a portable scalar path, chosen at run time): padding, max/average/LP pooling
 * (also channels-last), adaptive pooling, max unpooling, depthwise convolution, batched
 * transposes (layout changes), a per-channel bias with ReLU, the patches of a transposed
 * convolution whose kernel equals its stride, and a peak-FLOPS probe.
 *
 * <p>Problems come resolved by the geometry classes of {@code dev.conv4j.spec}; these methods
 * check none of PyTorch's rules again, only that the tensors fit the problem (open, of the
 * right type and element count), so that no call can make native code read or write out of
 * bounds. Tensors are contiguous in PyTorch's layout (channels-last pooling and
 * {@link #transpose}, the layout change, excepted); outputs are fully written except by
 * {@link #maxUnpool}, whose output the caller zero-fills, and {@link #addBias}, which works in place. The caller must not close a tensor
 * while a call that uses it runs.
 *
 * <p>Kernels run on up to {@link #threads()} threads: by default the number of processors, or
 * the system property {@value #THREADS_PROPERTY}; {@link #setThreads} overrides both. The
 * methods with a {@code threads} argument use that count instead. The system property
 * {@value #ISA_PROPERTY} ({@code avx2} or {@code scalar}; {@code scalar} on AArch64) caps the
 * instruction set, e.g. to compare paths.
 */
public final class Kernels {
    /** System property: the default thread count (a positive integer). */
    public static final String THREADS_PROPERTY = "conv4j.threads";
    /** System property: the instruction-set path to use instead of the best one. */
    public static final String ISA_PROPERTY = "conv4j.isa";
    /** Upper bound of {@link #setThreads}. */
    public static final int MAX_THREADS = 4096;

    private static final String LOAD_ERROR = load();
    private static volatile int explicitThreads;

    private Kernels() {
    }

    private static String load() {
        try {
            NativeKernels.isa();
            String forced = System.getProperty(ISA_PROPERTY);
            if (forced != null && !forced.isBlank()) {
                NativeKernels.select_isa(forced.trim());
            }
            return null;
        } catch (LinkageError | RuntimeException e) {
            String platform = org.bytedeco.javacpp.Loader.getPlatform();
            return "cannot load the conv4j native kernels (libjniNativeKernels for " + platform + "): " + e
                    + "; put conv4j-<version>-" + platform + ".jar on the class path (or depend on conv4j-platform),"
                    + " or choose the reference backend with -Dconv4j.backend=reference";
        }
    }

    /** True if the native library loaded. */
    public static boolean available() {
        return LOAD_ERROR == null;
    }

    /** Why the native library did not load, or null if it did. */
    public static String loadError() {
        return LOAD_ERROR;
    }

    /** The active instruction-set path: {@code "avx512"}, {@code "avx2"}, {@code "neon"} or {@code "scalar"}. */
    public static String isa() {
        requireAvailable();
        return NativeKernels.isa();
    }

    /**
     * Chooses the path ({@code "avx512"}, {@code "avx2"}, {@code "neon"}, {@code "scalar"}, or
     * {@code "auto"} for the best the CPU has); a path the CPU lacks leaves the current one.
     * Returns the active path. For tests and benchmarks: do not switch while kernels run.
     */
    static String selectIsa(String name) {
        requireAvailable();
        return NativeKernels.select_isa(Objects.requireNonNull(name, "name"));
    }

    /** Sets the number of threads kernels use (1 to {@value #MAX_THREADS}). */
    public static void setThreads(int threads) {
        if (threads < 1 || threads > MAX_THREADS) {
            throw new IllegalArgumentException("threads should be between 1 and " + MAX_THREADS + ", but got "
                    + threads);
        }
        explicitThreads = threads;
    }

    /**
     * The number of threads kernels use: the value of {@link #setThreads}, else
     * {@link #defaultThreads()}.
     *
     * @throws IllegalArgumentException if the system property is not a valid thread count
     */
    public static int threads() {
        int t = explicitThreads;
        return t > 0 ? t : defaultThreads();
    }

    /**
     * The one reader of the system property {@value #THREADS_PROPERTY} (for these kernels and
     * the oneDNN backend): its value, else {@link Runtime#availableProcessors()} (at most
     * {@value #MAX_THREADS}).
     *
     * @throws IllegalArgumentException if the property is not an integer between 1 and {@value #MAX_THREADS}
     */
    public static int defaultThreads() {
        String prop = System.getProperty(THREADS_PROPERTY);
        if (prop == null || prop.isBlank()) {
            return Math.min(Runtime.getRuntime().availableProcessors(), MAX_THREADS);
        }
        try {
            int v = Integer.parseInt(prop.trim());
            if (v >= 1 && v <= MAX_THREADS) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("system property " + THREADS_PROPERTY + " should be an integer between 1 and "
                + MAX_THREADS + ", but got '" + prop + "'");
    }

    /**
     * Pads the spatial dims of a batched input as {@code torch.nn.functional.pad} does with the
     * given mode (zeros, reflect, replicate or circular), e.g. before a convolution whose
     * padding_mode is not zeros.
     *
     * @param batchedInputShape {@code [N, C, spatial...]} with 1 to 3 spatial dims, the shape
     *     of {@code input}'s data
     * @param before padding before each spatial dim, (D, H, W) order
     * @param after padding after each spatial dim
     * @param output {@code [N, C, spatial[i] + before[i] + after[i]...]}
     */
    public static void pad(PaddingMode mode, Tensor input, long[] batchedInputShape, int[] before, int[] after,
            Tensor output) {
        requireAvailable();
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(batchedInputShape, "batchedInputShape");
        Objects.requireNonNull(before, "before");
        Objects.requireNonNull(after, "after");
        int rank = batchedInputShape.length;
        if (rank < 3 || rank > 5) {
            throw new IllegalArgumentException("pad expects a batched input shape [N, C, spatial...] with 1 to 3 spatial "
                    + "dims, but got " + Tuples.list(batchedInputShape));
        }
        int dims = rank - 2;
        if (before.length != dims || after.length != dims) {
            throw new IllegalArgumentException("pad needs " + dims + " before and after values for input "
                    + Tuples.list(batchedInputShape) + ", but got before=" + Tuples.list(before) + " and after="
                    + Tuples.list(after));
        }
        long[] padded = batchedInputShape.clone();
        for (int i = 0; i < rank; i++) {
            if (batchedInputShape[i] < 0) {
                throw new IllegalArgumentException("pad: negative size in input shape " + Tuples.list(batchedInputShape));
            }
        }
        for (int i = 0; i < dims; i++) {
            if (before[i] < 0 || after[i] < 0) {
                throw new IllegalArgumentException("pad: padding must be non-negative, but got before="
                        + Tuples.list(before) + " and after=" + Tuples.list(after));
            }
            padded[2 + i] = Math.addExact(batchedInputShape[2 + i], (long) before[i] + after[i]);
        }
        PadGeometry.check(mode, batchedInputShape, before, after);
        Supplier<String> what = () -> "pad(" + mode.torchName() + ") of " + Tuples.list(batchedInputShape) + " to " + Tuples.list(padded);
        TensorContract.require("input", input, DType.FLOAT32, product(batchedInputShape), what);
        TensorContract.require("output", output, DType.FLOAT32, product(padded), what);
        requireDistinct(input, output);
        long[] desc = new long[NativeKernels.PAD_DESC_LENGTH];
        desc[NativeKernels.PAD_DESC_PLANES] = Math.multiplyExact(batchedInputShape[0], batchedInputShape[1]);
        long[] in3 = Tuples.to3(Arrays.copyOfRange(batchedInputShape, 2, rank), 1);
        int[] before3 = Tuples.to3(before, 0);
        int[] after3 = Tuples.to3(after, 0);
        for (int i = 0; i < 3; i++) {
            desc[NativeKernels.PAD_DESC_IN + i] = in3[i];
            desc[NativeKernels.PAD_DESC_BEFORE + i] = before3[i];
            desc[NativeKernels.PAD_DESC_AFTER + i] = after3[i];
        }
        try {
            int status = NativeKernels.pad(padMode(mode), desc, input.address(), output.address(), threads());
            checkStatus(status, what);
        } finally {
            Reference.reachabilityFence(input);
            Reference.reachabilityFence(output);
        }
    }

    /**
     * Transposes each of {@code batches} row-major {@code rows x cols} matrices of {@code input}
     * into {@code cols x rows} in {@code output}: a layout change, e.g. NCHW to NHWC with
     * {@code rows = C, cols = D*H*W} per batch, and back with {@code rows = D*H*W, cols = C}.
     * An exact copy (FLOAT32 or INT64); the tensors' shapes are not looked at, only their
     * element counts.
     *
     * @throws IllegalArgumentException if the tensors differ in type, are the same tensor, or
     *     do not hold {@code batches * rows * cols} elements each
     */
    public static void transpose(Tensor input, Tensor output, long batches, long rows, long cols) {
        transpose(input, output, batches, rows, cols, threads());
    }

    /** {@link #transpose(Tensor, Tensor, long, long, long)} on up to {@code threads} threads. */
    public static void transpose(Tensor input, Tensor output, long batches, long rows, long cols, int threads) {
        requireAvailable();
        Objects.requireNonNull(input, "input");
        if (batches < 0 || rows < 0 || cols < 0) {
            throw new IllegalArgumentException("transpose sizes must be non-negative, but got batches=" + batches
                    + ", rows=" + rows + ", cols=" + cols);
        }
        DType type = input.dtype();
        if (type != DType.FLOAT32 && type != DType.INT64) {
            throw new IllegalArgumentException("transpose needs a FLOAT32 or INT64 tensor, but got " + type);
        }
        long count = Math.multiplyExact(Math.multiplyExact(batches, rows), cols);
        Supplier<String> what = () -> "transpose of " + batches + " x [" + rows + " x " + cols + "] " + type;
        TensorContract.require("input", input, type, count, what);
        TensorContract.require("output", output, type, count, what);
        requireDistinct(input, output);
        try {
            int status = NativeKernels.transpose(type.byteSize(), batches, rows, cols, input.address(),
                    output.address(), threads);
            checkStatus(status, what);
        } finally {
            Reference.reachabilityFence(input);
            Reference.reachabilityFence(output);
        }
    }

    /**
     * Adds {@code bias[c]} to every element of channel {@code c} of the images
     * {@code [first, first + count)} of {@code data}, a contiguous float tensor read as images of
     * {@code channels x plane} elements, in place; then applies torch.relu if {@code relu}
     * ({@code x < 0 -> +0}; NaN and -0.0 stay). {@code bias} may be null (ReLU alone). For the
     * output of a convolution computed without its bias; runs on up to {@code threads} threads.
     */
    public static void addBias(Tensor data, long channels, long plane, long first, long count, Tensor bias,
            boolean relu, int threads) {
        requireAvailable();
        Objects.requireNonNull(data, "data");
        checkThreads(threads);
        if (channels < 0 || plane < 0 || first < 0 || count < 0) {
            throw new IllegalArgumentException("addBias sizes must be non-negative, but got channels=" + channels
                    + ", plane=" + plane + ", first=" + first + ", count=" + count);
        }
        long image = Math.multiplyExact(channels, plane);
        Supplier<String> what = () -> "addBias of images [" + first + ", " + (first + count) + ") of " + channels + " x " + plane;
        TensorContract.require("data", data, DType.FLOAT32, data.numel(), what);
        long images = image == 0 ? 0 : data.numel() / image;
        if (image != 0 && (data.numel() % image != 0 || first + count > images)) {
            throw new IllegalArgumentException(what.get() + ": data " + Tuples.list(data.shape())
                    + " does not hold these images");
        }
        if (bias != null) {
            TensorContract.require("bias", bias, DType.FLOAT32, channels, what);
            requireDistinct(data, bias);
        }
        if (count == 0 || image == 0) {
            return;
        }
        try {
            int status = NativeKernels.add_bias(count, channels, plane, bias == null ? 0L : bias.address(),
                    data.address() + first * image * Float.BYTES, relu ? 1 : 0, threads);
            checkStatus(status, what);
        } finally {
            Reference.reachabilityFence(data);
            Reference.reachabilityFence(bias);
        }
    }

    /**
     * Writes image {@code image} of {@code output}, the output of a transposed convolution whose
     * kernel equals its stride (no padding, dilation 1: its patches do not overlap), from
     * {@code patches}, the product of its weights and that input image: {@code [channels][k...][in...]}.
     * Output element {@code [c][x*k + i]} (per spatial dimension) is {@code patches[c][i][x]}
     * plus {@code bias[c]} (bias nullable), then torch.relu if {@code relu}. {@code kernel} and
     * {@code inputSpatial} give 1 to 3 spatial dimensions; runs on up to {@code threads} threads.
     */
    public static void placePatches(Tensor patches, Tensor output, long image, long channels, int[] kernel,
            long[] inputSpatial, Tensor bias, boolean relu, int threads) {
        requireAvailable();
        Objects.requireNonNull(kernel, "kernel");
        Objects.requireNonNull(inputSpatial, "inputSpatial");
        checkThreads(threads);
        int d = kernel.length;
        if (d < 1 || d > 3 || inputSpatial.length != d || channels < 0 || image < 0
                || Arrays.stream(kernel).anyMatch(k -> k < 1) || Arrays.stream(inputSpatial).anyMatch(x -> x < 0)) {
            throw new IllegalArgumentException("placePatches needs 1 to 3 kernel sizes >= 1 and as many input sizes "
                    + ">= 0, channels and image >= 0, but got kernel " + Arrays.toString(kernel) + ", input "
                    + Arrays.toString(inputSpatial) + ", channels " + channels + ", image " + image);
        }
        long perImage = channels;
        for (int i = 0; i < d; i++) {
            perImage = Math.multiplyExact(perImage, Math.multiplyExact(kernel[i], inputSpatial[i]));
        }
        Supplier<String> what = () -> "placePatches of image " + image + ", " + channels + " channels, kernel "
                + Arrays.toString(kernel) + ", input " + Arrays.toString(inputSpatial);
        TensorContract.require("patches", patches, DType.FLOAT32, perImage, what);
        TensorContract.require("output", output, DType.FLOAT32, output.numel(), what);
        if (perImage != 0 && (output.numel() % perImage != 0 || image >= output.numel() / perImage)) {
            throw new IllegalArgumentException(what.get() + ": output " + Tuples.list(output.shape())
                    + " does not hold that image");
        }
        requireDistinct(patches, output);
        if (bias != null) {
            TensorContract.require("bias", bias, DType.FLOAT32, channels, what);
        }
        if (perImage == 0) {
            return;
        }
        long[] k3 = {1, 1, 1};
        long[] in3 = {1, 1, 1};
        for (int i = 0; i < d; i++) {
            k3[3 - d + i] = kernel[i];
            in3[3 - d + i] = inputSpatial[i];
        }
        try {
            int status = NativeKernels.place_patches(channels, k3, in3, patches.address(),
                    bias == null ? 0L : bias.address(), output.address() + image * perImage * Float.BYTES,
                    relu ? 1 : 0, threads);
            checkStatus(status, what);
        } finally {
            Reference.reachabilityFence(patches);
            Reference.reachabilityFence(output);
            Reference.reachabilityFence(bias);
        }
    }

    /**
     * Max, average or LP pooling as the problem's spec says (PyTorch 1.13 semantics: see
     * {@code native/conv4j_kernels.h}), on tensors in PyTorch's contiguous layout.
     *
     * @param indices int64 tensor of the output's size for flat per-plane input offsets of each
     *     maximum, or null; max pooling only
     */
    public static void pool(PoolProblem p, Tensor input, Tensor output, Tensor indices) {
        pool(p, input, output, indices, false);
    }

    /**
     * {@link #pool(PoolProblem, Tensor, Tensor, Tensor)} in either layout. Channels-last
     * ({@code torch.channels_last} / {@code channels_last_3d}): input {@code [N][D][H][W][C]},
     * output and indices {@code [N][OD][OH][OW][C]} in memory (the tensors' shapes are not looked
     * at, only their element counts). Values and indices are bit for bit those of the
     * contiguous layout, transposed; indices are still offsets within an input plane,
     * {@code (d * H + h) * W + w}.
     */
    public static void pool(PoolProblem p, Tensor input, Tensor output, Tensor indices, boolean channelsLast) {
        pool(p, input, output, indices, channelsLast, threads());
    }

    /** {@link #pool(PoolProblem, Tensor, Tensor, Tensor, boolean)} on up to {@code threads} threads. */
    public static void pool(PoolProblem p, Tensor input, Tensor output, Tensor indices, boolean channelsLast,
            int threads) {
        requireAvailable();
        checkThreads(threads);
        Objects.requireNonNull(p, "problem");
        PoolSpec s = p.spec();
        long planes = Math.multiplyExact(p.batch(), p.channels());
        long inCount = Math.multiplyExact(planes, product(p.inputSpatial()));
        long outCount = Math.multiplyExact(planes, product(p.outputSpatial()));
        Supplier<String> what = p::toString;
        TensorContract.require("input", input, DType.FLOAT32, inCount, what);
        TensorContract.require("output", output, DType.FLOAT32, outCount, what);
        requireDistinct(input, output);
        if (indices != null) {
            if (s.kind() != PoolKind.MAX) {
                throw new IllegalArgumentException(s.opName() + " has no indices, but an indices tensor was given");
            }
            TensorContract.require("indices", indices, DType.INT64, outCount, what);
        }
        long[] desc = new long[NativeKernels.POOL_DESC_LENGTH];
        desc[NativeKernels.POOL_DESC_PLANES] = planes;
        long[] in3 = Tuples.to3(p.inputSpatial(), 1);
        long[] out3 = Tuples.to3(p.outputSpatial(), 1);
        int[] k3 = Tuples.to3(s.kernelSize(), 1);
        int[] s3 = Tuples.to3(s.stride(), 1);
        int[] p3 = Tuples.to3(s.padding(), 0);
        int[] d3 = Tuples.to3(s.dilation(), 1);
        for (int i = 0; i < 3; i++) {
            desc[NativeKernels.POOL_DESC_IN + i] = in3[i];
            desc[NativeKernels.POOL_DESC_OUT + i] = out3[i];
            desc[NativeKernels.POOL_DESC_KERNEL + i] = k3[i];
            desc[NativeKernels.POOL_DESC_STRIDE + i] = s3[i];
            desc[NativeKernels.POOL_DESC_PAD + i] = p3[i];
            desc[NativeKernels.POOL_DESC_DILATION + i] = d3[i];
        }
        desc[NativeKernels.POOL_DESC_COUNT_INCLUDE_PAD] = s.countIncludePad() ? 1 : 0;
        desc[NativeKernels.POOL_DESC_DIVISOR_OVERRIDE] = s.divisorOverride() == null ? 0 : s.divisorOverride();
        desc[NativeKernels.POOL_DESC_CHANNELS] = p.channels();
        desc[NativeKernels.POOL_DESC_CHANNELS_LAST] = channelsLast ? 1 : 0;
        try {
            int status = NativeKernels.pool(poolKind(s.kind()), desc, s.normType(), input.address(), output.address(),
                    indices == null ? 0L : indices.address(), threads);
            checkStatus(status, what);
        } finally {
            Reference.reachabilityFence(input);
            Reference.reachabilityFence(output);
            Reference.reachabilityFence(indices);
        }
    }

    /**
     * Adaptive max or average pooling: output cell {@code i} pools input
     * {@code [floor(i*in/out), ceil((i+1)*in/out))} along each dim.
     *
     * @param indices as in {@link #pool}, or null; max only
     */
    public static void adaptivePool(AdaptivePoolProblem p, Tensor input, Tensor output, Tensor indices) {
        adaptivePool(p, input, output, indices, threads());
    }

    /** {@link #adaptivePool(AdaptivePoolProblem, Tensor, Tensor, Tensor)} on up to {@code threads} threads. */
    public static void adaptivePool(AdaptivePoolProblem p, Tensor input, Tensor output, Tensor indices, int threads) {
        requireAvailable();
        checkThreads(threads);
        Objects.requireNonNull(p, "problem");
        PoolKind kind = p.spec().kind();
        long planes = Math.multiplyExact(p.batch(), p.channels());
        long inCount = Math.multiplyExact(planes, product(p.inputSpatial()));
        long outCount = Math.multiplyExact(planes, product(p.outputSpatial()));
        Supplier<String> what = p::toString;
        TensorContract.require("input", input, DType.FLOAT32, inCount, what);
        TensorContract.require("output", output, DType.FLOAT32, outCount, what);
        requireDistinct(input, output);
        if (indices != null) {
            if (kind != PoolKind.MAX) {
                throw new IllegalArgumentException(p.spec().opName() + " has no indices, but an indices tensor was given");
            }
            TensorContract.require("indices", indices, DType.INT64, outCount, what);
        }
        long[] desc = new long[NativeKernels.ADAPTIVE_DESC_LENGTH];
        desc[NativeKernels.ADAPTIVE_DESC_PLANES] = planes;
        long[] in3 = Tuples.to3(p.inputSpatial(), 1);
        long[] out3 = Tuples.to3(p.outputSpatial(), 1);
        for (int i = 0; i < 3; i++) {
            desc[NativeKernels.ADAPTIVE_DESC_IN + i] = in3[i];
            desc[NativeKernels.ADAPTIVE_DESC_OUT + i] = out3[i];
        }
        try {
            int status = NativeKernels.adaptive_pool(poolKind(kind), desc, input.address(), output.address(),
                    indices == null ? 0L : indices.address(), threads);
            checkStatus(status, what);
        } finally {
            Reference.reachabilityFence(input);
            Reference.reachabilityFence(output);
            Reference.reachabilityFence(indices);
        }
    }

    /** The tallest window of {@link #boxAverage} pooling (POOL_BOX_MAX_KH of the native kernels). */
    public static final int MAX_BOX_KERNEL_HEIGHT = 8;

    /**
     * Whether {@link #pool} runs average pooling of this spec on contiguous tensors as a box
     * filter (each input row's window sums once, then the column sums): stride 1, 1d or 2d, a
     * window at most {@value #MAX_BOX_KERNEL_HEIGHT} rows tall. Other average pooling runs
     * window by window.
     */
    public static boolean boxAverage(PoolSpec spec) {
        return spec.kind() == PoolKind.AVG && spec.dims() <= 2 && Arrays.stream(spec.stride()).allMatch(s -> s == 1)
                && (spec.dims() == 1 || spec.kernelSize()[0] <= MAX_BOX_KERNEL_HEIGHT);
    }

    /**
     * Whether {@link #depthwiseConv} computes convolutions of this spec: a (not transposed)
     * convolution with {@code groups == in_channels} (any channel multiplier
     * {@code out_channels / in_channels}), zero padding, 1 to 3 spatial dims.
     */
    public static boolean depthwise(ConvSpec spec) {
        return !spec.transposed() && spec.groups() == spec.inChannels() && spec.paddingMode() == PaddingMode.ZEROS
                && spec.dims() >= 1 && spec.dims() <= 3;
    }

    /**
     * Depthwise convolution ({@link #depthwise} specs) on contiguous NC(D)(H)W tensors: output
     * channel {@code c * M + j} is input channel {@code c} convolved with its own kernel, plus
     * its bias; padding taps are skipped (as zeros would add nothing), the output size fixes the
     * padding after. With {@code relu}, {@code torch.relu} of that (NaN and -0.0 stay). Sums run
     * in float in another order than PyTorch's, within rounding.
     *
     * @param weight {@code [C * M, 1, k...]}, contiguous
     * @param bias {@code [C * M]}, or null
     * @param threads at most this many threads (the caller's included)
     */
    public static void depthwiseConv(ConvProblem p, Tensor input, Tensor weight, Tensor bias, Tensor output,
            boolean relu, int threads) {
        requireAvailable();
        Objects.requireNonNull(p, "problem");
        checkThreads(threads);
        ConvSpec s = p.spec();
        if (!depthwise(s)) {
            throw new IllegalArgumentException("depthwiseConv needs a convolution with groups == in_channels and "
                    + "zero padding, but got " + s);
        }
        Supplier<String> what = p::toString;
        TensorContract.require("input", input, DType.FLOAT32, product(p.batchedInputShape()), what);
        TensorContract.require("output", output, DType.FLOAT32, product(p.batchedOutputShape()), what);
        TensorContract.require("weight", weight, DType.FLOAT32, product(s.weightShape()), what);
        if (bias != null) {
            TensorContract.require("bias", bias, DType.FLOAT32, s.outChannels(), what);
        }
        requireDistinct(input, output);
        long[] desc = new long[NativeKernels.DW_DESC_LENGTH];
        desc[NativeKernels.DW_DESC_BATCH] = p.batch();
        desc[NativeKernels.DW_DESC_CHANNELS] = s.inChannels();
        desc[NativeKernels.DW_DESC_MULTIPLIER] = s.inChannels() == 0 ? 1 : s.outChannels() / s.inChannels();
        long[] in3 = Tuples.to3(p.inputSpatial(), 1);
        long[] out3 = Tuples.to3(p.outputSpatial(), 1);
        int[] k3 = Tuples.to3(s.kernelSize(), 1);
        int[] s3 = Tuples.to3(s.stride(), 1);
        int[] p3 = Tuples.to3(p.padBefore(), 0);
        int[] d3 = Tuples.to3(s.dilation(), 1);
        for (int i = 0; i < 3; i++) {
            desc[NativeKernels.DW_DESC_IN + i] = in3[i];
            desc[NativeKernels.DW_DESC_OUT + i] = out3[i];
            desc[NativeKernels.DW_DESC_KERNEL + i] = k3[i];
            desc[NativeKernels.DW_DESC_STRIDE + i] = s3[i];
            desc[NativeKernels.DW_DESC_PAD + i] = p3[i];
            desc[NativeKernels.DW_DESC_DILATION + i] = d3[i];
        }
        desc[NativeKernels.DW_DESC_RELU] = relu ? 1 : 0;
        try {
            int status = NativeKernels.depthwise_conv(desc, input.address(), weight.address(),
                    bias == null ? 0L : bias.address(), output.address(), threads);
            checkStatus(status, what);
        } finally {
            Reference.reachabilityFence(input);
            Reference.reachabilityFence(weight);
            Reference.reachabilityFence(bias);
            Reference.reachabilityFence(output);
        }
    }

    /**
     * Enables or disables the planar fast path of {@link #pool} (max without indices, average),
     * which gives the same values as the general planar kernel; for tests and benchmarks that
     * compare the two. Returns the previous setting.
     */
    public static boolean poolFastPath(boolean enable) {
        requireAvailable();
        boolean before = NativeKernels.pool_fast_path(-1) == 1;
        NativeKernels.pool_fast_path(enable ? 1 : 0);
        return before;
    }

    /**
     * Max unpooling: each input value goes to its index within its output plane. {@code output}
     * must be zero-filled by the caller.
     *
     * @throws IllegalArgumentException with {@link UnpoolProblem#invalidIndexMessage} for the
     *     last index (in input order) outside the output plane, as ATen reports it
     */
    public static void maxUnpool(UnpoolProblem p, Tensor input, Tensor indices, Tensor output) {
        requireAvailable();
        Objects.requireNonNull(p, "problem");
        long planes = Math.multiplyExact(p.batch(), p.channels());
        long inPlane = product(p.inputSpatial());
        long outPlane = p.outputPlaneSize();
        Supplier<String> what = p::toString;
        TensorContract.require("input", input, DType.FLOAT32, Math.multiplyExact(planes, inPlane), what);
        TensorContract.require("indices", indices, DType.INT64, Math.multiplyExact(planes, inPlane), what);
        TensorContract.require("output", output, DType.FLOAT32, Math.multiplyExact(planes, outPlane), what);
        requireDistinct(input, output);
        long[] desc = new long[NativeKernels.UNPOOL_DESC_LENGTH];
        desc[NativeKernels.UNPOOL_DESC_PLANES] = planes;
        desc[NativeKernels.UNPOOL_DESC_IN_PLANE] = inPlane;
        desc[NativeKernels.UNPOOL_DESC_OUT_PLANE] = outPlane;
        long[] badIndex = new long[1];
        int status;
        try {
            status = NativeKernels.max_unpool(desc, input.address(), indices.address(), output.address(), badIndex,
                    threads());
        } finally {
            Reference.reachabilityFence(input);
            Reference.reachabilityFence(indices);
            Reference.reachabilityFence(output);
        }
        if (status == NativeKernels.STATUS_INVALID_INDEX) {
            throw new IllegalArgumentException(p.invalidIndexMessage(badIndex[0]));
        }
        checkStatus(status, what);
    }

    /**
     * The largest absolute value of a float tensor; NaN if it holds a NaN or an infinity, 0 if
     * it is empty.
     */
    public static double absMax(Tensor t) {
        requireAvailable();
        if (t.dtype() != DType.FLOAT32) {
            throw new IllegalArgumentException("absMax needs a FLOAT32 tensor, but got " + t.dtype());
        }
        try {
            int bits = NativeKernels.abs_max_bits(t.address(), t.numel());
            return bits >= 0x7f800000 ? Double.NaN : Float.intBitsToFloat(bits);
        } finally {
            Reference.reachabilityFence(t);
        }
    }

    /**
     * Sets the calling thread's OpenMP thread count in the OpenMP runtime oneDNN loaded (oneDNN
     * reads it when it creates and runs primitives).
     *
     * @return false if no OpenMP runtime is loaded in the process
     */
    public static boolean setOpenMpThreads(int threads) {
        requireAvailable();
        if (threads < 1 || threads > MAX_THREADS) {
            throw new IllegalArgumentException("threads should be between 1 and " + MAX_THREADS + ", but got "
                    + threads);
        }
        return NativeKernels.set_openmp_threads(threads) == 1;
    }

    /** Values per band in {@link #runBands}'s geometry and pointers: see {@code run_bands} in the native header. */
    public static final int BAND_GEOMETRY_SIZE = NativeKernels.BAND_GEOMETRY_SIZE;
    public static final int BAND_POINTERS_SIZE = NativeKernels.BAND_POINTERS_SIZE;

    /** Whether {@link #runBands} can run: the OpenMP runtime and oneDNN are loaded in the process. */
    public static boolean bandsAvailable() {
        return available() && NativeKernels.bands_available() == 1;
    }

    /**
     * Runs {@code count} bands of a convolution in one OpenMP region of up to {@code threads}
     * threads on the calling thread's team, as {@code run_bands} in the native header describes:
     * per band its {@link #BAND_GEOMETRY_SIZE} sizes and {@link #BAND_POINTERS_SIZE} addresses
     * (input rows, channels-last buffers, a one-thread oneDNN primitive, its stream and prepared
     * arguments, output rows) and its argument count. The sizes are checked; the addresses are
     * the caller's to get right (they must stay valid during the call), as for a oneDNN call.
     *
     * @throws IllegalStateException if a primitive fails or no OpenMP runtime or oneDNN is loaded
     */
    public static void runBands(int count, long[] geometry, long[] pointers, int[] nargs, int threads) {
        requireAvailable();
        if (count < 1 || geometry.length != count * BAND_GEOMETRY_SIZE || pointers.length != count * BAND_POINTERS_SIZE
                || nargs.length != count || threads < 1 || threads > MAX_THREADS) {
            throw new IllegalArgumentException("run_bands needs " + count + " bands' geometry, pointers and argument"
                    + " counts and 1 to " + MAX_THREADS + " threads, but got " + geometry.length + ", "
                    + pointers.length + ", " + nargs.length + " values and " + threads + " threads");
        }
        int status = NativeKernels.run_bands(count, geometry, pointers, nargs, threads);
        switch (status) {
            case NativeKernels.STATUS_UNAVAILABLE:
                throw new IllegalStateException("run_bands found no OpenMP runtime or oneDNN library loaded");
            case NativeKernels.STATUS_PRIMITIVE_FAILED:
                throw new IllegalStateException("a oneDNN primitive failed in run_bands");
            default:
                checkStatus(status, () -> "run_bands of " + count + " bands");
        }
    }

    /**
     * Sends the own kernels' idle workers, which poll for the next job for up to 50 us before
     * they sleep, to sleep at once (the next kernel call wakes them): for a caller about to run
     * oneDNN's OpenMP team, which needs every core. No-op when the native library is absent.
     */
    public static void stepAside() {
        if (available()) {
            NativeKernels.pool_step_aside();
        }
    }

    /**
     * Measures this machine's single-precision peak with independent FMA chains on the active
     * path's widest vectors, on {@code threads} threads for about {@code seconds}.
     *
     * @return GFLOPS, counting a fused multiply-add as 2 flops per lane
     */
    public static double peakGflops(int threads, double seconds) {
        requireAvailable();
        if (threads < 1 || threads > MAX_THREADS) {
            throw new IllegalArgumentException("threads should be between 1 and " + MAX_THREADS + ", but got "
                    + threads);
        }
        if (!(seconds > 0) || seconds > 600) {
            throw new IllegalArgumentException("seconds should be in (0, 600], but got " + seconds);
        }
        double g = NativeKernels.peak_gflops(threads, seconds);
        if (g < 0) {
            throw new IllegalStateException("peak_gflops could not run " + threads + " threads");
        }
        return g;
    }

    // ---------------------------------------------------------------------------------------

    private static void checkThreads(int threads) {
        if (threads < 1 || threads > MAX_THREADS) {
            throw new IllegalArgumentException("threads should be between 1 and " + MAX_THREADS + ", but got "
                    + threads);
        }
    }

    private static void requireAvailable() {
        if (LOAD_ERROR != null) {
            throw new IllegalStateException(LOAD_ERROR);
        }
    }

    private static void requireDistinct(Tensor input, Tensor output) {
        if (input == output) {
            throw new IllegalArgumentException("input and output must be different tensors");
        }
    }

    private static void checkStatus(int status, Supplier<String> what) {
        switch (status) {
            case NativeKernels.STATUS_OK:
                return;
            case NativeKernels.STATUS_BAD_ARGUMENT:
                throw new IllegalArgumentException("native kernel rejected the arguments of " + what.get());
            case NativeKernels.STATUS_OUT_OF_MEMORY:
                throw new OutOfMemoryError("native kernel ran out of memory for " + what.get());
            default:
                throw new IllegalStateException("native kernel returned status " + status + " for " + what.get());
        }
    }

    private static long product(long[] v) {
        long p = 1;
        for (long x : v) {
            p = Math.multiplyExact(p, x);
        }
        return p;
    }

    private static int poolKind(PoolKind kind) {
        switch (kind) {
            case MAX:
                return 0;
            case AVG:
                return 1;
            case LP:
                return 2;
            default:
                throw new IllegalArgumentException("unknown pool kind " + kind);
        }
    }

    private static int padMode(PaddingMode mode) {
        switch (mode) {
            case ZEROS:
                return 0;
            case REFLECT:
                return 1;
            case REPLICATE:
                return 2;
            case CIRCULAR:
                return 3;
            default:
                throw new IllegalArgumentException("unknown padding mode " + mode);
        }
    }
}
