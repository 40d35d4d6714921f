package dev.conv4j.cases;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.conv4j.MemoryFormat;
import dev.conv4j.Precision;
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
import dev.conv4j.spec.ConvSpec;

/**
 * Runs a {@link Case} on a backend through the {@code dev.conv4j.nn} module the case names, built
 * from the case's arguments, so that a case replays exactly what a user of that module gets (the
 * same refusals, in the same order, and the same numbers). PyTorch's refusals come out as
 * {@link IllegalArgumentException}; files that are not a valid case as {@link CaseFormatException}.
 */
public final class CaseRunner {
    private static final Pattern OP = Pattern.compile(
            "(Conv|ConvTranspose|MaxPool|AvgPool|AdaptiveAvgPool|AdaptiveMaxPool|LPPool|MaxUnpool)([123])d");
    private static final Set<String> CONV_ARGS = Set.of("in_channels", "out_channels", "kernel_size", "stride",
            "padding", "dilation", "groups", "bias", "padding_mode");
    private static final Set<String> CONV_T_ARGS = Set.of("in_channels", "out_channels", "kernel_size", "stride",
            "padding", "output_padding", "groups", "bias", "dilation", "padding_mode");
    private static final Set<String> MAX_ARGS = Set.of("kernel_size", "stride", "padding", "dilation",
            "return_indices", "ceil_mode");
    private static final Set<String> AVG1_ARGS = Set.of("kernel_size", "stride", "padding", "ceil_mode",
            "count_include_pad");
    private static final Set<String> AVG_ARGS = Set.of("kernel_size", "stride", "padding", "ceil_mode",
            "count_include_pad", "divisor_override");
    private static final Set<String> LP_ARGS = Set.of("norm_type", "kernel_size", "stride", "ceil_mode");
    private static final Set<String> UNPOOL_ARGS = Set.of("kernel_size", "stride", "padding");
    private static final Set<String> OUTPUT_SIZE = Set.of("output_size");
    private static final Set<String> ADAPTIVE_MAX_ARGS = Set.of("output_size", "return_indices");

    private CaseRunner() {
    }

    /** Output, and indices (null unless the op returns them). Closing closes both. */
    public record Result(Tensor output, Tensor indices) implements AutoCloseable {
        @Override
        public void close() {
            output.close();
            if (indices != null) {
                indices.close();
            }
        }
    }

    /**
     * Runs the case.
     *
     * @throws IllegalArgumentException when the call is refused (PyTorch's message)
     * @throws CaseFormatException when the case itself is invalid
     */
    public static Result run(Case c, Backend backend) throws CaseFormatException {
        return run(c, backend, MemoryFormat.CONTIGUOUS);
    }

    /**
     * Runs the case with its activations ({@code input}, and {@code indices} of an unpooling) of
     * rank 4 and 5 given in {@code inputFormat}; weights and other tensors stay contiguous.
     */
    public static Result run(Case c, Backend backend, MemoryFormat inputFormat) throws CaseFormatException {
        return run(c, backend, inputFormat, Precision.F32);
    }

    /**
     * As {@link #run(Case, Backend, MemoryFormat)}, with convolutions computing at
     * {@code precision}; pooling and unpooling always compute in float32, and quantized cases
     * in PyTorch's integers.
     */
    public static Result run(Case c, Backend backend, MemoryFormat inputFormat, Precision precision)
            throws CaseFormatException {
        if (c.quantized()) {
            return QuantizedCaseRunner.run(c, backend, inputFormat);
        }
        return run(c, backend, inputFormat, precision, false);
    }

    /** As {@link #run(Case, Backend, MemoryFormat, Precision)}; with {@code absolute}, on |value| of every float input. */
    private static Result run(Case c, Backend backend, MemoryFormat inputFormat, Precision precision, boolean absolute)
            throws CaseFormatException {
        Matcher m = OP.matcher(c.op());
        if (!m.matches() || (m.group(1).equals("LPPool") && m.group(2).equals("3"))) {
            throw new CaseFormatException(c.name() + ": unknown op '" + c.op() + "'");
        }
        String family = m.group(1);
        int dims = Integer.parseInt(m.group(2));
        Args a = c.args();
        Args fwd = c.forward();
        try (Inputs in = new Inputs(c, inputFormat, absolute)) {
            switch (family) {
                case "Conv":
                case "ConvTranspose":
                    return conv(c, dims, family.equals("ConvTranspose"), a, fwd, in, backend, precision);
                case "MaxPool":
                case "AvgPool":
                case "LPPool":
                    return pool(c, dims, family, a, fwd, in, backend);
                case "AdaptiveAvgPool":
                case "AdaptiveMaxPool":
                    return adaptive(c, dims, family.equals("AdaptiveMaxPool"), a, fwd, in, backend);
                default:
                    return unpool(c, dims, a, fwd, in, backend);
            }
        }
    }

