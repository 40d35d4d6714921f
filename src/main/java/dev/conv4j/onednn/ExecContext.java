package dev.conv4j.onednn;

import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_get_memory_desc;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_set_data_handle;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_execute;
import static org.bytedeco.dnnl.global.dnnl.dnnl_stream_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_stream_default_flags;
import static org.bytedeco.dnnl.global.dnnl.dnnl_stream_wait;
import static org.bytedeco.dnnl.global.dnnl.dnnl_success;

import org.bytedeco.dnnl.dnnl_engine;
import org.bytedeco.dnnl.dnnl_exec_arg_t;
import org.bytedeco.dnnl.dnnl_memory;
import org.bytedeco.dnnl.dnnl_memory_desc;
import org.bytedeco.dnnl.dnnl_primitive;
import org.bytedeco.dnnl.dnnl_stream;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;

/**
 * What one call of a primitive needs besides the primitive: a stream, one memory object per
 * argument, the argument array and a user scratchpad; created on a primitive's first call
 * and reused by later ones ({@link NativePrimitive} pools them). A reused call points the
 * memory objects at its data ({@code dnnl_memory_set_data_handle}, skipped when the data is
 * where it was) and rewrites the argument array only where it changed: no stream, memory
 * object or native allocation per call. A memory object is re-created when the descriptor
 * given for its argument differs from the one it was made with. One thread at a time;
 * {@link #free} destroys it all.
 */
final class ExecContext {
    private final dnnl_engine engine;
    private final dnnl_stream stream;
    private final BytePointer scratchpad;
    private final dnnl_memory scratchpadMemory;
    private final int scratchpadArg;
    /**
     * Per argument slot: its id, memory object, that object's own descriptor, the descriptor
     * object last given for it (known to equal the memory's), data address.
     */
    private int[] ids = new int[0];
    private dnnl_memory[] memories = new dnnl_memory[0];
    private dnnl_memory_desc[] memoryDescs = new dnnl_memory_desc[0];
    private dnnl_memory_desc[] givenDescs = new dnnl_memory_desc[0];
    private long[] handles = new long[0];
    /** The argument array and what it holds per position. */
    private dnnl_exec_arg_t args;
    private int capacity;
    private int[] writtenIds = new int[0];
    private dnnl_memory[] written = new dnnl_memory[0];

    /**
     * @param scratchpadDesc the primitive's scratchpad descriptor (owned by its primitive
     *     descriptor), or null without scratchpad
     */
    ExecContext(dnnl_engine engine, dnnl_memory_desc scratchpadDesc, long scratchpadBytes, int scratchpadArg) {
        Dnnl.countNativeObject();
        this.engine = engine;
        this.scratchpadArg = scratchpadArg;
        dnnl_stream s = new dnnl_stream();
        Dnnl.check(dnnl_stream_create(s, engine, dnnl_stream_default_flags), "dnnl_stream_create");
        BytePointer pad = null;
        try {
            if (scratchpadDesc != null && scratchpadBytes > 0) {
                pad = Dnnl.allocateAligned(scratchpadBytes);
                this.scratchpadMemory = Dnnl.memory(scratchpadDesc, engine, pad);
            } else {
                this.scratchpadMemory = null;
            }
        } catch (RuntimeException | Error e) {
            Dnnl.destroy(s);
            if (pad != null) {
                pad.close();
            }
            throw e;
        }
        this.stream = s;
        this.scratchpad = pad;
    }

    /**
     * Executes {@code primitive} with the given (argument id, descriptor, data) triples and
     * waits for it; null data skips the argument.
     */
    void execute(dnnl_primitive primitive, int[] argIds, dnnl_memory_desc[] descs, Pointer[] data, String what) {
        int count = prepare(argIds, descs, data, what);
        int status = dnnl_primitive_execute(primitive, stream, count, args);
        if (status != dnnl_success) {
            Dnnl.check(status, "dnnl_primitive_execute for " + what);
        }
        status = dnnl_stream_wait(stream);
        if (status != dnnl_success) {
            Dnnl.check(status, "dnnl_stream_wait for " + what);
        }
    }

