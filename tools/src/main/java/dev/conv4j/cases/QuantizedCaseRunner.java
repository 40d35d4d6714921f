package dev.conv4j.cases;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import dev.conv4j.DType;
import dev.conv4j.MemoryFormat;
import dev.conv4j.Tensor;
import dev.conv4j.backend.Backend;
import dev.conv4j.nn.quantized.AdaptiveAvgPool2d;
import dev.conv4j.nn.quantized.AvgPool2d;
import dev.conv4j.nn.quantized.MaxPool2d;
import dev.conv4j.nn.quantized.QModule;
import dev.conv4j.nn.quantized.QuantizedConvolution;
import dev.conv4j.quantized.QTensor;
import dev.conv4j.spec.QuantizedPoolGeometry;

/**
 * Runs a quantized case ({@code op} {@code quantized.*}, see the case format's "Quantized
 * cases") through the modules of {@code dev.conv4j.nn.quantized}, so that a case replays exactly
 * what a user of those modules gets. The result is the output's integers (UINT8).
 */
final class QuantizedCaseRunner {
    static final String PREFIX = "quantized.";
    private static final Pattern CONV = Pattern.compile("(Conv|ConvTranspose|ConvReLU)([123])d");
    private static final Set<String> CONV_ARGS = Set.of("in_channels", "out_channels", "kernel_size", "stride",
            "padding", "dilation", "groups", "bias", "padding_mode", "scale", "zero_point");
    private static final Set<String> CONV_T_ARGS = Set.of("in_channels", "out_channels", "kernel_size", "stride",
            "padding", "output_padding", "groups", "bias", "dilation", "padding_mode", "scale", "zero_point");
    private static final Set<String> MAX_ARGS = Set.of("kernel_size", "stride", "padding", "dilation",
            "return_indices", "ceil_mode");
    private static final Set<String> AVG_ARGS = Set.of("kernel_size", "stride", "padding", "ceil_mode",
            "count_include_pad", "divisor_override");
    private static final Set<String> ADAPTIVE_ARGS = Set.of("output_size");

    private QuantizedCaseRunner() {
    }

    /** The op's class name without the prefix, e.g. {@code Conv2d}. */
    static String className(Case c) {
        return c.op().substring(PREFIX.length());
    }

    static CaseRunner.Result run(Case c, Backend backend, MemoryFormat inputFormat) throws CaseFormatException {
        String name = className(c);
        Args a = c.args();
        c.forward().allowOnly(Set.of(), c.op());
        try (Files files = new Files(c); QTensor input = quantInput(c, files, inputFormat)) {
            Matcher m = CONV.matcher(name);
            if (m.matches()) {
                try (QModule module = conv(c, m.group(1), Integer.parseInt(m.group(2)), a, files, backend)) {
                    return result(module.forward(input));
                }
            }
            QModule module;
            switch (name) {
                case "MaxPool2d":
                    a.allowOnly(MAX_ARGS, c.op());
                    if (a.bool("return_indices", false)) {
                        throw new IllegalArgumentException(QuantizedPoolGeometry.RETURN_INDICES_MESSAGE);
                    }
                    module = MaxPool2d.builder(require(a.ints("kernel_size"), "kernel_size", c)).stride(a.ints("stride"))
                            .padding(orDefault(a.ints("padding"), 0)).dilation(orDefault(a.ints("dilation"), 1))
                            .ceilMode(a.bool("ceil_mode", false)).backend(backend).build();
                    break;
                case "AvgPool2d":
                    a.allowOnly(AVG_ARGS, c.op());
                    module = AvgPool2d.builder(require(a.ints("kernel_size"), "kernel_size", c)).stride(a.ints("stride"))
                            .padding(orDefault(a.ints("padding"), 0)).ceilMode(a.bool("ceil_mode", false))
                            .countIncludePad(a.bool("count_include_pad", true))
                            .divisorOverride(a.has("divisor_override") ? a.integer("divisor_override", 0) : null)
                            .backend(backend).build();
                    break;
                case "AdaptiveAvgPool2d":
                    a.allowOnly(ADAPTIVE_ARGS, c.op());
                    Long[] size = a.optionalLongs("output_size");
                    if (size == null) {
                        throw new CaseFormatException(c.name() + ": " + c.op() + " needs output_size");
                    }
                    module = AdaptiveAvgPool2d.builder(size).backend(backend).build();
                    break;
                default:
                    throw new CaseFormatException(c.name() + ": unknown op '" + c.op() + "'");
            }
            try (module) {
                return result(module.forward(input));
            }
        }
    }

