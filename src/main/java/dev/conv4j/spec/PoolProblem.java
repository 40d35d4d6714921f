package dev.conv4j.spec;

/**
 * One pooling call (max, average or LP) fully resolved by {@link PoolGeometry}: batch, channels,
 * input and output spatial sizes. Windows start at {@code o*stride - padding} and span
 * {@code dilation*(k-1)+1} positions; see {@link PoolGeometry} for the average divisor.
 *
 * <p>Made by the geometry classes; the arrays are copied in and out, so a problem never changes.
 * Equality is the record's: the spatial arrays compare by identity.
 *
 * @param batched false when the input had no batch dimension (it is then a batch of one)
 */
public record PoolProblem(PoolSpec spec, boolean batched, long batch, long channels, long[] inputSpatial,
        long[] outputSpatial) {
    public PoolProblem {
        inputSpatial = inputSpatial.clone();
        outputSpatial = outputSpatial.clone();
    }

    @Override
    public long[] inputSpatial() {
        return inputSpatial.clone();
    }

    @Override
    public long[] outputSpatial() {
        return outputSpatial.clone();
    }

    /** Output (and indices) shape as the caller sees it. */
    public long[] outputShape() {
        return ConvProblem.shape(batch, channels, outputSpatial, batched);
    }

    /** A stable key of everything that defines the computation, for primitive caches. */
    public String key() {
        return ConvProblem.poolKey(spec, batch, channels, inputSpatial, outputSpatial);
    }

    @Override
    public String toString() {
        return key();
    }
}
