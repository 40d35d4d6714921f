package dev.conv4j.spec;

/**
 * PyTorch's rules for the non-zero padding modes of a convolution (what {@code F.pad} checks
 * before the convolution runs): reflect needs a pad smaller than the dimension, circular at most
 * the dimension.
 */
public final class PadGeometry {
    private PadGeometry() {
    }

    /**
     * Checks that {@code mode} can pad a batched input of shape {@code in} by the given amounts.
     *
     * @param in the batched input shape {@code [N, C, spatial...]}
     */
    public static void check(PaddingMode mode, long[] in, int[] before, int[] after) {
        int d = before.length;
        for (int i = 0; i < d; i++) {
            long size = in[2 + i];
            int dim = 2 + i;
            switch (mode) {
                case REFLECT:
                    if (before[i] >= size || after[i] >= size) {
                        throw new IllegalArgumentException("Argument #4: Padding size should be less than the "
                                + "corresponding input dimension, but got: padding (" + before[i] + ", " + after[i]
                                + ") at dimension " + dim + " of input " + Tuples.list(in));
                    }
                    break;
                case CIRCULAR:
                    if (before[i] > size || after[i] > size) {
                        throw new IllegalArgumentException("Padding value causes wrapping around more than once.");
                    }
                    break;
                case REPLICATE:
                    if (size == 0 && (before[i] > 0 || after[i] > 0)) {
                        throw new IllegalArgumentException("input tensor has an empty spatial dimension " + dim
                                + " of input " + Tuples.list(in) + " and cannot be replicate-padded");
                    }
                    break;
                default:
                    break;
            }
        }
    }

    /**
     * The source index along one dimension for padded position {@code p} ({@code 0 <= p < size +
     * before + after}) in the given mode; -1 for zero padding outside the input.
     */
    public static long sourceIndex(PaddingMode mode, long p, long size, int before) {
        long i = p - before;
        if (i >= 0 && i < size) {
            return i;
        }
        switch (mode) {
            case REFLECT:
                return i < 0 ? -i : 2 * (size - 1) - i;
            case REPLICATE:
                return i < 0 ? 0 : size - 1;
            case CIRCULAR:
                return ((i % size) + size) % size;
            default:
                return -1;
        }
    }
}