    private static Result conv(Case c, int dims, boolean transposed, Args a, Args fwd, Inputs in, Backend backend,
            Precision precision) throws CaseFormatException {
        a.allowOnly(transposed ? CONV_T_ARGS : CONV_ARGS, c.op());
        fwd.allowOnly(transposed ? OUTPUT_SIZE : Set.of(), c.op());
        int[] kernel = require(a.ints("kernel_size"), "kernel_size", c);
        Convolution.Builder<?> b = convBuilder(dims, transposed, a.integer("in_channels", -1),
                a.integer("out_channels", -1), kernel);
        if (!a.has("in_channels") || !a.has("out_channels")) {
            throw new CaseFormatException(c.name() + ": " + c.op() + " needs in_channels and out_channels");
        }
        if (a.has("stride")) {
            b.stride(a.ints("stride"));
        }
        if (a.isString("padding")) {
            b.padding(a.string("padding"));
        } else if (a.has("padding")) {
            b.padding(a.ints("padding"));
        }
        if (a.has("output_padding")) {
            b.outputPadding(a.ints("output_padding"));
        }
        if (a.has("dilation")) {
            b.dilation(a.ints("dilation"));
        }
        b.groups(a.integer("groups", 1)).bias(a.bool("bias", true));
        if (a.has("padding_mode")) {
            b.paddingMode(a.string("padding_mode"));
        }
        // PyTorch checks the arguments when it builds the module, before it sees weights or input
        ConvSpec spec = b.validate();
        Tensor input = in.get("input");
        Tensor weight = in.get("weight");
        Tensor bias = spec.bias() ? in.get("bias") : null;
        checkShape(weight, spec.weightShape(), "weight", c);
        if (bias != null) {
            checkShape(bias, new long[] {spec.outChannels()}, "bias", c);
        }
        try (Convolution module = b.weight(weight).bias(bias).backend(backend).precision(precision).build()) {
            return new Result(module.forward(input, fwd.longs("output_size")), null);
        }
    }

    private static Convolution.Builder<?> convBuilder(int dims, boolean transposed, int in, int out, int[] kernel) {
        switch (dims) {
            case 1:
                return transposed ? ConvTranspose1d.builder(in, out, kernel) : Conv1d.builder(in, out, kernel);
            case 2:
                return transposed ? ConvTranspose2d.builder(in, out, kernel) : Conv2d.builder(in, out, kernel);
            default:
                return transposed ? ConvTranspose3d.builder(in, out, kernel) : Conv3d.builder(in, out, kernel);
        }
    }

    /**
     * For a convolution case: per output element {@code sum |w| * |x|} over its window plus
     * {@code |bias|}, the scale of {@link Precision#relativeBound()}; computed in float64 by the
     * reference backend on the absolute values, as a contiguous tensor of the output's shape.
     * Null for other ops.
     */
    public static Tensor boundScale(Case c) throws CaseFormatException {
        if (!c.op().startsWith("Conv")) {
            return null;
        }
        try (Result r = run(c, dev.conv4j.reference.ReferenceBackend.INSTANCE, MemoryFormat.CONTIGUOUS, Precision.F32,
                true)) {
            return r.output().contiguous();
        }
    }


    private static Result pool(Case c, int dims, String family, Args a, Args fwd, Inputs in, Backend backend)
            throws CaseFormatException {
        fwd.allowOnly(Set.of(), c.op());
        int[] kernel = require(a.ints("kernel_size"), "kernel_size", c);
        Pooling.Builder<?> b;
        if (family.equals("MaxPool")) {
            a.allowOnly(MAX_ARGS, c.op());
            b = dims == 1 ? MaxPool1d.builder(kernel) : dims == 2 ? MaxPool2d.builder(kernel)
                    : MaxPool3d.builder(kernel);
            b.dilation(orDefault(a.ints("dilation"), 1)).returnIndices(a.bool("return_indices", false));
        } else if (family.equals("AvgPool")) {
            a.allowOnly(dims == 1 ? AVG1_ARGS : AVG_ARGS, c.op());
            b = dims == 1 ? AvgPool1d.builder(kernel) : dims == 2 ? AvgPool2d.builder(kernel)
                    : AvgPool3d.builder(kernel);
            b.countIncludePad(a.bool("count_include_pad", true));
            if (a.has("divisor_override")) {
                b.divisorOverride(a.integer("divisor_override", 0));
            }
        } else {
            a.allowOnly(LP_ARGS, c.op());
            if (!a.has("norm_type")) {
                throw new CaseFormatException(c.name() + ": " + c.op() + " needs norm_type");
            }
            double p = a.number("norm_type", 2);
            b = dims == 1 ? LPPool1d.builder(p, kernel) : LPPool2d.builder(p, kernel);
        }
        b.stride(a.ints("stride")).ceilMode(a.bool("ceil_mode", false));
        if (!family.equals("LPPool")) {
            b.padding(orDefault(a.ints("padding"), 0));
        }
        try (Pooling module = b.backend(backend).build()) {
            return forward(module, in.get("input"));
        }
    }

