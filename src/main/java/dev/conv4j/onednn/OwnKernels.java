package dev.conv4j.onednn;

import dev.conv4j.MemoryFormat;
import dev.conv4j.Tensor;
import dev.conv4j.kernels.Kernels;
import dev.conv4j.spec.AdaptivePoolProblem;
import dev.conv4j.spec.ConvProblem;
import dev.conv4j.spec.PaddingMode;
import dev.conv4j.spec.PoolProblem;
import dev.conv4j.spec.PoolSpec;
import dev.conv4j.spec.UnpoolProblem;

/**
 * The calls this backend makes into conv4j's own native kernels ({@link Kernels}) for what
 * oneDNN cannot compute exactly as PyTorch does. Kept in one class so the backend depends on
 * that facade in one place.
 */
final class OwnKernels {
    private OwnKernels() {
    }

    static boolean available() {
        return Kernels.available();
    }

    static String isa() {
        return Kernels.available() ? Kernels.isa() : "unavailable (" + Kernels.loadError() + ")";
    }

    /** Pads {@code input} (batched shape given) in {@code mode} into {@code output}. */
    static void pad(PaddingMode mode, Tensor input, long[] batchedInputShape, int[] before, int[] after, Tensor output) {
        Kernels.pad(mode, input, batchedInputShape, before, after, output);
    }

    /**
     * Copies a batched tensor into {@code output} of the same shape in the other memory format
     * (contiguous to channels-last or back: per batch, C x spatial transposed), on the calling
     * thread alone.
     */
    static void changeLayoutSerially(Tensor input, Tensor output) {
        long[] shape = input.shape();
        long spatial = 1;
        for (int i = 2; i < shape.length; i++) {
            spatial *= shape[i];
        }
        boolean toChannelsLast = input.memoryFormat() == MemoryFormat.CONTIGUOUS;
        Kernels.transpose(input, output, shape[0], toChannelsLast ? shape[1] : spatial,
                toChannelsLast ? spatial : shape[1], 1);
    }

    /**
     * Bands of a convolution in one OpenMP region on the calling thread's team
     * ({@link Kernels#runBands}).
     */
    static void runBands(int count, long[] geometry, long[] pointers, int[] nargs, int threads) {
        Kernels.runBands(count, geometry, pointers, nargs, threads);
    }

    /** Whether {@link #runBands} can run here: the OpenMP runtime and oneDNN found loaded. */
    static boolean bandsAvailable() {
        return Kernels.bandsAvailable();
    }

    /** Whether {@link #pool} takes average pooling of this spec on contiguous tensors as a box filter. */
    static boolean boxAverage(PoolSpec spec) {
        return Kernels.available() && Kernels.boxAverage(spec);
    }

    /** Max, average or LP pooling on contiguous tensors, or on batched channels-last ones, on up to {@code threads} threads. */
    static void pool(PoolProblem p, Tensor input, Tensor output, Tensor indices, boolean channelsLast, int threads) {
        Kernels.pool(p, input, output, indices, channelsLast, threads);
    }

    /** Adaptive pooling on contiguous tensors on up to {@code threads} threads. */
    static void adaptivePool(AdaptivePoolProblem p, Tensor input, Tensor output, Tensor indices, int threads) {
        Kernels.adaptivePool(p, input, output, indices, threads);
    }

    /**
     * Depthwise convolution (groups == in_channels, zero padding) on contiguous NC(D)(H)W
     * tensors, with torch.relu fused when {@code relu}, on up to {@code threads} threads.
     */
    static void depthwiseConv(ConvProblem p, Tensor input, Tensor weight, Tensor bias, Tensor output, boolean relu,
            int threads) {
        Kernels.depthwiseConv(p, input, weight, bias, output, relu, threads);
    }

    /**
     * Adds the per-channel bias (nullable) to image {@code image} of a contiguous N x C x plane
     * output in place, with torch.relu if {@code relu}, on the calling thread.
     */
    static void addBias(Tensor output, long channels, long plane, long image, Tensor bias, boolean relu) {
        Kernels.addBias(output, channels, plane, image, 1, bias, relu, 1);
    }

    /**
     * Image {@code image} of a transposed convolution's contiguous output from the product of its
     * weights and that input image ({@link Kernels#placePatches}: kernel equal to stride, no
     * padding), bias and torch.relu included, on the calling thread.
     */
    static void placePatches(ConvProblem p, Tensor patches, Tensor output, long image, Tensor bias, boolean relu) {
        Kernels.placePatches(patches, output, image, p.spec().outChannels(), p.spec().kernelSize(), p.inputSpatial(),
                bias, relu, 1);
    }

    static void maxUnpool(UnpoolProblem p, Tensor input, Tensor indices, Tensor output) {
        Kernels.maxUnpool(p, input, indices, output);
    }

    /** Sets the threads of our own kernels (a process-wide setting of their thread pool). */
    static void setThreads(int threads) {
        if (Kernels.available()) {
            Kernels.setThreads(threads);
        }
    }

    /** The largest |x| of a float tensor; NaN if it holds a NaN or an infinity. */
    static double absMax(Tensor t) {
        return Kernels.absMax(t);
    }

    /**
     * Sets the OpenMP thread count of the calling thread, which oneDNN reads when it creates and
     * runs a primitive; the dnnl preset exposes no OpenMP setter, so our native library calls
     * {@code omp_set_num_threads} of the runtime oneDNN loaded. False if that failed (oneDNN then
     * keeps OpenMP's default: {@code OMP_NUM_THREADS}, else all processors).
     */

    static boolean setOpenMpThreads(int threads) {
        return Kernels.available() && Kernels.setOpenMpThreads(threads);
    }
}
