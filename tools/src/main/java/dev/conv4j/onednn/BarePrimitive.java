package dev.conv4j.onednn;

import static org.bytedeco.dnnl.global.dnnl.*;

import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import org.bytedeco.dnnl.dnnl_exec_arg_t;
import org.bytedeco.dnnl.dnnl_memory;
import org.bytedeco.dnnl.dnnl_memory_desc;
import org.bytedeco.dnnl.dnnl_primitive;
import org.bytedeco.dnnl.dnnl_primitive_attr;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.bytedeco.dnnl.dnnl_stream;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerScope;

import dev.conv4j.MemoryFormat;
import dev.conv4j.Tensor;
import dev.conv4j.spec.AdaptivePoolProblem;
import dev.conv4j.spec.ConvProblem;
import dev.conv4j.spec.PoolProblem;

/**
 * The baseline conv4j's overhead is measured against: the very oneDNN primitive the
 * {@code onednn} backend runs for a layer (same descriptor: plain NC(D)HW source and destination,
 * {@code format_tag::any} weights reordered once, bias, user scratchpad, strict f32 math),
 * executed with nothing around it. Everything is created once up front: the primitive, the
 * packed weights, source/destination/bias/scratchpad buffers with their memory objects, one
 * stream and one argument array; {@link #run} then only calls {@code dnnl_primitive_execute}
 * and {@code dnnl_stream_wait}. The difference between a module call and {@link #run run(1)} is
 * the cost of conv4j's wrapper (JNI marshalling, plan lookup, memory objects, output
 * allocation, checks).
 *
 * <p>Covers the layers that run on a single oneDNN primitive: convolutions and transposed
 * convolutions on the {@code convolution_forward}/{@code deconvolution_forward} routes without
 * an input copy or output tail ({@link #supports(ConvProblem)}), and average pooling routed to
 * {@code pooling_forward}. Owns its buffers (inputs are copied in by {@link #load}), so no
 * tensor has to outlive it. Not thread-safe (one stream, one scratchpad): one instance per
 * thread. Close it to free the native objects.
 */
public final class BarePrimitive implements AutoCloseable {
    private final OneDnnBackend backend;
    private final String what;
    private final List<Integer> argIds = new ArrayList<>();
    private final List<dnnl_memory> memories = new ArrayList<>();
    private final List<BytePointer> buffers = new ArrayList<>();
    private dnnl_primitive_desc pd;
    private dnnl_primitive primitive;
    private dnnl_stream stream;
    private dnnl_exec_arg_t args;
    private int argCount;
    private String implInfo = "";
    private BytePointer src;
    private BytePointer dst;
    private long srcElements;
    /** The memory format of source and destination. */
    private MemoryFormat format = MemoryFormat.CONTIGUOUS;
    private long dstElements;
    private boolean closed;

    private BarePrimitive(OneDnnBackend backend, String what) {
        this.backend = backend;
        this.what = what;
    }

    /**
     * Whether a convolution problem runs on one bare oneDNN primitive in conv4j: the
     * {@code convolution_forward} or {@code deconvolution_forward} route without an own padding
     * kernel, input copy or output tail, and not trivial.
     */
    public static boolean supports(ConvProblem problem) {
        if (OneDnnAdapter.isTrivial(problem)) {
            return false;
        }
        OneDnnAdapter.ConvDesc d;
        try {
            d = OneDnnAdapter.conv(problem);
        } catch (IllegalArgumentException e) {
            return false;
        }
        return (d.route == OneDnnAdapter.Route.ONEDNN_CONVOLUTION || d.route == OneDnnAdapter.Route.ONEDNN_DECONVOLUTION)
                && !d.hasSrcView() && !d.hasTail();
    }

    /** Whether a pooling problem runs on a oneDNN {@code pooling_forward} primitive in conv4j. */
    public static boolean supports(PoolProblem problem) {
        return OneDnnAdapter.route(problem) == OneDnnAdapter.Route.ONEDNN_POOLING;
    }

