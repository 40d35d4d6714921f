package dev.conv4j.bench;

import java.util.Arrays;
import java.util.Set;

import dev.conv4j.Precision;
import dev.conv4j.backend.Backend;
import dev.conv4j.nn.AdaptiveAvgPool2d;
import dev.conv4j.nn.AvgPool2d;
import dev.conv4j.nn.Conv2d;
import dev.conv4j.nn.Conv3d;
import dev.conv4j.nn.ConvTranspose2d;
import dev.conv4j.nn.Convolution;
import dev.conv4j.nn.MaxPool2d;
import dev.conv4j.nn.Module;
import dev.conv4j.nn.Pooling;
import dev.conv4j.spec.ConvGeometry;
import dev.conv4j.spec.ConvSpec;

/**
 * One row of the benchmark layer set ({@code docs/bench-layers.md}): a stable name, the per-sample
 * input shape and the torch.nn layer as written in the table.
 *
 * @param name the stable name reports key on, e.g. {@code res2 3x3 64-64 56}
 * @param sample the input shape without the batch dimension: {@code C, H, W} or {@code C, D, H, W}
 * @param call the layer, e.g. {@code Conv2d(64, 64, 3, padding=1)}
 */
public record BenchLayer(String name, long[] sample, LayerCall call) {

    /** The torch.nn classes the table uses. */
    public enum Op {
        CONV2D("Conv2d", 2, true),
        CONV_TRANSPOSE2D("ConvTranspose2d", 2, true),
        CONV3D("Conv3d", 3, true),
        MAX_POOL2D("MaxPool2d", 2, false),
        AVG_POOL2D("AvgPool2d", 2, false),
        ADAPTIVE_AVG_POOL2D("AdaptiveAvgPool2d", 2, false);

        final String torchName;
        final int dims;
        final boolean conv;

        Op(String torchName, int dims, boolean conv) {
            this.torchName = torchName;
            this.dims = dims;
            this.conv = conv;
        }

        static Op of(String torchName) {
            for (Op o : values()) {
                if (o.torchName.equals(torchName)) {
                    return o;
                }
            }
            throw new IllegalArgumentException("unsupported layer class '" + torchName + "' (expected one of "
                    + Arrays.stream(values()).map(o -> o.torchName).toList() + ")");
        }
    }

    private static final Set<String> CONV_KEYS = Set.of("stride", "padding", "groups", "dilation");
    private static final Set<String> POOL_KEYS = Set.of("stride", "padding");

    public BenchLayer {
        sample = sample.clone();
        Op op = Op.of(call.op());
        if (sample.length != op.dims + 1) {
            throw new IllegalArgumentException(name + ": input of " + call.op() + " should have " + (op.dims + 1)
                    + " dimensions (C and " + op.dims + " spatial), but got " + Arrays.toString(sample));
        }
        Set<String> allowed = op.conv ? CONV_KEYS : op == Op.ADAPTIVE_AVG_POOL2D ? Set.of() : POOL_KEYS;
        for (String k : call.kwargs().keySet()) {
            if (!allowed.contains(k)) {
                throw new IllegalArgumentException(name + ": unsupported argument '" + k + "' of " + call.op());
            }
        }
        int needed = op.conv ? 3 : 1;
        if (call.args().size() != needed) {
            throw new IllegalArgumentException(name + ": " + call.op() + " should have " + needed
                    + " positional arguments, but got " + call.args().size());
        }
    }

    /**
     * A row as the table writes it.
     *
     * @param op the table's op column, checked against the layer's class
     * @param input the table's input column, e.g. {@code "64, 56, 56"}
     * @param layer the table's layer column, e.g. {@code "Conv2d(64, 64, 3, padding=1)"}
     */
    public static BenchLayer of(String name, String op, String input, String layer) {
        LayerCall call = LayerCall.parse(layer);
        if (!call.op().equals(op)) {
            throw new IllegalArgumentException(name + ": op column '" + op + "' does not match layer '" + layer + "'");
        }
        long[] sample = Arrays.stream(input.split(",")).map(String::strip).mapToLong(Long::parseLong).toArray();
        return new BenchLayer(name, sample, call);
    }

