package dev.conv4j;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.Arrays;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;

/**
 * A dense tensor in native memory, of rank 1 to 5.
 *
 * <p>Float tensors hold activations and weights in PyTorch's layouts ({@code N, C, [D,] [H,] W});
 * int64 tensors hold pooling indices. The data lives off-heap, aligned to 64 bytes, so that
 * native kernels read and write it in place without copies. Elements are in C order over the
 * shape ({@link MemoryFormat#CONTIGUOUS}), or, for rank 4 and 5, channels innermost
 * ({@link MemoryFormat#CHANNELS_LAST}, PyTorch's {@code channels_last}); the shape is PyTorch's
 * either way, and every method but the raw views ({@link #floatBuffer()}, {@link #pointer()})
 * speaks in logical (C) order.
 *
 * <p>A tensor owns its native memory until {@link #close()}, which hands the block back to
 * conv4j's pool for reuse by the next tensor of the same byte size (the pool, bounded by
 * {@code -Dconv4j.tensorCacheBytes}, frees the blocks returned longest ago first).
 * Closing twice is harmless; any other use after close throws {@link IllegalStateException}.
 */
public final class Tensor implements AutoCloseable {
    /** Alignment of the first element, in bytes (one cache line, one AVX-512 register). */
    public static final int ALIGNMENT = 64;
    /** Largest supported rank. */
    public static final int MAX_RANK = 5;
    /** Largest data size in bytes: Java buffers address at most 2^31 - 1 bytes. */
    static final long MAX_BYTES = Integer.MAX_VALUE - ALIGNMENT;

    private final DType dtype;
    private final long[] shape;
    private final MemoryFormat format;
    private final long numel;
    private final BytePointer block;
    /** The storage as a Java buffer, made on first use ({@link #bytes()}): most tensors never need one. */
    private volatile ByteBuffer bytes;
    private volatile boolean closed;

    /**
     * With {@code -Dconv4j.poisonEmpty=true}, {@link #empty} tensors start as all-one bits (NaN
     * floats, -1 indices) instead of whatever memory held: the tests run so, which proves that
     * every backend writes every element of its outputs.
     */
    private static final boolean POISON_EMPTY = Boolean.getBoolean("conv4j.poisonEmpty");

    private Tensor(DType dtype, long[] shape) {
        this(dtype, MemoryFormat.CONTIGUOUS, shape, true);
    }

    private Tensor(DType dtype, MemoryFormat format, long[] shape, boolean zero) {
        this.dtype = dtype;
        this.shape = shape.clone();
        this.numel = checkedNumel(dtype, this.shape);
        format.check(this.shape);
        this.format = format;
        long size = numel * dtype.byteSize();
        // One block with room to align the first element; zero-filled like torch.zeros.
        this.block = BlockPool.take(size + ALIGNMENT);
        if (block.isNull()) {
            throw new IllegalStateException("cannot allocate " + (size + ALIGNMENT)
                    + " bytes of native memory for a tensor of shape " + Arrays.toString(shape));
        }
        if (zero) {
            block.zero();
        } else if (POISON_EMPTY) {
            block.fill(0xff);
        }
        long misalignment = block.address() % ALIGNMENT;
        long offset = misalignment == 0 ? 0 : ALIGNMENT - misalignment;
        block.position(offset).limit(offset + size);
    }