    private static CaseRunner.Result result(QTensor out) {
        // the case holds the integers; the parameters are the module's (conv) or the input's (pooling)
        Tensor ints = out.ints().contiguous();
        out.close();
        return new CaseRunner.Result(ints, null);
    }

    private static QuantizedConvolution conv(Case c, String family, int dims, Args a, Files files, Backend backend)
            throws CaseFormatException {
        boolean transposed = family.equals("ConvTranspose");
        a.allowOnly(transposed ? CONV_T_ARGS : CONV_ARGS, c.op());
        if (!a.has("in_channels") || !a.has("out_channels")) {
            throw new CaseFormatException(c.name() + ": " + c.op() + " needs in_channels and out_channels");
        }
        int[] kernel = require(a.ints("kernel_size"), "kernel_size", c);
        int in = a.integer("in_channels", -1);
        int out = a.integer("out_channels", -1);
        QuantizedConvolution.Builder<?> b;
        switch (family + dims) {
            case "Conv1":
                b = dev.conv4j.nn.quantized.Conv1d.builder(in, out, kernel);
                break;
            case "Conv2":
                b = dev.conv4j.nn.quantized.Conv2d.builder(in, out, kernel);
                break;
            case "Conv3":
                b = dev.conv4j.nn.quantized.Conv3d.builder(in, out, kernel);
                break;
            case "ConvTranspose1":
                b = dev.conv4j.nn.quantized.ConvTranspose1d.builder(in, out, kernel);
                break;
            case "ConvTranspose2":
                b = dev.conv4j.nn.quantized.ConvTranspose2d.builder(in, out, kernel);
                break;
            case "ConvTranspose3":
                b = dev.conv4j.nn.quantized.ConvTranspose3d.builder(in, out, kernel);
                break;
            case "ConvReLU1":
                b = dev.conv4j.nn.quantized.ConvReLU1d.builder(in, out, kernel);
                break;
            case "ConvReLU2":
                b = dev.conv4j.nn.quantized.ConvReLU2d.builder(in, out, kernel);
                break;
            default:
                b = dev.conv4j.nn.quantized.ConvReLU3d.builder(in, out, kernel);
                break;
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
        b.groups(a.integer("groups", 1)).bias(a.bool("bias", true)).scale(a.number("scale", 1.0))
                .zeroPoint(a.integer("zero_point", 0)).backend(backend);
        if (a.has("padding_mode")) {
            b.paddingMode(a.string("padding_mode"));
        }
        // PyTorch builds the module (checking its arguments) before it sets the weights
        b.validate();
        try (QTensor weight = quantWeight(c, files)) {
            Tensor bias = a.bool("bias", true) ? files.get("bias", DType.FLOAT32) : null;
            return b.weight(weight).bias(bias).build();
        }
    }

    /** The quint8 (or qint8) input with its per-tensor parameters from {@code quant.input}. */
    private static QTensor quantInput(Case c, Files files, MemoryFormat format) throws CaseFormatException {
        JsonNode q = object(c.quant(), "input", c);
        String dtype = text(q, "dtype", c);
        Tensor ints = files.get("input", dtype.equals("qint8") ? DType.INT8 : DType.UINT8);
        QTensor t = QTensor.fromIntRepr(ints, number(q, "scale", c), integer(q, "zero_point", c));
        if (format.supports(t.rank()) && format != MemoryFormat.CONTIGUOUS) {
            try (QTensor contiguous = t; Tensor moved = contiguous.ints().toMemoryFormat(format)) {
                return QTensor.fromIntRepr(moved, contiguous.scale(), contiguous.zeroPoint());
            }
        }
        return t;
    }

    /** The weight with its per-tensor or per-channel parameters from {@code quant.weight}. */
    private static QTensor quantWeight(Case c, Files files) throws CaseFormatException {
        JsonNode q = object(c.quant(), "weight", c);
        String dtype = text(q, "dtype", c);
        Tensor ints = files.get("weight", dtype.equals("quint8") ? DType.UINT8 : DType.INT8);
        if (q.has("scales")) {
            double[] scales = files.read(text(q, "scales", c), DType.FLOAT64, c).toDoubleArray();
            long[] zeroPoints = files.read(text(q, "zero_points", c), DType.INT64, c).toLongArray();
            return QTensor.fromIntRepr(ints, scales, zeroPoints, integer(q, "axis", c));
        }
        return QTensor.fromIntRepr(ints, number(q, "scale", c), integer(q, "zero_point", c));
    }

    private static JsonNode object(JsonNode parent, String key, Case c) throws CaseFormatException {
        JsonNode v = parent.get(key);
        if (v == null || !v.isObject()) {
            throw new CaseFormatException(c.name() + ": 'quant." + key + "' must be an object");
        }
        return v;
    }

    private static String text(JsonNode q, String key, Case c) throws CaseFormatException {
        JsonNode v = q.get(key);
        if (v == null || !v.isTextual()) {
            throw new CaseFormatException(c.name() + ": quant '" + key + "' must be a string");
        }
        return v.textValue();
    }

    private static double number(JsonNode q, String key, Case c) throws CaseFormatException {
        JsonNode v = q.get(key);
        if (v == null || !v.isNumber()) {
            throw new CaseFormatException(c.name() + ": quant '" + key + "' must be a number");
        }
        return v.doubleValue();
    }

    private static int integer(JsonNode q, String key, Case c) throws CaseFormatException {
        JsonNode v = q.get(key);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new CaseFormatException(c.name() + ": quant '" + key + "' must be an int");
        }
        return v.intValue();
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

    /** The case's .npy files, read on first use, with their expected types, closed together. */
    private static final class Files implements AutoCloseable {
        private final Case c;
        private final Map<String, Tensor> loaded = new HashMap<>();

        Files(Case c) {
            this.c = c;
        }

        /** An input named in {@code inputs}. */
        Tensor get(String name, DType dtype) throws CaseFormatException {
            Path p = c.inputs().get(name);
            if (p == null) {
                throw new CaseFormatException(c.name() + ": 'inputs' must name '" + name + "' for " + c.op());
            }
            return load(p, name, dtype);
        }

        /** A file named in {@code quant}, inside the case folder. */
        Tensor read(String file, DType dtype, Case c) throws CaseFormatException {
            Path p = c.dir().resolve(file).normalize();
            if (!p.startsWith(c.dir().normalize())) {
                throw new CaseFormatException(c.name() + ": '" + file + "' points outside the case folder");
            }
            return load(p, file, dtype);
        }

        private Tensor load(Path p, String name, DType dtype) throws CaseFormatException {
            Tensor t = loaded.get(p.toString());
            if (t != null) {
                return t;
            }
            try {
                t = Tensor.readNpy(p);
            } catch (IOException e) {
                throw new CaseFormatException(c.name() + ": " + (e instanceof java.nio.file.NoSuchFileException
                        ? p.getFileName() + ": no such file" : e.getMessage()), e);
            }
            loaded.put(p.toString(), t);
            if (t.dtype() != dtype) {
                throw new CaseFormatException(c.name() + ": " + name + " must be " + dtype + " ('" + dtype.npyDescr()
                        + "'), but is " + t.dtype());
            }
            return t;
        }

        @Override
        public void close() {
            loaded.values().forEach(Tensor::close);
        }
    }
}
