package dev.conv4j.onednn;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_FROM;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_TO;
import static org.bytedeco.dnnl.global.dnnl.dnnl_convolution_direct;
import static org.bytedeco.dnnl.global.dnnl.dnnl_convolution_forward_primitive_desc_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_deconvolution_direct;
import static org.bytedeco.dnnl.global.dnnl.dnnl_deconvolution_forward_primitive_desc_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_f32;
import static org.bytedeco.dnnl.global.dnnl.dnnl_forward_inference;
import static org.bytedeco.dnnl.global.dnnl.dnnl_pooling_forward_primitive_desc_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_query_weights_md;
import static org.bytedeco.dnnl.global.dnnl.dnnl_reorder_primitive_desc_create;

import java.lang.ref.Reference;

import org.bytedeco.dnnl.dnnl_engine;
import org.bytedeco.dnnl.dnnl_memory_desc;
import org.bytedeco.dnnl.dnnl_primitive_attr;
import org.bytedeco.dnnl.dnnl_primitive_desc;
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
 * The one place where this backend creates its oneDNN primitives: convolution, transposed
 * convolution and pooling primitive descriptors, reorders (among them the weights reordered
 * once into the layout a primitive chose), and memory descriptors by layout. The convolution
 * kernels (f32, bf16 and int8), the pooling and the benchmarks' bare-primitive baseline all
 * create theirs here, so the baseline runs the very primitive a module runs.
 *
 * <p><b>Internal</b>: public only for conv4j's own tools (the bare-primitive baseline of
 * {@code conv4j-tools}); not part of the API, it may change in any release. The public methods
 * hand out raw oneDNN handles that the caller destroys.
 */
public final class PrimitiveFactory {
    /** The layouts oneDNN's own kernels prefer, beside the caller's ({@link MemoryFormat}). */
    enum Layout {
        /** 16-channel blocks ({@code nCw16c}, {@code nChw16c}, {@code nCdhw16c}). */
        BLOCKED_16C,
        /** Channels innermost ({@code nwc}, {@code nhwc}, {@code ndhwc}). */
        NXC
    }

    /** The arguments of a reorder, in the order of {@link NativePrimitive#execute}'s arrays. */
    static final int[] FROM_TO = {DNNL_ARG_FROM, DNNL_ARG_TO};

    private PrimitiveFactory() {
    }

    // ---------------------------------------------------------------- memory descriptors

    /** A descriptor of {@code dims} in {@code layout} of data type {@code dataType}. */
    static dnnl_memory_desc desc(long[] dims, Layout layout, int dataType) {
        return layout == Layout.NXC ? Dnnl.stridedDesc(dims, Dnnl.nxcStrides(dims), dataType)
                : Dnnl.blocked16cDesc(dims, dataType);
    }

    /** PyTorch's weight layout of a convolution ({@code d.userWeightStrides}) of data type {@code dataType}. */
    static dnnl_memory_desc userWeights(OneDnnAdapter.ConvDesc d, int dataType) {
        return Dnnl.stridedDesc(d.weights, d.userWeightStrides, dataType);
    }

    // ---------------------------------------------------------------- convolution

    /**
     * Creates the convolution (or, for {@code d.transposed}, deconvolution) primitive descriptor
     * of {@code d} into {@code pd} with the given memory descriptors ({@code bias} may be null)
     * and paddings; returns oneDNN's status, for callers that try several layouts.
     */
    @SuppressWarnings("try") // the scope frees the temporaries JavaCPP allocates inside it
    static int tryConvolution(dnnl_primitive_desc pd, dnnl_engine engine, OneDnnAdapter.ConvDesc d,
            ConvDescs descs, long[] padLeft, long[] padRight, dnnl_primitive_attr attr) {
        try (PointerScope scope = new PointerScope()) {
            LongPointer strides = new LongPointer(d.strides);
            LongPointer dilates = new LongPointer(d.dilates);
            LongPointer padL = new LongPointer(padLeft);
            LongPointer padR = new LongPointer(padRight);
            return d.transposed
                    ? dnnl_deconvolution_forward_primitive_desc_create(pd, engine, dnnl_forward_inference,
                            dnnl_deconvolution_direct, descs.src(), descs.weights(), descs.bias(), descs.dst(), strides,
                            dilates, padL, padR, attr)
                    : dnnl_convolution_forward_primitive_desc_create(pd, engine, dnnl_forward_inference,
                            dnnl_convolution_direct, descs.src(), descs.weights(), descs.bias(), descs.dst(), strides,
                            dilates, padL, padR, attr);
        }
    }

    /** As {@link #tryConvolution}, throwing oneDNN's error ({@link Dnnl#check}) for {@code what}. */
    static dnnl_primitive_desc convolution(dnnl_engine engine, OneDnnAdapter.ConvDesc d, ConvDescs descs,
            long[] padLeft, long[] padRight, dnnl_primitive_attr attr, String what) {
        dnnl_primitive_desc pd = new dnnl_primitive_desc();
        Dnnl.check(tryConvolution(pd, engine, d, descs, padLeft, padRight, attr),
                (d.transposed ? "deconvolution_forward for " : "convolution_forward for ") + what + " (" + d + ")");
        return pd;
    }