    /** Validates a shape and returns its element count; refuses overflow before allocating. */
    static long checkedNumel(DType dtype, long[] shape) {
        if (shape.length < 1 || shape.length > MAX_RANK) {
            throw new IllegalArgumentException("tensor rank must be between 1 and " + MAX_RANK
                    + ", but got shape " + Arrays.toString(shape));
        }
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("tensor dimensions must be non-negative, but got shape "
                        + Arrays.toString(shape));
            }
            try {
                n = Math.multiplyExact(n, d);
                Math.multiplyExact(n, (long) dtype.byteSize());
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException("tensor of shape " + Arrays.toString(shape)
                        + " has too many elements");
            }
        }
        if (n * dtype.byteSize() > MAX_BYTES) {
            throw new IllegalArgumentException("tensor of shape " + Arrays.toString(shape) + " needs "
                    + n * dtype.byteSize() + " bytes, more than the supported maximum of " + MAX_BYTES);
        }
        return n;
    }

    /**
     * Bytes of native memory that closed tensors keep for reuse by new ones (bounded by
     * {@code -Dconv4j.tensorCacheBytes}, default 256 MiB): part of JavaCPP's
     * {@code Pointer.totalBytes()} that no open tensor uses.
     */
    public static long cachedNativeBytes() {
        return BlockPool.cachedBytes();
    }

    /** A zero-filled tensor. */
    public static Tensor zeros(DType dtype, long... shape) {
        return new Tensor(dtype, shape);
    }

    /** A zero-filled float32 tensor. */
    public static Tensor zeros(long... shape) {
        return new Tensor(DType.FLOAT32, shape);
    }

    /** A zero-filled tensor in the given memory format (channels-last needs rank 4 or 5). */
    public static Tensor zeros(DType dtype, MemoryFormat format, long... shape) {
        return new Tensor(dtype, format, shape, true);
    }

    /**
     * A tensor whose contents are unspecified, like {@code torch.empty}: for outputs that are
     * about to be overwritten, saving the pass over memory that zero-filling costs.
     */
    public static Tensor empty(DType dtype, MemoryFormat format, long... shape) {
        return new Tensor(dtype, format, shape, false);
    }

    /** Sets every element to zero. */
    public void fillZero() {
        checkOpen();
        if (numel > 0) {
            block.zero(); // from the first element to the last (the pointer's position and limit)
        }
    }

    /** A float32 tensor holding a copy of {@code data} (C order) with the given shape. */
    public static Tensor of(float[] data, long... shape) {
        Tensor t = new Tensor(DType.FLOAT32, shape);
        if (data.length != t.numel) {
            t.close();
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + t.numel
                    + " elements, but got " + data.length + " values");
        }
        t.bytes().asFloatBuffer().put(data);
        return t;
    }

    /** An int64 tensor holding a copy of {@code data} (C order) with the given shape. */
    public static Tensor ofLongs(long[] data, long... shape) {
        Tensor t = new Tensor(DType.INT64, shape);
        if (data.length != t.numel) {
            t.close();
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + t.numel
                    + " elements, but got " + data.length + " values");
        }
        t.bytes().asLongBuffer().put(data);
        return t;
    }

    /**
     * A uint8 or int8 tensor holding a copy of {@code data} (C order) with the given shape; for
     * uint8 each byte is read as unsigned (0..255).
     */
    public static Tensor ofBytes(DType dtype, byte[] data, long... shape) {
        if (dtype != DType.UINT8 && dtype != DType.INT8) {
            throw new IllegalArgumentException("ofBytes makes UINT8 or INT8 tensors, but got " + dtype);
        }
        Tensor t = new Tensor(dtype, shape);
        if (data.length != t.numel) {
            t.close();
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + t.numel
                    + " elements, but got " + data.length + " values");
        }
        t.bytes().duplicate().put(data);
        return t;
    }

    /** Reads a {@code .npy} file ({@code <f4}, {@code <i8}, {@code |u1} or {@code |i1}, C order, format 1.0 or 2.0). */
    public static Tensor readNpy(Path file) throws IOException {
        return Npy.read(file);
    }

    /**
     * Parses the contents of a {@code .npy} file held in memory (e.g. read by a distributed file
     * system); errors are those of {@link #readNpy(Path)}, prefixed with {@code name}.
     */
    public static Tensor readNpy(byte[] data, String name) throws IOException {
        return Npy.read(data, name);
    }

    /** Writes this tensor as a {@code .npy} file (format 1.0). */
    public void writeNpy(Path file) throws IOException {
        Npy.write(this, file);
    }

    public DType dtype() {
        checkOpen();
        return dtype;
    }

    /** A copy of the shape. */
    public long[] shape() {
        checkOpen();
        return shape.clone();
    }

    /** How the elements are laid out in memory. */
    public MemoryFormat memoryFormat() {
        checkOpen();
        return format;
    }

    /** The element strides of each dimension, as {@code torch.Tensor.stride()}. */
    public long[] strides() {
        checkOpen();
        return format.strides(shape);
    }

    /** Size of dimension {@code dim}; negative values count from the end, as in PyTorch. */
    public long size(int dim) {
        checkOpen();
        return shape[dim < 0 ? shape.length + dim : dim];
    }

    public int rank() {
        checkOpen();
        return shape.length;
    }

    /** Number of elements. */
    public long numel() {
        checkOpen();
        return numel;
    }

    /** A copy of the data of a float32 tensor, in C order over the shape whatever the memory format. */
    public float[] toFloatArray() {
        checkType(DType.FLOAT32);
        if (format != MemoryFormat.CONTIGUOUS) {
            try (Tensor c = contiguous()) {
                return c.toFloatArray();
            }
        }
        float[] out = new float[Math.toIntExact(numel)];
        floatBuffer().get(out);
        return out;
    }

    /** A copy of the data of an int64 tensor, in C order over the shape whatever the memory format. */
    public long[] toLongArray() {
        checkType(DType.INT64);
        if (format != MemoryFormat.CONTIGUOUS) {
            try (Tensor c = contiguous()) {
                return c.toLongArray();
            }
        }
        long[] out = new long[Math.toIntExact(numel)];
        longBuffer().get(out);
        return out;
    }

    /**
     * A copy of the data of a uint8 or int8 tensor, in C order over the shape whatever the memory
     * format (uint8 values 128..255 come out as negative bytes: mask with {@code 0xff}).
     */
    public byte[] toByteArray() {
        checkOpen();
        if (dtype != DType.UINT8 && dtype != DType.INT8) {
            throw new IllegalArgumentException("expected a UINT8 or INT8 tensor, but got " + dtype);
        }
        if (format != MemoryFormat.CONTIGUOUS) {
            try (Tensor c = contiguous()) {
                return c.toByteArray();
            }
        }
        byte[] out = new byte[Math.toIntExact(numel)];
        byteBuffer().get(out);
        return out;
    }

    /** A copy of the data of a float64 tensor, in C order over the shape. */
    public double[] toDoubleArray() {
        checkType(DType.FLOAT64);
        if (format != MemoryFormat.CONTIGUOUS) {
            try (Tensor c = contiguous()) {
                return c.toDoubleArray();
            }
        }
        double[] out = new double[Math.toIntExact(numel)];
        storageBytes().asDoubleBuffer().get(out);
        return out;
    }

    /** Overwrites a float32 tensor with {@code data}, given in C order over the shape. */
    public void copyFrom(float[] data) {
        checkType(DType.FLOAT32);
        checkCount(data.length);
        if (format != MemoryFormat.CONTIGUOUS) {
            try (Tensor c = Tensor.of(data, shape)) {
                copyFrom(c);
            }
            return;
        }
        floatBuffer().put(data);
    }

    /** Overwrites an int64 tensor with {@code data}, given in C order over the shape. */
    public void copyFrom(long[] data) {
        checkType(DType.INT64);
        checkCount(data.length);
        if (format != MemoryFormat.CONTIGUOUS) {
            try (Tensor c = Tensor.ofLongs(data, shape)) {
                copyFrom(c);
            }
            return;
        }
        longBuffer().put(data);
    }

    /**
     * Overwrites this tensor with the elements of {@code source} (same type and shape, any memory
     * format), converting between formats as needed.
     */
    public void copyFrom(Tensor source) {
        checkOpen();
        if (source == this) {
            return;
        }
        if (source.dtype() != dtype || !Arrays.equals(source.shape(), shape)) {
            throw new IllegalArgumentException("cannot copy a " + source + " into a " + this);
        }
        Layouts.copy(source, source.format, this, format, shape);
    }

    /**
     * A new tensor with the same elements in {@code target} format, like
     * {@code x.to(memory_format=...)} (always a copy, owned by the caller).
     */
    public Tensor toMemoryFormat(MemoryFormat target) {
        checkOpen();
        Tensor t = new Tensor(dtype, target, shape, false);
        try {
            t.copyFrom(this);
            return t;
        } catch (RuntimeException e) {
            t.close();
            throw e;
        }
    }

    /** A contiguous (C order) copy, like {@code x.contiguous()} but always a new tensor. */
    public Tensor contiguous() {
        return toMemoryFormat(MemoryFormat.CONTIGUOUS);
    }

    /**
     * A read-write view of a float32 tensor's storage, positioned at element 0, in memory order
     * (C order only for a contiguous tensor). The view is valid only while the tensor is open.
     */
    public FloatBuffer floatBuffer() {
        checkType(DType.FLOAT32);
        return bytes().duplicate().order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    /**
     * A read-write view of a uint8 or int8 tensor's storage, positioned at element 0, in memory
     * order; valid only while the tensor is open.
     */
    public ByteBuffer byteBuffer() {
        checkOpen();
        if (dtype != DType.UINT8 && dtype != DType.INT8) {
            throw new IllegalArgumentException("expected a UINT8 or INT8 tensor, but got " + dtype);
        }
        return storageBytes();
    }

    /** A read-write view of an int64 tensor's storage, in memory order; valid only while the tensor is open. */
    public LongBuffer longBuffer() {
        checkType(DType.INT64);
        return bytes().duplicate().order(ByteOrder.nativeOrder()).asLongBuffer();
    }

    /**
     * The native data pointer, for backends. A byte pointer positioned at the 64-byte aligned
     * first element; callers must not move or free it, and must keep this tensor reachable
     * and open while native code uses it.
     */
    public Pointer pointer() {
        checkOpen();
        return block;
    }

    /** Address of the first element (64-byte aligned). */
    public long address() {
        checkOpen();
        return block.address() + block.position();
    }

    /** The buffer over the storage's bytes, made once (a race makes two equal ones). */
    private ByteBuffer bytes() {
        ByteBuffer b = bytes;
        if (b == null) {
            b = block.asByteBuffer().order(ByteOrder.nativeOrder());
            bytes = b;
        }
        return b;
    }

    /** The storage as native-order bytes, from element 0. */
    ByteBuffer storageBytes() {
        checkOpen();
        // exactly the elements' bytes, from the aligned first one
        ByteBuffer b = bytes().duplicate();
        b.limit(b.position() + Math.toIntExact(numel * dtype.byteSize()));
        return b.slice().order(ByteOrder.nativeOrder());
    }

    /**
     * A new contiguous tensor with the same elements (in C order) and another shape of the same
     * element count.
     */
    public Tensor reshape(long... newShape) {
        checkOpen();
        if (format != MemoryFormat.CONTIGUOUS) {
            try (Tensor c = contiguous()) {
                return c.reshape(newShape);
            }
        }
        Tensor t = new Tensor(dtype, newShape);
        if (t.numel != numel) {
            t.close();
            throw new IllegalArgumentException("shape " + Arrays.toString(newShape)
                    + " is invalid for input of size " + numel);
        }
        t.bytes().duplicate().put(bytes().duplicate());
        return t;
    }

    /** A copy of this tensor, in the same memory format. */
    public Tensor copy() {
        return toMemoryFormat(format);
    }

    public boolean isClosed() {
        return closed;
    }

    /**
     * Ends the tensor: its native block goes back to the pool for reuse (not necessarily to the
     * operating system; the pool is bounded). Closing twice is harmless.
     */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            block.position(0);
            BlockPool.give(block, block.capacity());
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("tensor is closed");
        }
    }

    private void checkCount(int length) {
        if (length != numel) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + numel
                    + " elements, but got " + length + " values");
        }
    }

    private void checkType(DType expected) {
        checkOpen();
        if (dtype != expected) {
            throw new IllegalArgumentException("expected a " + expected + " tensor, but got " + dtype);
        }
    }

    @Override
    public String toString() {
        return closed ? "Tensor[closed]" : "Tensor[" + dtype + ", shape=" + Arrays.toString(shape)
                + (format == MemoryFormat.CONTIGUOUS ? "" : ", " + format) + "]";
    }
}
