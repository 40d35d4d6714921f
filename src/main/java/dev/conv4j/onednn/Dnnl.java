package dev.conv4j.onednn;

import static org.bytedeco.dnnl.global.dnnl.*;

import java.nio.FloatBuffer;
import java.util.concurrent.atomic.AtomicLong;

import org.bytedeco.dnnl.dnnl_engine;
import org.bytedeco.dnnl.dnnl_exec_arg_t;
import org.bytedeco.dnnl.dnnl_memory;
import org.bytedeco.dnnl.dnnl_memory_desc;
import org.bytedeco.dnnl.dnnl_post_ops;
import org.bytedeco.dnnl.dnnl_primitive;
import org.bytedeco.dnnl.dnnl_primitive_attr;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.bytedeco.dnnl.dnnl_stream;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.javacpp.PointerScope;

import dev.conv4j.MemoryFormat;

/**
 * Thin layer over oneDNN's C API (through the JavaCPP preset). The C API returns a status code
 * from every call, so errors are mapped from codes in one place ({@link #check}) and never from
 * message strings (the C++ API of the preset only offers a generic exception with a message).
 *
 * <p>Every object created here is a raw native handle without a Java-side deallocator; the
 * caller destroys it. Temporaries that JavaCPP allocates (dims arrays) live in the caller's
 * {@link PointerScope}.
 */
final class Dnnl {
    /**
     * Native allocations made on a call's path, counted: aligned blocks, execution contexts and
     * memory objects. A warm call makes none (tests check that it stays unchanged).
     */
    private static final AtomicLong NATIVE_OBJECTS = new AtomicLong();

    private Dnnl() {
    }

    /** How many native blocks, execution contexts and memory objects were created so far. */
    static long nativeObjects() {
        return NATIVE_OBJECTS.get();
    }

    /** Counts one native allocation on a call's path ({@link #nativeObjects}). */
    static void countNativeObject() {
        NATIVE_OBJECTS.incrementAndGet();
    }

    /**
     * The one mapping of oneDNN status codes to exceptions: invalid arguments become
     * {@link IllegalArgumentException}, everything else (out of memory, unimplemented, runtime
     * error) {@link IllegalStateException}.
     *
     * @param what the call and the problem it was made for, for the message
     */
    static void check(int status, String what) {
        if (status == dnnl_success) {
            return;
        }
        String message = "oneDNN " + statusName(status) + " (status " + status + ") in " + what;
        if (status == dnnl_invalid_arguments) {
            throw new IllegalArgumentException(message);
        }
        throw new IllegalStateException(message);
    }

    static String statusName(int status) {
        return nameOf(status, new int[] {dnnl_success, dnnl_out_of_memory, dnnl_invalid_arguments, dnnl_unimplemented,
            dnnl_last_impl_reached, dnnl_runtime_error, dnnl_not_required},
                new String[] {"success", "out_of_memory", "invalid_arguments", "unimplemented", "last_impl_reached",
                    "runtime_error", "not_required"}, "error");
    }

    /** The name of {@code value} in the table {@code values}/{@code names}, else {@code otherwise}. */
    private static String nameOf(int value, int[] values, String[] names, String otherwise) {
        for (int i = 0; i < values.length; i++) {
            if (values[i] == value) {
                return names[i];
            }
        }
        return otherwise;
    }

    static dnnl_engine createCpuEngine() {
        dnnl_engine engine = new dnnl_engine();
        check(dnnl_engine_create(engine, dnnl_cpu, 0), "dnnl_engine_create(cpu, 0)");
        return engine;
    }

    /** A plain f32 memory descriptor with explicit strides (elements). */
    static dnnl_memory_desc stridedDesc(long[] dims, long[] strides) {
        return stridedDesc(dims, strides, dnnl_f32);
    }

    /** A plain memory descriptor of data type {@code dataType} ({@code dnnl_f32}, {@code dnnl_bf16}, {@code dnnl_u8}, ...) with explicit strides. */
    @SuppressWarnings("try") // the scope frees the temporaries JavaCPP allocates inside it
    static dnnl_memory_desc stridedDesc(long[] dims, long[] strides, int dataType) {
        try (PointerScope scope = new PointerScope()) {
            dnnl_memory_desc md = new dnnl_memory_desc();
            check(dnnl_memory_desc_create_with_strides(md, dims.length, new LongPointer(dims), dataType,
                    new LongPointer(strides)), "dnnl_memory_desc_create_with_strides" + java.util.Arrays.toString(dims));
            return md;
        }
    }


