// conv4j native kernels: argument checks, the thread pool, run-time ISA dispatch, and the
// kernels that need no SIMD of their own (pad, max_unpool). The pooling bodies are in
// conv4j_pool.inc, the depthwise convolution and the planar pooling fast path in
// conv4j_direct.inc, both compiled here once per instruction set.
#if defined(__linux__) || defined(__APPLE__)
#include <dlfcn.h>
#endif
#include "conv4j_kernels.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <limits>
#include <mutex>
#include <new>
#include <thread>
#include <type_traits>
#include <vector>

#include "conv4j_simd.h"

// PyTorch rounds x^p before summing it and never fuses multiply and add: keep the compiler
// from contracting a*b+c into an FMA (GCC does by default in C++, even across intrinsics).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC push_options
#pragma GCC optimize("fp-contract=off")
#elif defined(__clang__)
#pragma clang fp contract(off)
#endif

namespace conv4j {
namespace detail {

constexpr int FMA_CHAINS = 16;

/** PyTorch's pow(tensor, scalar) for float: special exponents, else std::pow. */
enum PowOp : int {
    POW_GENERAL = 0,
    POW_ZERO,        // 1
    POW_ONE,         // x
    POW_HALF,        // sqrt(x)
    POW_MINUS_HALF,  // 1 / sqrt(x)
    POW_MINUS_ONE,   // 1 / x
    POW_TWO,         // x * x
    POW_THREE,       // x * x * x
    POW_MINUS_TWO,   // 1 / (x * x)
};

static int pow_op_for(double e) {
    if (e == 0.0) return POW_ZERO;
    if (e == 1.0) return POW_ONE;
    if (e == 0.5) return POW_HALF;
    if (e == -0.5) return POW_MINUS_HALF;
    if (e == -1.0) return POW_MINUS_ONE;
    if (e == 2.0) return POW_TWO;
    if (e == 3.0) return POW_THREE;
    if (e == -2.0) return POW_MINUS_TWO;
    return POW_GENERAL;
}

static inline float pow_op(int op, float x, float e) {
    switch (op) {
        case POW_ZERO:
            return 1.0f;
        case POW_ONE:
            return x;
        case POW_HALF:
            return std::sqrt(x);
        case POW_MINUS_HALF:
            return 1.0f / std::sqrt(x);
        case POW_MINUS_ONE:
            return 1.0f / x;
        case POW_TWO:
            return x * x;
        case POW_THREE:
            return x * x * x;
        case POW_MINUS_TWO:
            return 1.0f / (x * x);
        default:
            return std::pow(x, e);
    }
}

struct PoolArgs {
    int kind;
    int64_t planes;
    int64_t in[3], out[3], k[3], s[3], p[3], d[3];
    int64_t channels;  // channels-last only: C (planes = N * C)
    bool count_include_pad;
    int64_t divisor_override;  // 0: none
    bool adaptive_divide;      // avg: sum / k0 / k1 / k2 (adaptive pooling with whole windows)
    int pre_mode;              // PreMode of conv4j_pool.inc
    int pre_op;                // LP: x -> x^p
    float pre_exp;
    int post_op;  // LP: t -> t^(1/p)
    float post_exp;
    float kvol;  // LP: kernel volume
    const float* in_data;
    float* out_data;
    int64_t* idx_data;
};

/** Output rows per block of the box-filter average (pool_box_rows): a block's row sums stay in cache. */
constexpr int64_t POOL_BOX_ROWS = 32;
/** Largest KH of the box-filter average: the row sums of its window stay in registers (Java: Kernels.MAX_BOX_KERNEL_HEIGHT). */
constexpr int64_t POOL_BOX_MAX_KH = 8;

struct AdaptiveArgs {
    int kind;
    int64_t planes;
    int64_t in[3], out[3];
    const float* in_data;
    float* out_data;
    int64_t* idx_data;
};

struct DwArgs {
    int64_t channels, multiplier;
    int64_t in[3], out[3], k[3], s[3], p[3], d[3];
    bool relu;
    const float* in_data;
    const float* weight;
    const float* bias;  // nullable
    float* out_data;
};

/** LP pooling after the average: (sign(t) * relu(|t|)) * kernel volume, then ^(1/p). */
static void lp_finish(const PoolArgs& a, float* out, int64_t n) {
    for (int64_t i = 0; i < n; i++) {
        float t = out[i];
        if (t == 0.0f) {
            t = 0.0f;  // sign(-0) * relu(0) is +0
        }
        t = t * a.kvol;
        out[i] = pow_op(a.post_op, t, a.post_exp);
    }
}

static inline int64_t adaptive_start(int64_t i, int64_t in, int64_t out) { return (i * in) / out; }
static inline int64_t adaptive_end(int64_t i, int64_t in, int64_t out) { return ((i + 1) * in + out - 1) / out; }

// ---------------------------------------------------------------------------------------
// Thread pool: persistent workers; the caller works too. One parallel region at a time: a
// call that finds the pool busy (another Java thread inside a kernel) runs inline instead of
// waiting, so concurrent callers never block one another.
//
// Work goes out in chunks that each thread claims in turn, the caller included; a call is done
// when every chunk is, so it never waits for a helper that has not started (one the scheduler
// has not run yet, e.g. while another process or the JIT compiler holds the core): the chunks
// left go to the threads that run, and a late helper finds nothing to claim.
//
// Waiting spins briefly before it sleeps: a worker polls for the next job, and the caller for
// the chunks in progress, for up to kSpin, then blocks on a condition variable. Waking a sleeping
// thread costs a system call and the scheduler's latency (tens of microseconds on a VM), as much
// as a whole small kernel (a batch-1 pooling or depthwise call); back-to-back calls, a service's
// requests on one thread, find the worker still polling. The spin is short so that an idle
// worker soon gives its core back; and before oneDNN runs a multi-threaded primitive, the Java
// side calls pool_step_aside() so that polling workers sleep at once and leave every core to
// oneDNN's OpenMP team.

static inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    asm volatile("yield" ::: "memory");
#endif
}

/** Polls `ready` for up to `limit`; true if it became true. */
template <class Ready>
static bool spin_until(Ready&& ready, std::chrono::microseconds limit) {
    const auto start = std::chrono::steady_clock::now();
    for (;;) {
        for (int i = 0; i < 64; i++) {
            if (ready()) {
                return true;
            }
            cpu_relax();
        }
        if (std::chrono::steady_clock::now() - start >= limit) {
            return ready();
        }
    }
}

class ThreadPool {
public:
    using Fn = void (*)(void* ctx, int64_t begin, int64_t end);

    static ThreadPool& get() {
        // Never destroyed: workers may still be parked when the process exits.
        static ThreadPool* pool = new ThreadPool();
        return *pool;
    }

    /** Polling workers go to sleep now (the next job wakes them): another runtime needs the cores. */
    void step_aside() { park_.store(true, std::memory_order_relaxed); }

    /** Runs fn over [0, n) in chunks of `grain` on up to `threads` threads. */
    void run(int threads, int64_t n, int64_t grain, Fn fn, void* ctx) {
        if (n <= 0) {
            return;
        }
        const int64_t chunks = (n + grain - 1) / grain;
        const int use = static_cast<int>(std::min<int64_t>(threads, chunks));
        if (use <= 1) {
            fn(ctx, 0, n);
            return;
        }
        std::unique_lock<std::mutex> busy(submit_, std::try_to_lock);
        if (!busy.owns_lock()) {
            fn(ctx, 0, n);
            return;
        }
        try {
            grow(use - 1);
        } catch (...) {
            // could not start a thread: work alone
        }
        const int helpers = std::min<int>(use - 1, static_cast<int>(workers_));
        if (helpers == 0) {
            fn(ctx, 0, n);
            return;
        }
        const uint64_t gen = generation_.load(std::memory_order_relaxed) + 1;
        {
            std::lock_guard<std::mutex> lock(m_);
            fn_ = fn;
            ctx_ = ctx;
            n_ = n;
            grain_ = grain;
            chunks_.store(chunks, std::memory_order_relaxed);
            done_.store(0, std::memory_order_relaxed);
            helpers_ = helpers;
            park_.store(false, std::memory_order_relaxed);
            claim_.store(tag(gen), std::memory_order_release);
            generation_.store(gen, std::memory_order_release);
        }
        wake_.notify_all();  // no system call when every worker is polling
        work(gen);
        auto finished = [this, chunks] { return done_.load(std::memory_order_acquire) == chunks; };
        if (spin_until(finished, kSpin)) {
            return;
        }
        std::unique_lock<std::mutex> lock(m_);
        finished_.wait(lock, finished);
    }

private:
    /** Called by the submitter only (under submit_), before it publishes the next job. */
    void grow(int wanted) {
        while (static_cast<int>(workers_) < wanted) {
            // The new worker waits for the job after the current generation, whenever it starts.
            std::thread t(&ThreadPool::worker, this, static_cast<int>(workers_),
                          generation_.load(std::memory_order_relaxed));
            t.detach();
            workers_++;
        }
    }

