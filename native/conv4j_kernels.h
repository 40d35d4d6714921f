// conv4j native kernels: what oneDNN lacks or does differently from PyTorch 1.13 (torch.nn).
//
// All tensors are float32 (indices int64), contiguous, in PyTorch's N C [D] [H] W layout seen
// as planes * D * H * W with planes = N * C (pool() also takes channels-last, N D H W C; transpose()
// converts between the two); 1d and 2d problems pass size-1 leading dims (size 1, kernel 1,
// stride 1, padding 0, dilation 1). Geometry comes in int64 arrays whose
// layout is given by the *_DESC_* constants below; the Java binding
// (dev.conv4j.kernels.NativeKernels) fills them in the same order.
//
// Every entry point returns a Status. Kernels parallelise over output rows of all planes on
// up to `threads` threads (the caller's thread included); a call that finds the thread pool
// busy with another call runs on the caller's thread alone.
#ifndef CONV4J_KERNELS_H
#define CONV4J_KERNELS_H

#include <cstdint>

namespace conv4j {

enum Status : int {
    STATUS_OK = 0,
    /** max_unpool met an index outside [0, output plane size); see its bad_index. */
    STATUS_INVALID_INDEX = 1,
    /** Inconsistent or unsupported arguments (the Java facade checks these first). */
    STATUS_BAD_ARGUMENT = -1,
    STATUS_OUT_OF_MEMORY = -2,
    // run_bands(): no OpenMP runtime or oneDNN library found loaded
    STATUS_UNAVAILABLE = -3,
    // run_bands(): a oneDNN primitive returned an error
    STATUS_PRIMITIVE_FAILED = -4,
};

/** torch.nn padding_mode; the order of dev.conv4j.spec.PaddingMode. */
enum PadMode : int { PAD_ZEROS = 0, PAD_REFLECT = 1, PAD_REPLICATE = 2, PAD_CIRCULAR = 3 };

/** The order of dev.conv4j.spec.PoolKind. */
enum PoolKind : int { POOL_MAX = 0, POOL_AVG = 1, POOL_LP = 2 };

/** pool(): planes, input D H W, output D H W, kernel, stride, padding, dilation (each D H W),
 *  count_include_pad (0/1), divisor_override (0 = none), channels C (read when channels-last),
 *  channels_last (0: planes of D*H*W; 1: N = planes / C positions of D*H*W*C). */
enum PoolDesc : int {
    POOL_DESC_PLANES = 0,
    POOL_DESC_IN = 1,
    POOL_DESC_OUT = 4,
    POOL_DESC_KERNEL = 7,
    POOL_DESC_STRIDE = 10,
    POOL_DESC_PAD = 13,
    POOL_DESC_DILATION = 16,
    POOL_DESC_COUNT_INCLUDE_PAD = 19,
    POOL_DESC_DIVISOR_OVERRIDE = 20,
    POOL_DESC_CHANNELS = 21,
    POOL_DESC_CHANNELS_LAST = 22,
    POOL_DESC_LENGTH = 23,
};

/** adaptive_pool(): planes, input D H W, output D H W. */
enum AdaptiveDesc : int {
    ADAPTIVE_DESC_PLANES = 0,
    ADAPTIVE_DESC_IN = 1,
    ADAPTIVE_DESC_OUT = 4,
    ADAPTIVE_DESC_LENGTH = 7,
};

/** depthwise_conv(): batch N, input channels C, channel multiplier M (output channels = C * M),
 *  input D H W, output D H W, kernel, stride, padding before, dilation (each D H W), relu (0/1). */
enum DepthwiseDesc : int {
    DW_DESC_BATCH = 0,
    DW_DESC_CHANNELS = 1,
    DW_DESC_MULTIPLIER = 2,
    DW_DESC_IN = 3,
    DW_DESC_OUT = 6,
    DW_DESC_KERNEL = 9,
    DW_DESC_STRIDE = 12,
    DW_DESC_PAD = 15,
    DW_DESC_DILATION = 18,
    DW_DESC_RELU = 21,
    DW_DESC_LENGTH = 22,
};

/** pad(): planes, input D H W, padding before D H W, padding after D H W. */
enum PadDesc : int {
    PAD_DESC_PLANES = 0,
    PAD_DESC_IN = 1,
    PAD_DESC_BEFORE = 4,
    PAD_DESC_AFTER = 7,
    PAD_DESC_LENGTH = 10,
};

/** max_unpool(): planes, input plane size, output plane size. */
enum UnpoolDesc : int {
    UNPOOL_DESC_PLANES = 0,
    UNPOOL_DESC_IN_PLANE = 1,
    UNPOOL_DESC_OUT_PLANE = 2,
    UNPOOL_DESC_LENGTH = 3,
};

/** The active instruction-set path: "avx512", "avx2" or "scalar" on x86-64, "neon" or "scalar" on AArch64. */
const char* isa();

/** Chooses a path by name ("avx512", "avx2", "neon", "scalar" or "auto" for the best this CPU has).
 *  A path the CPU lacks is refused. Returns the active path afterwards. For tests and
 *  benchmarks; not meant to be switched while kernels run. */
const char* select_isa(const char* name);

/** Enables (1) or disables (0) pool()'s planar fast path (max without indices, average: rows
 *  padded and phase-split once, conv4j_direct.inc); other values only query. Returns the
 *  setting. Both paths give the same values; for tests and benchmarks. */
int pool_fast_path(int enable);

/**
 * Pads each plane of `in` (planes x D x H x W) into `out` (planes x (D+before+after) x ...):
 * zeros, reflect (mirror without repeating the edge), replicate (repeat the edge) or circular
 * (wrap around), exactly as torch.nn.functional.pad. Reflect needs pads < size, circular
 * pads <= size, replicate size > 0.
 */
int pad(int mode, const int64_t* desc, const float* in, float* out, int threads);

/**
 * Max, average or LP pooling (PyTorch 1.13 CPU semantics).
 *  - max: window start o*stride - pad, taps start + k*dilation, out-of-range taps skipped;
 *    a tap replaces the running maximum when it is greater or NaN (first maximum wins ties,
 *    the last NaN wins); the running maximum starts at -inf with the index of the first
 *    in-bounds tap. `indices` (nullable) receives flat offsets within the input plane.
 *  - avg: per dim start = o*stride - pad, end = min(start + k, in + pad), pool size
 *    end - start, then start and end clipped to the input; divisor = divisor_override if
 *    non-zero, else the product of pool sizes (count_include_pad) or of clipped sizes.
 *    Dilation must be 1.
 *  - LP (padding 0, dilation 1): out = avg_pool(x^p) with the clipped divisor, then
 *    (sign(out) * relu(|out|) * kernel volume)^(1/p), computed as PyTorch does.
 * Channels-last (desc[POOL_DESC_CHANNELS_LAST] = 1): in is [N][ID][IH][IW][C], out and indices
 * [N][OD][OH][OW][C], N = planes / C; every value and index is bit for bit what the planar
 * layout gives for the same element (indices are still offsets within the input plane,
 * (id * IH + ih) * IW + iw). Work is split over output positions, C channels in lanes.
 */
int pool(int kind, const int64_t* desc, double norm_type, const float* in, float* out, int64_t* indices,
         int threads);

/**
 * Depthwise convolution (groups = C) with zero padding, on in [N][C][D][H][W], weight
 * [C*M][1][KD][KH][KW], bias [C*M] (nullable), out [N][C*M][OD][OH][OW]: output channel
 * c*M + j reads input channel c; out = bias + sum of in * weight over the taps that land inside
 * the input (padding taps are skipped; the output size fixes the padding after), then, with
 * relu, torch.relu (x < 0 -> +0; NaN and -0.0 stay). Sums are in float, in a different order
 * than PyTorch's (within rounding). Work is split over output rows of the input planes, each
 * row computing its M output channels.
 */
int depthwise_conv(const int64_t* desc, const float* in, const float* weight, const float* bias, float* out,
                   int threads);

/**
 * For each of `batches` matrices, writes the transpose of the row-major rows x cols matrix
 * in[b] into out[b] (cols x rows): NCHW -> NHWC is rows = C, cols = D*H*W, and back is
 * rows = D*H*W, cols = C. elem_size is 4 (float) or 8 (int64); a pure copy of the bits.
 * in and out must not overlap.
 */
int transpose(int elem_size, int64_t batches, int64_t rows, int64_t cols, const void* in, void* out, int threads);

/**
 * Adds bias[c] (bias nullable: nothing to add) to every element of channel c of `batches` images
 * of `channels` planes of `plane` floats each, in place, then applies torch.relu if `relu` is 1
 * (x < 0 -> +0; NaN and -0.0 stay). For the output of a convolution computed without its bias.
 */
int add_bias(int64_t batches, int64_t channels, int64_t plane, const float* bias, float* data, int relu, int threads);

/**
 * Places the patches of a transposed convolution whose kernel equals its stride (no padding,
 * dilation 1, so patches do not overlap) into its output image: `patches` is the matrix
 * product of the weights and the input image, [channels][KD][KH][KW][D][H][W] (`kernel` and
 * `in` hold KD KH KW and the input's D H W), and out[c][d*KD+i][h*KH+j][w*KW+k] =
 * patches[c][i][j][k][d][h][w] + bias[c] (bias nullable), then torch.relu if `relu` is 1.
 * Every element of the output image is written.
 */
int place_patches(int64_t channels, const int64_t* kernel, const int64_t* in, const float* patches, const float* bias,
                  float* out, int relu, int threads);

/**
 * Adaptive average or max pooling: output cell i of a dim pools input
 * [floor(i*in/out), ceil((i+1)*in/out)). Average divides the window sum by each window
 * extent in turn (PyTorch's sum / kd / kh / kw; long contiguous runs (2+ vectors) are summed
 * in vector lanes); max follows pool()'s rule, starting from the window's first element.
 * `indices` (nullable, max only) as in pool().
 */
int adaptive_pool(int kind, const int64_t* desc, const float* in, float* out, int64_t* indices, int threads);

/**
 * Max unpooling: out[plane][indices[i]] = in[plane][i] for every input element in order
 * (a later duplicate index overwrites an earlier one). `out` must be zero-filled by the
 * caller. Indices outside [0, out plane size) are skipped; if there are any, *bad_index
 * receives the last of them in input order (what ATen's serial loop reports) and
 * STATUS_INVALID_INDEX is returned.
 */
int max_unpool(const int64_t* desc, const float* in, const int64_t* indices, float* out, int64_t* bad_index,
               int threads);

/**
 * Measures this machine's single-precision peak: independent chains of fused multiply-adds
 * on the widest vectors of the active path, on `threads` threads for about `seconds`; each
 * thread counts its best ~20 ms window, so preemption by other processes does not lower it.
 * Returns GFLOPS (2 flops per lane per FMA), or a negative value on bad arguments.
 */
double peak_gflops(int threads, double seconds);

/**
 * Sends the thread pool's idle workers, which poll for the next job for a short while before
 * they sleep, to sleep at once; the next kernel call wakes them. For callers about to run
 * another runtime's threads (oneDNN's OpenMP team) that need every core.
 */
void pool_step_aside();

/**
 * Sets the calling thread's OpenMP thread count in the OpenMP runtime already loaded in the
 * process (the libgomp that oneDNN's library brings), without linking one of our own: oneDNN
 * reads it when it creates and runs primitives. Returns 1 if applied, 0 if no such runtime is
 * loaded (or on platforms without dlopen).
 */
int set_openmp_threads(int threads);

/** run_bands() geometry per band (int64 each): the input rows' transpose, then the output's. */
enum BandGeometry {
    BAND_IN_ROWS = 0,   // channels of the input
    BAND_IN_COLS = 1,   // positions of the band's input rows
    BAND_IN_LD = 2,     // elements between the input's channels (its D*H*W)
    BAND_OUT_ROWS = 3,  // positions of the band's output rows
    BAND_OUT_COLS = 4,  // channels of the output
    BAND_OUT_LD = 5,    // elements between the output's channels
    BAND_GEOMETRY_SIZE = 6
};

/** run_bands() addresses per band (int64 each). */
enum BandPointers {
    BAND_IN = 0,         // the band's first input element (channel 0)
    BAND_SRC = 1,        // the primitive's channels-last source buffer
    BAND_PRIMITIVE = 2,  // dnnl_primitive_t made for one thread
    BAND_STREAM = 3,     // dnnl_stream_t
    BAND_ARGS = 4,       // const dnnl_exec_arg_t*, nargs[i] of them, reading BAND_SRC and writing BAND_DST
    BAND_DST = 5,        // the primitive's channels-last destination buffer
    BAND_OUT = 6,        // the band's first output element (channel 0)
    BAND_POINTERS_SIZE = 7
};

/** 1 if run_bands() found the OpenMP runtime and oneDNN loaded in the process, else 0. */
int bands_available();

/**
 * Runs `count` bands of a convolution in one OpenMP region of `threads` threads on the calling
 * thread's team (the runtime oneDNN loaded), each band claimed by one thread: the band's input
 * rows transposed from NCHW into its channels-last buffer, its primitive executed (one thread,
 * nested in the region), its output transposed into the NCHW output rows. Returns STATUS_OK,
 * STATUS_BAD_ARGUMENT (checked first), STATUS_UNAVAILABLE or STATUS_PRIMITIVE_FAILED.
 */
int run_bands(int count, const int64_t* geometry, const int64_t* pointers, const int* nargs, int threads);

/**
 * The largest |x| of n floats as the bits of a float (the bits of |x| order as the values do;
 * infinity and NaN compare above every finite value), 0 for n <= 0.
 */
int32_t abs_max_bits(const float* x, int64_t n);

}  // namespace conv4j

#endif  // CONV4J_KERNELS_H