    /**
     * The attributes of an int8 convolution ({@link #createAttr(boolean)} plus quantization):
     * scales of the source (per tensor), weights ({@code weightScaleMask}: 0 per tensor, else
     * the bits of the output-channel dimensions) and destination (per tensor), and zero points of
     * the source and destination (per tensor). Their values are passed at execution as
     * {@code DNNL_ARG_ATTR_SCALES | arg} and {@code DNNL_ARG_ATTR_ZERO_POINTS | arg}. oneDNN then
     * computes {@code dst = round(relu(acc * src_scale * wei_scale + bias) / dst_scale) + dst_zp}
     * with {@code acc = sum((src - src_zp) * wei)}. Without {@code srcZeroPoint} the source's zero
     * point is taken as 0 (the caller folds it into the bias).
     */
    static dnnl_primitive_attr createInt8Attr(int weightScaleMask, boolean relu, boolean srcZeroPoint) {
        dnnl_primitive_attr attr = createAttr(relu);
        try {
            check(dnnl_primitive_attr_set_scales_mask(attr, DNNL_ARG_SRC, 0), "dnnl_primitive_attr_set_scales_mask(src)");
            check(dnnl_primitive_attr_set_scales_mask(attr, DNNL_ARG_WEIGHTS, weightScaleMask),
                    "dnnl_primitive_attr_set_scales_mask(weights)");
            check(dnnl_primitive_attr_set_scales_mask(attr, DNNL_ARG_DST, 0), "dnnl_primitive_attr_set_scales_mask(dst)");
            if (srcZeroPoint) {
                check(dnnl_primitive_attr_set_zero_points_mask(attr, DNNL_ARG_SRC, 0),
                        "dnnl_primitive_attr_set_zero_points_mask(src)");
            }
            check(dnnl_primitive_attr_set_zero_points_mask(attr, DNNL_ARG_DST, 0),
                    "dnnl_primitive_attr_set_zero_points_mask(dst)");
        } catch (RuntimeException e) {
            destroy(attr);
            throw e;
        }
        return attr;
    }

    /** A dense f32 memory descriptor of {@code dims} ({@code [N, C, spatial...]}) in {@code format}. */
    static dnnl_memory_desc desc(long[] dims, MemoryFormat format) {
        return stridedDesc(dims, format.strides(dims));
    }

    /** A dense row-major (PyTorch's contiguous) f32 memory descriptor. */
    static dnnl_memory_desc denseDesc(long[] dims) {
        return stridedDesc(dims, denseStrides(dims));
    }

    /** {@code format_tag::any}: lets the primitive choose its layout. */
    static dnnl_memory_desc anyDesc(long[] dims) {
        return anyDesc(dims, dnnl_f32);
    }

    /** As {@link #anyDesc(long[])} of data type {@code dataType}. */
    static dnnl_memory_desc anyDesc(long[] dims, int dataType) {
        return taggedDesc(dims, dataType, dnnl_format_tag_any, "any");
    }

    /** A memory descriptor of {@code dims} in oneDNN's layout {@code tag} ({@code tagName} for messages). */
    @SuppressWarnings("try") // the scope frees the temporaries JavaCPP allocates inside it
    private static dnnl_memory_desc taggedDesc(long[] dims, int dataType, int tag, String tagName) {
        try (PointerScope scope = new PointerScope()) {
            dnnl_memory_desc md = new dnnl_memory_desc();
            check(dnnl_memory_desc_create_with_tag(md, dims.length, new LongPointer(dims), dataType, tag),
                    "dnnl_memory_desc_create_with_tag(" + tagName + ")" + java.util.Arrays.toString(dims));
            return md;
        }
    }

    /**
     * Strides of oneDNN's {@code nxc} layout ({@code nwc}, {@code nhwc}, {@code ndhwc}): channels
     * innermost, as {@link MemoryFormat#CHANNELS_LAST} but for any rank of 3 or more.
     */
    static long[] nxcStrides(long[] dims) {
        long[] strides = new long[dims.length];
        long s = Math.max(dims[1], 1);
        strides[1] = 1;
        for (int i = dims.length - 1; i >= 2; i--) {
            strides[i] = s;
            s *= Math.max(dims[i], 1);
        }
        strides[0] = s;
        return strides;
    }

