// conv4j native kernels: a thin vector abstraction with one type per instruction set.
//
// Each type offers the same static operations on L float lanes (F), L int32 lanes (I) and a
// lane mask (M). The pooling bodies (conv4j_pool.inc) are written once against this interface
// and compiled once per type, each copy with the matching function target attribute, so the
// one x86-64 library runs on any x86-64 CPU and picks the widest path at run time. On AArch64
// the library carries NEON (Advanced SIMD, part of every AArch64 CPU: no target attribute)
// and scalar.
//
// Lane semantics that the kernels rely on:
//  - max(v, m) returns v only when v > m (ties keep m, a NaN m stays, a NaN v is dropped);
//    max_step / max_step_idx implement PyTorch's rule "take v when v > m or v is NaN".
//  - *_n variants touch only the first n lanes in memory (masked loads and stores never fault
//    on the other lanes); loads fill the other lanes with `fill`.
#ifndef CONV4J_SIMD_H
#define CONV4J_SIMD_H

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

#if (defined(__x86_64__) || defined(_M_X64)) && (defined(__GNUC__) || defined(__clang__))
#define C4J_X86_SIMD 1
// GCC 12's AVX-512 intrinsics initialise their "undefined" vectors from themselves, which
// -Wall reports once inlined (GCC bug 105593, fixed in 12.3 and 13); silence it for them.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <immintrin.h>
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
#else
#define C4J_X86_SIMD 0
#endif

#if defined(__aarch64__) && (defined(__GNUC__) || defined(__clang__))
#define C4J_NEON_SIMD 1
#include <arm_neon.h>
#else
#define C4J_NEON_SIMD 0
#endif

#if defined(__GNUC__) || defined(__clang__)
#define C4J_ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define C4J_ALWAYS_INLINE __forceinline
#endif

#if C4J_X86_SIMD
#define C4J_TARGET_AVX512 __attribute__((target("avx512f,avx2,fma")))
#define C4J_TARGET_AVX2 __attribute__((target("avx2,fma")))
#endif

namespace conv4j {
namespace simd {

/** One lane: the portable path, and the reference for what every lane operation means. */
struct Scalar {
    static constexpr int L = 1;
    using F = float;
    using I = int32_t;
    using M = bool;

    static C4J_ALWAYS_INLINE F set1(float x) { return x; }
    static C4J_ALWAYS_INLINE I set1i(int32_t x) { return x; }
    /** Lane l holds l * s. */
    static C4J_ALWAYS_INLINE I iota(int32_t) { return 0; }
    static C4J_ALWAYS_INLINE I addi(I a, I b) { return a + b; }

    static C4J_ALWAYS_INLINE F loadu(const float* p) { return *p; }
    static C4J_ALWAYS_INLINE F loadu_n(const float* p, int, float) { return *p; }
    /** Lanes p[0], p[2], ..., p[2(L-1)]. */
    static C4J_ALWAYS_INLINE F load_s2(const float* p) { return *p; }
    static C4J_ALWAYS_INLINE F load_s2_n(const float* p, int) { return *p; }
    /** Lanes p[vidx[l]]. */
    static C4J_ALWAYS_INLINE F gather(const float* p, I vidx) { return p[vidx]; }
    static C4J_ALWAYS_INLINE F gather_n(const float* p, I vidx, int) { return p[vidx]; }

    static C4J_ALWAYS_INLINE void storeu(float* p, F v) { *p = v; }
    static C4J_ALWAYS_INLINE void storeu_n(float* p, F v, int) { *p = v; }
    /** Stores base + rel[l] as int64. */
    static C4J_ALWAYS_INLINE void store_idx(int64_t* p, I rel, int64_t base) { *p = base + rel; }
    static C4J_ALWAYS_INLINE void store_idx_n(int64_t* p, I rel, int64_t base, int) { *p = base + rel; }
    static C4J_ALWAYS_INLINE void store_i(int32_t* p, I v) { *p = v; }

    static C4J_ALWAYS_INLINE F add(F a, F b) { return a + b; }
    static C4J_ALWAYS_INLINE F mul(F a, F b) { return a * b; }
    static C4J_ALWAYS_INLINE F fma(F a, F b, F c) { return a * b + c; }
    static C4J_ALWAYS_INLINE F div(F a, F b) { return a / b; }
    static C4J_ALWAYS_INLINE F sqrt(F a) { return std::sqrt(a); }
    static C4J_ALWAYS_INLINE F max(F v, F m) { return v > m ? v : m; }