    /** The claim word of generation gen's first chunk: the generation's low 32 bits, then the chunk index. */
    static uint64_t tag(uint64_t gen) { return gen << 32; }

    /**
     * Runs the chunks of job `gen` that are left, one claim at a time; returns when none is
     * (or another job has replaced it). The job's fields are read only after a chunk is
     * claimed: the job cannot end, nor the next replace it, before that chunk is done.
     */
    void work(uint64_t gen) {
        for (;;) {
            uint64_t c = claim_.load(std::memory_order_acquire);
            do {
                if ((c >> 32) != (gen & 0xffffffffu) ||
                    static_cast<int64_t>(c & 0xffffffffu) >= chunks_.load(std::memory_order_relaxed)) {
                    return;
                }
            } while (!claim_.compare_exchange_weak(c, c + 1, std::memory_order_acq_rel, std::memory_order_acquire));
            const int64_t total = chunks_.load(std::memory_order_relaxed);  // this job's: it cannot end yet
            const int64_t b = static_cast<int64_t>(c & 0xffffffffu) * grain_;
            fn_(ctx_, b, std::min(n_, b + grain_));
            if (done_.fetch_add(1, std::memory_order_acq_rel) + 1 == total) {
                // under the lock, so the caller cannot check and then sleep past this notify
                std::lock_guard<std::mutex> lock(m_);
                finished_.notify_one();
            }
        }
    }

    void worker(int id, uint64_t seen) {
        auto published = [&] { return generation_.load(std::memory_order_acquire) != seen; };
        auto stop_polling = [&] { return published() || park_.load(std::memory_order_relaxed); };
        for (;;) {
            spin_until(stop_polling, kSpin);
            std::unique_lock<std::mutex> lock(m_);
            wake_.wait(lock, published);
            seen = generation_.load(std::memory_order_relaxed);
            if (id >= helpers_) {
                continue;
            }
            lock.unlock();
            work(seen);
        }
    }

    std::mutex submit_;
    std::mutex m_;
    std::condition_variable wake_;
    std::condition_variable finished_;
    static constexpr std::chrono::microseconds kSpin{50};

    size_t workers_ = 0;
    std::atomic<uint64_t> generation_{0};
    int helpers_ = 0;
    std::atomic<bool> park_{false};
    Fn fn_ = nullptr;
    void* ctx_ = nullptr;
    int64_t n_ = 0;
    int64_t grain_ = 1;
    /** The job's chunk count, and how many are done; atomic: a late helper may read it as the next job is set. */
    std::atomic<int64_t> chunks_{0};
    std::atomic<int64_t> done_{0};
    /** The job's generation (low 32 bits) and its next unclaimed chunk (low 32 bits of the word). */
    std::atomic<uint64_t> claim_{0};
};

/**
 * Runs f(begin, end) over [0, n) items that cost about `item_cost` element operations each:
 * chunks of at least ~32K operations (smaller problems stay on the caller's thread), and about
 * four chunks per thread when there is enough work, to even out the load. Returns false if a
 * chunk threw (std::bad_alloc from a scratch vector): no exception may leave a pool thread.
 */
template <class Body>
static bool parallel_for(int threads, int64_t n, double item_cost, Body&& body) {
    if (n <= 0) {
        return true;
    }
    const double min_chunk_cost = 32768.0;
    int64_t grain = static_cast<int64_t>(std::ceil(min_chunk_cost / std::max(item_cost, 1.0)));
    grain = std::max<int64_t>(grain, (n + 4LL * threads - 1) / (4LL * threads));
    grain = std::max<int64_t>(std::min(grain, n), 1);
    struct Ctx {
        typename std::remove_reference<Body>::type* body;
        std::atomic<bool> failed{false};
    } ctx;
    ctx.body = &body;
    ThreadPool::get().run(
        std::max(threads, 1), n, grain,
        [](void* p, int64_t b, int64_t e) {
            Ctx* c = static_cast<Ctx*>(p);
            try {
                (*c->body)(b, e);
            } catch (...) {
                c->failed.store(true, std::memory_order_relaxed);
            }
        },
        &ctx);
    return !ctx.failed.load();
}

}  // namespace detail
}  // namespace conv4j

// ---------------------------------------------------------------------------------------
// One copy of the pooling bodies per instruction set

#define C4J_NS scalar
#define C4J_VEC simd::Scalar
#define C4J_TARGET
#include "conv4j_pool.inc"
#include "conv4j_direct.inc"
#undef C4J_NS
#undef C4J_VEC
#undef C4J_TARGET

#if C4J_X86_SIMD
#define C4J_NS avx2
#define C4J_VEC simd::Avx2
#define C4J_TARGET C4J_TARGET_AVX2
#include "conv4j_pool.inc"
#include "conv4j_direct.inc"
#undef C4J_NS
#undef C4J_VEC
#undef C4J_TARGET

#define C4J_NS avx512
#define C4J_VEC simd::Avx512
#define C4J_TARGET C4J_TARGET_AVX512
#include "conv4j_pool.inc"
#include "conv4j_direct.inc"
#undef C4J_NS
#undef C4J_VEC
#undef C4J_TARGET
#endif

#if C4J_NEON_SIMD
#define C4J_NS neon
#define C4J_VEC simd::Neon
#define C4J_TARGET
#include "conv4j_pool.inc"
#include "conv4j_direct.inc"
#undef C4J_NS
#undef C4J_VEC
#undef C4J_TARGET
#endif

namespace conv4j {
namespace detail {

// ---------------------------------------------------------------------------------------
// Batched transpose: tiles small enough that the rows read and the rows written stay in L1,
// each tile done in register blocks (8x8 floats or 8x4 int64 with AVX2, 4x4 floats or 4x2
// int64 with NEON) and plain loops at its edges. Only moves bits: NaN payloads and -0 come out as they went in.

/** Transposes the tile rows [r0, r1) x cols [c0, c1) of in (rows x cols) into out (cols x rows). */
using TileFn = void (*)(const void* in, void* out, int64_t rows, int64_t cols, int64_t r0, int64_t r1, int64_t c0,
                        int64_t c1);

template <class T>
static inline void transpose_plain(const T* in, T* out, int64_t rows, int64_t cols, int64_t r0, int64_t r1,
                                   int64_t c0, int64_t c1) {
    for (int64_t c = c0; c < c1; c++) {
        T* o = out + c * rows;
        for (int64_t r = r0; r < r1; r++) {
            o[r] = in[r * cols + c];
        }
    }
}

template <class T>
static void transpose_tile_scalar(const void* in, void* out, int64_t rows, int64_t cols, int64_t r0, int64_t r1,
                                  int64_t c0, int64_t c1) {
    transpose_plain(static_cast<const T*>(in), static_cast<T*>(out), rows, cols, r0, r1, c0, c1);
}

#if C4J_X86_SIMD
/** 8x8 32-bit block: in rows a..h (stride ldi) -> out rows (stride ldo). */
C4J_TARGET_AVX2 static C4J_ALWAYS_INLINE void transpose_8x8_b32(const uint32_t* in, int64_t ldi, uint32_t* out,
                                                                int64_t ldo) {
    const float* p = reinterpret_cast<const float*>(in);
    float* q = reinterpret_cast<float*>(out);
    __m256 r[8], t[8], u[8];
    for (int i = 0; i < 8; i++) {
        r[i] = _mm256_loadu_ps(p + i * ldi);
    }
    // pairs of rows interleaved: t0 = a0 b0 a1 b1 | a4 b4 a5 b5, t1 = a2 b2 a3 b3 | a6 b6 a7 b7
    for (int i = 0; i < 4; i++) {
        t[2 * i] = _mm256_unpacklo_ps(r[2 * i], r[2 * i + 1]);
        t[2 * i + 1] = _mm256_unpackhi_ps(r[2 * i], r[2 * i + 1]);
    }
    // quads: u0 = a0 b0 c0 d0 | a4 b4 c4 d4, u1 = column 1 | 5, u2 = 2 | 6, u3 = 3 | 7 (e..h in u4..u7)
    for (int i = 0; i < 2; i++) {
        __m256 lo0 = t[4 * i], hi0 = t[4 * i + 1], lo1 = t[4 * i + 2], hi1 = t[4 * i + 3];
        u[4 * i] = _mm256_shuffle_ps(lo0, lo1, _MM_SHUFFLE(1, 0, 1, 0));
        u[4 * i + 1] = _mm256_shuffle_ps(lo0, lo1, _MM_SHUFFLE(3, 2, 3, 2));
        u[4 * i + 2] = _mm256_shuffle_ps(hi0, hi1, _MM_SHUFFLE(1, 0, 1, 0));
        u[4 * i + 3] = _mm256_shuffle_ps(hi0, hi1, _MM_SHUFFLE(3, 2, 3, 2));
    }
    // halves: column j = a..d from u[j % 4], e..h from u[4 + j % 4], low half for j < 4
    for (int j = 0; j < 4; j++) {
        _mm256_storeu_ps(q + j * ldo, _mm256_permute2f128_ps(u[j], u[4 + j], 0x20));
        _mm256_storeu_ps(q + (j + 4) * ldo, _mm256_permute2f128_ps(u[j], u[4 + j], 0x31));
    }
}

/** 8 rows x 4 columns of 64 bits: two 4x4 blocks, so each output row gets 64 contiguous bytes. */
C4J_TARGET_AVX2 static C4J_ALWAYS_INLINE void transpose_8x4_b64(const uint64_t* in, int64_t ldi, uint64_t* out,
                                                                int64_t ldo) {
    __m256i o[2][4];
    for (int h = 0; h < 2; h++) {
        __m256i r[4];
        for (int i = 0; i < 4; i++) {
            r[i] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(in + (4 * h + i) * ldi));
        }
        // t0 = a0 b0 | a2 b2, t1 = a1 b1 | a3 b3, t2 = c0 d0 | c2 d2, t3 = c1 d1 | c3 d3
        const __m256i t0 = _mm256_unpacklo_epi64(r[0], r[1]), t1 = _mm256_unpackhi_epi64(r[0], r[1]);
        const __m256i t2 = _mm256_unpacklo_epi64(r[2], r[3]), t3 = _mm256_unpackhi_epi64(r[2], r[3]);
        o[h][0] = _mm256_permute2x128_si256(t0, t2, 0x20);
        o[h][1] = _mm256_permute2x128_si256(t1, t3, 0x20);
        o[h][2] = _mm256_permute2x128_si256(t0, t2, 0x31);
        o[h][3] = _mm256_permute2x128_si256(t1, t3, 0x31);
    }
    for (int j = 0; j < 4; j++) {
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + j * ldo), o[0][j]);
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + j * ldo + 4), o[1][j]);
    }
}