    /**
     * oneDNN's 16-channel blocked layout of {@code [N, C, spatial...]} ({@code nCw16c},
     * {@code nChw16c}, {@code nCdhw16c}): C split into blocks of 16, innermost; a partial last
     * block is padded.
     */
    static dnnl_memory_desc blocked16cDesc(long[] dims, int dataType) {
        int tag = dims.length == 3 ? dnnl_nCw16c : dims.length == 4 ? dnnl_nChw16c : dnnl_nCdhw16c;
        return taggedDesc(dims, dataType, tag, "16c");
    }

    static long[] denseStrides(long[] dims) {
        long[] strides = new long[dims.length];
        long s = 1;
        for (int i = dims.length - 1; i >= 0; i--) {
            strides[i] = s;
            s *= Math.max(dims[i], 1);
        }
        return strides;
    }

    static dnnl_memory_desc cloneDesc(dnnl_memory_desc md) {
        dnnl_memory_desc copy = new dnnl_memory_desc();
        check(dnnl_memory_desc_clone(copy, md), "dnnl_memory_desc_clone");
        return copy;
    }

    static boolean equal(dnnl_memory_desc a, dnnl_memory_desc b) {
        return dnnl_memory_desc_equal(a, b) != 0;
    }

    /**
     * Destroys a handle of this API ({@code dnnl_memory_desc}, {@code dnnl_primitive_desc},
     * {@code dnnl_primitive}, {@code dnnl_primitive_attr}, {@code dnnl_memory} or
     * {@code dnnl_stream}) and nulls it; null or already destroyed handles are skipped.
     */
    static void destroy(Pointer handle) {
        if (handle == null || handle.isNull()) {
            return;
        }
        // the status of a destroy is not checked: it runs in cleanup paths, where nothing can be done
        int unused = handle instanceof dnnl_memory_desc md ? dnnl_memory_desc_destroy(md)
                : handle instanceof dnnl_primitive_desc pd ? dnnl_primitive_desc_destroy(pd)
                : handle instanceof dnnl_primitive p ? dnnl_primitive_destroy(p)
                : handle instanceof dnnl_primitive_attr attr ? dnnl_primitive_attr_destroy(attr)
                : handle instanceof dnnl_memory m ? dnnl_memory_destroy(m)
                : handle instanceof dnnl_stream stream ? dnnl_stream_destroy(stream)
                : unknownHandle(handle);
        handle.setNull();
    }

    private static int unknownHandle(Pointer handle) {
        throw new IllegalArgumentException("not a oneDNN handle: " + handle.getClass().getName());
    }

    /**
     * The attributes every primitive of this backend is created with: a user-provided scratchpad
     * (one primitive executed by several threads at once with the library's scratchpad gave
     * wrong results; with a scratchpad per call it is exact), and strict f32 math, so that an
     * environment variable ({@code ONEDNN_DEFAULT_FPMATH_MODE}) cannot silently switch to
     * bf16/tf32 arithmetic.
     */
    static dnnl_primitive_attr createAttr() {
        dnnl_primitive_attr attr = new dnnl_primitive_attr();
        check(dnnl_primitive_attr_create(attr), "dnnl_primitive_attr_create");
        try {
            check(dnnl_primitive_attr_set_scratchpad_mode(attr, dnnl_scratchpad_mode_user),
                    "dnnl_primitive_attr_set_scratchpad_mode(user)");
            check(dnnl_primitive_attr_set_fpmath_mode(attr, dnnl_fpmath_mode_strict),
                    "dnnl_primitive_attr_set_fpmath_mode(strict)");
        } catch (RuntimeException e) {
            destroy(attr);
            throw e;
        }
        return attr;
    }

    /**
     * {@link #createAttr()} plus, when {@code relu} is true, an {@code eltwise_relu} post-op
     * (alpha 0): the primitive's output becomes {@code max(result, 0)}.
     */
    static dnnl_primitive_attr createAttr(boolean relu) {
        return createAttr(relu, false);
    }