    /**
     * PyTorch's max step (take v when v > m or v is NaN) in two independent parts: m keeps the
     * maximum of the non-NaN values (first one on ties), nan the last NaN seen;
     * max_result(m, nan) then gives what the sequential rule gives.
     */
    static C4J_ALWAYS_INLINE void max_step(F& m, F& nan, F v) {
        m = v > m ? v : m;
        nan = std::isnan(v) ? v : nan;
    }
    static C4J_ALWAYS_INLINE F max_result(F m, F nan) { return std::isnan(nan) ? nan : m; }
    /** The same step that also carries v's index. */
    static C4J_ALWAYS_INLINE void max_step_idx(F& m, I& idx, F v, I cur) {
        if (v > m || std::isnan(v)) {
            m = v;
            idx = cur;
        }
    }
    static C4J_ALWAYS_INLINE float reduce_add(F a) { return a; }
};

#if C4J_X86_SIMD

/** AVX2 + FMA: 8 lanes; masks are all-ones / all-zeros lanes. */
struct Avx2 {
    static constexpr int L = 8;
    using F = __m256;
    using I = __m256i;
    using M = __m256i;

    C4J_TARGET_AVX2 static C4J_ALWAYS_INLINE M first_n(int n) {
        return _mm256_cmpgt_epi32(_mm256_set1_epi32(n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
    }
    C4J_TARGET_AVX2 static C4J_ALWAYS_INLINE F set1(float x) { return _mm256_set1_ps(x); }
    C4J_TARGET_AVX2 static C4J_ALWAYS_INLINE I set1i(int32_t x) { return _mm256_set1_epi32(x); }
    C4J_TARGET_AVX2 static C4J_ALWAYS_INLINE I iota(int32_t s) {
        return _mm256_mullo_epi32(_mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7), _mm256_set1_epi32(s));
    }
    C4J_TARGET_AVX2 static C4J_ALWAYS_INLINE I addi(I a, I b) { return _mm256_add_epi32(a, b); }

    C4J_TARGET_AVX2 static C4J_ALWAYS_INLINE F loadu(const float* p) { return _mm256_loadu_ps(p); }
    C4J_TARGET_AVX2 static C4J_ALWAYS_INLINE F loadu_n(const float* p, int n, float fill) {
        M k = first_n(n);
        F v = _mm256_maskload_ps(p, k);
        return _mm256_blendv_ps(_mm256_set1_ps(fill), v, _mm256_castsi256_ps(k));
    }
    C4J_TARGET_AVX2 static C4J_ALWAYS_INLINE F even_lanes(F a, F b) {
        // a = p[0..7], b = p[7..14]: even positions of p are a[0,2,4,6] and b[1,3,5,7].
        F t = _mm256_shuffle_ps(a, b, _MM_SHUFFLE(3, 1, 2, 0));
        return _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(t), _MM_SHUFFLE(3, 1, 2, 0)));
    }
    C4J_TARGET_AVX2 static C4J_ALWAYS_INLINE F load_s2(const float* p) {
        return even_lanes(_mm256_loadu_ps(p), _mm256_loadu_ps(p + 7));
    }
    C4J_TARGET_AVX2 static C4J_ALWAYS_INLINE F load_s2_n(const float* p, int n) {
        int last = 2 * n - 1;  // p[0 .. last) is readable
        F a = _mm256_maskload_ps(p, first_n(last < 8 ? last : 8));
        F b = _mm256_maskload_ps(p + 7, first_n(last - 7));
        return even_lanes(a, b);
    }
    C4J_TARGET_AVX2 static C4J_ALWAYS_INLINE F gather(const float* p, I vidx) {
        return _mm256_i32gather_ps(p, vidx, 4);
    }
    C4J_TARGET_AVX2 static C4J_ALWAYS_INLINE F gather_n(const float* p, I vidx, int n) {
        return _mm256_mask_i32gather_ps(_mm256_setzero_ps(), p, vidx, _mm256_castsi256_ps(first_n(n)), 4);
    }