template <class T>
C4J_TARGET_AVX2 static void transpose_tile_avx2(const void* vin, void* vout, int64_t rows, int64_t cols, int64_t r0,
                                                int64_t r1, int64_t c0, int64_t c1) {
    constexpr int64_t BR = 8, BC = sizeof(T) == 4 ? 8 : 4;
    const T* in = static_cast<const T*>(vin);
    T* out = static_cast<T*>(vout);
    const int64_t rb = r0 + (r1 - r0) / BR * BR, cb = c0 + (c1 - c0) / BC * BC;
    for (int64_t r = r0; r < rb; r += BR) {
        for (int64_t c = c0; c < cb; c += BC) {
            if constexpr (sizeof(T) == 4) {
                transpose_8x8_b32(in + r * cols + c, cols, out + c * rows + r, rows);
            } else {
                transpose_8x4_b64(in + r * cols + c, cols, out + c * rows + r, rows);
            }
        }
    }
    transpose_plain(in, out, rows, cols, r0, r1, cb, c1);  // the columns left of every row
    transpose_plain(in, out, rows, cols, rb, r1, c0, cb);  // the rows left of the blocked columns
}
#endif

#if C4J_NEON_SIMD
/** 4x4 32-bit block: in rows a..d (stride ldi) -> out rows (stride ldo). */
static C4J_ALWAYS_INLINE void transpose_4x4_b32(const uint32_t* in, int64_t ldi, uint32_t* out, int64_t ldo) {
    const uint32x4_t a = vld1q_u32(in), b = vld1q_u32(in + ldi);
    const uint32x4_t c = vld1q_u32(in + 2 * ldi), d = vld1q_u32(in + 3 * ldi);
    // t0 = a0 b0 a2 b2, t1 = a1 b1 a3 b3, t2 = c0 d0 c2 d2, t3 = c1 d1 c3 d3
    const uint64x2_t t0 = vreinterpretq_u64_u32(vtrn1q_u32(a, b)), t1 = vreinterpretq_u64_u32(vtrn2q_u32(a, b));
    const uint64x2_t t2 = vreinterpretq_u64_u32(vtrn1q_u32(c, d)), t3 = vreinterpretq_u64_u32(vtrn2q_u32(c, d));
    // column j: the pair (a_j b_j) from t[j % 2] and (c_j d_j) from t[2 + j % 2], low half for j < 2
    vst1q_u32(out, vreinterpretq_u32_u64(vtrn1q_u64(t0, t2)));
    vst1q_u32(out + ldo, vreinterpretq_u32_u64(vtrn1q_u64(t1, t3)));
    vst1q_u32(out + 2 * ldo, vreinterpretq_u32_u64(vtrn2q_u64(t0, t2)));
    vst1q_u32(out + 3 * ldo, vreinterpretq_u32_u64(vtrn2q_u64(t1, t3)));
}

/** 4 rows x 2 columns of 64 bits: two 2x2 blocks, so each output row gets 32 contiguous bytes. */
static C4J_ALWAYS_INLINE void transpose_4x2_b64(const uint64_t* in, int64_t ldi, uint64_t* out, int64_t ldo) {
    const uint64x2_t a = vld1q_u64(in), b = vld1q_u64(in + ldi);
    const uint64x2_t c = vld1q_u64(in + 2 * ldi), d = vld1q_u64(in + 3 * ldi);
    vst1q_u64(out, vtrn1q_u64(a, b));
    vst1q_u64(out + 2, vtrn1q_u64(c, d));
    vst1q_u64(out + ldo, vtrn2q_u64(a, b));
    vst1q_u64(out + ldo + 2, vtrn2q_u64(c, d));
}

template <class T>
static void transpose_tile_neon(const void* vin, void* vout, int64_t rows, int64_t cols, int64_t r0, int64_t r1,
                                int64_t c0, int64_t c1) {
    constexpr int64_t BR = 4, BC = sizeof(T) == 4 ? 4 : 2;
    const T* in = static_cast<const T*>(vin);
    T* out = static_cast<T*>(vout);
    const int64_t rb = r0 + (r1 - r0) / BR * BR, cb = c0 + (c1 - c0) / BC * BC;
    for (int64_t r = r0; r < rb; r += BR) {
        for (int64_t c = c0; c < cb; c += BC) {
            if constexpr (sizeof(T) == 4) {
                transpose_4x4_b32(in + r * cols + c, cols, out + c * rows + r, rows);
            } else {
                transpose_4x2_b64(in + r * cols + c, cols, out + c * rows + r, rows);
            }
        }
    }
    transpose_plain(in, out, rows, cols, r0, r1, cb, c1);  // the columns left of every row
    transpose_plain(in, out, rows, cols, rb, r1, c0, cb);  // the rows left of the blocked columns
}
#endif

struct Isa {
    const char* name;
    int lanes;
    void (*pool_rows)(const PoolArgs&, int64_t, int64_t);
    void (*pool_cl_positions)(const PoolArgs&, int64_t, int64_t);
    TileFn transpose_tile4;
    TileFn transpose_tile8;
    void (*adaptive_rows)(const AdaptiveArgs&, int64_t, int64_t);
    void (*dw_items)(const DwArgs&, int64_t, int64_t);
    void (*pool_fast_rows)(const PoolArgs&, int64_t, int64_t);
    void (*pool_box_rows)(const PoolArgs&, int64_t, int64_t);
    void (*plane_means)(const AdaptiveArgs&, int64_t, int64_t);
    float (*fma_loop)(int64_t, float);
    bool (*supported)();
};

static bool always() { return true; }

#if C4J_X86_SIMD
static bool has_avx2() {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}
static bool has_avx512() {
    __builtin_cpu_init();
    return has_avx2() && __builtin_cpu_supports("avx512f");
}
#endif

static const Isa kIsas[] = {
#if C4J_X86_SIMD
    // AVX-512 transposes with AVX2's register blocks: the copy is bound by memory, not by width.
    {"avx512", simd::Avx512::L, avx512::pool_rows, avx512::pool_cl_positions, transpose_tile_avx2<uint32_t>,
     transpose_tile_avx2<uint64_t>, avx512::adaptive_rows,
     avx512::dw_items, avx512::pool_fast_rows, avx512::pool_box_rows, avx512::plane_means, avx512::fma_loop, has_avx512},
    {"avx2", simd::Avx2::L, avx2::pool_rows, avx2::pool_cl_positions, transpose_tile_avx2<uint32_t>,
     transpose_tile_avx2<uint64_t>, avx2::adaptive_rows,
     avx2::dw_items, avx2::pool_fast_rows, avx2::pool_box_rows, avx2::plane_means, avx2::fma_loop, has_avx2},
#endif
#if C4J_NEON_SIMD
    // Advanced SIMD is part of every AArch64 CPU.
    {"neon", simd::Neon::L, neon::pool_rows, neon::pool_cl_positions, transpose_tile_neon<uint32_t>,
     transpose_tile_neon<uint64_t>, neon::adaptive_rows,
     neon::dw_items, neon::pool_fast_rows, neon::pool_box_rows, neon::plane_means, neon::fma_loop, always},
#endif
    {"scalar", simd::Scalar::L, scalar::pool_rows, scalar::pool_cl_positions, transpose_tile_scalar<uint32_t>,
     transpose_tile_scalar<uint64_t>, scalar::adaptive_rows,
     scalar::dw_items, scalar::pool_fast_rows, scalar::pool_box_rows, scalar::plane_means, scalar::fma_loop, always},
};

