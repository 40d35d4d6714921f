package dev.conv4j.reliability;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.conv4j.Tensor;
import dev.conv4j.backend.Backend;
import dev.conv4j.nn.AdaptiveAvgPool1d;
import dev.conv4j.nn.AdaptiveAvgPool2d;
import dev.conv4j.nn.AdaptiveAvgPool3d;
import dev.conv4j.nn.AdaptiveMaxPool1d;
import dev.conv4j.nn.AdaptiveMaxPool2d;
import dev.conv4j.nn.AdaptiveMaxPool3d;
import dev.conv4j.nn.AdaptivePooling;
import dev.conv4j.nn.AvgPool1d;
import dev.conv4j.nn.AvgPool2d;
import dev.conv4j.nn.AvgPool3d;
import dev.conv4j.nn.Conv1d;
import dev.conv4j.nn.Conv2d;
import dev.conv4j.nn.Conv3d;
import dev.conv4j.nn.ConvTranspose1d;
import dev.conv4j.nn.ConvTranspose2d;
import dev.conv4j.nn.ConvTranspose3d;
import dev.conv4j.nn.Convolution;
import dev.conv4j.nn.LPPool1d;
import dev.conv4j.nn.LPPool2d;
import dev.conv4j.nn.MaxPool1d;
import dev.conv4j.nn.MaxPool2d;
import dev.conv4j.nn.MaxPool3d;
import dev.conv4j.nn.MaxUnpool1d;
import dev.conv4j.nn.MaxUnpool2d;
import dev.conv4j.nn.MaxUnpool3d;
import dev.conv4j.nn.MaxUnpooling;
import dev.conv4j.nn.PoolResult;
import dev.conv4j.nn.Pooling;

/**
 * One torch.nn module built through conv4j's public API from a PyTorch-style argument map
 * ({@code Conv2d} with {@code in_channels=2, out_channels=4, kernel_size=3, ...}) on a given
 * backend, with one forward entry point for every family. Thread-safe as the module is.
 */
final class Layer implements AutoCloseable {
    /** Every operator the reliability tests exercise. */
    static final List<String> OPS = List.of("Conv1d", "Conv2d", "Conv3d", "ConvTranspose1d", "ConvTranspose2d",
            "ConvTranspose3d", "MaxPool1d", "MaxPool2d", "MaxPool3d", "AvgPool1d", "AvgPool2d", "AvgPool3d",
            "LPPool1d", "LPPool2d", "AdaptiveAvgPool1d", "AdaptiveAvgPool2d", "AdaptiveAvgPool3d",
            "AdaptiveMaxPool1d", "AdaptiveMaxPool2d", "AdaptiveMaxPool3d", "MaxUnpool1d", "MaxUnpool2d",
            "MaxUnpool3d");

    private static final Pattern OP = Pattern.compile(
            "(Conv|ConvTranspose|MaxPool|AvgPool|LPPool|AdaptiveAvgPool|AdaptiveMaxPool|MaxUnpool)([123])d");

    final String op;
    final String family;
    final int dims;
    private final Convolution conv;
    private final Pooling pool;
    private final AdaptivePooling adaptive;
    private final MaxUnpooling unpool;

    private Layer(String op, String family, int dims, Convolution conv, Pooling pool, AdaptivePooling adaptive,
            MaxUnpooling unpool) {
        this.op = op;
        this.family = family;
        this.dims = dims;
        this.conv = conv;
        this.pool = pool;
        this.adaptive = adaptive;
        this.unpool = unpool;
    }

    /** The family of an op name ({@code Conv}, {@code MaxPool}, ...). */
    static String family(String op) {
        Matcher m = OP.matcher(op);
        if (!m.matches()) {
            throw new MalformedRow("unknown op '" + op + "'");
        }
        return m.group(1);
    }

    static int dims(String op) {
        return op.charAt(op.length() - 2) - '0';
    }

    /**
     * Builds the module. Refusals of conv4j's argument checks propagate as they come;
     * a malformed argument map is a {@link MalformedRow} (never taken for a refusal).
     */
    static Layer build(String op, Map<String, Object> arguments, Backend backend) {
        String family = family(op);
        int dims = dims(op);
        Args a = new Args(op, arguments);
        a.allowOnly(family);
        Layer layer;
        switch (family) {
            case "Conv":
            case "ConvTranspose":
                layer = new Layer(op, family, dims, conv(family.equals("ConvTranspose"), dims, a, backend), null, null,
                        null);
                break;
            case "MaxPool":
            case "AvgPool":
            case "LPPool":
                layer = new Layer(op, family, dims, null, pool(family, dims, a, backend), null, null);
                break;
            case "AdaptiveAvgPool":
            case "AdaptiveMaxPool":
                layer = new Layer(op, family, dims, null, null, adaptive(family.equals("AdaptiveMaxPool"), dims, a,
                        backend), null);
                break;
            default:
                layer = new Layer(op, family, dims, null, null, null, unpool(dims, a, backend));
                break;
        }
        return layer;
    }