    C4J_TARGET_AVX2 static C4J_ALWAYS_INLINE void storeu(float* p, F v) { _mm256_storeu_ps(p, v); }
    C4J_TARGET_AVX2 static C4J_ALWAYS_INLINE void storeu_n(float* p, F v, int n) {
        _mm256_maskstore_ps(p, first_n(n), v);
    }
    C4J_TARGET_AVX2 static C4J_ALWAYS_INLINE void store_idx(int64_t* p, I rel, int64_t base) {
        __m256i b = _mm256_set1_epi64x(base);
        __m256i lo = _mm256_add_epi64(_mm256_cvtepi32_epi64(_mm256_castsi256_si128(rel)), b);
        __m256i hi = _mm256_add_epi64(_mm256_cvtepi32_epi64(_mm256_extracti128_si256(rel, 1)), b);
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(p), lo);
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(p + 4), hi);
    }
    C4J_TARGET_AVX2 static C4J_ALWAYS_INLINE void store_idx_n(int64_t* p, I rel, int64_t base, int n) {
        alignas(32) int32_t r[8];
        _mm256_store_si256(reinterpret_cast<__m256i*>(r), rel);
        for (int l = 0; l < n; l++) {
            p[l] = base + r[l];
        }
    }
    C4J_TARGET_AVX2 static C4J_ALWAYS_INLINE void store_i(int32_t* p, I v) {
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(p), v);
    }

    C4J_TARGET_AVX2 static C4J_ALWAYS_INLINE F add(F a, F b) { return _mm256_add_ps(a, b); }
    C4J_TARGET_AVX2 static C4J_ALWAYS_INLINE F mul(F a, F b) { return _mm256_mul_ps(a, b); }
    C4J_TARGET_AVX2 static C4J_ALWAYS_INLINE F fma(F a, F b, F c) { return _mm256_fmadd_ps(a, b, c); }
    C4J_TARGET_AVX2 static C4J_ALWAYS_INLINE F div(F a, F b) { return _mm256_div_ps(a, b); }
    C4J_TARGET_AVX2 static C4J_ALWAYS_INLINE F sqrt(F a) { return _mm256_sqrt_ps(a); }
    C4J_TARGET_AVX2 static C4J_ALWAYS_INLINE F max(F v, F m) { return _mm256_max_ps(v, m); }

    C4J_TARGET_AVX2 static C4J_ALWAYS_INLINE void max_step(F& m, F& nan, F v) {
        m = _mm256_max_ps(v, m);  // v > m ? v : m: a NaN v keeps m
        nan = _mm256_blendv_ps(nan, v, _mm256_cmp_ps(v, v, _CMP_UNORD_Q));
    }
    C4J_TARGET_AVX2 static C4J_ALWAYS_INLINE F max_result(F m, F nan) {
        return _mm256_blendv_ps(m, nan, _mm256_cmp_ps(nan, nan, _CMP_UNORD_Q));
    }
    C4J_TARGET_AVX2 static C4J_ALWAYS_INLINE void max_step_idx(F& m, I& idx, F v, I cur) {
        F take = _mm256_or_ps(_mm256_cmp_ps(v, m, _CMP_GT_OQ), _mm256_cmp_ps(v, v, _CMP_UNORD_Q));
        m = _mm256_blendv_ps(m, v, take);
        idx = _mm256_castps_si256(_mm256_blendv_ps(_mm256_castsi256_ps(idx), _mm256_castsi256_ps(cur), take));
    }
    C4J_TARGET_AVX2 static C4J_ALWAYS_INLINE float reduce_add(F a) {
        __m128 s = _mm_add_ps(_mm256_castps256_ps128(a), _mm256_extractf128_ps(a, 1));
        s = _mm_add_ps(s, _mm_movehl_ps(s, s));
        s = _mm_add_ss(s, _mm_movehdup_ps(s));
        return _mm_cvtss_f32(s);
    }
};

/** AVX-512F: 16 lanes; masks are k-registers. */
struct Avx512 {
    static constexpr int L = 16;
    using F = __m512;
    using I = __m512i;
    using M = __mmask16;

