package dev.conv4j;

/**
 * How a tensor's elements are laid out in memory, as PyTorch's {@code torch.memory_format}. The
 * logical shape is always PyTorch's ({@code N, C, [D,] H, W}); only the order of the elements
 * in memory differs.
 */
public enum MemoryFormat {
    /** C order over the logical shape ({@code torch.contiguous_format}): NCHW, NCDHW. */
    CONTIGUOUS,
    /**
     * Channels innermost ({@code torch.channels_last} for rank 4, {@code torch.channels_last_3d}
     * for rank 5): NHWC, NDHWC in memory. oneDNN's convolutions run on it without reordering.
     */
    CHANNELS_LAST;

    /** Whether a tensor of {@code rank} can have this format (channels-last needs rank 4 or 5). */
    public boolean supports(int rank) {
        return this == CONTIGUOUS || rank == 4 || rank == 5;
    }

    /**
     * Refuses a rank this format cannot describe, with PyTorch's message for
     * {@code x.to(memory_format=torch.channels_last)} (rank 5 is channels_last_3d there).
     */
    void check(long[] shape) {
        if (!supports(shape.length)) {
            throw new IllegalArgumentException("required rank 4 tensor to use channels_last format");
        }
    }

    /**
     * The element strides of each logical dimension of {@code shape} in this format: for
     * channels-last, C has stride 1, the spatial dims follow in C order over (spatial..., C),
     * and N is outermost. Sizes of 0 count as 1, as in {@code torch.empty(...).stride()}.
     */
    public long[] strides(long[] shape) {
        int rank = shape.length;
        long[] strides = new long[rank];
        if (this == CONTIGUOUS) {
            long s = 1;
            for (int i = rank - 1; i >= 0; i--) {
                strides[i] = s;
                s *= Math.max(shape[i], 1);
            }
            return strides;
        }
        check(shape);
        long s = 1;
        strides[1] = s;
        s *= Math.max(shape[1], 1);
        for (int i = rank - 1; i >= 2; i--) {
            strides[i] = s;
            s *= Math.max(shape[i], 1);
        }
        strides[0] = s;
        return strides;
    }
}
