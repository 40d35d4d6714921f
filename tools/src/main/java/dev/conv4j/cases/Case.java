package dev.conv4j.cases;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * One case folder: a {@code case.json} describing one call of one torch.nn module and the
 * {@code .npy} files it names (see the case format in the README).
 */
public final class Case {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> TOP_KEYS = Set.of("op", "args", "forward", "inputs", "outputs", "expect_error",
            "quant");

    private final Path dir;
    private final String op;
    private final Args args;
    private final Args forward;
    private final Map<String, Path> inputs;
    private final Map<String, Path> outputs;
    private final String expectError;
    /** The {@code quant} object of a quantized case, else null. */
    private final JsonNode quant;

    private Case(Path dir, String op, Args args, Args forward, Map<String, Path> inputs, Map<String, Path> outputs,
            String expectError, JsonNode quant) {
        this.dir = dir;
        this.op = op;
        this.args = args;
        this.forward = forward;
        this.inputs = inputs;
        this.outputs = outputs;
        this.expectError = expectError;
        this.quant = quant;
    }

    /** Reads and validates {@code dir/case.json}; does not read the .npy files yet. */
    public static Case load(Path dir) throws CaseFormatException {
        Path file = dir.resolve("case.json");
        if (!Files.isRegularFile(file)) {
            throw new CaseFormatException(dir + ": no case.json");
        }
        JsonNode root;
        try {
            root = JSON.readTree(Files.readAllBytes(file));
        } catch (JsonProcessingException e) {
            throw new CaseFormatException(file + ": malformed JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new CaseFormatException(file + ": " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new CaseFormatException(file + ": expected a JSON object");
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext();) {
            String key = it.next();
            if (!TOP_KEYS.contains(key)) {
                throw new CaseFormatException(file + ": unknown key '" + key + "'");
            }
        }
        JsonNode op = root.get("op");
        if (op == null || !op.isTextual()) {
            throw new CaseFormatException(file + ": 'op' must be a string");
        }
        JsonNode error = root.get("expect_error");
        if (error != null && !error.isTextual()) {
            throw new CaseFormatException(file + ": 'expect_error' must be a string");
        }
        Map<String, Path> inputs = files(root.get("inputs"), "inputs", dir, file);
        if (!inputs.containsKey("input")) {
            throw new CaseFormatException(file + ": 'inputs' must name 'input'");
        }
        Map<String, Path> outputs = files(root.get("outputs"), "outputs", dir, file);
        JsonNode quant = root.get("quant");
        boolean quantized = op.textValue().startsWith(QuantizedCaseRunner.PREFIX);
        if (quantized != (quant != null && !quant.isNull())) {
            throw new CaseFormatException(file + ": " + (quantized ? "a quantized op needs a 'quant' object"
                    : "'quant' belongs to quantized ops only"));
        }
        if (quantized && !quant.isObject()) {
            throw new CaseFormatException(file + ": 'quant' must be an object");
        }
        return new Case(dir, op.textValue(), new Args(root.get("args"), "args"), new Args(root.get("forward"), "forward"),
                inputs, outputs, error == null ? null : error.textValue(), quantized ? quant : null);
    }

    private static Map<String, Path> files(JsonNode node, String key, Path dir, Path file) throws CaseFormatException {
        Map<String, Path> out = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return out;
        }
        if (!node.isObject()) {
            throw new CaseFormatException(file + ": '" + key + "' must be an object");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual()) {
                throw new CaseFormatException(file + ": '" + key + "." + e.getKey() + "' must be a file name");
            }
            Path p = dir.resolve(e.getValue().textValue()).normalize();
            if (!p.startsWith(dir.normalize())) {
                throw new CaseFormatException(file + ": '" + key + "." + e.getKey() + "' points outside the case folder");
            }
            out.put(e.getKey(), p);
        }
        return out;
    }

    /** The folder name. */
    public String name() {
        return dir.getFileName().toString();
    }

    public Path dir() {
        return dir;
    }

    public String op() {
        return op;
    }

    Args args() {
        return args;
    }

    Args forward() {
        return forward;
    }

    /** The {@code quant} object (quantization parameters) of a quantized case, else null. */
    JsonNode quant() {
        return quant;
    }

    /** True for a {@code quantized.*} op. */
    public boolean quantized() {
        return quant != null;
    }

    public Map<String, Path> inputs() {
        return inputs;
    }

    public Map<String, Path> outputs() {
        return outputs;
    }

    /** PyTorch's message (e.g. {@code "RuntimeError: ..."}) when the case expects a refusal, else null. */
    public String expectError() {
        return expectError;
    }

    /** The expected message without Python's exception-type prefix. */
    public String expectedMessage() {
        if (expectError == null) {
            return null;
        }
        return expectError.replaceFirst("^[A-Za-z]+(Error|Exception): ", "");
    }
}