    C4J_TARGET_AVX512 static C4J_ALWAYS_INLINE M first_n(int n) {
        return n >= 16 ? static_cast<M>(0xFFFF) : n <= 0 ? static_cast<M>(0) : static_cast<M>((1u << n) - 1u);
    }
    C4J_TARGET_AVX512 static C4J_ALWAYS_INLINE F set1(float x) { return _mm512_set1_ps(x); }
    C4J_TARGET_AVX512 static C4J_ALWAYS_INLINE I set1i(int32_t x) { return _mm512_set1_epi32(x); }
    C4J_TARGET_AVX512 static C4J_ALWAYS_INLINE I iota(int32_t s) {
        return _mm512_mullo_epi32(_mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
                                  _mm512_set1_epi32(s));
    }
    C4J_TARGET_AVX512 static C4J_ALWAYS_INLINE I addi(I a, I b) { return _mm512_add_epi32(a, b); }

    C4J_TARGET_AVX512 static C4J_ALWAYS_INLINE F loadu(const float* p) { return _mm512_loadu_ps(p); }
    C4J_TARGET_AVX512 static C4J_ALWAYS_INLINE F loadu_n(const float* p, int n, float fill) {
        return _mm512_mask_loadu_ps(_mm512_set1_ps(fill), first_n(n), p);
    }
    C4J_TARGET_AVX512 static C4J_ALWAYS_INLINE F even_lanes(F a, F b) {
        // a = p[0..15], b = p[15..30]: even positions are a[0,2,..,14] and b[1,3,..,15].
        const I sel = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 17, 19, 21, 23, 25, 27, 29, 31);
        return _mm512_permutex2var_ps(a, sel, b);
    }
    C4J_TARGET_AVX512 static C4J_ALWAYS_INLINE F load_s2(const float* p) {
        return even_lanes(_mm512_loadu_ps(p), _mm512_loadu_ps(p + 15));
    }
    C4J_TARGET_AVX512 static C4J_ALWAYS_INLINE F load_s2_n(const float* p, int n) {
        int last = 2 * n - 1;  // p[0 .. last) is readable
        F a = _mm512_maskz_loadu_ps(first_n(last), p);
        F b = _mm512_maskz_loadu_ps(first_n(last - 15), p + 15);
        return even_lanes(a, b);
    }
    C4J_TARGET_AVX512 static C4J_ALWAYS_INLINE F gather(const float* p, I vidx) {
        return _mm512_i32gather_ps(vidx, p, 4);
    }
    C4J_TARGET_AVX512 static C4J_ALWAYS_INLINE F gather_n(const float* p, I vidx, int n) {
        return _mm512_mask_i32gather_ps(_mm512_setzero_ps(), first_n(n), vidx, p, 4);
    }

    C4J_TARGET_AVX512 static C4J_ALWAYS_INLINE void storeu(float* p, F v) { _mm512_storeu_ps(p, v); }
    C4J_TARGET_AVX512 static C4J_ALWAYS_INLINE void storeu_n(float* p, F v, int n) {
        _mm512_mask_storeu_ps(p, first_n(n), v);
    }
    C4J_TARGET_AVX512 static C4J_ALWAYS_INLINE void store_idx(int64_t* p, I rel, int64_t base) {
        __m512i b = _mm512_set1_epi64(base);
        _mm512_storeu_si512(p, _mm512_add_epi64(_mm512_cvtepi32_epi64(_mm512_castsi512_si256(rel)), b));
        _mm512_storeu_si512(p + 8,
                            _mm512_add_epi64(_mm512_cvtepi32_epi64(_mm512_extracti64x4_epi64(rel, 1)), b));
    }
    C4J_TARGET_AVX512 static C4J_ALWAYS_INLINE void store_idx_n(int64_t* p, I rel, int64_t base, int n) {
        __m512i b = _mm512_set1_epi64(base);
        M k = first_n(n);
        _mm512_mask_storeu_epi64(p, static_cast<__mmask8>(k & 0xFF),
                                 _mm512_add_epi64(_mm512_cvtepi32_epi64(_mm512_castsi512_si256(rel)), b));
        _mm512_mask_storeu_epi64(p + 8, static_cast<__mmask8>(k >> 8),
                                 _mm512_add_epi64(_mm512_cvtepi32_epi64(_mm512_extracti64x4_epi64(rel, 1)), b));
    }
    C4J_TARGET_AVX512 static C4J_ALWAYS_INLINE void store_i(int32_t* p, I v) { _mm512_storeu_si512(p, v); }

    C4J_TARGET_AVX512 static C4J_ALWAYS_INLINE F add(F a, F b) { return _mm512_add_ps(a, b); }
    C4J_TARGET_AVX512 static C4J_ALWAYS_INLINE F mul(F a, F b) { return _mm512_mul_ps(a, b); }
    C4J_TARGET_AVX512 static C4J_ALWAYS_INLINE F fma(F a, F b, F c) { return _mm512_fmadd_ps(a, b, c); }
    C4J_TARGET_AVX512 static C4J_ALWAYS_INLINE F div(F a, F b) { return _mm512_div_ps(a, b); }
    C4J_TARGET_AVX512 static C4J_ALWAYS_INLINE F sqrt(F a) { return _mm512_sqrt_ps(a); }
    C4J_TARGET_AVX512 static C4J_ALWAYS_INLINE F max(F v, F m) { return _mm512_max_ps(v, m); }

    C4J_TARGET_AVX512 static C4J_ALWAYS_INLINE void max_step(F& m, F& nan, F v) {
        m = _mm512_max_ps(v, m);  // v > m ? v : m: a NaN v keeps m
        nan = _mm512_mask_mov_ps(nan, _mm512_cmp_ps_mask(v, v, _CMP_UNORD_Q), v);
    }
    C4J_TARGET_AVX512 static C4J_ALWAYS_INLINE F max_result(F m, F nan) {
        return _mm512_mask_mov_ps(m, _mm512_cmp_ps_mask(nan, nan, _CMP_UNORD_Q), nan);
    }
    C4J_TARGET_AVX512 static C4J_ALWAYS_INLINE void max_step_idx(F& m, I& idx, F v, I cur) {
        M take = static_cast<M>(_mm512_cmp_ps_mask(v, m, _CMP_GT_OQ) | _mm512_cmp_ps_mask(v, v, _CMP_UNORD_Q));
        m = _mm512_mask_mov_ps(m, take, v);
        idx = _mm512_mask_mov_epi32(idx, take, cur);
    }
    C4J_TARGET_AVX512 static C4J_ALWAYS_INLINE float reduce_add(F a) {
        __m256 h = _mm256_add_ps(_mm512_castps512_ps256(a),
                                 _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(a), 1)));
        __m128 s = _mm_add_ps(_mm256_castps256_ps128(h), _mm256_extractf128_ps(h, 1));
        s = _mm_add_ps(s, _mm_movehl_ps(s, s));
        s = _mm_add_ss(s, _mm_movehdup_ps(s));
        return _mm_cvtss_f32(s);
    }
};

