package dev.conv4j.onednn;

import java.util.List;
import java.util.function.Supplier;

import org.bytedeco.dnnl.dnnl_memory_desc;
import org.bytedeco.javacpp.BytePointer;

/**
 * A convolution's weights in one oneDNN layout, shared by every plan whose primitive chose that
 * layout: the kernel keeps one reference and each plan one; the last {@link #unref} frees them.
 * The entries of one kernel live in one list, which guards their counts.
 */
final class PackedWeights {
    /** The layout (owned). */
    final dnnl_memory_desc desc;
    /** The packed weights, 64-byte aligned (owned). */
    final BytePointer data;
    private final List<PackedWeights> owner;
    private int refs;

    private PackedWeights(List<PackedWeights> owner, dnnl_memory_desc desc, BytePointer data) {
        this.owner = owner;
        this.desc = desc;
        this.data = data;
    }

    /**
     * The entry of {@code owner} in layout {@code chosen} (a descriptor the caller keeps), made
     * from {@code pack} (the weights reordered into {@code chosen}) the first time this layout is
     * asked for. The result carries one reference for the caller. Call while holding
     * {@code owner}'s lock.
     */
    static PackedWeights acquire(List<PackedWeights> owner, dnnl_memory_desc chosen, Supplier<BytePointer> pack) {
        for (PackedWeights w : owner) {
            if (Dnnl.equal(w.desc, chosen)) {
                w.refs++;
                return w;
            }
        }
        dnnl_memory_desc desc = Dnnl.cloneDesc(chosen);
        BytePointer data;
        try {
            data = pack.get();
        } catch (RuntimeException | Error e) {
            Dnnl.destroy(desc);
            throw e;
        }
        PackedWeights w = new PackedWeights(owner, desc, data);
        owner.add(w);
        w.refs = 2; // the kernel's and the caller's
        return w;
    }

    /** Drops one reference; the last frees the weights and leaves the owner's list. */
    void unref() {
        synchronized (owner) {
            if (--refs == 0) {
                owner.remove(this);
                Dnnl.destroy(desc);
                data.close();
            }
        }
    }
}
