package dev.conv4j.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A torch.nn constructor call as the benchmark table writes it, e.g.
 * {@code Conv2d(3, 64, 7, stride=2, padding=3)}: the class name, the positional integer
 * arguments and the keyword integer arguments. Only integers appear in the table.
 *
 * @param op the torch.nn class name, e.g. {@code Conv2d}
 * @param args positional arguments in order
 * @param kwargs keyword arguments in the order written
 */
public record LayerCall(String op, List<Integer> args, Map<String, Integer> kwargs) {

    public LayerCall {
        args = List.copyOf(args);
        kwargs = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(kwargs));
    }

    /**
     * Parses {@code Name(int, int, ..., key=int, ...)}.
     *
     * @throws IllegalArgumentException naming the text if it is not of that form
     */
    public static LayerCall parse(String text) {
        String s = text.strip();
        int open = s.indexOf('(');
        if (open <= 0 || !s.endsWith(")")) {
            throw new IllegalArgumentException("layer should look like Name(1, 2, key=3), but got '" + text + "'");
        }
        String op = s.substring(0, open).strip();
        if (!op.chars().allMatch(Character::isLetterOrDigit)) {
            throw new IllegalArgumentException("layer class name should be letters and digits, but got '" + op
                    + "' in '" + text + "'");
        }
        String inner = s.substring(open + 1, s.length() - 1).strip();
        List<Integer> args = new ArrayList<>();
        Map<String, Integer> kwargs = new LinkedHashMap<>();
        if (!inner.isEmpty()) {
            for (String part : inner.split(",")) {
                String p = part.strip();
                int eq = p.indexOf('=');
                if (eq < 0) {
                    if (!kwargs.isEmpty()) {
                        throw new IllegalArgumentException("positional argument '" + p
                                + "' follows a keyword argument in '" + text + "'");
                    }
                    args.add(parseInt(p, text));
                } else {
                    String key = p.substring(0, eq).strip();
                    if (kwargs.put(key, parseInt(p.substring(eq + 1).strip(), text)) != null) {
                        throw new IllegalArgumentException("keyword argument '" + key + "' repeated in '" + text + "'");
                    }
                }
            }
        }
        return new LayerCall(op, args, kwargs);
    }

    private static int parseInt(String v, String text) {
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("argument should be an integer, but got '" + v + "' in '" + text + "'");
        }
    }

    /** Positional argument {@code i}, or {@code def} when fewer were given. */
    public int arg(int i, int def) {
        return i < args.size() ? args.get(i) : def;
    }

    /** Keyword argument {@code key}, or {@code def} when absent. */
    public int kwarg(String key, int def) {
        return kwargs.getOrDefault(key, def);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(op).append('(');
        List<String> parts = new ArrayList<>();
        args.forEach(a -> parts.add(String.valueOf(a)));
        kwargs.forEach((k, v) -> parts.add(k + "=" + v));
        return b.append(String.join(", ", parts)).append(')').toString();
    }
}
