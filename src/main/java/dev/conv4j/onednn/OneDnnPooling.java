package dev.conv4j.onednn;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.dnnl_query_dst_md;
import static org.bytedeco.dnnl.global.dnnl.dnnl_query_src_md;

import java.lang.ref.Reference;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntConsumer;
import java.util.function.Supplier;

import org.bytedeco.dnnl.dnnl_memory_desc;
import org.bytedeco.javacpp.Pointer;

import dev.conv4j.DType;
import dev.conv4j.MemoryFormat;
import dev.conv4j.Tensor;
import dev.conv4j.backend.MemoryFormats;
import dev.conv4j.backend.TensorContract;
import dev.conv4j.spec.AdaptivePoolProblem;
import dev.conv4j.spec.PoolKind;
import dev.conv4j.spec.PoolProblem;
import dev.conv4j.spec.UnpoolProblem;

/**
 * The oneDNN backend's pooling: plain and adaptive pooling on oneDNN's {@code pooling_forward}
 * where it computes exactly as PyTorch does ({@link OneDnnAdapter#route}), on conv4j's own
 * kernels otherwise, and max unpooling on the own kernel. Primitives are cached per problem
 * shape, memory format and thread count; each plan's threads are chosen on its first call
 * ({@link CallThreads}). Thread-safe.
 */
final class OneDnnPooling {
    /** Pooling problem shapes kept. */
    static final int CACHE_CAPACITY = 64;

    private final OneDnnRuntime runtime;
    private final PlanCache<PoolPlan> plans = new PlanCache<>(CACHE_CAPACITY);
    /** The thread count chosen per plan (planKey with the thread setting in place of the count). */
    private final Map<PlanKey, Integer> planThreads = new ConcurrentHashMap<>();

    OneDnnPooling(OneDnnRuntime runtime) {
        this.runtime = runtime;
    }

    void pool(PoolProblem problem, Tensor input, Tensor output, Tensor indices) {
        checkTensors(problem.spec().opName(), problem.spec().kind(), problem.batch(), problem.channels(),
                problem.inputSpatial(), problem.outputSpatial(), input, output, indices);
        int rank = problem.inputSpatial().length + 2;
        if (indices == null && ownBoxAverage(problem, input, output)) {
            onOwnThreads(n -> OwnKernels.pool(problem, input, output, null, false, n));
            return;
        }
        if (ranOnOneDnn(OneDnnAdapter.route(problem), rank, () -> OneDnnAdapter.pool(problem), problem.spec().opName(),
                input, output, indices)) {
            return;
        }
        boolean channelsLast = MemoryFormats.allChannelsLast(rank, input, output, indices);
        if (channelsLast || MemoryFormats.allContiguous(input, output, indices)) {
            onOwnThreads(n -> OwnKernels.pool(problem, input, output, indices, channelsLast, n));
        } else {
            MemoryFormats.viaContiguous(new Tensor[] {input}, new Tensor[] {output, indices},
                    t -> onOwnThreads(n -> OwnKernels.pool(problem, t[0], t[1], t[2], false, n)));
        }
    }

    /**
     * Runs an own-kernel call on the threads that the calls in flight leave of the budget
     * ({@link CallThreads#acquire}), at most the thread setting: with as many callers as cores,
     * a call's helpers would only preempt another caller (Serve, max pooling at 2 callers on 2
     * cores: a p99 of one scheduler time slice, 4.2 ms).
     */
    private void onOwnThreads(IntConsumer call) {
        int max = runtime.threads();
        CallThreads callThreads = runtime.callThreads();
        int n = callThreads.acquire(max, max);
        try {
            call.accept(n);
        } finally {
            callThreads.release(n);
        }
    }