static const Isa* best_isa() {
    for (const Isa& i : kIsas) {
        if (i.supported()) {
            return &i;
        }
    }
    return &kIsas[sizeof(kIsas) / sizeof(kIsas[0]) - 1];
}

static std::atomic<const Isa*> g_isa{nullptr};

static const Isa* active() {
    const Isa* i = g_isa.load(std::memory_order_acquire);
    if (i == nullptr) {
        i = best_isa();
        g_isa.store(i, std::memory_order_release);
    }
    return i;
}

static bool valid_threads(int threads) { return threads >= 1 && threads <= 4096; }

/** Products of sizes must stay below 2^62 (well inside int64) to be safe to index. */
static bool checked_mul(int64_t a, int64_t b, int64_t& out) {
    if (a < 0 || b < 0 || (b != 0 && a > (int64_t{1} << 62) / b)) {
        return false;
    }
    out = a * b;
    return true;
}

static bool checked_product(const int64_t* v, int n, int64_t& out) {
    int64_t p = 1;
    for (int i = 0; i < n; i++) {
        if (v[i] < 0) {
            return false;
        }
        if (v[i] != 0 && p > (int64_t{1} << 62) / v[i]) {
            return false;
        }
        p *= v[i];
    }
    out = p;
    return true;
}

/** Source index along one dim for padded position p (PadGeometry.sourceIndex); -1 = zero. */
static inline int64_t pad_source(int mode, int64_t p, int64_t size, int64_t before) {
    const int64_t i = p - before;
    if (i >= 0 && i < size) {
        return i;
    }
    switch (mode) {
        case PAD_REFLECT:
            return i < 0 ? -i : 2 * (size - 1) - i;
        case PAD_REPLICATE:
            return i < 0 ? 0 : size - 1;
        case PAD_CIRCULAR:
            return ((i % size) + size) % size;
        default:
            return -1;
    }
}

/**
 * Whether a planar pool() call runs on pool_fast_rows (conv4j_direct.inc) instead of
 * pool_rows: max without indices and average, when the padded rows it caches stay small.
 * pool_rows keeps indices (its vector lanes carry them), LP pooling, and windows that read
 * each input row once (kernel <= stride in W and H), where padding a copy of the row first
 * costs more than it saves.
 */
static std::atomic<bool> g_pool_fast{true};

static bool use_pool_fast_path(const PoolArgs& a, bool with_indices, int lanes) {
    if (!g_pool_fast.load(std::memory_order_relaxed) || with_indices || (a.kind != POOL_MAX && a.kind != POOL_AVG)) {
        return false;
    }
    if (a.k[2] <= a.s[2] && a.k[1] <= a.s[1] && a.k[0] <= a.s[0]) {
        return false;
    }
    const double wq = static_cast<double>((a.out[2] + lanes - 1) / lanes * lanes) +
                      static_cast<double>((a.k[2] - 1) * a.d[2] / a.s[2]) + 1.0;
    const double span_d = static_cast<double>(std::min((a.k[0] - 1) * a.d[0] + 1, a.in[0]));
    const double span_h = static_cast<double>(std::min((a.k[1] - 1) * a.d[1] + 1, a.in[1]));
    const double cache_bytes = span_d * span_h * static_cast<double>(a.s[2]) * wq * 4.0;
    return cache_bytes <= 4.0 * 1024 * 1024;
}

/**
 * Whether a planar pool() call runs on pool_box_rows (conv4j_direct.inc), a box filter: average
 * pooling of stride 1 in H and W without a D window, KH <= POOL_BOX_MAX_KH, when its block of
 * padded rows stays small.
 * Part of the fast path (poolFastPath(false) turns it off with the rest).
 */
static bool use_pool_box_path(const PoolArgs& a, bool with_indices, int lanes) {
    if (!g_pool_fast.load(std::memory_order_relaxed) || with_indices || a.kind != POOL_AVG || a.in[0] != 1 ||
        a.k[0] != 1 || a.s[1] != 1 || a.s[2] != 1 || a.k[1] > POOL_BOX_MAX_KH) {
        return false;
    }
    const double columns = static_cast<double>((a.out[2] + lanes - 1) / lanes * lanes);
    return static_cast<double>(POOL_BOX_ROWS + a.k[1]) * columns * 4.0 <= 4.0 * 1024 * 1024;
}

/**
 * depthwise_conv for weights with an infinity or NaN, and for huge dilations: plain loops over
 * the taps that land in the input (the vector path multiplies padding taps by zero, which is
 * the same for finite weights only, and caches rows as wide as the dilated kernel).
 */
static void dw_items_exact(const DwArgs& a, int64_t i0, int64_t i1) {
    const int64_t ID = a.in[0], IH = a.in[1], IW = a.in[2];
    const int64_t OD = a.out[0], OH = a.out[1], OW = a.out[2];
    const int64_t KD = a.k[0], KH = a.k[1], KW = a.k[2];
    const int64_t C = a.channels, M = a.multiplier;
    const int64_t plane_out = OD * OH * OW;
    for (int64_t i = i0; i < i1; i++) {
        const int64_t oh = i % OH, od = (i / OH) % OD, plane = i / (OD * OH);
        const int64_t n = plane / C, c = plane % C;
        const float* src = a.in_data + plane * ID * IH * IW;
        for (int64_t j = 0; j < M; j++) {
            const int64_t oc = c * M + j;
            const float* w = a.weight + oc * KD * KH * KW;
            float* out = a.out_data + (n * C * M + oc) * plane_out + (od * OH + oh) * OW;
            for (int64_t ow = 0; ow < OW; ow++) {
                float acc = a.bias != nullptr ? a.bias[oc] : 0.0f;
                for (int64_t kd = 0; kd < KD; kd++) {
                    const int64_t id = od * a.s[0] - a.p[0] + kd * a.d[0];
                    if (id < 0 || id >= ID) {
                        continue;
                    }
                    for (int64_t kh = 0; kh < KH; kh++) {
                        const int64_t ih = oh * a.s[1] - a.p[1] + kh * a.d[1];
                        if (ih < 0 || ih >= IH) {
                            continue;
                        }
                        for (int64_t kw = 0; kw < KW; kw++) {
                            const int64_t iw = ow * a.s[2] - a.p[2] + kw * a.d[2];
                            if (iw >= 0 && iw < IW) {
                                acc += src[(id * IH + ih) * IW + iw] * w[(kd * KH + kh) * KW + kw];
                            }
                        }
                    }
                }
                out[ow] = a.relu && acc < 0.0f ? 0.0f : acc;
            }
        }
    }
}

}  // namespace detail

// ---------------------------------------------------------------------------------------
// Entry points

const char* isa() { return detail::active()->name; }

const char* select_isa(const char* name) {
    if (name == nullptr || std::strcmp(name, "auto") == 0) {
        detail::g_isa.store(detail::best_isa(), std::memory_order_release);
    } else {
        for (const detail::Isa& i : detail::kIsas) {
            if (std::strcmp(i.name, name) == 0 && i.supported()) {
                detail::g_isa.store(&i, std::memory_order_release);
            }
        }
    }
    return isa();
}

void pool_step_aside() { detail::ThreadPool::get().step_aside(); }

int pool_fast_path(int enable) {
    if (enable == 0 || enable == 1) {
        detail::g_pool_fast.store(enable == 1, std::memory_order_relaxed);
    }
    return detail::g_pool_fast.load(std::memory_order_relaxed) ? 1 : 0;
}

