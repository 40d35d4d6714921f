package dev.conv4j.spec;

import java.util.Arrays;

/**
 * One pooling call (max, average or LP) fully resolved by {@link PoolGeometry}: batch, channels,
 * input and output spatial sizes. Windows start at {@code o*stride - padding} and span
 * {@code dilation*(k-1)+1} positions; see {@link PoolGeometry} for the average divisor.
 */
public final class PoolProblem {
    private final PoolSpec spec;
    private final boolean batched;
    private final long batch;
    private final long channels;
    private final long[] inputSpatial;
    private final long[] outputSpatial;

    PoolProblem(PoolSpec spec, boolean batched, long batch, long channels, long[] inputSpatial, long[] outputSpatial) {
        this.spec = spec;
        this.batched = batched;
        this.batch = batch;
        this.channels = channels;
        this.inputSpatial = inputSpatial;
        this.outputSpatial = outputSpatial;
    }

    public PoolSpec spec() {
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

    /** Output (and indices) shape as the caller sees it. */
    public long[] outputShape() {
        return ConvProblem.shape(batch, channels, outputSpatial, batched);
    }

    /** A stable key of everything that defines the computation, for primitive caches. */
    public String key() {
        return spec + " N=" + batch + " C=" + channels + " in=" + Arrays.toString(inputSpatial)
                + " out=" + Arrays.toString(outputSpatial);
    }

    @Override
    public String toString() {
        return key();
    }
}