    void adaptivePool(AdaptivePoolProblem problem, Tensor input, Tensor output, Tensor indices) {
        checkTensors(problem.spec().opName(), problem.spec().kind(), problem.batch(), problem.channels(),
                problem.inputSpatial(), problem.outputSpatial(), input, output, indices);
        if (indices == null && ownGlobalAverage(problem, input, output)) {
            onOwnThreads(n -> OwnKernels.adaptivePool(problem, input, output, indices, n));
        } else if (!ranOnOneDnn(OneDnnAdapter.route(problem), problem.inputSpatial().length + 2,
                () -> OneDnnAdapter.adaptivePool(problem), problem.spec().opName(), input, output, indices)) {
            MemoryFormats.viaContiguous(new Tensor[] {input}, new Tensor[] {output, indices},
                    t -> onOwnThreads(n -> OwnKernels.adaptivePool(problem, t[0], t[1], t[2], n)));
        }
    }

    void maxUnpool(UnpoolProblem problem, Tensor input, Tensor indices, Tensor output) {
        long[] in = batched(problem.batch(), problem.channels(), problem.inputSpatial());
        TensorContract.require("input", input, DType.FLOAT32, in);
        TensorContract.require("indices", indices, DType.INT64, in);
        TensorContract.require("output", output, DType.FLOAT32,
                batched(problem.batch(), problem.channels(), problem.outputSpatial()));
        if (problem.batch() == 0) {
            return;
        }
        MemoryFormats.viaContiguous(new Tensor[] {input, indices}, new Tensor[] {output}, t -> {
            t[2].fillZero(); // the kernel writes only the positions the indices name
            OwnKernels.maxUnpool(problem, t[0], t[1], t[2]);
        });
    }

    /**
     * Runs a call on a oneDNN primitive if it takes it: the pooling route, no indices, and
     * tensors the primitive takes as they are (all contiguous, or all channels-last of the
     * problem's batched rank). True also for route {@code NONE} (nothing to compute); false when
     * the call is left to our own kernels.
     */
    private boolean ranOnOneDnn(OneDnnAdapter.Route route, int batchedRank, Supplier<OneDnnAdapter.PoolDesc> desc,
            String opName, Tensor input, Tensor output, Tensor indices) {
        if (route == OneDnnAdapter.Route.NONE) {
            return true;
        }
        if (route != OneDnnAdapter.Route.ONEDNN_POOLING || indices != null
                || !(MemoryFormats.allContiguous(input, output) || MemoryFormats.allChannelsLast(batchedRank, input, output))) {
            return false;
        }
        run(opName, desc.get(), input, output);
        return true;
    }

    /**
     * ROUTE DECISION (one place; a cost-based per-plan choice may replace it): whether an
     * adaptive average pooling call that oneDNN could run runs on our own kernel instead. Yes for
     * global pooling (every output size 1) on contiguous NC(D)(H)W tensors: one vectorised sum
     * per plane, where oneDNN's NCHW pooling measured several times slower. Other shapes, and
     * channels-last tensors, stay on oneDNN.
     */
    static boolean ownGlobalAverage(AdaptivePoolProblem p, Tensor input, Tensor output) {
        return OneDnnAdapter.route(p) == OneDnnAdapter.Route.ONEDNN_POOLING
                && Arrays.stream(p.outputSpatial()).allMatch(o -> o == 1) && MemoryFormats.allContiguous(input, output);
    }

    /**
     * ROUTE DECISION: whether an average pooling call that oneDNN could run runs on our own
     * box filter instead ({@link OwnKernels#boxAverage}). Yes on contiguous NC(H)W tensors,
     * where oneDNN's NCHW average pooling measured about twice as slow (AvgPool2d(3, 1, 1) on
     * 256x28x28). Channels-last tensors stay on oneDNN.
     */
    static boolean ownBoxAverage(PoolProblem p, Tensor input, Tensor output) {
        return OneDnnAdapter.route(p) == OneDnnAdapter.Route.ONEDNN_POOLING && OwnKernels.boxAverage(p.spec())
                && MemoryFormats.allContiguous(input, output);
    }

