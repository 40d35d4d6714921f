package dev.conv4j.backend;

import java.util.function.Consumer;

import dev.conv4j.MemoryFormat;
import dev.conv4j.Tensor;

/**
 * Memory-format decisions shared by the backends. Backends accept tensors in any
 * {@link MemoryFormat} and compute on logical indices; a computation that only handles
 * contiguous tensors runs through {@link #viaContiguous} on channels-last ones.
 */
public final class MemoryFormats {
    private MemoryFormats() {
    }

    /** Whether every non-null tensor is contiguous. */
    public static boolean allContiguous(Tensor... tensors) {
        for (Tensor t : tensors) {
            if (t != null && t.memoryFormat() != MemoryFormat.CONTIGUOUS) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether every non-null tensor is channels-last with {@code rank} dimensions: batched
     * tensors of a problem of {@code rank - 2} spatial dimensions, whose memory is NHWC / NDHWC.
     */
    public static boolean allChannelsLast(int rank, Tensor... tensors) {
        for (Tensor t : tensors) {
            if (t != null && (t.memoryFormat() != MemoryFormat.CHANNELS_LAST || t.rank() != rank)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The format of an operator's output of {@code outputRank} dimensions for {@code input}:
     * channels-last when the input is and the output has its rank (as PyTorch's operators
     * keep {@code channels_last}), else contiguous.
     */
    public static MemoryFormat outputFormat(Tensor input, int outputRank) {
        MemoryFormat f = input.memoryFormat();
        return f == MemoryFormat.CHANNELS_LAST && input.rank() == outputRank ? f : MemoryFormat.CONTIGUOUS;
    }

    /**
     * Runs {@code body} on contiguous stand-ins: the contiguous tensors themselves, copies of
     * other inputs, and temporaries (contents unspecified, as any output's) for other outputs, which are copied into the
     * outputs once {@code body} returns. {@code body} gets the inputs then the outputs, in order;
     * null entries stay null. Every temporary is freed, also when {@code body} throws.
     */
    public static void viaContiguous(Tensor[] inputs, Tensor[] outputs, Consumer<Tensor[]> body) {
        Tensor[] all = new Tensor[inputs.length + outputs.length];
        boolean[] temporary = new boolean[all.length];
        try {
            for (int i = 0; i < all.length; i++) {
                boolean isInput = i < inputs.length;
                Tensor t = isInput ? inputs[i] : outputs[i - inputs.length];
                if (t == null || t.memoryFormat() == MemoryFormat.CONTIGUOUS) {
                    all[i] = t;
                } else {
                    all[i] = isInput ? t.contiguous() : Tensor.empty(t.dtype(), MemoryFormat.CONTIGUOUS, t.shape());
                    temporary[i] = true;
                }
            }
            body.accept(all.clone());
            for (int i = inputs.length; i < all.length; i++) {
                if (temporary[i]) {
                    outputs[i - inputs.length].copyFrom(all[i]);
                }
            }
        } finally {
            for (int i = 0; i < all.length; i++) {
                if (temporary[i]) {
                    all[i].close();
                }
            }
        }
    }
}
