package dev.conv4j.reliability;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The value syntax of the reliability rows, a subset of Python literals plus tensor specs, so
 * that one line reads like the PyTorch call it stands for:
 * <ul>
 * <li>{@code None}, {@code True}, {@code False}; integers ({@code Long}); numbers with a dot or an
 * exponent ({@code Double}); {@code 'strings'}; lists {@code [a, b]};</li>
 * <li>tensors (a {@link TensorSpec}): {@code f32[1, 2, 5]} or {@code i64[1, 2, 5]}, zero-filled,
 * optionally followed by explicit values {@code {0, 7, -1}} or a seeded fill {@code ~r123}
 * (see {@link TensorSpec.Fill}), then optionally {@code @cl} for a channels-last tensor.</li>
 * </ul>
 * A list of arguments is {@code name=value, name=value}; commas inside brackets and braces do
 * not split.
 */
final class Literals {
    private final String s;
    private int pos;

    private Literals(String s) {
        this.s = s;
    }

    /** Parses {@code name=value, name=value} (empty text or {@code -} for none), keeping the order. */
    static LinkedHashMap<String, Object> arguments(String text) {
        LinkedHashMap<String, Object> out = new LinkedHashMap<>();
        String t = text.trim();
        if (t.isEmpty() || t.equals("-")) {
            return out;
        }
        Literals p = new Literals(t);
        while (true) {
            p.skipSpaces();
            int start = p.pos;
            while (p.pos < p.s.length() && (Character.isLetterOrDigit(p.s.charAt(p.pos)) || p.s.charAt(p.pos) == '_')) {
                p.pos++;
            }
            String name = p.s.substring(start, p.pos);
            if (name.isEmpty()) {
                throw p.error("argument name expected");
            }
            p.skipSpaces();
            p.expect('=');
            Object value = p.value();
            if (out.put(name, value) != null) {
                throw p.error("argument '" + name + "' given twice");
            }
            p.skipSpaces();
            if (p.pos == p.s.length()) {
                return out;
            }
            p.expect(',');
        }
    }

    /** Parses one value. */
    static Object value(String text) {
        Literals p = new Literals(text.trim());
        Object v = p.value();
        p.skipSpaces();
        if (p.pos != p.s.length()) {
            throw p.error("unexpected text after the value");
        }
        return v;
    }

    private Object value() {
        skipSpaces();
        if (pos >= s.length()) {
            throw error("value expected");
        }
        char c = s.charAt(pos);
        if (c == '[') {
            return list(']');
        }
        if (c == '\'') {
            int end = s.indexOf('\'', pos + 1);
            if (end < 0) {
                throw error("unterminated string");
            }
            String str = s.substring(pos + 1, end);
            pos = end + 1;
            return str;
        }
        if (s.startsWith("f32[", pos) || s.startsWith("i64[", pos)) {
            return tensor();
        }
        int start = pos;
        while (pos < s.length() && "+-.0123456789eEabcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_".indexOf(
                s.charAt(pos)) >= 0) {
            pos++;
        }
        String word = s.substring(start, pos);
        switch (word) {
            case "None":
                return null;
            case "True":
                return Boolean.TRUE;
            case "False":
                return Boolean.FALSE;
            case "nan":
                return Double.NaN;
            default:
                break;
        }
        try {
            if (word.matches("[+-]?\\d+")) {
                return Long.parseLong(word);
            }
            return Double.parseDouble(word);
        } catch (NumberFormatException e) {
            pos = start;
            throw error("cannot read a value from '" + word + "'");
        }
    }

    private List<Object> list(char close) {
        pos++; // the opening bracket
        List<Object> out = new ArrayList<>();
        skipSpaces();
        if (pos < s.length() && s.charAt(pos) == close) {
            pos++;
            return out;
        }
        while (true) {
            out.add(value());
            skipSpaces();
            if (pos < s.length() && s.charAt(pos) == close) {
                pos++;
                return out;
            }
            expect(',');
        }
    }

    private TensorSpec tensor() {
        TensorSpec t = plainTensor();
        if (s.startsWith("@cl", pos)) {
            pos += 3;
            return t.channelsLast();
        }
        return t;
    }

    private TensorSpec plainTensor() {
        boolean f32 = s.startsWith("f32", pos);
        pos += 3;
        List<Object> dims = list(']');
        long[] shape = new long[dims.size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = asLong(dims.get(i));
        }
        if (pos < s.length() && s.charAt(pos) == '{') {
            List<Object> values = list('}');
            double[] v = new double[values.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = ((Number) values.get(i)).doubleValue();
            }
            return TensorSpec.explicit(f32, shape, v);
        }
        if (pos < s.length() && s.charAt(pos) == '~') {
            char kind = s.charAt(pos + 1);
            pos += 2;
            int start = pos;
            while (pos < s.length() && (Character.isDigit(s.charAt(pos)) || s.charAt(pos) == '-')) {
                pos++;
            }
            return TensorSpec.seeded(f32, shape, TensorSpec.Fill.of(kind), Long.parseLong(s.substring(start, pos)));
        }
        return TensorSpec.zeros(f32, shape);
    }

    private void skipSpaces() {
        while (pos < s.length() && s.charAt(pos) == ' ') {
            pos++;
        }
    }

    private void expect(char c) {
        skipSpaces();
        if (pos >= s.length() || s.charAt(pos) != c) {
            throw error("'" + c + "' expected");
        }
        pos++;
    }

    private MalformedRow error(String what) {
        return new MalformedRow("malformed row text at column " + pos + ": " + what + " in: " + s);
    }

    static long asLong(Object v) {
        if (!(v instanceof Long)) {
            throw new MalformedRow("integer expected, got " + v);
        }
        return (Long) v;
    }

    /** Formats a value in the row syntax (the inverse of {@link #value(String)}). */
    static String format(Object v) {
        if (v == null) {
            return "None";
        }
        if (v instanceof Boolean) {
            return (Boolean) v ? "True" : "False";
        }
        if (v instanceof String) {
            return "'" + v + "'";
        }
        if (v instanceof List) {
            StringBuilder sb = new StringBuilder("[");
            List<?> l = (List<?>) v;
            for (int i = 0; i < l.size(); i++) {
                sb.append(i == 0 ? "" : ", ").append(format(l.get(i)));
            }
            return sb.append(']').toString();
        }
        if (v instanceof Double) {
            double d = (Double) v;
            return Double.isNaN(d) ? "nan" : Double.toString(d);
        }
        return String.valueOf(v);
    }

    /** Formats {@code name=value, ...}. */
    static String format(Map<String, Object> args) {
        if (args.isEmpty()) {
            return "-";
        }
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, Object> e : args.entrySet()) {
            sb.append(sb.length() == 0 ? "" : ", ").append(e.getKey()).append('=').append(format(e.getValue()));
        }
        return sb.toString();
    }
}