int pad(int mode, const int64_t* desc, const float* in, float* out, int threads) {
    using namespace detail;
    if (desc == nullptr || mode < PAD_ZEROS || mode > PAD_CIRCULAR || !valid_threads(threads)) {
        return STATUS_BAD_ARGUMENT;
    }
    const int64_t planes = desc[PAD_DESC_PLANES];
    int64_t isz[3], osz[3], before[3];
    for (int i = 0; i < 3; i++) {
        isz[i] = desc[PAD_DESC_IN + i];
        before[i] = desc[PAD_DESC_BEFORE + i];
        const int64_t after = desc[PAD_DESC_AFTER + i];
        if (isz[i] < 0 || before[i] < 0 || after < 0 || isz[i] > (int64_t{1} << 40) || before[i] > (int64_t{1} << 40) ||
            after > (int64_t{1} << 40)) {
            return STATUS_BAD_ARGUMENT;
        }
        osz[i] = isz[i] + before[i] + after;
        const bool padded = before[i] > 0 || after > 0;
        if (mode == PAD_REFLECT && padded && (before[i] >= isz[i] || after >= isz[i])) {
            return STATUS_BAD_ARGUMENT;
        }
        if (mode == PAD_CIRCULAR && padded && (before[i] > isz[i] || after > isz[i] || isz[i] == 0)) {
            return STATUS_BAD_ARGUMENT;
        }
        if (mode == PAD_REPLICATE && padded && isz[i] == 0) {
            return STATUS_BAD_ARGUMENT;
        }
    }
    int64_t in_plane = 0, out_plane = 0, total = 0;
    if (planes < 0 || !checked_product(isz, 3, in_plane) || !checked_product(osz, 3, out_plane) ||
        !checked_mul(planes, out_plane, total)) {
        return STATUS_BAD_ARGUMENT;
    }
    if (total == 0) {
        return STATUS_OK;
    }
    if (in == nullptr || out == nullptr) {
        return STATUS_BAD_ARGUMENT;
    }
    const int64_t OD = osz[0], OH = osz[1], OW = osz[2];
    const int64_t ID = isz[0], IH = isz[1], IW = isz[2];
    const int64_t BD = before[0], BH = before[1], BW = before[2];
    auto body = [&](int64_t r0, int64_t r1) {
        for (int64_t r = r0; r < r1; r++) {
            const int64_t plane = r / (OD * OH);
            const int64_t rem = r - plane * OD * OH;
            const int64_t od = rem / OH, oh = rem - (rem / OH) * OH;
            float* o = out + r * OW;
            const int64_t sd = in_plane == 0 ? -1 : pad_source(mode, od, ID, BD);
            const int64_t sh = in_plane == 0 ? -1 : pad_source(mode, oh, IH, BH);
            if (sd < 0 || sh < 0) {
                std::memset(o, 0, static_cast<size_t>(OW) * sizeof(float));
                continue;
            }
            const float* s = in + plane * in_plane + (sd * IH + sh) * IW;
            for (int64_t w = 0; w < BW; w++) {
                const int64_t sw = pad_source(mode, w, IW, BW);
                o[w] = sw < 0 ? 0.0f : s[sw];
            }
            std::memcpy(o + BW, s, static_cast<size_t>(IW) * sizeof(float));
            for (int64_t w = BW + IW; w < OW; w++) {
                const int64_t sw = pad_source(mode, w, IW, BW);
                o[w] = sw < 0 ? 0.0f : s[sw];
            }
        }
    };
    return parallel_for(threads, planes * OD * OH, static_cast<double>(OW), body) ? STATUS_OK : STATUS_OUT_OF_MEMORY;
}

int pool(int kind, const int64_t* desc, double norm_type, const float* in, float* out, int64_t* indices,
         int threads) {
    using namespace detail;
    if (desc == nullptr || kind < POOL_MAX || kind > POOL_LP || !valid_threads(threads)) {
        return STATUS_BAD_ARGUMENT;
    }
    PoolArgs a{};
    a.kind = kind;
    a.planes = desc[POOL_DESC_PLANES];
    for (int i = 0; i < 3; i++) {
        a.in[i] = desc[POOL_DESC_IN + i];
        a.out[i] = desc[POOL_DESC_OUT + i];
        a.k[i] = desc[POOL_DESC_KERNEL + i];
        a.s[i] = desc[POOL_DESC_STRIDE + i];
        a.p[i] = desc[POOL_DESC_PAD + i];
        a.d[i] = desc[POOL_DESC_DILATION + i];
        if (a.in[i] < 1 || a.out[i] < 0 || a.k[i] < 1 || a.s[i] < 1 || a.p[i] < 0 || a.d[i] < 1 ||
            a.k[i] > INT32_MAX || a.s[i] > INT32_MAX || a.p[i] > INT32_MAX || a.d[i] > INT32_MAX) {
            return STATUS_BAD_ARGUMENT;
        }
        if (kind != POOL_MAX && a.d[i] != 1) {
            return STATUS_BAD_ARGUMENT;
        }
        if (kind == POOL_LP && a.p[i] != 0) {
            return STATUS_BAD_ARGUMENT;
        }
    }
    a.count_include_pad = kind == POOL_LP || desc[POOL_DESC_COUNT_INCLUDE_PAD] != 0;
    a.divisor_override = kind == POOL_AVG ? desc[POOL_DESC_DIVISOR_OVERRIDE] : 0;
    const int64_t layout = desc[POOL_DESC_CHANNELS_LAST];
    const bool channels_last = layout == 1;
    a.channels = channels_last ? desc[POOL_DESC_CHANNELS] : 1;
    int64_t in_plane = 0, out_plane = 0, total = 0, in_total = 0;
    if (a.planes < 0 || !checked_product(a.in, 3, in_plane) || !checked_product(a.out, 3, out_plane) ||
        !checked_mul(a.planes, out_plane, total) || !checked_mul(a.planes, in_plane, in_total) ||
        in_plane > INT32_MAX) {
        return STATUS_BAD_ARGUMENT;
    }
    // channels-last: planes = N * C (C = 0 only with no planes)
    if ((layout != 0 && layout != 1) || a.channels < 0 || (a.channels == 0 && a.planes != 0) ||
        (a.channels > 0 && a.planes % a.channels != 0)) {
        return STATUS_BAD_ARGUMENT;
    }
    if (kind != POOL_MAX && indices != nullptr) {
        return STATUS_BAD_ARGUMENT;
    }
    if (total == 0) {
        return STATUS_OK;
    }
    if (in == nullptr || out == nullptr) {
        return STATUS_BAD_ARGUMENT;
    }
    a.pre_mode = 0;
    if (kind == POOL_LP) {
        a.pre_op = pow_op_for(norm_type);
        a.pre_exp = static_cast<float>(norm_type);
        a.pre_mode = a.pre_op == POW_ONE ? 0 : a.pre_op == POW_TWO ? 1 : 2;
        const double inv = 1.0 / norm_type;
        a.post_op = pow_op_for(inv);
        a.post_exp = static_cast<float>(inv);
        a.kvol = static_cast<float>(a.k[0] * a.k[1] * a.k[2]);
    }
    a.in_data = in;
    a.out_data = out;
    a.idx_data = indices;
    const Isa* isa = active();
    const double taps = static_cast<double>(a.k[0]) * static_cast<double>(a.k[1]) * static_cast<double>(a.k[2]);
    if (channels_last) {
        const int64_t positions = a.planes / a.channels * out_plane;
        auto body = [&](int64_t p0, int64_t p1) { isa->pool_cl_positions(a, p0, p1); };
        return parallel_for(threads, positions, static_cast<double>(a.channels) * taps, body) ? STATUS_OK
                                                                                               : STATUS_OUT_OF_MEMORY;
    }
    const int64_t rows = a.planes * a.out[0] * a.out[1];
    if (use_pool_box_path(a, indices != nullptr, isa->lanes)) {
        auto body = [&](int64_t r0, int64_t r1) { isa->pool_box_rows(a, r0, r1); };
        return parallel_for(threads, rows, static_cast<double>(a.out[2]) * (a.k[1] + a.k[2]), body)
                   ? STATUS_OK
                   : STATUS_OUT_OF_MEMORY;
    }
    if (use_pool_fast_path(a, indices != nullptr, isa->lanes)) {
        auto body = [&](int64_t r0, int64_t r1) { isa->pool_fast_rows(a, r0, r1); };
        return parallel_for(threads, rows, static_cast<double>(a.out[2]) * taps, body) ? STATUS_OK
                                                                                        : STATUS_OUT_OF_MEMORY;
    }
    auto body = [&](int64_t r0, int64_t r1) { isa->pool_rows(a, r0, r1); };
    return parallel_for(threads, rows, static_cast<double>(a.out[2]) * taps, body) ? STATUS_OK : STATUS_OUT_OF_MEMORY;
}