    /**
     * As {@link #createAttr(boolean)}, with {@code fpmath_mode::bf16} instead of strict when
     * {@code bf16Math} is true: f32 memory, products of values rounded to bf16. oneDNN's x64
     * convolutions honour it on AMX only (elsewhere they compute in f32).
     */
    static dnnl_primitive_attr createAttr(boolean relu, boolean bf16Math) {
        dnnl_primitive_attr attr = createAttr();
        if (bf16Math) {
            try {
                check(dnnl_primitive_attr_set_fpmath_mode(attr, dnnl_fpmath_mode_bf16),
                        "dnnl_primitive_attr_set_fpmath_mode(bf16)");
            } catch (RuntimeException e) {
                destroy(attr);
                throw e;
            }
        }
        if (!relu) {
            return attr;
        }
        dnnl_post_ops ops = new dnnl_post_ops();
        try {
            check(dnnl_post_ops_create(ops), "dnnl_post_ops_create");
            check(dnnl_post_ops_append_eltwise(ops, dnnl_eltwise_relu, 0f, 0f), "dnnl_post_ops_append_eltwise(relu)");
            check(dnnl_primitive_attr_set_post_ops(attr, ops), "dnnl_primitive_attr_set_post_ops");
        } catch (RuntimeException e) {
            destroy(attr);
            throw e;
        } finally {
            if (!ops.isNull()) {
                dnnl_post_ops_destroy(ops);
                ops.setNull();
            }
        }
        return attr;
    }

    /**
     * The eltwise algorithms of the post-ops a primitive descriptor was created with, in order
     * (-1 for a post-op of another kind), e.g. {@code [dnnl_eltwise_relu]} for a fused ReLU.
     */
    static int[] postOpEltwiseAlgorithms(dnnl_primitive_desc pd) {
        // both are owned by the descriptor: nothing to destroy
        dnnl_primitive_attr attr = new dnnl_primitive_attr();
        check(dnnl_primitive_desc_get_attr(pd, attr), "dnnl_primitive_desc_get_attr");
        dnnl_post_ops ops = new dnnl_post_ops();
        check(dnnl_primitive_attr_get_post_ops(attr, ops), "dnnl_primitive_attr_get_post_ops");
        int n = dnnl_post_ops_len(ops);
        int[] algorithms = new int[n];
        for (int i = 0; i < n; i++) {
            if (dnnl_post_ops_get_kind(ops, i) == dnnl_eltwise) {
                int[] alg = new int[1];
                float[] alpha = new float[1];
                float[] beta = new float[1];
                check(dnnl_post_ops_get_params_eltwise(ops, i, alg, alpha, beta), "dnnl_post_ops_get_params_eltwise");
                algorithms[i] = alg[0];
            } else {
                algorithms[i] = -1;
            }
        }
        return algorithms;
    }

    /**
     * {@code c = a * b} with oneDNN's {@code dnnl_sgemm}, all three row-major and dense
     * ({@code a} is m x k, {@code b} k x n, {@code c} m x n; c's contents are not read), on the
     * calling thread's OpenMP thread count. Direct buffers from their element 0.
     */
    static void sgemm(long m, long n, long k, FloatBuffer a, FloatBuffer b, FloatBuffer c, String what) {
        check(dnnl_sgemm((byte) 'N', (byte) 'N', m, n, k, 1f, a, k, b, n, 0f, c, n), "dnnl_sgemm for " + what);
    }

