package dev.conv4j.spec;

import java.util.Arrays;

/**
 * One max-unpooling call resolved by {@link UnpoolGeometry}: each input value is written to the
 * output plane at the flat offset its index gives; everything else is zero.
 */
public final class UnpoolProblem {
    private final UnpoolSpec spec;
    private final boolean batched;
    private final long batch;
    private final long channels;
    private final long[] inputSpatial;
    private final long[] outputSpatial;

    UnpoolProblem(UnpoolSpec spec, boolean batched, long batch, long channels, long[] inputSpatial,
            long[] outputSpatial) {
        this.spec = spec;
        this.batched = batched;
        this.batch = batch;
        this.channels = channels;
        this.inputSpatial = inputSpatial;
        this.outputSpatial = outputSpatial;
    }

    public UnpoolSpec spec() {
        return spec;
    }

    public boolean batched() {
        return batched;
    }

    public long batch() {
        return batch;
    }

    public long channels() {
        return channels;
    }

    public long[] inputSpatial() {
        return inputSpatial.clone();
    }

    public long[] outputSpatial() {
        return outputSpatial.clone();
    }

    /** Elements of one output plane: the exclusive upper bound of a valid index. */
    public long outputPlaneSize() {
        return Arrays.stream(outputSpatial).reduce(1, Math::multiplyExact);
    }

    public long[] outputShape() {
        return ConvProblem.shape(batch, channels, outputSpatial, batched);
    }

    /** PyTorch's message for an index outside the output plane. */
    public String invalidIndexMessage(long index) {
        return UnpoolGeometry.invalidIndexMessage(this, index);
    }

    public String key() {
        return spec + " N=" + batch + " C=" + channels + " in=" + Arrays.toString(inputSpatial)
                + " out=" + Arrays.toString(outputSpatial);
    }

    @Override
    public String toString() {
        return key();
    }
}