#endif  // C4J_X86_SIMD

#if C4J_NEON_SIMD

/**
 * AArch64 Advanced SIMD (NEON): 4 lanes; masks are all-ones / all-zeros lanes. NEON has no
 * masked loads, stores or gathers: the *_n variants and gather go through a small array so
 * that only the first n lanes touch memory.
 */
struct Neon {
    static constexpr int L = 4;
    using F = float32x4_t;
    using I = int32x4_t;
    using M = uint32x4_t;

    static C4J_ALWAYS_INLINE F set1(float x) { return vdupq_n_f32(x); }
    static C4J_ALWAYS_INLINE I set1i(int32_t x) { return vdupq_n_s32(x); }
    static C4J_ALWAYS_INLINE I iota(int32_t s) {
        const int32_t lanes[4] = {0, 1, 2, 3};
        return vmulq_n_s32(vld1q_s32(lanes), s);
    }
    static C4J_ALWAYS_INLINE I addi(I a, I b) { return vaddq_s32(a, b); }

    static C4J_ALWAYS_INLINE F loadu(const float* p) { return vld1q_f32(p); }
    static C4J_ALWAYS_INLINE F loadu_n(const float* p, int n, float fill) {
        float t[4] = {fill, fill, fill, fill};
        for (int l = 0; l < n && l < 4; l++) {
            t[l] = p[l];
        }
        return vld1q_f32(t);
    }
    static C4J_ALWAYS_INLINE F load_s2(const float* p) {
        // a = p[0..3], b = p[3..6] (p[0 .. 7) is what the kernels guarantee readable):
        // the even positions of p are a[0], a[2], b[1], b[3].
        const F a = vld1q_f32(p), b = vld1q_f32(p + 3);
        return vcombine_f32(vuzp1_f32(vget_low_f32(a), vget_high_f32(a)),
                            vuzp2_f32(vget_low_f32(b), vget_high_f32(b)));
    }
    static C4J_ALWAYS_INLINE F load_s2_n(const float* p, int n) {
        float t[4] = {0.0f, 0.0f, 0.0f, 0.0f};
        for (int l = 0; l < n && l < 4; l++) {
            t[l] = p[2 * l];
        }
        return vld1q_f32(t);
    }
    static C4J_ALWAYS_INLINE F gather(const float* p, I vidx) { return gather_n(p, vidx, 4); }
    static C4J_ALWAYS_INLINE F gather_n(const float* p, I vidx, int n) {
        int32_t idx[4];
        vst1q_s32(idx, vidx);
        float t[4] = {0.0f, 0.0f, 0.0f, 0.0f};
        for (int l = 0; l < n && l < 4; l++) {
            t[l] = p[idx[l]];
        }
        return vld1q_f32(t);
    }