    public Op op() {
        return Op.of(call.op());
    }

    /** Whether the layer is a (transposed) convolution, whose FLOPs and GFLOPS are reported. */
    public boolean isConv() {
        return op().conv;
    }

    @Override
    public long[] sample() {
        return sample.clone();
    }

    /** The batched NCHW (or NCDHW) input shape. */
    public long[] inputShape(int batch) {
        long[] s = new long[sample.length + 1];
        s[0] = batch;
        System.arraycopy(sample, 0, s, 1, sample.length);
        return s;
    }

    /** The convolution's spec (without weights); only for convolutions. */
    public ConvSpec convSpec() {
        Op op = op();
        if (!op.conv) {
            throw new IllegalStateException(name + " is not a convolution");
        }
        ConvSpec.Builder b = ConvSpec.builder(op.dims, op == Op.CONV_TRANSPOSE2D, call.arg(0, 0), call.arg(1, 0),
                call.arg(2, 0));
        b.stride(call.kwarg("stride", 1)).padding(call.kwarg("padding", 0)).dilation(call.kwarg("dilation", 1))
                .groups(call.kwarg("groups", 1));
        return b.build();
    }

    /**
     * FLOPs of one call at {@code batch}: {@code 2 * outputElements * (in/groups) * kernelVolume}, or for a
     * transposed convolution {@code 2 * inputElements * (out/groups) * kernelVolume}; NaN for pooling.
     */
    public double flops(int batch) {
        if (!isConv()) {
            return Double.NaN;
        }
        return ConvGeometry.flops(ConvGeometry.forward(convSpec(), inputShape(batch), null));
    }

    /** Builds the layer on {@code backend}; convolution weights are PyTorch's default init from {@code seed}. */
    public Module build(Backend backend, long seed) {
        return build(backend, seed, Precision.F32);
    }

    /** As {@link #build(Backend, long)}, a convolution computing at {@code precision} (pooling stays f32). */
    public Module build(Backend backend, long seed, Precision precision) {
        int stride = call.kwarg("stride", -1);
        int padding = call.kwarg("padding", 0);
        switch (op()) {
            case CONV2D:
                return conv(Conv2d.builder(call.arg(0, 0), call.arg(1, 0), call.arg(2, 0)).precision(precision), backend,
                        seed);
            case CONV_TRANSPOSE2D:
                return conv(ConvTranspose2d.builder(call.arg(0, 0), call.arg(1, 0), call.arg(2, 0)).precision(precision),
                        backend, seed);
            case CONV3D:
                return conv(Conv3d.builder(call.arg(0, 0), call.arg(1, 0), call.arg(2, 0)).precision(precision), backend,
                        seed);
            case MAX_POOL2D:
                return pool(MaxPool2d.builder(call.arg(0, 0)), stride, padding, backend);
            case AVG_POOL2D:
                return pool(AvgPool2d.builder(call.arg(0, 0)), stride, padding, backend);
            case ADAPTIVE_AVG_POOL2D:
                return AdaptiveAvgPool2d.builder((long) call.arg(0, 0)).backend(backend).build();
            default:
                throw new AssertionError(op());
        }
    }

    private <M extends Convolution> M conv(Convolution.Builder<M> b, Backend backend, long seed) {
        return b.stride(call.kwarg("stride", 1)).padding(call.kwarg("padding", 0)).dilation(call.kwarg("dilation", 1))
                .groups(call.kwarg("groups", 1)).backend(backend).seed(seed).build();
    }

    private static <M extends Pooling> M pool(Pooling.Builder<M> b, int stride, int padding, Backend backend) {
        if (stride > 0) {
            b.stride(stride);
        }
        return b.padding(padding).backend(backend).build();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BenchLayer l && name.equals(l.name) && Arrays.equals(sample, l.sample)
                && call.equals(l.call);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + call.hashCode();
    }

    @Override
    public String toString() {
        return name + ": " + call + " on " + Arrays.toString(sample);
    }
}
