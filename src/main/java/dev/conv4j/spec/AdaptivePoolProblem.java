package dev.conv4j.spec;

/**
 * One adaptive pooling call resolved by {@link AdaptivePoolGeometry}. Output cell {@code i} of a
 * dimension pools input {@code [start(i), end(i))} with {@code start = floor(i*in/out)} and
 * {@code end = ceil((i+1)*in/out)}; windows may overlap when the sizes do not divide.
 *
 * <p>Made by the geometry classes; the arrays are copied in and out, so a problem never changes.
 * Equality is the record's: the spatial arrays compare by identity.
 *
 * @param batched false when the input had no batch dimension (it is then a batch of one)
 */
public record AdaptivePoolProblem(AdaptivePoolSpec spec, boolean batched, long batch, long channels,
        long[] inputSpatial, long[] outputSpatial) {
    public AdaptivePoolProblem {
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