    /**
     * The f32 memory route's convolution of {@code d}: source (view) and destination in the
     * caller's {@code format}, f32 weights in {@code format_tag::any} (oneDNN picks its layout,
     * see {@link #packWeights}), dense bias.
     */
    static dnnl_primitive_desc f32Convolution(dnnl_engine engine, OneDnnAdapter.ConvDesc d, MemoryFormat format,
            dnnl_primitive_attr attr, String what) {
        return f32Convolution(engine, d, format, false, false, attr, what);
    }

    /**
     * As {@link #f32Convolution(dnnl_engine, OneDnnAdapter.ConvDesc, MemoryFormat, dnnl_primitive_attr, String)},
     * with the destination, and the source if {@code blockedSrc}, in 16-channel blocks instead when
     * {@code blockedDst} (the others stay in {@code format}).
     */
    static dnnl_primitive_desc f32Convolution(dnnl_engine engine, OneDnnAdapter.ConvDesc d, MemoryFormat format,
            boolean blockedSrc, boolean blockedDst, dnnl_primitive_attr attr, String what) {
        try (Owned owned = new Owned()) {
            dnnl_memory_desc src = owned.add(blockedSrc ? desc(d.srcView, Layout.BLOCKED_16C, dnnl_f32)
                    : Dnnl.desc(d.srcView, format));
            dnnl_memory_desc dst = owned.add(blockedDst ? desc(d.dst, Layout.BLOCKED_16C, dnnl_f32)
                    : Dnnl.desc(d.dst, format));
            ConvDescs descs = new ConvDescs(src, owned.add(Dnnl.anyDesc(d.weights, dnnl_f32)), owned.add(biasDesc(d)),
                    dst);
            return convolution(engine, d, descs, d.padLeft, d.padRight, attr, what);
        }
    }

    /** The dense f32 bias descriptor of {@code d}, or null without bias. */
    static dnnl_memory_desc biasDesc(OneDnnAdapter.ConvDesc d) {
        return d.bias == null ? null : Dnnl.denseDesc(d.bias);
    }

    /** The four memory descriptors of a convolution ({@code bias} may be null); the creator destroys them. */
    record ConvDescs(dnnl_memory_desc src, dnnl_memory_desc weights, dnnl_memory_desc bias, dnnl_memory_desc dst) {
    }

    // ---------------------------------------------------------------- pooling

    /** The {@code pooling_forward} primitive descriptor of {@code d}, source and destination in {@code format}. */
    @SuppressWarnings("try") // the scope frees the temporaries JavaCPP allocates inside it
    static dnnl_primitive_desc pooling(dnnl_engine engine, OneDnnAdapter.PoolDesc d, MemoryFormat format,
            String what) {
        try (Owned owned = new Owned(); PointerScope scope = new PointerScope()) {
            dnnl_primitive_attr attr = owned.add(Dnnl.createAttr());
            dnnl_memory_desc src = owned.add(Dnnl.desc(d.src, format));
            dnnl_memory_desc dst = owned.add(Dnnl.desc(d.dst, format));
            dnnl_primitive_desc pd = new dnnl_primitive_desc();
            Dnnl.check(dnnl_pooling_forward_primitive_desc_create(pd, engine, dnnl_forward_inference, d.algorithm, src,
                    dst, new LongPointer(d.strides), new LongPointer(d.kernel), new LongPointer(d.dilates),
                    new LongPointer(d.padLeft), new LongPointer(d.padRight), attr), "pooling_forward for " + what);
            return pd;
        }
    }

    // ---------------------------------------------------------------- reorders

    /**
     * A oneDNN reorder from {@code from} to {@code to} (layouts and data types; rounding to
     * nearest even), with the backend's attributes. The descriptors stay the caller's.
     */
    static NativePrimitive reorder(dnnl_engine engine, dnnl_memory_desc from, dnnl_memory_desc to, String what) {
        try (Owned owned = new Owned()) {
            dnnl_primitive_attr attr = owned.add(Dnnl.createAttr());
            dnnl_primitive_desc pd = new dnnl_primitive_desc();
            Dnnl.check(dnnl_reorder_primitive_desc_create(pd, from, engine, to, engine, attr), "reorder for " + what);
            return new NativePrimitive(engine, pd, what);
        }
    }

    /**
     * {@code weight} (laid out as {@code user}) reordered once into a new 64-byte aligned block
     * laid out as {@code chosen}, the layout a primitive chose (with the compensation an int8
     * layout may carry, which the reorder computes). The caller closes the block.
     */
    static BytePointer packWeights(dnnl_engine engine, dnnl_memory_desc user, dnnl_memory_desc chosen, Tensor weight,
            String what) {
        try (Owned temps = new Owned(); Owned parts = new Owned()) {
            BytePointer data = parts.add(Dnnl.allocateAligned(Dnnl.size(chosen)), BytePointer::close);
            NativePrimitive reorder = temps.add(reorder(engine, user, chosen, what), NativePrimitive::free);
            reorder.execute(FROM_TO, new dnnl_memory_desc[] {user, chosen}, new Pointer[] {weight.pointer(), data});
            Reference.reachabilityFence(weight);
            parts.handOver();
            return data;
        }
    }