    /** The implementation oneDNN chose for a pooling problem it runs (creating it if needed), for tests. */
    String implementation(PoolProblem problem) {
        if (OneDnnAdapter.route(problem) != OneDnnAdapter.Route.ONEDNN_POOLING) {
            return "own:" + OneDnnAdapter.route(problem);
        }
        int threads = runtime.threads();
        runtime.applyThreads(threads);
        OneDnnAdapter.PoolDesc desc = OneDnnAdapter.pool(problem);
        PoolPlan plan = plans.acquire(desc.planKey(threads, MemoryFormat.CONTIGUOUS),
                k -> createPlan(problem.spec().opName(), desc, MemoryFormat.CONTIGUOUS));
        try {
            return plan.primitive.implInfo();
        } finally {
            plans.release(plan);
        }
    }

    /**
     * Runs a pooling primitive on {@code input} and {@code output}, both contiguous or both
     * channels-last, on the threads its plan is worth ({@link CallThreads}).
     */
    private void run(String opName, OneDnnAdapter.PoolDesc desc, Tensor input, Tensor output) {
        int max = runtime.threads();
        CallThreads callThreads = runtime.callThreads();
        PlanKey key = desc.planKey(max, input.memoryFormat());
        int wanted = CallThreads.kept(planThreads, key, 4 * CACHE_CAPACITY, () -> {
            double bytes = Float.BYTES * (double) (input.numel() + output.numel());
            double flops = (double) output.numel() * OneDnnAdapter.product(desc.kernel);
            return callThreads.tune(CallThreads.estimateMicros(flops, bytes), max,
                    n -> run(n, opName, desc, input, output));
        });
        int n = callThreads.acquire(wanted, max);
        try {
            run(n, opName, desc, input, output);
        } finally {
            callThreads.release(n);
        }
    }

    private void run(int threads, String opName, OneDnnAdapter.PoolDesc desc, Tensor input, Tensor output) {
        runtime.applyThreads(threads);
        MemoryFormat format = input.memoryFormat();
        PoolPlan plan = plans.acquire(desc.planKey(threads, format), k -> createPlan(opName, desc, format));
        try {
            NativePrimitive p = plan.primitive;
            p.execute(new int[] {DNNL_ARG_SRC, DNNL_ARG_DST},
                    new dnnl_memory_desc[] {p.query(dnnl_query_src_md, 0), p.query(dnnl_query_dst_md, 0)},
                    new Pointer[] {input.pointer(), output.pointer()});
            Reference.reachabilityFence(input);
            Reference.reachabilityFence(output);
        } finally {
            plans.release(plan);
        }
    }

    private PoolPlan createPlan(String opName, OneDnnAdapter.PoolDesc d, MemoryFormat format) {
        String what = opName + " (" + d + ", " + format + ")";
        return new PoolPlan(new NativePrimitive(runtime.engine(),
                PrimitiveFactory.pooling(runtime.engine(), d, format, what), what));
    }

    private static final class PoolPlan extends PlanCache.Plan {
        final NativePrimitive primitive;

        PoolPlan(NativePrimitive primitive) {
            this.primitive = primitive;
        }

        @Override
        protected void free() {
            primitive.free();
        }
    }

    // ---------------------------------------------------------------- checks

    /** The tensor checks shared by plain and adaptive pooling; indices only for max pooling. */
    private static void checkTensors(String opName, PoolKind kind, long batch, long channels, long[] inSpatial,
            long[] outSpatial, Tensor input, Tensor output, Tensor indices) {
        long[] out = batched(batch, channels, outSpatial);
        TensorContract.require("input", input, DType.FLOAT32, batched(batch, channels, inSpatial));
        TensorContract.require("output", output, DType.FLOAT32, out);
        if (indices != null) {
            if (kind != PoolKind.MAX) {
                throw new IllegalArgumentException(opName + " returns no indices");
            }
            TensorContract.require("indices", indices, DType.INT64, out);
        }
    }

    private static long[] batched(long n, long c, long[] spatial) {
        return OneDnnAdapter.concat(new long[] {n, c}, spatial);
    }
}
