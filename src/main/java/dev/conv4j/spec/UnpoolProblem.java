package dev.conv4j.spec;

import java.util.Arrays;

/**
 * One max-unpooling call resolved by {@link UnpoolGeometry}: each input value is written to the
 * output plane at the flat offset its index gives; everything else is zero.
 *
 * <p>Made by the geometry classes; the arrays are copied in and out, so a problem never changes.
 * Equality is the record's: the spatial arrays compare by identity.
 *
 * @param batched false when the input had no batch dimension (it is then a batch of one)
 */
public record UnpoolProblem(UnpoolSpec spec, boolean batched, long batch, long channels, long[] inputSpatial,
        long[] outputSpatial) {
    public UnpoolProblem {
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

    /** Elements of one output plane: the exclusive upper bound of a valid index. */
    public long outputPlaneSize() {
        return Arrays.stream(outputSpatial).reduce(1, Math::multiplyExact);
    }

    /** Output shape as the caller sees it. */
    public long[] outputShape() {
        return ConvProblem.shape(batch, channels, outputSpatial, batched);
    }

    /** PyTorch's message for an index outside the output plane. */
    public String invalidIndexMessage(long index) {
        return UnpoolGeometry.invalidIndexMessage(this, index);
    }

    /** A stable key of everything that defines the computation. */
    public String key() {
        return ConvProblem.poolKey(spec, batch, channels, inputSpatial, outputSpatial);
    }

    @Override
    public String toString() {
        return key();
    }
}