    // ---------------------------------------------------------------- for the bare-primitive baseline

    /**
     * Whether a convolution problem runs on one oneDNN primitive as it is: the
     * {@code convolution_forward} or {@code deconvolution_forward} route without an own padding
     * kernel, input copy or output tail, and not trivial.
     */
    public static boolean runsOnOnePrimitive(ConvProblem problem) {
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

    /** Whether a pooling problem runs on a oneDNN {@code pooling_forward} primitive. */
    public static boolean runsOnOnePrimitive(PoolProblem problem) {
        return OneDnnAdapter.route(problem) == OneDnnAdapter.Route.ONEDNN_POOLING;
    }

    /** Whether an adaptive pooling problem runs on a oneDNN {@code pooling_forward} primitive. */
    public static boolean runsOnOnePrimitive(AdaptivePoolProblem problem) {
        return OneDnnAdapter.route(problem) == OneDnnAdapter.Route.ONEDNN_POOLING;
    }

    /**
     * The f32 convolution primitive descriptor the {@code onednn} backend creates for
     * {@code problem} with source and destination in {@code format} (without fused ReLU), on
     * the backend's engine and the calling thread's thread setting. The caller destroys it.
     *
     * @throws IllegalArgumentException if the problem does not run on one primitive ({@link #runsOnOnePrimitive(ConvProblem)})
     */
    public static dnnl_primitive_desc convolution(ConvProblem problem, MemoryFormat format, String what) {
        if (!runsOnOnePrimitive(problem)) {
            throw new IllegalArgumentException(what + " does not run on a single oneDNN primitive");
        }
        try (Owned owned = new Owned()) {
            dnnl_primitive_attr attr = owned.add(Dnnl.createAttr(false));
            return f32Convolution(engine(), OneDnnAdapter.conv(problem), format, attr, what);
        }
    }

    /** As {@link #convolution(ConvProblem, MemoryFormat, String)} for a pooling problem. */
    public static dnnl_primitive_desc pooling(PoolProblem problem, MemoryFormat format, String what) {
        if (!runsOnOnePrimitive(problem)) {
            throw new IllegalArgumentException(what + " does not run on a oneDNN primitive");
        }
        return pooling(engine(), OneDnnAdapter.pool(problem), format, what);
    }

    /** As {@link #convolution(ConvProblem, MemoryFormat, String)} for an adaptive pooling problem. */
    public static dnnl_primitive_desc pooling(AdaptivePoolProblem problem, MemoryFormat format, String what) {
        if (!runsOnOnePrimitive(problem)) {
            throw new IllegalArgumentException(what + " does not run on a oneDNN primitive");
        }
        return pooling(engine(), OneDnnAdapter.adaptivePool(problem), format, what);
    }

    /**
     * The module's weights (PyTorch layout, float32, checked against the spec with the bias)
     * reordered into the layout the convolution primitive {@code pd} of {@code problem} chose:
     * a new aligned block the caller closes.
     */
    public static BytePointer packWeights(dnnl_primitive_desc pd, ConvProblem problem, Tensor weight, Tensor bias) {
        OneDnnConvKernel.checkWeights(problem.spec(), weight, bias);
        try (Owned owned = new Owned()) {
            dnnl_memory_desc user = owned.add(userWeights(OneDnnAdapter.conv(problem), dnnl_f32));
            return packWeights(engine(), user, Dnnl.queryDesc(pd, dnnl_query_weights_md), weight,
                    "weights reorder of " + problem.spec().opName());
        }
    }

    /** The CPU engine the backend's primitives run on. */
    public static dnnl_engine engine() {
        return OneDnnBackend.instance().runtime().engine();
    }

    /** Applies the backend's thread setting to the calling thread (read when a primitive is created and run). */
    public static void applyThreads() {
        OneDnnBackend.instance().runtime().applyThreads();
    }

    /** oneDNN's implementation name of {@code pd}, as {@code ONEDNN_VERBOSE} prints it. */
    public static String implementation(dnnl_primitive_desc pd) {
        return Dnnl.implInfo(pd);
    }

    /** Throws the backend's exception for a oneDNN status other than success ({@link Dnnl#check}). */
    public static void check(int status, String what) {
        Dnnl.check(status, what);
    }

    /**
     * {@code p}, just allocated by JavaCPP, taken out of any enclosing {@code PointerScope}
     * ({@link Dnnl#detached}): it lives until its {@code close()}.
     */
    public static <P extends Pointer> P detached(P p) {
        return Dnnl.detached(p);
    }

    /**
     * A zeroed 64-byte aligned native block of {@code bytes} that outlives any enclosing
     * {@code PointerScope}; free it with {@link BytePointer#close()}.
     */
    public static BytePointer allocate(long bytes) {
        BytePointer block = Dnnl.allocateAligned(bytes);
        Pointer.memset(block, 0, Math.max(bytes, 1));
        return block;
    }
}