    static C4J_ALWAYS_INLINE void storeu(float* p, F v) { vst1q_f32(p, v); }
    static C4J_ALWAYS_INLINE void storeu_n(float* p, F v, int n) {
        float t[4];
        vst1q_f32(t, v);
        for (int l = 0; l < n && l < 4; l++) {
            p[l] = t[l];
        }
    }
    static C4J_ALWAYS_INLINE void store_idx(int64_t* p, I rel, int64_t base) {
        const int64x2_t b = vdupq_n_s64(base);
        vst1q_s64(p, vaddq_s64(vmovl_s32(vget_low_s32(rel)), b));
        vst1q_s64(p + 2, vaddq_s64(vmovl_high_s32(rel), b));
    }
    static C4J_ALWAYS_INLINE void store_idx_n(int64_t* p, I rel, int64_t base, int n) {
        int32_t r[4];
        vst1q_s32(r, rel);
        for (int l = 0; l < n && l < 4; l++) {
            p[l] = base + r[l];
        }
    }
    static C4J_ALWAYS_INLINE void store_i(int32_t* p, I v) { vst1q_s32(p, v); }

    static C4J_ALWAYS_INLINE F add(F a, F b) { return vaddq_f32(a, b); }
    static C4J_ALWAYS_INLINE F mul(F a, F b) { return vmulq_f32(a, b); }
    static C4J_ALWAYS_INLINE F fma(F a, F b, F c) { return vfmaq_f32(c, a, b); }
    static C4J_ALWAYS_INLINE F div(F a, F b) { return vdivq_f32(a, b); }
    static C4J_ALWAYS_INLINE F sqrt(F a) { return vsqrtq_f32(a); }
    /** Not vmaxq_f32, which returns NaN when either lane is NaN: v > m ? v : m. */
    static C4J_ALWAYS_INLINE F max(F v, F m) { return vbslq_f32(vcgtq_f32(v, m), v, m); }

    static C4J_ALWAYS_INLINE M is_nan(F v) { return vmvnq_u32(vceqq_f32(v, v)); }
    static C4J_ALWAYS_INLINE void max_step(F& m, F& nan, F v) {
        m = vbslq_f32(vcgtq_f32(v, m), v, m);  // a NaN v keeps m
        nan = vbslq_f32(is_nan(v), v, nan);
    }
    static C4J_ALWAYS_INLINE F max_result(F m, F nan) { return vbslq_f32(is_nan(nan), nan, m); }
    static C4J_ALWAYS_INLINE void max_step_idx(F& m, I& idx, F v, I cur) {
        const M take = vorrq_u32(vcgtq_f32(v, m), is_nan(v));
        m = vbslq_f32(take, v, m);
        idx = vbslq_s32(take, cur, idx);
    }
    static C4J_ALWAYS_INLINE float reduce_add(F a) { return vaddvq_f32(a); }
};

#endif  // C4J_NEON_SIMD

}  // namespace simd
}  // namespace conv4j

#endif  // CONV4J_SIMD_H
