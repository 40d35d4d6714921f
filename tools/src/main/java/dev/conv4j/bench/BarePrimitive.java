package dev.conv4j.bench;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_BIAS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SCRATCHPAD;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WEIGHTS;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_desc_get_size;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_destroy;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_desc_destroy;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_desc_query_md;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_destroy;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_execute;
import static org.bytedeco.dnnl.global.dnnl.dnnl_query_dst_md;
import static org.bytedeco.dnnl.global.dnnl.dnnl_query_scratchpad_md;
import static org.bytedeco.dnnl.global.dnnl.dnnl_query_src_md;
import static org.bytedeco.dnnl.global.dnnl.dnnl_query_weights_md;
import static org.bytedeco.dnnl.global.dnnl.dnnl_stream_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_stream_default_flags;
import static org.bytedeco.dnnl.global.dnnl.dnnl_stream_destroy;
import static org.bytedeco.dnnl.global.dnnl.dnnl_stream_wait;
import static org.bytedeco.dnnl.global.dnnl.dnnl_success;

import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

import org.bytedeco.dnnl.dnnl_exec_arg_t;
import org.bytedeco.dnnl.dnnl_memory;
import org.bytedeco.dnnl.dnnl_memory_desc;
import org.bytedeco.dnnl.dnnl_primitive;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.bytedeco.dnnl.dnnl_stream;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;

import dev.conv4j.MemoryFormat;
import dev.conv4j.Tensor;
import dev.conv4j.onednn.PrimitiveFactory;
import dev.conv4j.spec.AdaptivePoolProblem;
import dev.conv4j.spec.ConvProblem;
import dev.conv4j.spec.PoolProblem;

/**
 * The baseline conv4j's overhead is measured against: the very oneDNN primitive the
 * {@code onednn} backend runs for a layer, created by the backend's own factory
 * ({@link PrimitiveFactory}: same descriptor, {@code format_tag::any} weights reordered once,
 * bias, user scratchpad, strict f32 math), executed with nothing around it. Everything is
 * created once up front: the primitive, the packed weights, source/destination/bias/scratchpad
 * buffers with their memory objects, one stream and one argument array; {@link #run} then only
 * calls {@code dnnl_primitive_execute} and {@code dnnl_stream_wait}. The difference between a
 * module call and {@link #run run(1)} is the cost of conv4j's wrapper (JNI marshalling, plan
 * lookup, memory objects, output allocation, checks).
 *
 * <p>Covers the layers that run on a single oneDNN primitive: convolutions and transposed
 * convolutions on the {@code convolution_forward}/{@code deconvolution_forward} routes without
 * an input copy or output tail ({@link #supports(ConvProblem)}), and average pooling routed to
 * {@code pooling_forward}. Owns its buffers (inputs are copied in by {@link #load}), so no
 * tensor has to outlive it. Not thread-safe (one stream, one scratchpad): one instance per
 * thread. Close it to free the native objects.
 */
public final class BarePrimitive implements AutoCloseable {
    private final String what;
    private final MemoryFormat format;
    private final dnnl_primitive_desc pd;
    private final String implementation;
    private final List<Integer> argIds = new ArrayList<>();
    private final List<dnnl_memory> memories = new ArrayList<>();
    private final List<BytePointer> buffers = new ArrayList<>();
    private dnnl_primitive primitive;
    private dnnl_stream stream;
    private dnnl_exec_arg_t args;
    private BytePointer src;
    private BytePointer dst;
    private boolean closed;

    /** Takes ownership of {@code pd}. */
    private BarePrimitive(String what, MemoryFormat format, dnnl_primitive_desc pd) {
        this.what = what;
        this.format = format;
        this.pd = pd;
        this.implementation = PrimitiveFactory.implementation(pd);
    }

    /**
     * Whether a convolution problem runs on one bare oneDNN primitive in conv4j
     * ({@link PrimitiveFactory#runsOnOnePrimitive(ConvProblem)}).
     */
    public static boolean supports(ConvProblem problem) {
        return PrimitiveFactory.runsOnOnePrimitive(problem);
    }

    /** Whether a pooling problem runs on a oneDNN {@code pooling_forward} primitive in conv4j. */
    public static boolean supports(PoolProblem problem) {
        return PrimitiveFactory.runsOnOnePrimitive(problem);
    }