    private static Result adaptive(Case c, int dims, boolean max, Args a, Args fwd, Inputs in, Backend backend)
            throws CaseFormatException {
        a.allowOnly(max ? ADAPTIVE_MAX_ARGS : OUTPUT_SIZE, c.op());
        fwd.allowOnly(Set.of(), c.op());
        Long[] size = a.optionalLongs("output_size");
        if (size == null) {
            throw new CaseFormatException(c.name() + ": " + c.op() + " needs output_size");
        }
        AdaptivePooling.Builder<?> b;
        if (max) {
            b = dims == 1 ? AdaptiveMaxPool1d.builder(size) : dims == 2 ? AdaptiveMaxPool2d.builder(size)
                    : AdaptiveMaxPool3d.builder(size);
            b.returnIndices(a.bool("return_indices", false));
        } else {
            b = dims == 1 ? AdaptiveAvgPool1d.builder(size) : dims == 2 ? AdaptiveAvgPool2d.builder(size)
                    : AdaptiveAvgPool3d.builder(size);
        }
        try (AdaptivePooling module = b.backend(backend).build()) {
            Tensor input = in.get("input");
            if (module.spec().returnIndices()) {
                return result(module.forwardWithIndices(input));
            }
            return new Result(module.forward(input), null);
        }
    }

    private static Result forward(Pooling module, Tensor input) {
        if (module.spec().returnIndices()) {
            return result(module.forwardWithIndices(input));
        }
        return new Result(module.forward(input), null);
    }

    private static Result result(PoolResult r) {
        return new Result(r.output(), r.indices());
    }

    private static Result unpool(Case c, int dims, Args a, Args fwd, Inputs in, Backend backend)
            throws CaseFormatException {
        a.allowOnly(UNPOOL_ARGS, c.op());
        fwd.allowOnly(OUTPUT_SIZE, c.op());
        int[] kernel = require(a.ints("kernel_size"), "kernel_size", c);
        MaxUnpooling.Builder<?> b = dims == 1 ? MaxUnpool1d.builder(kernel) : dims == 2 ? MaxUnpool2d.builder(kernel)
                : MaxUnpool3d.builder(kernel);
        try (MaxUnpooling module = b.stride(a.ints("stride")).padding(orDefault(a.ints("padding"), 0))
                .backend(backend).build()) {
            return new Result(module.forward(in.get("input"), in.get("indices"), fwd.longs("output_size")), null);
        }
    }

    private static int[] require(int[] v, String key, Case c) throws CaseFormatException {
        if (v == null) {
            throw new CaseFormatException(c.name() + ": " + c.op() + " needs " + key);
        }
        return v;
    }

    private static int[] orDefault(int[] v, int def) {
        return v == null ? new int[] {def} : v;
    }

    private static void checkShape(Tensor t, long[] shape, String what, Case c) throws CaseFormatException {
        if (!java.util.Arrays.equals(t.shape(), shape)) {
            throw new CaseFormatException(c.name() + ": " + what + " has shape " + java.util.Arrays.toString(t.shape())
                    + ", expected " + java.util.Arrays.toString(shape));
        }
    }

    /** The case's input tensors, loaded on first use and closed together. */
    private static final class Inputs implements AutoCloseable {
        private final Case c;
        private final MemoryFormat activationFormat;
        /** Whether float inputs are replaced by their absolute values. */
        private final boolean absolute;
        private final java.util.Map<String, Tensor> loaded = new java.util.HashMap<>();

        Inputs(Case c, MemoryFormat activationFormat, boolean absolute) {
            this.c = c;
            this.activationFormat = activationFormat;
            this.absolute = absolute;
        }

        Tensor get(String name) throws CaseFormatException {
            Tensor t = loaded.get(name);
            if (t != null) {
                return t;
            }
            Path p = c.inputs().get(name);
            if (p == null) {
                throw new CaseFormatException(c.name() + ": 'inputs' must name '" + name + "' for " + c.op());
            }
            try {
                t = Tensor.readNpy(p);
            } catch (IOException e) {
                throw new CaseFormatException(c.name() + ": " + (e instanceof java.nio.file.NoSuchFileException
                        ? p.getFileName() + ": no such file" : e.getMessage()), e);
            }
            if (!name.equals("indices") && t.dtype() != dev.conv4j.DType.FLOAT32) {
                t.close();
                throw new CaseFormatException(c.name() + ": " + name + " must be float32 ('<f4')");
            }
            if (absolute && t.dtype() == dev.conv4j.DType.FLOAT32) {
                java.nio.FloatBuffer buf = t.floatBuffer();
                for (int i = 0; i < buf.capacity(); i++) {
                    buf.put(i, Math.abs(buf.get(i)));
                }
            }
            if ((name.equals("input") || name.equals("indices")) && activationFormat.supports(t.rank())
                    && t.memoryFormat() != activationFormat) {
                try (Tensor contiguous = t) {
                    t = contiguous.toMemoryFormat(activationFormat);
                }
            }
            loaded.put(name, t);
            return t;
        }

        @Override
        public void close() {
            loaded.values().forEach(Tensor::close);
        }
    }
}