    /** oneDNN's implementation name of a primitive descriptor, e.g. {@code brg_conv_fwd:avx512_core}. */
    @SuppressWarnings("try") // the scope frees the temporaries JavaCPP allocates inside it
    static String implInfo(dnnl_primitive_desc pd) {
        try (PointerScope scope = new PointerScope()) {
            PointerPointer<BytePointer> out = new PointerPointer<>(1);
            check(dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, out), "dnnl_primitive_desc_query(impl_info_str)");
            BytePointer s = out.get(BytePointer.class, 0);
            return s == null || s.isNull() ? "" : s.getString();
        }
    }

    /** A memory descriptor the primitive descriptor owns (valid while it lives). */
    static dnnl_memory_desc queryDesc(dnnl_primitive_desc pd, int query) {
        return dnnl_primitive_desc_query_md(pd, query, 0);
    }

    static long size(dnnl_memory_desc md) {
        return md == null || md.isNull() ? 0 : dnnl_memory_desc_get_size(md);
    }

    static dnnl_primitive createPrimitive(dnnl_primitive_desc pd, String what) {
        dnnl_primitive p = new dnnl_primitive();
        check(dnnl_primitive_create(p, pd), "dnnl_primitive_create for " + what);
        return p;
    }

    /** A memory object over {@code data} (not owned: the caller keeps the owner reachable). */
    static dnnl_memory memory(dnnl_memory_desc md, dnnl_engine engine, Pointer data) {
        countNativeObject();
        dnnl_memory m = new dnnl_memory();
        check(dnnl_memory_create(m, md, engine, data), "dnnl_memory_create");
        return m;
    }

    /**
     * {@code p}, allocated by JavaCPP, taken out of any enclosing {@link PointerScope} so that it
     * lives until {@code close()}.
     */
    static <P extends Pointer> P detached(P p) {
        // A scope releases what it holds on detach: take our own reference first.
        p.retainReference();
        PointerScope scope = PointerScope.getInnerScope();
        if (scope != null) {
            scope.detach(p);
        }
        if (p.isNull()) {
            throw new IllegalStateException("cannot allocate native memory for " + p.getClass().getSimpleName());
        }
        return p;
    }

    /** The address {@code p} points at: its base moved on by its position in elements. */
    static long address(Pointer p) {
        return p.address() + p.position() * p.sizeof();
    }

    /**
     * Native memory aligned to 64 bytes that outlives any enclosing {@link PointerScope}; free
     * it with {@link BytePointer#close()}. The returned pointer is positioned at the aligned
     * address.
     */
    static BytePointer allocateAligned(long bytes) {
        countNativeObject();
        BytePointer block = detached(new BytePointer(Math.max(bytes, 1) + 64));
        long misalignment = block.address() % 64;
        block.position(misalignment == 0 ? 0 : 64 - misalignment);
        return block;
    }

    /** oneDNN's version, e.g. {@code 3.8.1}, with the git hash. */
    static String version() {
        org.bytedeco.dnnl.dnnl_version_t v = dnnl_version();
        BytePointer hash = v.hash();
        return v.major() + "." + v.minor() + "." + v.patch()
                + (hash == null || hash.isNull() ? "" : " (" + hash.getString() + ")");
    }

    /**
     * The CPU ISA oneDNN dispatches to, by the name of its {@code dnnl_cpu_isa_*} constant. Those
     * constants name x86-64 ISAs only: elsewhere (aarch64) the query's value means none of them.
     */
    static String effectiveIsa() {
        String arch = System.getProperty("os.arch");
        if (!"amd64".equals(arch) && !"x86_64".equals(arch)) {
            return "not reported on " + arch + " (oneDNN's ISA query names x86-64 ISAs only)";
        }
        int isa = dnnl_get_effective_cpu_isa();
        // Values are bit sets; avx10 aliases share values with avx512 ones: the table names the latter.
        return nameOf(isa, new int[] {dnnl_cpu_isa_sse41, dnnl_cpu_isa_avx, dnnl_cpu_isa_avx2, dnnl_cpu_isa_avx2_vnni,
            dnnl_cpu_isa_avx2_vnni_2, dnnl_cpu_isa_avx512_core, dnnl_cpu_isa_avx512_core_vnni,
            dnnl_cpu_isa_avx512_core_bf16, dnnl_cpu_isa_avx512_core_fp16, dnnl_cpu_isa_avx512_core_amx,
            dnnl_cpu_isa_avx512_core_amx_fp16},
                new String[] {"sse41", "avx", "avx2", "avx2_vnni", "avx2_vnni_2", "avx512_core", "avx512_core_vnni",
                    "avx512_core_bf16", "avx512_core_fp16", "avx512_core_amx", "avx512_core_amx_fp16"},
                "isa 0x" + Integer.toHexString(isa));
    }

    /**
     * Whether the ISA oneDNN dispatches to includes {@code isa} (the {@code dnnl_cpu_isa_*}
     * values are bit sets, each holding the bits of the ISAs it extends).
     */
    static boolean effectiveIsaIncludes(int isa) {
        return (dnnl_get_effective_cpu_isa() & isa) == isa;
    }

    /**
     * The CPU threading runtime oneDNN was built with: {@code "OpenMP"}, {@code "TBB"},
     * {@code "sequential"}, {@code "threadpool"}, or {@code "runtime N"} for another value.
     */
    static String cpuRuntime() {
        int rt = dnnl_version().cpu_runtime();
        return nameOf(rt, new int[] {DNNL_RUNTIME_OMP, DNNL_RUNTIME_TBB, DNNL_RUNTIME_SEQ, DNNL_RUNTIME_THREADPOOL},
                new String[] {"OpenMP", "TBB", "sequential", "threadpool"}, "runtime " + rt);
    }
}
