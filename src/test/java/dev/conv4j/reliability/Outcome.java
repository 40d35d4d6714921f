package dev.conv4j.reliability;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import dev.conv4j.DType;
import dev.conv4j.Tensor;
import dev.conv4j.Tolerances;
import dev.conv4j.spec.Tuples;

/** What one call gave: its outputs, copied to the heap (and the tensors closed), or its exception. */
final class Outcome {

    final RuntimeException error;
    final List<long[]> shapes = new ArrayList<>();
    /** Per output: its float values, or null for an int64 output. */
    final List<float[]> floats = new ArrayList<>();
    /** Per output: its int64 values, or null for a float output. */
    final List<long[]> longs = new ArrayList<>();

    private Outcome(RuntimeException error) {
        this.error = error;
    }

    static Outcome failure(RuntimeException e) {
        return new Outcome(e);
    }

    /** Reads and closes {@code outputs} (every one, even if reading one fails). */
    static Outcome of(List<Tensor> outputs) {
        Outcome o = new Outcome(null);
        try {
            for (Tensor t : outputs) {
                o.shapes.add(t.shape());
                if (t.dtype() == DType.FLOAT32) {
                    o.floats.add(t.toFloatArray());
                    o.longs.add(null);
                } else {
                    o.floats.add(null);
                    o.longs.add(t.toLongArray());
                }
            }
        } finally {
            for (Tensor t : outputs) {
                t.close();
            }
        }
        return o;
    }

    boolean ok() {
        return error == null;
    }

    @Override
    public String toString() {
        if (error != null) {
            return error.getClass().getSimpleName() + ": " + error.getMessage();
        }
        StringBuilder sb = new StringBuilder("outputs");
        for (long[] s : shapes) {
            sb.append(' ').append(Tuples.list(s));
        }
        return sb.toString();
    }

    /**
     * Null when {@code got} matches {@code ref}: the same exception type and message, or the same
     * shapes and values (bit-exact when {@code exact}, else within {@link Tolerances#RTOL}; int64 always
     * exact; NaN matches NaN); otherwise what differs.
     */
    static String compare(Outcome ref, Outcome got, boolean exact) {
        if (ref.error != null || got.error != null) {
            if (ref.error == null || got.error == null) {
                return "reference: " + ref + "; other: " + got;
            }
            if (ref.error.getClass() != got.error.getClass()
                    || !String.valueOf(ref.error.getMessage()).equals(got.error.getMessage())) {
                return "different refusals: reference " + ref + "; other " + got;
            }
            return null;
        }
        if (ref.shapes.size() != got.shapes.size()) {
            return "reference gave " + ref.shapes.size() + " outputs, other " + got.shapes.size();
        }
        for (int k = 0; k < ref.shapes.size(); k++) {
            String what = k == 0 ? "output" : "indices";
            if (!Arrays.equals(ref.shapes.get(k), got.shapes.get(k))) {
                return what + " shape: reference " + Tuples.list(ref.shapes.get(k)) + ", other "
                        + Tuples.list(got.shapes.get(k));
            }
            String d = ref.floats.get(k) != null ? floats(what, ref.floats.get(k), got.floats.get(k), exact)
                    : longs(what, ref.longs.get(k), got.longs.get(k));
            if (d != null) {
                return d;
            }
        }
        return null;
    }

    /**
     * Null when {@code got} is bit for bit {@code ref} (raw float bits, NaN payloads included),
     * else what differs.
     */
    static String identical(Outcome ref, Outcome got) {
        if (ref.error != null || got.error != null) {
            return compare(ref, got, true);
        }
        if (ref.shapes.size() != got.shapes.size()) {
            return "expected " + ref.shapes.size() + " outputs, got " + got.shapes.size();
        }
        for (int k = 0; k < ref.shapes.size(); k++) {
            if (!Arrays.equals(ref.shapes.get(k), got.shapes.get(k))) {
                return "output " + k + " shape: expected " + Tuples.list(ref.shapes.get(k)) + ", got "
                        + Tuples.list(got.shapes.get(k));
            }
            float[] a = ref.floats.get(k);
            float[] b = got.floats.get(k);
            if (a != null) {
                for (int i = 0; i < a.length; i++) {
                    if (Float.floatToRawIntBits(a[i]) != Float.floatToRawIntBits(b[i])) {
                        return "output " + k + " differs at flat index " + i + ": expected " + a[i] + ", got " + b[i]
                                + " (not bit-identical)";
                    }
                }
            } else {
                String d = longs("indices", ref.longs.get(k), got.longs.get(k));
                if (d != null) {
                    return d;
                }
            }
        }
        return null;
    }

    static String floats(String what, float[] ref, float[] got, boolean exact) {
        if (got == null || ref.length != got.length) {
            return what + ": other has " + (got == null ? "no float" : got.length) + " values, reference " + ref.length;
        }
        int bad = 0;
        int first = -1;
        for (int i = 0; i < ref.length; i++) {
            float r = ref[i];
            float g = got[i];
            boolean ok;
            if (Float.isNaN(r) || Float.isNaN(g)) {
                ok = Float.isNaN(r) && Float.isNaN(g);
            } else if (exact || Float.isInfinite(r) || Float.isInfinite(g)) {
                ok = Float.floatToIntBits(r) == Float.floatToIntBits(g);
            } else {
                ok = Tolerances.within(g, r, Tolerances.RTOL);
            }
            if (!ok) {
                bad++;
                first = first < 0 ? i : first;
            }
        }
        return bad == 0 ? null : what + ": " + bad + " of " + ref.length + " values differ" + (exact ? " (exact)" : "")
                + "; first at flat index " + first + ": reference " + ref[first] + ", other " + got[first];
    }

    static String longs(String what, long[] ref, long[] got) {
        if (got == null || ref.length != got.length) {
            return what + ": other has " + (got == null ? "no int64" : got.length) + " values, reference " + ref.length;
        }
        int bad = 0;
        int first = -1;
        for (int i = 0; i < ref.length; i++) {
            if (ref[i] != got[i]) {
                bad++;
                first = first < 0 ? i : first;
            }
        }
        return bad == 0 ? null : what + ": " + bad + " of " + ref.length + " values differ; first at flat index " + first
                + ": reference " + ref[first] + ", other " + got[first];
    }

    /** True when the op's values must match bit for bit (they select or move values, never round). */
    static boolean exact(String op) {
        return op.startsWith("MaxPool") || op.startsWith("AdaptiveMaxPool") || op.startsWith("MaxUnpool");
    }
}