    private static Convolution conv(boolean transposed, int dims, Args a, Backend backend) {
        int in = a.intValue("in_channels");
        int out = a.intValue("out_channels");
        int[] k = a.ints("kernel_size");
        Convolution.Builder<? extends Convolution> b;
        if (transposed) {
            b = dims == 1 ? ConvTranspose1d.builder(in, out, k) : dims == 2 ? ConvTranspose2d.builder(in, out, k)
                    : ConvTranspose3d.builder(in, out, k);
        } else {
            b = dims == 1 ? Conv1d.builder(in, out, k) : dims == 2 ? Conv2d.builder(in, out, k)
                    : Conv3d.builder(in, out, k);
        }
        if (a.has("stride")) {
            b.stride(a.ints("stride"));
        }
        if (a.has("padding")) {
            Object p = a.raw("padding");
            if (p instanceof String) {
                b.padding((String) a.take("padding"));
            } else {
                b.padding(a.ints("padding"));
            }
        }
        if (a.has("output_padding")) {
            b.outputPadding(a.ints("output_padding"));
        }
        if (a.has("dilation")) {
            b.dilation(a.ints("dilation"));
        }
        if (a.has("groups")) {
            b.groups(a.intValue("groups"));
        }
        if (a.has("bias")) {
            b.bias(a.bool("bias"));
        }
        if (a.has("padding_mode")) {
            b.paddingMode((String) a.take("padding_mode"));
        }
        if (a.has("seed")) {
            b.seed(a.longValue("seed"));
        }
        return b.backend(backend).build();
    }

    private static Pooling pool(String family, int dims, Args a, Backend backend) {
        int[] k = a.ints("kernel_size");
        Pooling.Builder<? extends Pooling> b;
        switch (family) {
            case "MaxPool":
                b = dims == 1 ? MaxPool1d.builder(k) : dims == 2 ? MaxPool2d.builder(k) : MaxPool3d.builder(k);
                break;
            case "AvgPool":
                b = dims == 1 ? AvgPool1d.builder(k) : dims == 2 ? AvgPool2d.builder(k) : AvgPool3d.builder(k);
                break;
            default:
                double p = a.number("norm_type");
                if (dims == 3) {
                    throw new MalformedRow("there is no LPPool3d");
                }
                b = dims == 1 ? LPPool1d.builder(p, k) : LPPool2d.builder(p, k);
                break;
        }
        if (a.has("stride")) {
            b.stride(a.raw("stride") == null ? nullInts(a) : a.ints("stride"));
        }
        if (a.has("padding")) {
            b.padding(a.ints("padding"));
        }
        if (a.has("dilation")) {
            b.dilation(a.ints("dilation"));
        }
        if (a.has("ceil_mode")) {
            b.ceilMode(a.bool("ceil_mode"));
        }
        if (a.has("count_include_pad")) {
            b.countIncludePad(a.bool("count_include_pad"));
        }
        if (a.has("divisor_override")) {
            Object v = a.take("divisor_override");
            b.divisorOverride(v == null ? null : (int) Literals.asLong(v));
        }
        if (a.has("return_indices")) {
            b.returnIndices(a.bool("return_indices"));
        }
        return b.backend(backend).build();
    }

    private static int[] nullInts(Args a) {
        a.take("stride");
        return null;
    }

    private static AdaptivePooling adaptive(boolean max, int dims, Args a, Backend backend) {
        Object v = a.take("output_size");
        Long[] size;
        if (v instanceof List) {
            List<?> l = (List<?>) v;
            size = new Long[l.size()];
            for (int i = 0; i < size.length; i++) {
                size[i] = l.get(i) == null ? null : Literals.asLong(l.get(i));
            }
        } else {
            size = new Long[] {v == null ? null : Literals.asLong(v)};
        }
        if (max) {
            boolean ri = a.has("return_indices") && a.bool("return_indices");
            AdaptivePooling.Builder<?> b = dims == 1 ? AdaptiveMaxPool1d.builder(size)
                    : dims == 2 ? AdaptiveMaxPool2d.builder(size) : AdaptiveMaxPool3d.builder(size);
            return b.returnIndices(ri).backend(backend).build();
        }
        AdaptivePooling.Builder<?> b = dims == 1 ? AdaptiveAvgPool1d.builder(size)
                : dims == 2 ? AdaptiveAvgPool2d.builder(size) : AdaptiveAvgPool3d.builder(size);
        return b.backend(backend).build();
    }

    private static MaxUnpooling unpool(int dims, Args a, Backend backend) {
        int[] k = a.ints("kernel_size");
        int[] stride = a.has("stride") ? (a.raw("stride") == null ? nullInts(a) : a.ints("stride")) : null;
        int[] padding = a.has("padding") ? a.ints("padding") : new int[] {0};
        MaxUnpooling.Builder<?> b = dims == 1 ? MaxUnpool1d.builder(k)
                : dims == 2 ? MaxUnpool2d.builder(k) : MaxUnpool3d.builder(k);
        return b.stride(stride).padding(padding).backend(backend).build();
    }