int depthwise_conv(const int64_t* desc, const float* in, const float* weight, const float* bias, float* out,
                   int threads) {
    using namespace detail;
    if (desc == nullptr || !valid_threads(threads)) {
        return STATUS_BAD_ARGUMENT;
    }
    DwArgs a{};
    const int64_t batch = desc[DW_DESC_BATCH];
    a.channels = desc[DW_DESC_CHANNELS];
    a.multiplier = desc[DW_DESC_MULTIPLIER];
    const int64_t relu = desc[DW_DESC_RELU];
    for (int i = 0; i < 3; i++) {
        a.in[i] = desc[DW_DESC_IN + i];
        a.out[i] = desc[DW_DESC_OUT + i];
        a.k[i] = desc[DW_DESC_KERNEL + i];
        a.s[i] = desc[DW_DESC_STRIDE + i];
        a.p[i] = desc[DW_DESC_PAD + i];
        a.d[i] = desc[DW_DESC_DILATION + i];
        if (a.in[i] < 1 || a.in[i] > INT32_MAX || a.out[i] < 0 || a.k[i] < 1 || a.s[i] < 1 || a.p[i] < 0 ||
            a.d[i] < 1 || a.k[i] > INT32_MAX || a.s[i] > INT32_MAX || a.p[i] > INT32_MAX || a.d[i] > INT32_MAX) {
            return STATUS_BAD_ARGUMENT;
        }
    }
    if (batch < 0 || a.channels < 0 || a.multiplier < 1 || (relu != 0 && relu != 1)) {
        return STATUS_BAD_ARGUMENT;
    }
    a.relu = relu == 1;
    int64_t in_plane = 0, out_plane = 0, taps = 0, planes = 0, out_channels = 0, total = 0, in_total = 0, span = 0;
    if (!checked_product(a.in, 3, in_plane) || !checked_product(a.out, 3, out_plane) ||
        !checked_product(a.k, 3, taps) || !checked_mul(batch, a.channels, planes) ||
        !checked_mul(a.channels, a.multiplier, out_channels) || !checked_mul(planes * a.multiplier, out_plane, total) ||
        !checked_mul(planes, in_plane, in_total) || !checked_mul(out_channels, taps, span) ||
        !checked_mul(a.s[2], a.out[2] + 64, span) || !checked_mul((a.k[2] - 1), a.d[2], span)) {
        return STATUS_BAD_ARGUMENT;
    }
    if (total == 0) {
        return STATUS_OK;
    }
    if (in == nullptr || weight == nullptr || out == nullptr) {
        return STATUS_BAD_ARGUMENT;
    }
    a.in_data = in;
    a.weight = weight;
    a.bias = bias;
    a.out_data = out;
    bool finite = true;
    for (int64_t i = 0; i < out_channels * taps; i++) {
        finite = finite && std::isfinite(weight[i]);
    }
    const Isa* isa = active();
    // The vector path's cached rows span every tap of a row ((KW-1)*DW/SW past the outputs):
    // huge dilations run on the exact path, which reads the taps in place.
    const double wq = static_cast<double>((a.out[2] + isa->lanes - 1) / isa->lanes * isa->lanes + 16) +
                      static_cast<double>((a.k[2] - 1) * a.d[2] / a.s[2]) + 1.0;
    const double span_d = static_cast<double>(std::min((a.k[0] - 1) * a.d[0] + 1, a.in[0]));
    const double span_h = static_cast<double>(std::min((a.k[1] - 1) * a.d[1] + 1 + 4, a.in[1]));
    const bool small_rows = 4.0 * span_d * span_h * static_cast<double>(a.s[2]) * wq * 4.0 <= 16.0 * 1024 * 1024;
    const int64_t items = planes * a.out[0] * a.out[1];
    const double cost = static_cast<double>(a.multiplier) * static_cast<double>(a.out[2]) * static_cast<double>(taps);
    if (!finite || !small_rows) {
        auto body = [&](int64_t i0, int64_t i1) { dw_items_exact(a, i0, i1); };
        return parallel_for(threads, items, cost, body) ? STATUS_OK : STATUS_OUT_OF_MEMORY;
    }
    auto body = [&](int64_t i0, int64_t i1) { isa->dw_items(a, i0, i1); };
    return parallel_for(threads, items, cost, body) ? STATUS_OK : STATUS_OUT_OF_MEMORY;
}

namespace detail {

/**
 * The tiled transpose of `batches` rows x cols matrices: element (r, c) of matrix b at
 * in[b * in_batch + r * ldi + c] goes to out[b * out_batch + c * ldo + r]. Sizes checked by the caller.
 */
static int transpose_tiles(int elem_size, int64_t batches, int64_t rows, int64_t cols, const char* src, int64_t ldi,
                           int64_t in_batch, char* dst, int64_t ldo, int64_t out_batch, int threads) {
    // Tiles of 64 rows x 32 columns: each output row gets a run of 64 elements (whole cache
    // lines), which measured clearly faster than 32 x 32 for HW x C -> C x HW. When one side is
    // short the other grows, so that a tile still moves ~2K elements (C = 3: tiles of 3 x 680).
    const int64_t base_r = 64, base_c = 32, area = 2048;
    int64_t tr = std::min(rows, base_r), tc = std::min(cols, base_c);
    if (rows < base_r) {
        tc = std::min(cols, std::max(base_c, area / rows / 8 * 8));
    } else if (cols < base_c) {
        tr = std::min(rows, std::max(base_r, area / cols / 8 * 8));
    }
    const int64_t nrt = (rows + tr - 1) / tr, nct = (cols + tc - 1) / tc;
    const Isa* isa = active();
    const TileFn tile = elem_size == 4 ? isa->transpose_tile4 : isa->transpose_tile8;
    auto body = [&](int64_t t0, int64_t t1) {
        // tile t = (b * nrt + rt) * nct + ct: consecutive tiles share their input rows
        int64_t ct = t0 % nct, rt = (t0 / nct) % nrt, b = t0 / (nct * nrt);
        for (int64_t t = t0; t < t1; t++) {
            const int64_t r0 = rt * tr, c0 = ct * tc;
            // a tile function's "rows" and "cols" are the output's and the input's row strides
            tile(src + b * in_batch * elem_size, dst + b * out_batch * elem_size, ldo, ldi, r0,
                 std::min(r0 + tr, rows), c0, std::min(c0 + tc, cols));
            if (++ct == nct) {
                ct = 0;
                if (++rt == nrt) {
                    rt = 0;
                    ++b;
                }
            }
        }
    };
    return parallel_for(threads, batches * nrt * nct, static_cast<double>(tr * tc), body) ? STATUS_OK
                                                                                          : STATUS_OUT_OF_MEMORY;
}

}  // namespace detail

int transpose(int elem_size, int64_t batches, int64_t rows, int64_t cols, const void* in, void* out, int threads) {
    using namespace detail;
    const int64_t dims[3] = {batches, rows, cols};
    int64_t total = 0;
    if ((elem_size != 4 && elem_size != 8) || !valid_threads(threads) || !checked_product(dims, 3, total) ||
        total > (int64_t{1} << 62) / elem_size) {
        return STATUS_BAD_ARGUMENT;
    }
    if (total == 0) {
        return STATUS_OK;
    }
    if (in == nullptr || out == nullptr) {
        return STATUS_BAD_ARGUMENT;
    }
    const char* src = static_cast<const char*>(in);
    char* dst = static_cast<char*>(out);
    if (rows == 1 || cols == 1) {
        // a vector's transpose has the same bytes: copy in chunks of 64K elements
        const int64_t chunk = 1 << 16;
        auto body = [&](int64_t i0, int64_t i1) {
            const int64_t b = i0 * chunk * elem_size, e = std::min(i1 * chunk, total) * elem_size;
            std::memcpy(dst + b, src + b, static_cast<size_t>(e - b));
        };
        return parallel_for(threads, (total + chunk - 1) / chunk, static_cast<double>(chunk), body)
                   ? STATUS_OK
                   : STATUS_OUT_OF_MEMORY;
    }
    return transpose_tiles(elem_size, batches, rows, cols, src, cols, rows * cols, dst, rows, rows * cols, threads);
}

int adaptive_pool(int kind, const int64_t* desc, const float* in, float* out, int64_t* indices, int threads) {
    using namespace detail;
    if (desc == nullptr || (kind != POOL_MAX && kind != POOL_AVG) || !valid_threads(threads)) {
        return STATUS_BAD_ARGUMENT;
    }
    AdaptiveArgs a{};
    a.kind = kind;
    a.planes = desc[ADAPTIVE_DESC_PLANES];
    for (int i = 0; i < 3; i++) {
        a.in[i] = desc[ADAPTIVE_DESC_IN + i];
        a.out[i] = desc[ADAPTIVE_DESC_OUT + i];
        if (a.in[i] < 1 || a.out[i] < 0 || a.out[i] > (int64_t{1} << 31)) {
            return STATUS_BAD_ARGUMENT;
        }
    }
    int64_t in_plane = 0, out_plane = 0, total = 0;
    if (a.planes < 0 || !checked_product(a.in, 3, in_plane) || !checked_product(a.out, 3, out_plane) ||
        !checked_mul(a.planes, out_plane, total) || in_plane > INT32_MAX) {
        return STATUS_BAD_ARGUMENT;
    }
    if (kind != POOL_MAX && indices != nullptr) {
        return STATUS_BAD_ARGUMENT;
    }
    if (total == 0) {
        return STATUS_OK;
    }
    if (in == nullptr || out == nullptr) {
        return STATUS_BAD_ARGUMENT;
    }
    const Isa* isa = active();
    if (kind == POOL_AVG && out_plane == 1) {
        // global average: one sum per plane
        a.in_data = in;
        a.out_data = out;
        auto body = [&](int64_t p0, int64_t p1) { isa->plane_means(a, p0, p1); };
        return parallel_for(threads, a.planes, static_cast<double>(in_plane), body) ? STATUS_OK : STATUS_OUT_OF_MEMORY;
    }
    const bool whole = a.in[0] % a.out[0] == 0 && a.in[1] % a.out[1] == 0 && a.in[2] % a.out[2] == 0;
    if (whole && a.out[2] >= isa->lanes) {
        // Equal windows that tile the input: plain pooling with kernel = stride = in / out, which
        // vectorises across outputs; the same taps in the same order, the same divisions.
        PoolArgs p{};
        p.kind = kind;
        p.planes = a.planes;
        for (int i = 0; i < 3; i++) {
            p.in[i] = a.in[i];
            p.out[i] = a.out[i];
            p.k[i] = p.s[i] = a.in[i] / a.out[i];
            p.p[i] = 0;
            p.d[i] = 1;
        }
        p.count_include_pad = true;
        p.adaptive_divide = true;
        p.in_data = in;
        p.out_data = out;
        p.idx_data = indices;
        const int64_t rows = p.planes * p.out[0] * p.out[1];
        const double taps = static_cast<double>(p.k[0]) * static_cast<double>(p.k[1]) * static_cast<double>(p.k[2]);
        auto body = [&](int64_t r0, int64_t r1) { isa->pool_rows(p, r0, r1); };
        return parallel_for(threads, rows, static_cast<double>(p.out[2]) * taps, body) ? STATUS_OK
                                                                                        : STATUS_OUT_OF_MEMORY;
    }
    a.in_data = in;
    a.out_data = out;
    a.idx_data = indices;
    const int64_t rows = a.planes * a.out[0] * a.out[1];
    // Per row: about (window d * window h) input rows of IW (+ OW for the overlaps).
    const double wd = static_cast<double>(a.in[0]) / static_cast<double>(a.out[0]) + 1.0;
    const double wh = static_cast<double>(a.in[1]) / static_cast<double>(a.out[1]) + 1.0;
    const double cost = wd * wh * static_cast<double>(a.in[2] + a.out[2]);
    auto body = [&](int64_t r0, int64_t r1) { isa->adaptive_rows(a, r0, r1); };
    return parallel_for(threads, rows, cost, body) ? STATUS_OK : STATUS_OUT_OF_MEMORY;
}

