package dev.conv4j.spec;

import java.util.Arrays;

/**
 * The arguments of AdaptiveAvgPool1d/2d/3d and AdaptiveMaxPool1d/2d/3d: the output size, where
 * a null entry keeps that input dimension's size (PyTorch's None), and return_indices.
 */
public final class AdaptivePoolSpec {
    private final PoolKind kind;
    private final int dims;
    private final Long[] outputSize;
    private final boolean returnIndices;
    /** True when output_size was given as one value per dimension (a Python sequence), not one int. */
    private final boolean perDimension;

    private AdaptivePoolSpec(PoolKind kind, int dims, Long[] outputSize, boolean returnIndices) {
        if (kind == PoolKind.LP) {
            throw new IllegalArgumentException("adaptive pooling is max or average, not LP");
        }
        if (dims < 1 || dims > 3) {
            throw new IllegalArgumentException("adaptive pooling has 1, 2 or 3 spatial dimensions, but got " + dims);
        }
        if (returnIndices && kind != PoolKind.MAX) {
            throw new IllegalArgumentException("AdaptiveAvgPool" + dims + "d has no return_indices argument");
        }
        this.kind = kind;
        this.dims = dims;
        this.returnIndices = returnIndices;
        this.perDimension = dims > 1 && outputSize.length == dims;
        if (outputSize.length == 1 && dims > 1) {
            Long[] all = new Long[dims];
            Arrays.fill(all, outputSize[0]);
            this.outputSize = all;
        } else if (outputSize.length != dims) {
            String fn = AdaptivePoolGeometry.functionName(kind, dims);
            throw new IllegalArgumentException(dims == 1
                    ? fn + "() argument 'output_size' should contain one int (got " + outputSize.length + ")"
                    : kind == PoolKind.MAX ? fn + "(): internal error: output_size.size() must be " + dims
                    : fn + ": output_size must be " + dims);
        } else {
            this.outputSize = outputSize.clone();
        }
    }

    /**
     * @param outputSize one size for every dimension or one per dimension (D, H, W); null entries
     *     keep the input's size
     */
    public static AdaptivePoolSpec of(PoolKind kind, int dims, boolean returnIndices, Long... outputSize) {
        return new AdaptivePoolSpec(kind, dims, outputSize, returnIndices);
    }

    /** {@code AdaptiveAvgPool{dims}d(output_size)}. */
    public static AdaptivePoolSpec avg(int dims, long... outputSize) {
        return of(PoolKind.AVG, dims, false, boxed(outputSize));
    }

    /** {@code AdaptiveMaxPool{dims}d(output_size, return_indices)}. */
    public static AdaptivePoolSpec max(int dims, boolean returnIndices, long... outputSize) {
        return of(PoolKind.MAX, dims, returnIndices, boxed(outputSize));
    }

    /** An output_size of plain sizes (no None entries) in the boxed form {@link #of} takes; null stays null. */
    public static Long[] boxed(long... outputSize) {
        return outputSize == null ? null : Arrays.stream(outputSize).boxed().toArray(Long[]::new);
    }

    public PoolKind kind() {
        return kind;
    }

    public int dims() {
        return dims;
    }

    /** The requested output size per dimension; null entries mean "as the input". */
    public Long[] outputSize() {
        return outputSize.clone();
    }

    public boolean returnIndices() {
        return returnIndices;
    }

    /** True when output_size was given per dimension (a sequence in PyTorch) rather than as one size. */
    boolean perDimension() {
        return perDimension;
    }

    public String opName() {
        return (kind == PoolKind.MAX ? "AdaptiveMaxPool" : "AdaptiveAvgPool") + dims + "d";
    }

    @Override
    public String toString() {
        return opName() + "(output_size=" + Arrays.toString(outputSize) + ", return_indices=" + returnIndices + ")";
    }
}
