package dev.conv4j.spec;

import java.util.Arrays;

/**
 * One convolution call fully resolved: the spec, the input's batch and spatial sizes, the output
 * sizes and the exact padding on each side. Backends compute from this alone; every number in
 * it comes from {@link ConvGeometry}.
 *
 * <p>Meaning of the padding: for a convolution with {@link PaddingMode#ZEROS}, the input is
 * zero-padded by {@code padBefore}/{@code padAfter}; with another padding mode it is first padded
 * by those amounts in that mode, then convolved without padding. For a transposed convolution,
 * output position {@code o = i*stride - padBefore + k*dilation} receives input {@code i} through
 * kernel tap {@code k}, and {@code padAfter = padding - outputPadding} (it may be negative).
 */
public final class ConvProblem {
    private final ConvSpec spec;
    private final boolean batched;
    private final long batch;
    private final long[] inputSpatial;
    private final long[] outputSpatial;
    private final int[] padBefore;
    private final int[] padAfter;

    ConvProblem(ConvSpec spec, boolean batched, long batch, long[] inputSpatial, long[] outputSpatial,
            int[] padBefore, int[] padAfter) {
        this.spec = spec;
        this.batched = batched;
        this.batch = batch;
        this.inputSpatial = inputSpatial;
        this.outputSpatial = outputSpatial;
        this.padBefore = padBefore;
        this.padAfter = padAfter;
    }

    public ConvSpec spec() {
        return spec;
    }

    /** False when the input had no batch dimension (it is then treated as a batch of one). */
    public boolean batched() {
        return batched;
    }

    /** Batch size N (1 for unbatched input). */
    public long batch() {
        return batch;
    }

    public long[] inputSpatial() {
        return inputSpatial.clone();
    }

    public long[] outputSpatial() {
        return outputSpatial.clone();
    }

    public int[] padBefore() {
        return padBefore.clone();
    }

    public int[] padAfter() {
        return padAfter.clone();
    }

    /** Input shape with the batch dimension: {@code [N, C_in, spatial...]}. */
    public long[] batchedInputShape() {
        return shape(batch, spec.inChannels(), inputSpatial, true);
    }

    /** Output shape with the batch dimension: {@code [N, C_out, spatial...]}. */
    public long[] batchedOutputShape() {
        return shape(batch, spec.outChannels(), outputSpatial, true);
    }

    /** The output tensor's shape as the caller sees it (no batch dimension for unbatched input). */
    public long[] outputShape() {
        return shape(batch, spec.outChannels(), outputSpatial, batched);
    }

    static long[] shape(long n, long c, long[] spatial, boolean withBatch) {
        int lead = withBatch ? 2 : 1;
        long[] s = new long[lead + spatial.length];
        if (withBatch) {
            s[0] = n;
        }
        s[lead - 1] = c;
        System.arraycopy(spatial, 0, s, lead, spatial.length);
        return s;
    }

    /** The key of a pooling or unpooling problem: its spec, N, C and the spatial sizes. */
    static String poolKey(Object spec, long batch, long channels, long[] inputSpatial, long[] outputSpatial) {
        return spec + " N=" + batch + " C=" + channels + " in=" + Arrays.toString(inputSpatial)
                + " out=" + Arrays.toString(outputSpatial);
    }

    /** A stable key of everything that defines the computation, for primitive caches. */
    public String key() {
        return spec + " N=" + batch + " in=" + Arrays.toString(inputSpatial) + " out=" + Arrays.toString(outputSpatial)
                + " padL=" + Arrays.toString(padBefore) + " padR=" + Arrays.toString(padAfter);
    }

    @Override
    public String toString() {
        return key();
    }
}