    /** Whether an adaptive pooling problem runs on a oneDNN {@code pooling_forward} primitive in conv4j. */
    public static boolean supports(AdaptivePoolProblem problem) {
        return OneDnnAdapter.route(problem) == OneDnnAdapter.Route.ONEDNN_POOLING;
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
    @SuppressWarnings("try") // the scope frees the temporaries JavaCPP allocates inside it
    public static BarePrimitive convolution(ConvProblem problem, Tensor weight, Tensor bias, MemoryFormat format) {
        if (!supports(problem)) {
            throw new IllegalArgumentException(problem.spec().opName() + " for " + problem.key()
                    + " does not run on a single oneDNN primitive");
        }
        OneDnnConvKernel.checkWeights(problem.spec(), weight, bias);
        OneDnnBackend backend = OneDnnBackend.instance();
        backend.applyThreads();
        OneDnnAdapter.ConvDesc d = OneDnnAdapter.conv(problem);
        BarePrimitive b = new BarePrimitive(backend, "bare " + problem.spec().opName() + " for " + problem.key());
        b.format = format;
        dnnl_primitive_attr attr = null;
        dnnl_memory_desc srcDesc = null;
        dnnl_memory_desc weightsDesc = null;
        dnnl_memory_desc biasDesc = null;
        dnnl_memory_desc dstDesc = null;
        try (PointerScope scope = new PointerScope()) {
            // exactly as OneDnnConvKernel creates its plan's primitive
            attr = Dnnl.createAttr(false);
            srcDesc = Dnnl.desc(d.srcView, format);
            weightsDesc = Dnnl.anyDesc(d.weights);
            biasDesc = d.bias == null ? null : Dnnl.denseDesc(d.bias);
            dstDesc = Dnnl.desc(d.dst, format);
            dnnl_primitive_desc pd = new dnnl_primitive_desc();
            LongPointer strides = new LongPointer(d.strides);
            LongPointer dilates = new LongPointer(d.dilates);
            LongPointer padL = new LongPointer(d.padLeft);
            LongPointer padR = new LongPointer(d.padRight);
            if (d.transposed) {
                Dnnl.check(dnnl_deconvolution_forward_primitive_desc_create(pd, backend.engine(), dnnl_forward_inference,
                        dnnl_deconvolution_direct, srcDesc, weightsDesc, biasDesc, dstDesc, strides, dilates, padL, padR,
                        attr), "deconvolution_forward for " + b.what + " (" + d + ")");
            } else {
                Dnnl.check(dnnl_convolution_forward_primitive_desc_create(pd, backend.engine(), dnnl_forward_inference,
                        dnnl_convolution_direct, srcDesc, weightsDesc, biasDesc, dstDesc, strides, dilates, padL, padR,
                        attr), "convolution_forward for " + b.what + " (" + d + ")");
            }
            b.pd = pd;
            b.primitive = Dnnl.createPrimitive(pd, b.what);
            b.implInfo = Dnnl.implInfo(pd);
            b.srcElements = OneDnnAdapter.product(d.srcView);
            b.dstElements = OneDnnAdapter.product(d.dst);
            b.src = b.bindNew(DNNL_ARG_SRC, dnnl_query_src_md, 0);
            b.bindPackedWeights(Dnnl.stridedDesc(d.weights, d.userWeightStrides), weight);
            if (bias != null) {
                BytePointer data = b.bindNew(DNNL_ARG_BIAS, dnnl_query_weights_md, 1);
                Pointer.memcpy(data, bias.pointer(), bias.numel() * Float.BYTES);
                Reference.reachabilityFence(bias);
            }
            b.dst = b.bindNew(DNNL_ARG_DST, dnnl_query_dst_md, 0);
            b.finish();
            return b;
        } catch (RuntimeException | Error e) {
            b.close();
            throw e;
        } finally {
            Dnnl.destroy(attr);
            Dnnl.destroy(srcDesc);
            Dnnl.destroy(weightsDesc);
            Dnnl.destroy(biasDesc);
            Dnnl.destroy(dstDesc);
        }
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
        if (!supports(problem)) {
            throw new IllegalArgumentException(problem.spec().opName() + " for " + problem.key()
                    + " does not run on a oneDNN primitive");
        }
        return pooling("bare " + problem.spec().opName() + " for " + problem.key(), OneDnnAdapter.pool(problem),
                format);
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
        if (!supports(problem)) {
            throw new IllegalArgumentException(problem.spec().opName() + " for " + problem.key()
                    + " does not run on a oneDNN primitive");
        }
        return pooling("bare " + problem.spec().opName() + " for " + problem.key(), OneDnnAdapter.adaptivePool(problem),
                format);
    }

    @SuppressWarnings("try") // the scope frees the temporaries JavaCPP allocates inside it
    private static BarePrimitive pooling(String what, OneDnnAdapter.PoolDesc d, MemoryFormat format) {
        OneDnnBackend backend = OneDnnBackend.instance();
        backend.applyThreads();
        BarePrimitive b = new BarePrimitive(backend, what);
        b.format = format;
        dnnl_primitive_attr attr = null;
        dnnl_memory_desc srcDesc = null;
        dnnl_memory_desc dstDesc = null;
        try (PointerScope scope = new PointerScope()) {
            // exactly as OneDnnBackend creates its pooling plan's primitive
            attr = Dnnl.createAttr();
            srcDesc = Dnnl.desc(d.src, format);
            dstDesc = Dnnl.desc(d.dst, format);
            dnnl_primitive_desc pd = new dnnl_primitive_desc();
            Dnnl.check(dnnl_pooling_forward_primitive_desc_create(pd, backend.engine(), dnnl_forward_inference, d.algorithm,
                    srcDesc, dstDesc, new LongPointer(d.strides), new LongPointer(d.kernel), new LongPointer(d.dilates),
                    new LongPointer(d.padLeft), new LongPointer(d.padRight), attr), "pooling_forward for " + what);
            b.pd = pd;
            b.primitive = Dnnl.createPrimitive(pd, what);
            b.implInfo = Dnnl.implInfo(pd);
            b.srcElements = OneDnnAdapter.product(d.src);
            b.dstElements = OneDnnAdapter.product(d.dst);
            b.src = b.bindNew(DNNL_ARG_SRC, dnnl_query_src_md, 0);
            b.dst = b.bindNew(DNNL_ARG_DST, dnnl_query_dst_md, 0);
            b.finish();
            return b;
        } catch (RuntimeException | Error e) {
            b.close();
            throw e;
        } finally {
            Dnnl.destroy(attr);
            Dnnl.destroy(srcDesc);
            Dnnl.destroy(dstDesc);
        }
    }

    /** A zeroed buffer for the descriptor the primitive descriptor reports, bound to {@code argId}. */
    private BytePointer bindNew(int argId, int query, int index) {
        dnnl_memory_desc md = dnnl_primitive_desc_query_md(pd, query, index);
        return bind(argId, md, Dnnl.size(md));
    }

    private BytePointer bind(int argId, dnnl_memory_desc md, long bytes) {
        BytePointer data = Dnnl.allocateAligned(bytes);
        buffers.add(data);
        Pointer.memset(data, 0, Math.max(bytes, 1));
        dnnl_memory m = Dnnl.memory(md, backend.engine(), data);
        memories.add(m);
        argIds.add(argId);
        return data;
    }

    /** The weights reordered once from PyTorch's layout ({@code user}, destroyed here) into the chosen one. */
    private void bindPackedWeights(dnnl_memory_desc user, Tensor weight) {
        try {
            dnnl_memory_desc chosen = Dnnl.queryDesc(pd, dnnl_query_weights_md);
            BytePointer packed = bind(DNNL_ARG_WEIGHTS, chosen, Dnnl.size(chosen));
            dnnl_primitive_attr attr = Dnnl.createAttr();
            try {
                dnnl_primitive_desc rpd = new dnnl_primitive_desc();
                Dnnl.check(dnnl_reorder_primitive_desc_create(rpd, user, backend.engine(), chosen, backend.engine(), attr),
                        "weights reorder of " + what);
                NativePrimitive reorder = new NativePrimitive(backend.engine(), rpd, "weights reorder of " + what);
                try {
                    reorder.execute(new int[] {DNNL_ARG_FROM, DNNL_ARG_TO}, new dnnl_memory_desc[] {user, chosen},
                            new Pointer[] {weight.pointer(), packed});
                    Reference.reachabilityFence(weight);
                } finally {
                    reorder.free();
                }
            } finally {
                Dnnl.destroy(attr);
            }
        } finally {
            Dnnl.destroy(user);
        }
    }

    /** Adds the scratchpad, creates the stream and fills the argument array. */
    private void finish() {
        dnnl_memory_desc scratch = Dnnl.queryDesc(pd, dnnl_query_scratchpad_md);
        long scratchBytes = Dnnl.size(scratch);
        if (scratchBytes > 0) {
            bind(DNNL_ARG_SCRATCHPAD, scratch, scratchBytes);
        }
        dnnl_stream s = new dnnl_stream();
        Dnnl.check(dnnl_stream_create(s, backend.engine(), dnnl_stream_default_flags), "dnnl_stream_create");
        stream = s;
        argCount = memories.size();
        args = new dnnl_exec_arg_t(argCount);
        // outlives any enclosing scope: released in close()
        args.retainReference();
        PointerScope scope = PointerScope.getInnerScope();
        if (scope != null) {
            scope.detach(args);
        }
        for (int i = 0; i < argCount; i++) {
            args.position(i).arg(argIds.get(i)).memory(memories.get(i));
        }
        args.position(0);
    }

    /** oneDNN's implementation name, as {@code ONEDNN_VERBOSE} prints it; the module's for the same problem. */
    public String implementation() {
        return implInfo;
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
        backend.applyThreads();
        for (int i = 0; i < reps; i++) {
            int status = dnnl_primitive_execute(primitive, stream, argCount, args);
            if (status != dnnl_success) {
                Dnnl.check(status, "dnnl_primitive_execute for " + what);
            }
            status = dnnl_stream_wait(stream);
            if (status != dnnl_success) {
                Dnnl.check(status, "dnnl_stream_wait for " + what);
            }
        }
    }

    /** A copy of the destination buffer (the output of the last {@link #run}), in memory order. */
    public float[] output() {
        checkOpen();
        byte[] bytes = new byte[Math.toIntExact(dstElements * Float.BYTES)];
        dst.get(bytes, 0, bytes.length);
        float[] out = new float[Math.toIntExact(dstElements)];
        ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder()).asFloatBuffer().get(out);
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
            Dnnl.destroy(m);
        }
        memories.clear();
        Dnnl.destroy(stream);
        Dnnl.destroy(primitive);
        Dnnl.destroy(pd);
        if (args != null) {
            args.close();
            args = null;
        }
        for (BytePointer b : buffers) {
            b.close();
        }
        buffers.clear();
    }
}
