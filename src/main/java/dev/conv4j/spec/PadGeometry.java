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
     * Checks that {@code mode} can pad the input as {@code F.pad} would, with PyTorch's messages.
     *
     * @param input the input's shape as the caller gave it (batched or not)
     * @param before padding before each of the last {@code before.length} dimensions
     */
    public static void check(PaddingMode mode, long[] input, int[] before, int[] after) {
        int d = before.length;
        int rank = input.length;
        // ATen's pad: the padding length, then the rank, then the mode's own checks
        if (d > rank) {
            throw new IllegalArgumentException("Padding length too large");
        }
        if (rank != d + 1 && rank != d + 2) {
            throw new IllegalArgumentException("Only 2D, 3D, 4D, 5D padding with non-constant padding are supported "
                    + "for now");
        }
        if (mode == PaddingMode.CIRCULAR) {
            // circular padding pads every dimension after the first two: it needs a batch dimension
            if (rank != d + 2) {
                throw new IllegalArgumentException("Invalid padding size, expected " + 2 * (rank - 2) + " but got "
                        + 2 * d);
            }
            for (int i = 0; i < d; i++) {
                long size = input[2 + i];
                if (before[i] > size || after[i] > size) {
                    throw new IllegalArgumentException("Padding value causes wrapping around more than once.");
                }
            }
            return;
        }
        checkNotEmpty(mode, input, d);
        if (mode != PaddingMode.REFLECT) {
            return;
        }
        // ATen checks the last dimension first: width (#4), height (#6), depth (#8).
        for (int j = 0; j < d; j++) {
            int i = d - 1 - j;
            int dim = rank - 1 - j;
            long size = input[dim];
            if (before[i] >= size || after[i] >= size) {
                // reflection_pad2d prints the input's rank, reflection_pad1d/3d its sizes
                String of = d == 2 ? String.valueOf(rank) : Tuples.list(input);
                throw new IllegalArgumentException("Argument #" + (4 + 2 * j) + ": Padding size should be less than the "
                        + "corresponding input dimension, but got: padding (" + before[i] + ", " + after[i]
                        + ") at dimension " + dim + " of input " + of);
            }
        }
    }

    /**
     * The padding functions take an empty batch but no other empty dimension. reflection_pad1d
     * and reflection_pad2d check fewer dimensions (not the unbatched input's first) and print the
     * (empty) tensor itself.
     */
    private static void checkNotEmpty(PaddingMode mode, long[] input, int d) {
        int rank = input.length;
        if (mode == PaddingMode.REFLECT && d < 3) {
            boolean ok = true;
            for (int i = 1; i < rank; i++) {
                ok &= input[i] != 0;
            }
            if (!ok) {
                StringBuilder sb = new StringBuilder();
                for (int i = 0; i < rank; i++) {
                    sb.append(i == 0 ? "" : ",").append(input[i]);
                }
                throw new IllegalArgumentException((d + 1) + "D or " + (d + 2) + "D (batch mode) tensor expected for "
                        + "input, but got: [ torch.FloatTensor{" + sb + "} ]");
            }
            return;
        }
        for (int i = rank == d + 2 ? 1 : 0; i < rank; i++) {
            if (input[i] == 0) {
                throw new IllegalArgumentException("Expected " + (d + 1) + "D or " + (d + 2) + "D (batch mode) tensor "
                        + "with possibly 0 batch size and other non-zero dimensions for input, but got: "
                        + Tuples.list(input));
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