    /** Whether an adaptive pooling problem runs on a oneDNN {@code pooling_forward} primitive in conv4j. */
    public static boolean supports(AdaptivePoolProblem problem) {
        return PrimitiveFactory.runsOnOnePrimitive(problem);
    }

    /**
     * The convolution (or transposed convolution) primitive of {@code problem}, with the
     * module's weights (PyTorch layout) and bias (null without). The input is zeros until
     * {@link #load}.
     *
     * @throws IllegalArgumentException if the problem does not run on one bare primitive ({@link #supports(ConvProblem)})
     */
    public static BarePrimitive convolution(ConvProblem problem, Tensor weight, Tensor bias) {
        return convolution(problem, weight, bias, MemoryFormat.CONTIGUOUS);
    }

    /**
     * As {@link #convolution(ConvProblem, Tensor, Tensor)} with source and destination in
     * {@code format} (NHWC / NDHWC for channels-last), as the module runs tensors of that format.
     */
    public static BarePrimitive convolution(ConvProblem problem, Tensor weight, Tensor bias, MemoryFormat format) {
        String what = "bare " + problem.spec().opName() + " for " + problem.key();
        PrimitiveFactory.applyThreads();
        return build(what, format, PrimitiveFactory.convolution(problem, format, what), b -> {
            b.bind(DNNL_ARG_WEIGHTS, dnnl_primitive_desc_query_md(b.pd, dnnl_query_weights_md, 0),
                    PrimitiveFactory.packWeights(b.pd, problem, weight, bias));
            if (bias != null) {
                BytePointer data = b.bindNew(DNNL_ARG_BIAS, dnnl_query_weights_md, 1);
                Pointer.memcpy(data, bias.pointer(), bias.numel() * Float.BYTES);
                Reference.reachabilityFence(bias);
            }
        });
    }

    /**
     * The {@code pooling_forward} primitive of an average pooling problem that conv4j runs on
     * oneDNN ({@link #supports(PoolProblem)}).
     */
    public static BarePrimitive pooling(PoolProblem problem) {
        return pooling(problem, MemoryFormat.CONTIGUOUS);
    }

    /** As {@link #pooling(PoolProblem)} with source and destination in {@code format}. */
    public static BarePrimitive pooling(PoolProblem problem, MemoryFormat format) {
        return pooling("bare " + problem.spec().opName() + " for " + problem.key(), format,
                what -> PrimitiveFactory.pooling(problem, format, what));
    }

    /**
     * The {@code pooling_forward} primitive of an adaptive average pooling problem that conv4j
     * runs on oneDNN ({@link #supports(AdaptivePoolProblem)}).
     */
    public static BarePrimitive pooling(AdaptivePoolProblem problem) {
        return pooling(problem, MemoryFormat.CONTIGUOUS);
    }

    /** As {@link #pooling(AdaptivePoolProblem)} with source and destination in {@code format}. */
    public static BarePrimitive pooling(AdaptivePoolProblem problem, MemoryFormat format) {
        return pooling("bare " + problem.spec().opName() + " for " + problem.key(), format,
                what -> PrimitiveFactory.pooling(problem, format, what));
    }

    private static BarePrimitive pooling(String what, MemoryFormat format, Function<String, dnnl_primitive_desc> create) {
        PrimitiveFactory.applyThreads();
        return build(what, format, create.apply(what), b -> { });
    }

    /**
     * The bare primitive of {@code pd} (taken over) with zeroed source and destination buffers,
     * the arguments {@code bindMore} adds (weights, bias), the scratchpad, a stream and the
     * argument array; everything is freed if a step fails.
     */
    private static BarePrimitive build(String what, MemoryFormat format, dnnl_primitive_desc pd,
            Consumer<BarePrimitive> bindMore) {
        BarePrimitive b = new BarePrimitive(what, format, pd);
        try {
            b.src = b.bindNew(DNNL_ARG_SRC, dnnl_query_src_md, 0);
            bindMore.accept(b);
            b.dst = b.bindNew(DNNL_ARG_DST, dnnl_query_dst_md, 0);
            b.finish();
            return b;
        } catch (RuntimeException | Error e) {
            b.close();
            throw e;
        }
    }

    /** A zeroed buffer for the descriptor the primitive descriptor reports, bound to {@code argId}. */
    private BytePointer bindNew(int argId, int query, int index) {
        dnnl_memory_desc md = dnnl_primitive_desc_query_md(pd, query, index);
        return bind(argId, md, PrimitiveFactory.allocate(dnnl_memory_desc_get_size(md)));
    }

