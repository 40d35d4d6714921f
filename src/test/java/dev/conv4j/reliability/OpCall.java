package dev.conv4j.reliability;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.conv4j.DType;
import dev.conv4j.Tensor;
import dev.conv4j.backend.Backend;

/**
 * One call in the row syntax: {@code op | constructor arguments | forward inputs}, e.g.
 * {@code MaxUnpool2d | kernel_size=2 | input=f32[1, 1, 2, 2], indices=i64[1, 1, 2, 2]{0, 3, 8, 99}}.
 * Forward inputs are {@code input}, {@code indices} (MaxUnpool) and {@code output_size}
 * (ConvTranspose, MaxUnpool). The pseudo-op {@code Tensor} (arguments {@code dtype}, {@code shape})
 * allocates a tensor.
 */
final class OpCall {
    final String op;
    final LinkedHashMap<String, Object> args;
    final LinkedHashMap<String, Object> inputs;

    OpCall(String op, Map<String, Object> args, Map<String, Object> inputs) {
        this.op = op;
        this.args = new LinkedHashMap<>(args);
        this.inputs = new LinkedHashMap<>(inputs);
        for (String k : inputs.keySet()) {
            if (!List.of("input", "indices", "output_size").contains(k)) {
                throw new MalformedRow(op + ": unknown forward input '" + k + "'");
            }
        }
    }

    static OpCall parse(String op, String args, String inputs) {
        return new OpCall(op.trim(), Literals.arguments(args), Literals.arguments(inputs));
    }

    TensorSpec input() {
        return (TensorSpec) inputs.get("input");
    }

    TensorSpec indices() {
        return (TensorSpec) inputs.get("indices");
    }

    long[] outputSize() {
        Object v = inputs.get("output_size");
        if (v == null) {
            return null;
        }
        List<?> l = (List<?>) v;
        long[] out = new long[l.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = Literals.asLong(l.get(i));
        }
        return out;
    }

    /**
     * Builds the module on {@code backend}, runs the forward and closes everything. A
     * {@link RuntimeException} of conv4j (a refusal) becomes the outcome; a malformed row is an
     * {@link MalformedRow}, never caught.
     */
    Outcome run(Backend backend) {
        if (op.equals("Tensor")) {
            return runTensor();
        }
        List<Tensor> owned = new ArrayList<>();
        try {
            Tensor input = create(input(), owned);
            Tensor indices = create(indices(), owned);
            long[] outputSize = outputSize();
            Layer.family(op); // a malformed op name is not a refusal
            try (Layer layer = Layer.build(op, args, backend)) {
                return Outcome.of(layer.forward(input, indices, outputSize));
            } catch (MalformedRow e) {
                throw e;
            } catch (RuntimeException e) {
                return Outcome.failure(e);
            }
        } finally {
            for (Tensor t : owned) {
                t.close();
            }
        }
    }

    private Outcome runTensor() {
        Object dtype = args.getOrDefault("dtype", "float32");
        List<?> dims = (List<?>) args.get("shape");
        long[] shape = new long[dims.size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = Literals.asLong(dims.get(i));
        }
        try (Tensor t = Tensor.zeros("int64".equals(dtype) ? DType.INT64 : DType.FLOAT32, shape)) {
            return Outcome.of(List.of(t.copy()));
        } catch (RuntimeException e) {
            return Outcome.failure(e);
        }
    }

    private static Tensor create(TensorSpec spec, List<Tensor> owned) {
        if (spec == null) {
            return null;
        }
        Tensor t = spec.create();
        owned.add(t);
        return t;
    }

    String argsText() {
        return Literals.format(args);
    }

    String inputsText() {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, Object> e : inputs.entrySet()) {
            sb.append(sb.length() == 0 ? "" : ", ").append(e.getKey()).append('=');
            sb.append(e.getValue() instanceof TensorSpec ? e.getValue().toString() : Literals.format(e.getValue()));
        }
        return sb.length() == 0 ? "-" : sb.toString();
    }

    @Override
    public String toString() {
        return op + " | " + argsText() + " | " + inputsText();
    }
}
