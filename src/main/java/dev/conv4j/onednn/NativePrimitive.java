package dev.conv4j.onednn;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SCRATCHPAD;
import static org.bytedeco.dnnl.global.dnnl.dnnl_query_scratchpad_md;

import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedDeque;

import org.bytedeco.dnnl.dnnl_engine;
import org.bytedeco.dnnl.dnnl_memory;
import org.bytedeco.dnnl.dnnl_memory_desc;
import org.bytedeco.dnnl.dnnl_primitive;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;

/**
 * A oneDNN primitive with its descriptor and a pool of user scratchpads: each call borrows its
 * own scratchpad, so one primitive serves many threads at once. Not reference counted itself;
 * its owner (a {@link PlanCache.Plan}) frees it when no call uses it.
 */
final class NativePrimitive {
    private final dnnl_engine engine;
    private final dnnl_primitive_desc pd;
    private final dnnl_primitive primitive;
    private final String what;
    private final String implInfo;
    private final long scratchpadBytes;
    private final ConcurrentLinkedDeque<BytePointer> scratchpads = new ConcurrentLinkedDeque<>();

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

    /** A descriptor the primitive descriptor owns (e.g. {@code dnnl_query_weights_md}). */
    dnnl_memory_desc query(int query, int index) {
        return org.bytedeco.dnnl.global.dnnl.dnnl_primitive_desc_query_md(pd, query, index);
    }

    /**
     * Runs the primitive once. {@code descs[i]} describes {@code data[i]} for argument
     * {@code argIds[i]}; null data skips the argument. The caller keeps the data's owners
     * reachable until this returns.
     */
    void execute(int[] argIds, dnnl_memory_desc[] descs, Pointer[] data) {
        int n = argIds.length;
        dnnl_memory[] memories = new dnnl_memory[n + 1];
        int[] ids = Arrays.copyOf(argIds, n + 1);
        BytePointer scratchpad = scratchpadBytes > 0 ? borrowScratchpad() : null;
        try {
            for (int i = 0; i < n; i++) {
                if (data[i] != null) {
                    memories[i] = Dnnl.memory(descs[i], engine, data[i]);
                }
            }
            if (scratchpad != null) {
                ids[n] = DNNL_ARG_SCRATCHPAD;
                memories[n] = Dnnl.memory(Dnnl.queryDesc(pd, dnnl_query_scratchpad_md), engine, scratchpad);
            }
            Dnnl.execute(primitive, engine, ids, memories, what);
        } finally {
            for (dnnl_memory m : memories) {
                Dnnl.destroy(m);
            }
            if (scratchpad != null) {
                scratchpads.push(scratchpad);
            }
        }
    }

    private BytePointer borrowScratchpad() {
        BytePointer s = scratchpads.poll();
        return s != null ? s : Dnnl.allocateAligned(scratchpadBytes);
    }

    /** Destroys the primitive and frees the scratchpads; no call may be running. */
    void free() {
        Dnnl.destroy(primitive);
        Dnnl.destroy(pd);
        BytePointer s;
        while ((s = scratchpads.poll()) != null) {
            s.close();
        }
    }
}