namespace detail {
/**
 * One output row of place_patches() and add_bias(): the KW source rows interleaved (w * KW + k),
 * plus b, then torch.relu (x < 0 -> +0; NaN and -0.0 stay).
 */
template <bool kBias, bool kRelu>
static void place_row(const float* const* src, int64_t KW, int64_t W, float b, float* row) {
    auto fin = [b](float v) {
        if (kBias) {
            v += b;  // without bias nothing is added: + 0 would turn -0.0 into +0.0
        }
        return kRelu ? (v < 0.0f ? 0.0f : v) : v;
    };
    if (KW == 1) {
        const float* s0 = src[0];
        for (int64_t w = 0; w < W; w++) {
            row[w] = fin(s0[w]);
        }
    } else if (KW == 2) {  // the common 2x2 / stride 2 upsampling: two rows interleaved
        const float* s0 = src[0];
        const float* s1 = src[1];
        for (int64_t w = 0; w < W; w++) {
            row[2 * w] = fin(s0[w]);
            row[2 * w + 1] = fin(s1[w]);
        }
    } else {
        for (int64_t w = 0; w < W; w++) {
            for (int64_t k = 0; k < KW; k++) {
                row[w * KW + k] = fin(src[k][w]);
            }
        }
    }
}

/** place_row() with the bias (nullable: none) and the ReLU chosen at run time. */
static void place_row(const float* const* src, int64_t KW, int64_t W, const float* bias, bool relu, float* row) {
    if (bias == nullptr) {
        relu ? place_row<false, true>(src, KW, W, 0.0f, row) : place_row<false, false>(src, KW, W, 0.0f, row);
    } else {
        relu ? place_row<true, true>(src, KW, W, *bias, row) : place_row<true, false>(src, KW, W, *bias, row);
    }
}
}  // namespace detail

int add_bias(int64_t batches, int64_t channels, int64_t plane, const float* bias, float* data, int relu,
             int threads) {
    using namespace detail;
    const int64_t dims[3] = {batches, channels, plane};
    int64_t total = 0;
    if (!valid_threads(threads) || (relu != 0 && relu != 1) || !checked_product(dims, 3, total)) {
        return STATUS_BAD_ARGUMENT;
    }
    if (total == 0) {
        return STATUS_OK;
    }
    if (data == nullptr) {
        return STATUS_BAD_ARGUMENT;
    }
    if (bias == nullptr && relu == 0) {
        return STATUS_OK;  // nothing to add
    }
    auto body = [&](int64_t r0, int64_t r1) {
        for (int64_t r = r0; r < r1; r++) {  // in place: a row is its own single source row
            float* row = data + r * plane;
            const float* src = row;
            place_row(&src, 1, plane, bias == nullptr ? nullptr : bias + r % channels, relu != 0, row);
        }
    };
    return parallel_for(threads, batches * channels, static_cast<double>(plane), body) ? STATUS_OK
                                                                                        : STATUS_OUT_OF_MEMORY;
}

int place_patches(int64_t channels, const int64_t* kernel, const int64_t* in, const float* patches, const float* bias,
                  float* out, int relu, int threads) {
    using namespace detail;
    if (kernel == nullptr || in == nullptr || !valid_threads(threads) || (relu != 0 && relu != 1)) {
        return STATUS_BAD_ARGUMENT;
    }
    const int64_t dims[7] = {channels, kernel[0], kernel[1], kernel[2], in[0], in[1], in[2]};
    int64_t total = 0;
    if (!checked_product(dims, 7, total)) {
        return STATUS_BAD_ARGUMENT;
    }
    if (total == 0) {
        return STATUS_OK;
    }
    if (patches == nullptr || out == nullptr) {
        return STATUS_BAD_ARGUMENT;
    }
    const int64_t KD = kernel[0], KH = kernel[1], KW = kernel[2], D = in[0], H = in[1], W = in[2];
    const int64_t OD = D * KD, OH = H * KH, OW = W * KW, plane = D * H * W;
    auto body = [&](int64_t r0, int64_t r1) {
        std::vector<const float*> src(static_cast<size_t>(KW));
        for (int64_t r = r0; r < r1; r++) {  // output row (c, od, oh)
            const int64_t oh = r % OH, od = (r / OH) % OD, c = r / (OH * OD);
            const int64_t d = od / KD, i = od % KD, h = oh / KH, j = oh % KH;
            for (int64_t k = 0; k < KW; k++) {
                src[static_cast<size_t>(k)] = patches + (((c * KD + i) * KH + j) * KW + k) * plane + (d * H + h) * W;
            }
            place_row(src.data(), KW, W, bias == nullptr ? nullptr : bias + c, relu != 0, out + r * OW);
        }
    };
    return parallel_for(threads, channels * OD * OH, static_cast<double>(OW), body) ? STATUS_OK
                                                                                    : STATUS_OUT_OF_MEMORY;
}

int max_unpool(const int64_t* desc, const float* in, const int64_t* indices, float* out, int64_t* bad_index,
               int threads) {
    using namespace detail;
    if (desc == nullptr || bad_index == nullptr || !valid_threads(threads)) {
        return STATUS_BAD_ARGUMENT;
    }
    const int64_t planes = desc[UNPOOL_DESC_PLANES];
    const int64_t in_plane = desc[UNPOOL_DESC_IN_PLANE];
    const int64_t out_plane = desc[UNPOOL_DESC_OUT_PLANE];
    int64_t in_total = 0, out_total = 0;
    if (planes < 0 || in_plane < 0 || out_plane < 0 ||
        !checked_mul(planes, in_plane, in_total) ||
        !checked_mul(planes, out_plane, out_total)) {
        return STATUS_BAD_ARGUMENT;
    }
    if (in_total == 0) {
        return STATUS_OK;
    }
    if (in == nullptr || indices == nullptr || (out == nullptr && out_total > 0)) {
        return STATUS_BAD_ARGUMENT;
    }
    // Flat input position of the last invalid index (ATen's serial loop reports the last one).
    std::atomic<int64_t> last_bad{-1};
    auto body = [&](int64_t p0, int64_t p1) {
        for (int64_t p = p0; p < p1; p++) {
            const float* src = in + p * in_plane;
            const int64_t* ind = indices + p * in_plane;
            float* dst = out + p * out_plane;
            int64_t bad = -1;
            for (int64_t i = 0; i < in_plane; i++) {
                const int64_t k = ind[i];
                if (k < 0 || k >= out_plane) {
                    bad = i;
                } else {
                    dst[k] = src[i];
                }
            }
            if (bad >= 0) {
                const int64_t pos = p * in_plane + bad;
                int64_t prev = last_bad.load(std::memory_order_relaxed);
                while (pos > prev && !last_bad.compare_exchange_weak(prev, pos, std::memory_order_relaxed)) {
                }
            }
        }
    };
    if (!parallel_for(threads, planes, static_cast<double>(in_plane) * 2.0, body)) {
        return STATUS_OUT_OF_MEMORY;
    }
    const int64_t bad = last_bad.load();
    if (bad >= 0) {
        *bad_index = indices[bad];
        return STATUS_INVALID_INDEX;
    }
    return STATUS_OK;
}