    /** Binds {@code data} (now owned here) to {@code argId} through a memory object of {@code md}. */
    private BytePointer bind(int argId, dnnl_memory_desc md, BytePointer data) {
        buffers.add(data);
        dnnl_memory m = new dnnl_memory();
        PrimitiveFactory.check(dnnl_memory_create(m, md, PrimitiveFactory.engine(), data), "dnnl_memory_create for " + what);
        memories.add(m);
        argIds.add(argId);
        return data;
    }

    /** Adds the scratchpad, creates the primitive and the stream and fills the argument array. */
    private void finish() {
        dnnl_memory_desc scratch = dnnl_primitive_desc_query_md(pd, dnnl_query_scratchpad_md, 0);
        long scratchBytes = scratch == null || scratch.isNull() ? 0 : dnnl_memory_desc_get_size(scratch);
        if (scratchBytes > 0) {
            bind(DNNL_ARG_SCRATCHPAD, scratch, PrimitiveFactory.allocate(scratchBytes));
        }
        dnnl_primitive p = new dnnl_primitive();
        PrimitiveFactory.check(dnnl_primitive_create(p, pd), "dnnl_primitive_create for " + what);
        primitive = p;
        dnnl_stream s = new dnnl_stream();
        PrimitiveFactory.check(dnnl_stream_create(s, PrimitiveFactory.engine(), dnnl_stream_default_flags),
                "dnnl_stream_create");
        stream = s;
        args = PrimitiveFactory.detached(new dnnl_exec_arg_t(memories.size()));
        for (int i = 0; i < memories.size(); i++) {
            args.position(i).arg(argIds.get(i)).memory(memories.get(i));
        }
        args.position(0);
    }

    /** oneDNN's implementation name, as {@code ONEDNN_VERBOSE} prints it; the module's for the same problem. */
    public String implementation() {
        return implementation;
    }

    /**
     * Copies {@code input} (the problem's input shape, float32, in the primitive's memory format)
     * into the primitive's source buffer, as it lies in memory.
     */
    public void load(Tensor input) {
        checkOpen();
        if (input.memoryFormat() != format) {
            throw new IllegalArgumentException("input should be " + format + ", but got " + input);
        }
        long srcElements = dnnl_memory_desc_get_size(dnnl_primitive_desc_query_md(pd, dnnl_query_src_md, 0)) / Float.BYTES;
        if (input.numel() != srcElements) {
            throw new IllegalArgumentException("input should have " + srcElements + " elements, but got "
                    + input.numel());
        }
        Pointer.memcpy(src, input.pointer(), srcElements * Float.BYTES);
        Reference.reachabilityFence(input);
    }

    /**
     * Executes the primitive {@code reps} times in a tight loop, each time
     * {@code dnnl_primitive_execute} then {@code dnnl_stream_wait}, on the calling thread.
     */
    public void run(int reps) {
        checkOpen();
        PrimitiveFactory.applyThreads();
        int argCount = memories.size();
        for (int i = 0; i < reps; i++) {
            int status = dnnl_primitive_execute(primitive, stream, argCount, args);
            if (status == dnnl_success) {
                status = dnnl_stream_wait(stream);
            }
            if (status != dnnl_success) {
                PrimitiveFactory.check(status, "executing " + what);
            }
        }
    }

    /** A copy of the destination buffer (the output of the last {@link #run}), in memory order. */
    public float[] output() {
        checkOpen();
        long bytes = dnnl_memory_desc_get_size(dnnl_primitive_desc_query_md(pd, dnnl_query_dst_md, 0));
        byte[] copy = new byte[Math.toIntExact(bytes)];
        dst.get(copy, 0, copy.length);
        float[] out = new float[copy.length / Float.BYTES];
        ByteBuffer.wrap(copy).order(ByteOrder.nativeOrder()).asFloatBuffer().get(out);
        return out;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException(what + " is closed");
        }
    }

    /** Frees every native object; closing twice is harmless. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (dnnl_memory m : memories) {
            dnnl_memory_destroy(m);
        }
        memories.clear();
        if (stream != null) {
            dnnl_stream_destroy(stream);
        }
        if (primitive != null) {
            dnnl_primitive_destroy(primitive);
        }
        dnnl_primitive_desc_destroy(pd);
        if (args != null) {
            args.close();
        }
        for (BytePointer b : buffers) {
            b.close();
        }
        buffers.clear();
    }
}
