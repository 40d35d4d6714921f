package dev.conv4j.spec;

import java.util.Arrays;

/**
 * One adaptive pooling call resolved by {@link AdaptivePoolGeometry}. Output cell {@code i} of a
 * dimension pools input {@code [start(i), end(i))} with {@code start = floor(i*in/out)} and
 * {@code end = ceil((i+1)*in/out)}; windows may overlap when the sizes do not divide.
 */
public final class AdaptivePoolProblem {
    private final AdaptivePoolSpec spec;
    private final boolean batched;
    private final long batch;
    private final long channels;
    private final long[] inputSpatial;
    private final long[] outputSpatial;

    AdaptivePoolProblem(AdaptivePoolSpec spec, boolean batched, long batch, long channels, long[] inputSpatial,
            long[] outputSpatial) {
        this.spec = spec;
        this.batched = batched;
        this.batch = batch;
        this.channels = channels;
        this.inputSpatial = inputSpatial;
        this.outputSpatial = outputSpatial;
    }

    public AdaptivePoolSpec spec() {
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

    public long[] outputShape() {
        return ConvProblem.shape(batch, channels, outputSpatial, batched);
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