    /**
     * Points the memory objects and the argument array at the given (argument id, descriptor,
     * data) triples, as {@link #execute} does before it runs; returns the number of arguments
     * (the array at {@link #argsAddress}), for native code that executes the primitive itself.
     */
    int prepare(int[] argIds, dnnl_memory_desc[] descs, Pointer[] data, String what) {
        int n = argIds.length;
        if (ids.length != n) {
            resize(n);
        }
        int count = 0;
        for (int i = 0; i < n; i++) {
            Pointer d = data[i];
            if (d == null) {
                continue;
            }
            long handle = Dnnl.address(d);
            dnnl_memory m = memories[i];
            if (m == null || ids[i] != argIds[i]
                    || descs[i] != givenDescs[i] && !Dnnl.equal(memoryDescs[i], descs[i])) {
                Dnnl.destroy(m);
                memories[i] = null;
                givenDescs[i] = null;
                m = Dnnl.memory(descs[i], engine, d);
                memories[i] = m;
                memoryDescs[i] = descOf(m);
                ids[i] = argIds[i];
                handles[i] = handle;
            }
            givenDescs[i] = descs[i];
            if (handles[i] != handle) {
                handles[i] = 0; // unknown until the call succeeds
                int status = dnnl_memory_set_data_handle(m, d);
                if (status != dnnl_success) {
                    Dnnl.check(status, "dnnl_memory_set_data_handle for " + what);
                }
                handles[i] = handle;
            }
            count = put(count, argIds[i], m);
        }
        if (scratchpadMemory != null) {
            count = put(count, scratchpadArg, scratchpadMemory);
        }
        args.position(0);
        return count;
    }

    /** The stream's handle ({@code dnnl_stream_t}). */
    long streamAddress() {
        return stream.address();
    }

    /** The argument array's address ({@code const dnnl_exec_arg_t*}) as {@link #prepare} left it. */
    long argsAddress() {
        return args.address();
    }

    /** Writes (id, memory) at {@code position} of the argument array unless it is there already. */
    private int put(int position, int id, dnnl_memory m) {
        if (written[position] != m || writtenIds[position] != id) {
            args.position(position).arg(id).memory(m);
            written[position] = m;
            writtenIds[position] = id;
        }
        return position + 1;
    }

    private void resize(int n) {
        for (dnnl_memory m : memories) {
            Dnnl.destroy(m);
        }
        ids = new int[n];
        memories = new dnnl_memory[n];
        memoryDescs = new dnnl_memory_desc[n];
        givenDescs = new dnnl_memory_desc[n];
        handles = new long[n];
        if (args == null || capacity < n + 1) {
            if (args != null) {
                args.close();
                args = null;
            }
            args = Dnnl.detached(new dnnl_exec_arg_t(n + 1));
            capacity = n + 1;
        }
        written = new dnnl_memory[capacity];
        writtenIds = new int[capacity];
    }

    /** The descriptor a memory object was created with (owned by the memory object). */
    private static dnnl_memory_desc descOf(dnnl_memory m) {
        dnnl_memory_desc md = new dnnl_memory_desc();
        Dnnl.check(dnnl_memory_get_memory_desc(m, md), "dnnl_memory_get_memory_desc");
        return md;
    }

    /** Destroys the stream, memory objects and scratchpad. */
    void free() {
        for (dnnl_memory m : memories) {
            Dnnl.destroy(m);
        }
        memories = new dnnl_memory[0];
        Dnnl.destroy(scratchpadMemory);
        Dnnl.destroy(stream);
        if (args != null) {
            args.close();
            args = null;
        }
        if (scratchpad != null) {
            scratchpad.close();
        }
    }
}
