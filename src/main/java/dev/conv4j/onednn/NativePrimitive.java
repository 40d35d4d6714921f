package dev.conv4j.onednn;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SCRATCHPAD;
import static org.bytedeco.dnnl.global.dnnl.dnnl_query_scratchpad_md;

import org.bytedeco.dnnl.dnnl_engine;
import org.bytedeco.dnnl.dnnl_memory_desc;
import org.bytedeco.dnnl.dnnl_primitive;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.bytedeco.javacpp.Pointer;

/**
 * A oneDNN primitive with its descriptor and a pool of execution contexts (a stream, memory
 * objects, the argument array and a user scratchpad, {@link ExecContext}): each call
 * borrows a context of its own, so one primitive serves many threads at once, and a context is
 * reused by later calls, which then only point its memory objects at their data instead of
 * creating a stream and memory objects. The pool holds at most as many contexts as calls ever
 * ran at once. Not reference counted itself; its owner (a {@link PlanCache.Plan}) frees it,
 * with its contexts, when no call uses it.
 */
final class NativePrimitive {
    private final dnnl_engine engine;
    private final dnnl_primitive_desc pd;
    private final dnnl_primitive primitive;
    private final String what;
    private final String implInfo;
    private final long scratchpadBytes;
    private final FreeList<ExecContext> contexts = new FreeList<>();

    /** Takes ownership of {@code pd}; destroys it if the primitive cannot be created. */
    NativePrimitive(dnnl_engine engine, dnnl_primitive_desc pd, String what) {
        this.engine = engine;
        this.pd = pd;
        this.what = what;
        try {
            this.implInfo = Dnnl.implInfo(pd);
            this.scratchpadBytes = Dnnl.size(Dnnl.queryDesc(pd, dnnl_query_scratchpad_md));
            this.primitive = Dnnl.createPrimitive(pd, what);
        } catch (RuntimeException e) {
            Dnnl.destroy(pd);
            throw e;
        }
    }

    /** oneDNN's implementation name, as {@code ONEDNN_VERBOSE} prints it. */
    String implInfo() {
        return implInfo;
    }

    /** The eltwise algorithms of the primitive's post-ops ({@link Dnnl#postOpEltwiseAlgorithms}). */
    int[] postOpEltwiseAlgorithms() {
        return Dnnl.postOpEltwiseAlgorithms(pd);
    }

    /**
     * A descriptor the primitive descriptor owns (e.g. {@code dnnl_query_weights_md}); the same
     * object on every call for the same query, so that {@link #execute} recognises it without
     * asking oneDNN.
     */
    dnnl_memory_desc query(int query, int index) {
        long key = ((long) query << 32) | (index & 0xffffffffL);
        Queried[] known = queried;
        for (Queried q : known) {
            if (q.key == key) {
                return q.desc;
            }
        }
        synchronized (this) {
            for (Queried q : queried) {
                if (q.key == key) {
                    return q.desc;
                }
            }
            dnnl_memory_desc md = org.bytedeco.dnnl.global.dnnl.dnnl_primitive_desc_query_md(pd, query, index);
            Queried[] more = java.util.Arrays.copyOf(queried, queried.length + 1);
            more[more.length - 1] = new Queried(key, md);
            queried = more;
            return md;
        }
    }

    /** A descriptor the primitive descriptor owns, by (query, index). */
    private record Queried(long key, dnnl_memory_desc desc) {
    }

    /** The descriptors {@link #query} returned so far; replaced (never changed) under {@code this}. */
    private volatile Queried[] queried = new Queried[0];

    /**
     * Runs the primitive once. {@code descs[i]} describes {@code data[i]} for argument
     * {@code argIds[i]}; null data skips the argument. The caller keeps the data's owners
     * reachable until this returns.
     */
    void execute(int[] argIds, dnnl_memory_desc[] descs, Pointer[] data) {
        ExecContext context = take();
        boolean ok = false;
        try {
            context.execute(primitive, argIds, descs, data, what);
            ok = true;
        } finally {
            giveBack(context, ok);
        }
    }

    /**
     * An execution context for a call that native code runs ({@link #address}); give it back
     * with {@link #giveBack}.
     */
    ExecContext take() {
        ExecContext context = contexts.poll();
        return context != null ? context : new ExecContext(engine, scratchpadBytes > 0
                ? Dnnl.queryDesc(pd, dnnl_query_scratchpad_md) : null, scratchpadBytes, DNNL_ARG_SCRATCHPAD);
    }

    /**
     * Returns a context from {@link #take}: kept for the next call if its call succeeded, else freed
     * (a failed call may leave the stream in any state).
     */
    void giveBack(ExecContext context, boolean ok) {
        if (ok) {
            contexts.push(context);
        } else {
            context.free();
        }
    }

    /** The primitive's handle ({@code dnnl_primitive_t}). */
    long address() {
        return primitive.address();
    }

    /** Number of pooled execution contexts, for tests. */
    int pooledContexts() {
        return contexts.size();
    }

    /** Frees each primitive that is not null ({@link #free()}). */
    static void freeAll(NativePrimitive... primitives) {
        for (NativePrimitive p : primitives) {
            if (p != null) {
                p.free();
            }
        }
    }

    /** Destroys the primitive and frees the contexts; no call may be running. */
    void free() {
        ExecContext c;
        while ((c = contexts.poll()) != null) {
            c.free();
        }
        Dnnl.destroy(primitive);
        Dnnl.destroy(pd);
    }
}