double peak_gflops(int threads, double seconds) {
    using namespace detail;
    if (!valid_threads(threads) || !(seconds > 0.0) || seconds > 600.0) {
        return -1.0;
    }
    using Clock = std::chrono::steady_clock;
    const Isa* isa = active();
    const int64_t batch = 1 << 14;  // FMA rounds between clock reads (~0.1-1 ms)
    const double warmup = std::min(0.2 * seconds, 0.1);
    const auto start = Clock::now() + std::chrono::milliseconds(5);  // all threads start together
    auto after = [&](double s) { return start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s)); };
    const auto measure_from = after(warmup);
    const auto stop = after(seconds);
    std::vector<double> rate(static_cast<size_t>(threads), 0.0);
    std::vector<float> sink(static_cast<size_t>(threads), 0.0f);
    auto run = [&](int t) {
        while (Clock::now() < start) {
        }
        float acc = 0.0f;
        while (Clock::now() < measure_from) {
            acc += isa->fma_loop(batch, 1.0f + acc * 1e-9f);
        }
        // The best rate over windows of ~20 ms: a thread the OS preempts for a while (a shared
        // machine) still reports what the core sustains when it runs.
        const double flops_per_batch = static_cast<double>(batch) * FMA_CHAINS * isa->lanes * 2.0;
        const auto window = std::chrono::milliseconds(20);
        auto w0 = Clock::now();
        int64_t batches = 0;
        double best = 0.0;
        auto t1 = w0;
        do {
            acc += isa->fma_loop(batch, 1.0f + acc * 1e-9f);
            batches++;
            t1 = Clock::now();
            if (t1 - w0 >= window || t1 >= stop) {
                const double secs = std::chrono::duration<double>(t1 - w0).count();
                best = std::max(best, static_cast<double>(batches) * flops_per_batch / secs);
                w0 = t1;
                batches = 0;
            }
        } while (t1 < stop);
        rate[static_cast<size_t>(t)] = best;
        sink[static_cast<size_t>(t)] = acc;
    };
    std::vector<std::thread> pool;
    try {
        for (int t = 1; t < threads; t++) {
            pool.emplace_back(run, t);
        }
    } catch (...) {
        for (std::thread& th : pool) {
            th.join();
        }
        return -1.0;
    }
    run(0);
    for (std::thread& th : pool) {
        th.join();
    }
    double total = 0.0;
    for (int t = 0; t < threads; t++) {
        total += rate[static_cast<size_t>(t)] + (sink[static_cast<size_t>(t)] == 12345.0f ? 1e-30 : 0.0);
    }
    return total / 1e9;
}

int32_t abs_max_bits(const float* x, int64_t n) {
    // Unsigned integer maxima of the masked bits: the compiler vectorises this loop.
    uint32_t m = 0;
    for (int64_t i = 0; i < n; ++i) {
        uint32_t bits;
        std::memcpy(&bits, x + i, sizeof bits);
        bits &= 0x7fffffffu;
        m = bits > m ? bits : m;
    }
    return static_cast<int32_t>(m);
}

namespace detail {

/** What run_bands() calls in the OpenMP runtime and the oneDNN library already loaded in the process. */
struct BandRuntime {
    void (*parallel)(void (*)(void*), void*, unsigned, unsigned) = nullptr;  // GOMP_parallel
    int (*execute)(void*, void*, int, const void*) = nullptr;               // dnnl_primitive_execute
    int (*wait)(void*) = nullptr;                                           // dnnl_stream_wait
    bool ok() const { return parallel != nullptr && execute != nullptr && wait != nullptr; }
};

static BandRuntime find_band_runtime() {
    BandRuntime r;
#if defined(__linux__)
    // RTLD_NOLOAD: only libraries already loaded (by the oneDNN preset); the handles stay open.
    void* gomp = dlopen("libgomp.so.1", RTLD_LAZY | RTLD_NOLOAD);
    void* dnnl = dlopen("libdnnl.so.3", RTLD_LAZY | RTLD_NOLOAD);
    if (gomp == nullptr || dnnl == nullptr) {
        for (void* h : {gomp, dnnl}) {
            if (h != nullptr) {
                dlclose(h);
            }
        }
        return r;
    }
    r.parallel = reinterpret_cast<void (*)(void (*)(void*), void*, unsigned, unsigned)>(dlsym(gomp, "GOMP_parallel"));
    r.execute = reinterpret_cast<int (*)(void*, void*, int, const void*)>(dlsym(dnnl, "dnnl_primitive_execute"));
    r.wait = reinterpret_cast<int (*)(void*)>(dlsym(dnnl, "dnnl_stream_wait"));
#endif
    return r;
}

/** The runtime once found (a lookup that finds nothing, e.g. before oneDNN is loaded, is not kept). */
static BandRuntime band_runtime() {
    static std::mutex lock;
    static BandRuntime found;
    static std::atomic<bool> ok{false};
    if (ok.load(std::memory_order_acquire)) {
        return found;
    }
    std::lock_guard<std::mutex> hold(lock);
    if (!ok.load(std::memory_order_relaxed)) {
        BandRuntime r = find_band_runtime();
        if (!r.ok()) {
            return r;
        }
        found = r;
        ok.store(true, std::memory_order_release);
    }
    return found;
}

struct BandsArgs {
    int count;
    const int64_t* geometry;
    const int64_t* pointers;
    const int* nargs;
    const BandRuntime* rt;
    std::atomic<int> next{0};
    std::atomic<int> status{STATUS_OK};
};

/** One thread of the team: claims bands until none is left (or one failed). */
static void run_band_parts(void* data) {
    BandsArgs& a = *static_cast<BandsArgs*>(data);
    for (int i = a.next.fetch_add(1); i < a.count; i = a.next.fetch_add(1)) {
        if (a.status.load(std::memory_order_relaxed) != STATUS_OK) {
            return;
        }
        const int64_t* g = a.geometry + i * BAND_GEOMETRY_SIZE;
        const int64_t* p = a.pointers + i * BAND_POINTERS_SIZE;
        const char* in = reinterpret_cast<const char*>(p[BAND_IN]);
        char* src = reinterpret_cast<char*>(p[BAND_SRC]);
        int st = transpose_tiles(4, 1, g[BAND_IN_ROWS], g[BAND_IN_COLS], in, g[BAND_IN_LD], 0, src, g[BAND_IN_ROWS], 0, 1);
        if (st == STATUS_OK) {
            void* stream = reinterpret_cast<void*>(p[BAND_STREAM]);
            if (a.rt->execute(reinterpret_cast<void*>(p[BAND_PRIMITIVE]), stream, a.nargs[i],
                              reinterpret_cast<const void*>(p[BAND_ARGS])) != 0 ||
                a.rt->wait(stream) != 0) {
                st = STATUS_PRIMITIVE_FAILED;
            }
        }
        if (st == STATUS_OK) {
            const char* dst = reinterpret_cast<const char*>(p[BAND_DST]);
            char* out = reinterpret_cast<char*>(p[BAND_OUT]);
            st = transpose_tiles(4, 1, g[BAND_OUT_ROWS], g[BAND_OUT_COLS], dst, g[BAND_OUT_COLS], 0, out,
                                 g[BAND_OUT_LD], 0, 1);
        }
        if (st != STATUS_OK) {
            int expected = STATUS_OK;
            a.status.compare_exchange_strong(expected, st);
        }
    }
}

}  // namespace detail

int bands_available() { return detail::band_runtime().ok() ? 1 : 0; }

int run_bands(int count, const int64_t* geometry, const int64_t* pointers, const int* nargs, int threads) {
    using namespace detail;
    if (count < 1 || geometry == nullptr || pointers == nullptr || nargs == nullptr || !valid_threads(threads)) {
        return STATUS_BAD_ARGUMENT;
    }
    for (int i = 0; i < count; i++) {
        const int64_t* g = geometry + i * BAND_GEOMETRY_SIZE;
        const int64_t* p = pointers + i * BAND_POINTERS_SIZE;
        for (int j = 0; j < BAND_GEOMETRY_SIZE; j++) {
            if (g[j] < 1) {
                return STATUS_BAD_ARGUMENT;
            }
        }
        for (int j = 0; j < BAND_POINTERS_SIZE; j++) {
            if (p[j] == 0) {
                return STATUS_BAD_ARGUMENT;
            }
        }
        if (g[BAND_IN_LD] < g[BAND_IN_COLS] || g[BAND_OUT_LD] < g[BAND_OUT_ROWS] || nargs[i] < 1) {
            return STATUS_BAD_ARGUMENT;
        }
    }
    const BandRuntime rt = band_runtime();
    if (!rt.ok()) {
        return STATUS_UNAVAILABLE;
    }
    BandsArgs a;
    a.count = count;
    a.geometry = geometry;
    a.pointers = pointers;
    a.nargs = nargs;
    a.rt = &rt;
    const int team = std::min(threads, count);
    if (team == 1) {
        run_band_parts(&a);
    } else {
        // one OpenMP region on the calling thread's team; oneDNN runs each primitive on one thread inside it
        rt.parallel(run_band_parts, &a, static_cast<unsigned>(team), 0);
    }
    return a.status.load();
}

int set_openmp_threads(int threads) {
    if (threads < 1) {
        return 0;
    }
#if defined(__linux__) || defined(__APPLE__)
    // RTLD_NOLOAD: only find a runtime that is already loaded; never load a second one.
    void* gomp = dlopen("libgomp.so.1", RTLD_LAZY | RTLD_NOLOAD);
    if (gomp == nullptr) {
        return 0;
    }
    auto set = reinterpret_cast<void (*)(int)>(dlsym(gomp, "omp_set_num_threads"));
    if (set != nullptr) {
        set(threads);
    }
    dlclose(gomp);
    return set != nullptr ? 1 : 0;
#else
    return 0;
#endif
}

}  // namespace conv4j

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC pop_options
#endif
