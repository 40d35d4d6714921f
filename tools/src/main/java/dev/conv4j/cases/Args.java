package dev.conv4j.cases;

import java.util.Iterator;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

/** Typed access to a case's {@code args}/{@code forward} object, refusing unknown keys and bad types. */
final class Args {
    private final JsonNode node;
    private final String where;

    Args(JsonNode node, String where) throws CaseFormatException {
        if (node != null && !node.isNull() && !node.isObject()) {
            throw new CaseFormatException("'" + where + "' must be an object");
        }
        this.node = node;
        this.where = where;
    }

    /** Refuses keys outside {@code allowed}, naming the op. */
    void allowOnly(Set<String> allowed, String op) throws CaseFormatException {
        if (node == null || node.isNull()) {
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
            String key = it.next().getKey();
            if (!allowed.contains(key)) {
                throw new CaseFormatException("unknown " + where + " key '" + key + "' for " + op);
            }
        }
    }

    boolean has(String key) {
        return node != null && node.has(key) && !node.get(key).isNull();
    }

    /** True when the key is present with an explicit null. */
    boolean isNull(String key) {
        return node != null && node.has(key) && node.get(key).isNull();
    }

    int integer(String key, int def) throws CaseFormatException {
        if (!has(key)) {
            return def;
        }
        JsonNode v = node.get(key);
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new CaseFormatException("'" + key + "' must be an int");
        }
        return v.intValue();
    }

    double number(String key, double def) throws CaseFormatException {
        if (!has(key)) {
            return def;
        }
        JsonNode v = node.get(key);
        if (!v.isNumber()) {
            throw new CaseFormatException("'" + key + "' must be a number");
        }
        return v.doubleValue();
    }

    boolean bool(String key, boolean def) throws CaseFormatException {
        if (!has(key)) {
            return def;
        }
        JsonNode v = node.get(key);
        if (!v.isBoolean()) {
            throw new CaseFormatException("'" + key + "' must be true or false");
        }
        return v.booleanValue();
    }

    String string(String key) throws CaseFormatException {
        JsonNode v = node.get(key);
        if (!v.isTextual()) {
            throw new CaseFormatException("'" + key + "' must be a string");
        }
        return v.textValue();
    }

    boolean isString(String key) {
        return has(key) && node.get(key).isTextual();
    }

    /** An int or a list of ints (null when absent or null). */
    int[] ints(String key) throws CaseFormatException {
        if (!has(key)) {
            return null;
        }
        JsonNode v = node.get(key);
        if (v.isIntegralNumber() && v.canConvertToInt()) {
            return new int[] {v.intValue()};
        }
        if (v.isArray() && v.size() > 0) {
            int[] out = new int[v.size()];
            for (int i = 0; i < out.length; i++) {
                if (!v.get(i).isIntegralNumber() || !v.get(i).canConvertToInt()) {
                    throw new CaseFormatException("'" + key + "' must be an int or a list of ints");
                }
                out[i] = v.get(i).intValue();
            }
            return out;
        }
        throw new CaseFormatException("'" + key + "' must be an int or a list of ints");
    }

    /** An int or a list of ints, as longs (null when absent or null). */
    long[] longs(String key) throws CaseFormatException {
        int[] v = ints(key);
        return v == null ? null : java.util.Arrays.stream(v).asLongStream().toArray();
    }

    /** An int, or a list whose entries are ints or null (PyTorch's None); null when absent. */
    Long[] optionalLongs(String key) throws CaseFormatException {
        if (node == null || !node.has(key)) {
            return null;
        }
        JsonNode v = node.get(key);
        if (v.isIntegralNumber()) {
            return new Long[] {v.longValue()};
        }
        if (v.isNull()) {
            return new Long[] {null};
        }
        if (v.isArray() && v.size() > 0) {
            Long[] out = new Long[v.size()];
            for (int i = 0; i < out.length; i++) {
                JsonNode e = v.get(i);
                if (e.isNull()) {
                    out[i] = null;
                } else if (e.isIntegralNumber()) {
                    out[i] = e.longValue();
                } else {
                    throw new CaseFormatException("'" + key + "' entries must be ints or null");
                }
            }
            return out;
        }
        throw new CaseFormatException("'" + key + "' must be an int or a list of ints and nulls");
    }
}
