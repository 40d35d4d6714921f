package dev.conv4j.onednn;

import static org.bytedeco.dnnl.global.dnnl.*;

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
    private Dnnl() {
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
        if (status == dnnl_success) {
            return "success";
        } else if (status == dnnl_out_of_memory) {
            return "out_of_memory";
        } else if (status == dnnl_invalid_arguments) {
            return "invalid_arguments";
        } else if (status == dnnl_unimplemented) {
            return "unimplemented";
        } else if (status == dnnl_last_impl_reached) {
            return "last_impl_reached";
        } else if (status == dnnl_runtime_error) {
            return "runtime_error";
        } else if (status == dnnl_not_required) {
            return "not_required";
        }
        return "error";
    }

    static dnnl_engine createCpuEngine() {
        dnnl_engine engine = new dnnl_engine();
        check(dnnl_engine_create(engine, dnnl_cpu, 0), "dnnl_engine_create(cpu, 0)");
        return engine;
    }

    /** A plain f32 memory descriptor with explicit strides (elements). */
    @SuppressWarnings("try") // the scope frees the temporaries JavaCPP allocates inside it
    static dnnl_memory_desc stridedDesc(long[] dims, long[] strides) {
        try (PointerScope scope = new PointerScope()) {
            dnnl_memory_desc md = new dnnl_memory_desc();
            check(dnnl_memory_desc_create_with_strides(md, dims.length, new LongPointer(dims), dnnl_f32,
                    new LongPointer(strides)), "dnnl_memory_desc_create_with_strides" + java.util.Arrays.toString(dims));
            return md;
        }
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
    @SuppressWarnings("try") // the scope frees the temporaries JavaCPP allocates inside it
    static dnnl_memory_desc anyDesc(long[] dims) {
        try (PointerScope scope = new PointerScope()) {
            dnnl_memory_desc md = new dnnl_memory_desc();
            check(dnnl_memory_desc_create_with_tag(md, dims.length, new LongPointer(dims), dnnl_f32, dnnl_format_tag_any),
                    "dnnl_memory_desc_create_with_tag(any)" + java.util.Arrays.toString(dims));
            return md;
        }
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

    static void destroy(dnnl_memory_desc md) {
        if (md != null && !md.isNull()) {
            dnnl_memory_desc_destroy(md);
            md.setNull();
        }
    }

    static void destroy(dnnl_primitive_desc pd) {
        if (pd != null && !pd.isNull()) {
            dnnl_primitive_desc_destroy(pd);
            pd.setNull();
        }
    }

    static void destroy(dnnl_primitive p) {
        if (p != null && !p.isNull()) {
            dnnl_primitive_destroy(p);
            p.setNull();
        }
    }

    static void destroy(dnnl_primitive_attr attr) {
        if (attr != null && !attr.isNull()) {
            dnnl_primitive_attr_destroy(attr);
            attr.setNull();
        }
    }

    static void destroy(dnnl_memory m) {
        if (m != null && !m.isNull()) {
            dnnl_memory_destroy(m);
            m.setNull();
        }
    }

    static void destroy(dnnl_stream s) {
        if (s != null && !s.isNull()) {
            dnnl_stream_destroy(s);
            s.setNull();
        }
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
        dnnl_primitive_attr attr = createAttr();
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
        dnnl_memory m = new dnnl_memory();
        check(dnnl_memory_create(m, md, engine, data), "dnnl_memory_create");
        return m;
    }

    /**
     * Executes {@code primitive} on a fresh stream with the given (argument id, memory) pairs
     * and waits for it. Destroys nothing it was given.
     */
    @SuppressWarnings("try") // the scope frees the temporaries JavaCPP allocates inside it
    static void execute(dnnl_primitive primitive, dnnl_engine engine, int[] argIds, dnnl_memory[] memories, String what) {
        try (PointerScope scope = new PointerScope()) {
            dnnl_stream stream = new dnnl_stream();
            check(dnnl_stream_create(stream, engine, dnnl_stream_default_flags), "dnnl_stream_create");
            try {
                dnnl_exec_arg_t args = new dnnl_exec_arg_t(argIds.length);
                int n = 0;
                for (int i = 0; i < argIds.length; i++) {
                    if (memories[i] != null) {
                        args.position(n++).arg(argIds[i]).memory(memories[i]);
                    }
                }
                args.position(0);
                check(dnnl_primitive_execute(primitive, stream, n, args), "dnnl_primitive_execute for " + what);
                check(dnnl_stream_wait(stream), "dnnl_stream_wait for " + what);
            } finally {
                destroy(stream);
            }
        }
    }

    /**
     * Native memory aligned to 64 bytes that outlives any enclosing {@link PointerScope}; free
     * it with {@link BytePointer#close()}. The returned pointer is positioned at the aligned
     * address.
     */
    static BytePointer allocateAligned(long bytes) {
        BytePointer block = new BytePointer(Math.max(bytes, 1) + 64);
        if (block.isNull()) {
            throw new IllegalStateException("cannot allocate " + bytes + " bytes of native memory");
        }
        // A scope releases what it holds on detach: take our own reference first, so the block
        // lives until close() releases it.
        block.retainReference();
        PointerScope scope = PointerScope.getInnerScope();
        if (scope != null) {
            scope.detach(block);
        }
        if (block.isNull()) {
            throw new IllegalStateException("cannot allocate " + bytes + " bytes of native memory");
        }
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

    /** The CPU ISA oneDNN dispatches to, by the name of its {@code dnnl_cpu_isa_*} constant. */
    static String effectiveIsa() {
        int isa = dnnl_get_effective_cpu_isa();
        // Values are bit sets; avx10 aliases share values with avx512 ones: prefer the latter.
        int[] values = {dnnl_cpu_isa_sse41, dnnl_cpu_isa_avx, dnnl_cpu_isa_avx2, dnnl_cpu_isa_avx2_vnni,
            dnnl_cpu_isa_avx2_vnni_2, dnnl_cpu_isa_avx512_core, dnnl_cpu_isa_avx512_core_vnni,
            dnnl_cpu_isa_avx512_core_bf16, dnnl_cpu_isa_avx512_core_fp16, dnnl_cpu_isa_avx512_core_amx,
            dnnl_cpu_isa_avx512_core_amx_fp16};
        String[] names = {"sse41", "avx", "avx2", "avx2_vnni", "avx2_vnni_2", "avx512_core", "avx512_core_vnni",
            "avx512_core_bf16", "avx512_core_fp16", "avx512_core_amx", "avx512_core_amx_fp16"};
        for (int i = 0; i < values.length; i++) {
            if (values[i] == isa) {
                return names[i];
            }
        }
        return "isa 0x" + Integer.toHexString(isa);
    }

    /** {@code "omp"}, {@code "tbb"}, ... : the CPU threading runtime oneDNN was built with. */
    static String cpuRuntime() {
        int rt = dnnl_version().cpu_runtime();
        if (rt == DNNL_RUNTIME_OMP) {
            return "OpenMP";
        } else if (rt == DNNL_RUNTIME_TBB) {
            return "TBB";
        } else if (rt == DNNL_RUNTIME_SEQ) {
            return "sequential";
        } else if (rt == DNNL_RUNTIME_THREADPOOL) {
            return "threadpool";
        }
        return "runtime " + rt;
    }
}