    /** True when the forward returns indices too (max pooling with return_indices). */
    boolean returnsIndices() {
        return pool != null && pool.spec().returnIndices() || adaptive != null && adaptive.spec().returnIndices();
    }

    /**
     * One forward call. Returns the output, then the indices for max pooling with return_indices;
     * the caller closes them.
     *
     * @param indices MaxUnpool's indices, else null
     * @param outputSize ConvTranspose's or MaxUnpool's forward output_size, or null
     */
    List<Tensor> forward(Tensor input, Tensor indices, long[] outputSize) {
        List<Tensor> out = new ArrayList<>(2);
        if (conv != null) {
            out.add(outputSize == null ? conv.forward(input) : conv.forward(input, outputSize));
        } else if (unpool != null) {
            out.add(outputSize == null ? unpool.forward(input, indices) : unpool.forward(input, indices, outputSize));
        } else if (returnsIndices()) {
            PoolResult r = pool != null ? pool.forwardWithIndices(input) : adaptive.forwardWithIndices(input);
            out.add(r.output());
            out.add(r.indices());
        } else {
            out.add(pool != null ? pool.forward(input) : adaptive.forward(input));
        }
        return out;
    }

    /** The module itself (for use-after-close tests). */
    AutoCloseable module() {
        return conv != null ? conv : pool != null ? pool : adaptive != null ? adaptive : unpool;
    }

    @Override
    public void close() {
        try {
            module().close();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** An argument map consumed by name; leftovers are a malformed row. */
    static final class Args {
        private final String op;
        private final Map<String, Object> left;

        Args(String op, Map<String, Object> args) {
            this.op = op;
            this.left = new LinkedHashMap<>(args);
        }

        boolean has(String name) {
            return left.containsKey(name);
        }

        Object raw(String name) {
            if (!left.containsKey(name)) {
                throw new MalformedRow(op + " needs the argument " + name);
            }
            return left.get(name);
        }

        Object take(String name) {
            Object v = raw(name);
            left.remove(name);
            return v;
        }

        int intValue(String name) {
            long v = longValue(name);
            if (v != (int) v) {
                throw new MalformedRow(op + ": " + name + " does not fit in an int: " + v);
            }
            return (int) v;
        }

        long longValue(String name) {
            return Literals.asLong(take(name));
        }

        double number(String name) {
            Object v = take(name);
            if (!(v instanceof Number)) {
                throw new MalformedRow(op + ": " + name + " must be a number, got " + v);
            }
            return ((Number) v).doubleValue();
        }

        boolean bool(String name) {
            Object v = take(name);
            if (!(v instanceof Boolean)) {
                throw new MalformedRow(op + ": " + name + " must be True or False, got " + v);
            }
            return (Boolean) v;
        }

        /** An int or a list of ints (PyTorch's int-or-tuple arguments). */
        int[] ints(String name) {
            Object v = take(name);
            try {
                return toInts(v);
            } catch (ArithmeticException e) {
                throw new MalformedRow(op + ": " + name + " does not fit in an int: " + v);
            }
        }

        private static int[] toInts(Object v) {
            if (v instanceof List) {
                List<?> l = (List<?>) v;
                int[] out = new int[l.size()];
                for (int i = 0; i < out.length; i++) {
                    out[i] = Math.toIntExact(Literals.asLong(l.get(i)));
                }
                return out;
            }
            return new int[] {Math.toIntExact(Literals.asLong(v))};
        }

        /**
         * Refuses argument names the family's builders do not have (a malformed row). Pooling
         * families share one set: giving max pooling an average-only argument is a refusal of
         * conv4j's builder, which the catalogue checks.
         */
        void allowOnly(String family) {
            List<String> allowed;
            switch (family) {
                case "Conv":
                case "ConvTranspose":
                    allowed = List.of("in_channels", "out_channels", "kernel_size", "stride", "padding", "output_padding",
                            "dilation", "groups", "bias", "padding_mode", "seed");
                    break;
                case "MaxPool":
                case "AvgPool":
                case "LPPool":
                    allowed = List.of("kernel_size", "stride", "padding", "dilation", "ceil_mode", "count_include_pad",
                            "divisor_override", "return_indices", "norm_type");
                    break;
                case "AdaptiveAvgPool":
                    allowed = List.of("output_size");
                    break;
                case "AdaptiveMaxPool":
                    allowed = List.of("output_size", "return_indices");
                    break;
                default:
                    allowed = List.of("kernel_size", "stride", "padding");
                    break;
            }
            for (String name : left.keySet()) {
                if (!allowed.contains(name)) {
                    throw new MalformedRow(op + " does not take the argument " + name);
                }
            }
        }
    }
}
