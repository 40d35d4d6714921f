package dev.conv4j.reliability;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import dev.conv4j.MemoryFormat;

/**
 * Random calls of every operator family with small shapes (spatial sizes 1..9, channels 1..6,
 * batch 0..3): mostly valid argument combinations, and, one call in four, one argument or input
 * made invalid in a way the shape rules must refuse (wrong rank, zero or negative sizes, channel
 * mismatch, groups, output_padding, output_size, padding, indices, dtype). Random sizes make
 * more calls invalid on their own (kernels larger than the input, reflect pads too large).
 */
final class CallGenerator {
    private final SplittableRandom r;

    CallGenerator(long seed) {
        this.r = new SplittableRandom(seed);
    }

    /** The next call; {@code op} one of {@link Layer#OPS}. */
    OpCall next(String op) {
        String family = Layer.family(op);
        int d = Layer.dims(op);
        boolean invalid = r.nextInt(4) == 0;
        Map<String, Object> args = new LinkedHashMap<>();
        Map<String, Object> inputs = new LinkedHashMap<>();
        long n = r.nextInt(25) == 0 ? 0 : 1 + r.nextInt(3);
        boolean batched = r.nextInt(5) != 0;
        int c = 1 + r.nextInt(6);
        long[] spatial = new long[d];
        for (int i = 0; i < d; i++) {
            spatial[i] = 1 + r.nextInt(d == 3 ? 7 : 9);
        }
        String mutation = invalid ? pick("rank", "zero", "dtype", "args", "args", "args") : "none";
        switch (family) {
            case "Conv":
            case "ConvTranspose":
                conv(family.equals("ConvTranspose"), d, c, spatial, batched, mutation, args, inputs);
                break;
            case "MaxPool":
            case "AvgPool":
            case "LPPool":
                pool(family, d, spatial, mutation, args);
                break;
            case "AdaptiveAvgPool":
            case "AdaptiveMaxPool":
                adaptive(family.equals("AdaptiveMaxPool"), d, mutation, args);
                break;
            default:
                return unpool(d, n, c, spatial, batched, mutation);
        }
        TensorSpec.Fill fill = TensorSpec.Fill.UNIFORM;
        if (family.contains("Max")) {
            int f = r.nextInt(20);
            fill = f < 5 ? TensorSpec.Fill.QUANTIZED : f < 8 ? TensorSpec.Fill.NAN : TensorSpec.Fill.UNIFORM;
        }
        long[] shape = inputShape(n, c, spatial, batched, mutation);
        long seed = r.nextLong();
        TensorSpec input = mutation.equals("dtype") ? TensorSpec.zeros(false, shape) : TensorSpec.floats(shape, fill, seed);
        // a third of the inputs that can be channels-last are (chosen by the seed: the call stream stays as it was)
        boolean channelsLast = MemoryFormat.CHANNELS_LAST.supports(shape.length) && Math.floorMod(seed, 3) == 0;
        inputs.put("input", channelsLast ? input.channelsLast() : input);
        // keep output_size (added by conv) after the input, as a forward call reads
        Object outputSize = inputs.remove("output_size");
        if (outputSize != null) {
            inputs.put("output_size", outputSize);
        }
        return new OpCall(op, args, inputs);
    }

    private long[] inputShape(long n, int c, long[] spatial, boolean batched, String mutation) {
        long[] shape = batched ? concat(new long[] {n, c}, spatial) : concat(new long[] {c}, spatial);
        if (mutation.equals("rank")) {
            if (r.nextBoolean() || shape.length == 5) {
                shape = Arrays.copyOfRange(shape, 1, shape.length);
            } else {
                shape = concat(new long[] {1}, shape);
            }
        } else if (mutation.equals("zero")) {
            shape[batched ? 1 + r.nextInt(shape.length - 1) : r.nextInt(shape.length)] = 0;
        }
        return shape;
    }

    private void conv(boolean transposed, int d, int c, long[] spatial, boolean batched, String mutation,
            Map<String, Object> args, Map<String, Object> inputs) {
        int out = 1 + r.nextInt(6);
        List<Integer> common = new ArrayList<>();
        for (int g = 1; g <= Math.min(c, out); g++) {
            if (c % g == 0 && out % g == 0) {
                common.add(g);
            }
        }
        int groups = r.nextInt(3) == 0 ? common.get(r.nextInt(common.size())) : 1;
        int[] k = perDim(d, 1, d == 3 ? 3 : 4);
        int[] stride = r.nextInt(3) == 0 ? perDim(d, 1, 3) : new int[] {1};
        int[] dilation = r.nextInt(4) == 0 ? perDim(d, 1, 3) : new int[] {1};
        args.put("in_channels", (long) c);
        args.put("out_channels", (long) out);
        args.put("kernel_size", value(k));
        int[] padding = new int[] {0};
        int pm = r.nextInt(20);
        if (!transposed && pm < 3) {
            args.put("padding", pm == 0 ? "valid" : "same");
            if (pm != 0) {
                stride = new int[] {1};
            }
        } else if (r.nextBoolean()) {
            padding = perDim(d, 0, 2);
            args.put("padding", value(padding));
        }
        if (stride.length > 1 || stride[0] != 1 || r.nextInt(4) == 0) {
            args.put("stride", value(stride));
        }
        if (dilation.length > 1 || dilation[0] != 1) {
            args.put("dilation", value(dilation));
        }
        if (transposed && r.nextBoolean()) {
            int[] op = new int[d];
            for (int i = 0; i < d; i++) {
                int bound = Math.max(at(stride, i), at(dilation, i));
                op[i] = r.nextInt(bound);
            }
            args.put("output_padding", value(op));
        }
        if (groups != 1 || r.nextInt(4) == 0) {
            args.put("groups", (long) groups);
        }
        if (r.nextInt(4) == 0) {
            args.put("bias", Boolean.FALSE);
        }
        if (!transposed && r.nextInt(3) == 0) {
            args.put("padding_mode", pick("reflect", "replicate", "circular", "zeros"));
        }
        args.put("seed", r.nextLong(1000));
        if (transposed && !args.containsKey("output_padding") && r.nextInt(4) == 0) {
            // a requested output_size within PyTorch's range (sometimes with batch and channels)
            long[] size = new long[d];
            for (int i = 0; i < d; i++) {
                long min = (spatial[i] - 1) * at(stride, i) - 2L * at(padding, i) + (long) at(dilation, i) * (at(k, i) - 1)
                        + 1;
                size[i] = min + r.nextInt(at(stride, i));
            }
            if (r.nextInt(4) == 0) {
                size = concat(batched ? new long[] {1, out} : new long[] {out}, size);
            }
            inputs.put("output_size", list(size));
        }
        if (mutation.equals("args")) {
            switch (r.nextInt(transposed ? 10 : 9)) {
                case 0:
                    args.put("in_channels", (long) c + 1); // channel mismatch
                    break;
                case 1:
                    args.put("groups", (long) (common.get(common.size() - 1) + 1)); // does not divide (or too many)
                    break;
                case 2:
                    args.put("stride", (long) -r.nextInt(2));
                    break;
                case 3:
                    args.put("dilation", (long) -r.nextInt(2));
                    break;
                case 4:
                    args.put("kernel_size", (long) -r.nextInt(2));
                    break;
                case 5:
                    args.put("padding", (long) -(1 + r.nextInt(2)));
                    break;
                case 6:
                    args.put("padding", pick("full", "SAME", "same"));
                    args.put("stride", (long) (1 + r.nextInt(2)));
                    break;
                case 7:
                    args.put("padding_mode", pick("reflect", "circular", "mirror"));
                    args.put("padding", (long) (3 + r.nextInt(6)));
                    break;
                case 8:
                    args.put("groups", (long) (r.nextInt(2) - 1));
                    break;
                default:
                    if (r.nextBoolean()) {
                        args.put("output_padding", (long) (Math.max(stride[0], dilation[0]) + r.nextInt(2)));
                    } else {
                        long[] bad = new long[d + (r.nextInt(4) == 0 ? 1 : 0)];
                        for (int i = 0; i < bad.length; i++) {
                            bad[i] = r.nextInt(30) - 5;
                        }
                        inputs.put("output_size", list(bad));
                    }
                    break;
            }
        }
    }

    private void pool(String family, int d, long[] spatial, String mutation, Map<String, Object> args) {
        int[] k = perDim(d, 1, 4);
        if (family.equals("LPPool")) {
            args.put("norm_type", pick(1L, 2L, 3L, 1.5));
        }
        args.put("kernel_size", value(k));
        if (r.nextBoolean()) {
            args.put("stride", r.nextInt(5) == 0 ? null : value(perDim(d, 1, 3)));
        }
        if (!family.equals("LPPool") && r.nextBoolean()) {
            int[] pad = new int[k.length];
            for (int i = 0; i < pad.length; i++) {
                pad[i] = r.nextInt(k[i] / 2 + 1);
            }
            args.put("padding", value(pad));
        }
        if (family.equals("MaxPool")) {
            if (r.nextInt(3) == 0) {
                args.put("dilation", value(perDim(d, 1, 3)));
            }
            if (r.nextBoolean()) {
                args.put("return_indices", Boolean.TRUE);
            }
        }
        if (r.nextInt(3) == 0) {
            args.put("ceil_mode", Boolean.TRUE);
        }
        if (family.equals("AvgPool")) {
            if (r.nextBoolean()) {
                args.put("count_include_pad", Boolean.FALSE);
            }
            if (d > 1 && r.nextInt(4) == 0) {
                args.put("divisor_override", pick(1L, 2L, 3L, 7L, -2L));
            }
        }
        if (mutation.equals("args")) {
            switch (r.nextInt(6)) {
                case 0:
                    args.put("stride", (long) -r.nextInt(2));
                    break;
                case 1:
                    args.put("kernel_size", (long) -r.nextInt(2));
                    break;
                case 2:
                    if (family.equals("LPPool")) {
                        args.put("norm_type", 0L);
                    } else {
                        args.put("padding", (long) (r.nextBoolean() ? -1 : k[0] / 2 + 1));
                    }
                    break;
                case 3:
                    if (family.equals("MaxPool")) {
                        args.put("dilation", (long) -r.nextInt(2));
                    } else if (family.equals("AvgPool") && d > 1) {
                        args.put("divisor_override", 0L);
                    } else {
                        args.put("kernel_size", 10L);
                    }
                    break;
                default:
                    args.put("kernel_size", (long) (5 + r.nextInt(6))); // larger than the input
                    args.remove("padding");
                    break;
            }
        }
    }

    private void adaptive(boolean max, int d, String mutation, Map<String, Object> args) {
        List<Object> size = new ArrayList<>();
        for (int i = 0; i < d; i++) {
            size.add(r.nextInt(8) == 0 && d > 1 ? null : (Object) (long) (1 + r.nextInt(6)));
        }
        if (mutation.equals("args")) {
            int i = r.nextInt(d);
            size.set(i, (long) (r.nextInt(3) == 0 ? 0 : -1 - r.nextInt(3)));
            if (r.nextInt(4) == 0) {
                size.add(2L);
            }
        }
        args.put("output_size", size.size() == 1 && d == 1 && r.nextBoolean() ? size.get(0) : size);
        if (max && r.nextBoolean()) {
            args.put("return_indices", Boolean.TRUE);
        }
    }

    private OpCall unpool(int d, long n, int c, long[] spatial, boolean batched, String mutation) {
        String op = "MaxUnpool" + d + "d";
        Map<String, Object> args = new LinkedHashMap<>();
        Map<String, Object> inputs = new LinkedHashMap<>();
        int[] k = perDim(d, 1, 3);
        int[] stride = r.nextBoolean() ? perDim(d, 1, 3) : null;
        int[] padding = r.nextInt(3) == 0 ? perDim(d, 0, 1) : new int[] {0};
        args.put("kernel_size", value(k));
        if (stride != null) {
            args.put("stride", value(stride));
        }
        if (padding.length > 1 || padding[0] != 0) {
            args.put("padding", value(padding));
        }
        long[] out = new long[d];
        long[] in = spatial.clone();
        for (int i = 0; i < d; i++) {
            in[i] = 1 + r.nextInt(5);
            int s = stride == null ? at(k, i) : at(stride, i);
            out[i] = (in[i] - 1) * s + at(k, i) - 2L * at(padding, i);
        }
        if (r.nextInt(4) == 0) {
            long[] size = new long[d];
            for (int i = 0; i < d; i++) {
                int s = stride == null ? at(k, i) : at(stride, i);
                size[i] = out[i] - s + 1 + r.nextInt(2 * s - 1); // strictly between default - s and default + s
            }
            out = size;
            inputs.put("output_size", list(size));
        }
        long[] shape = batched ? concat(new long[] {n, c}, in) : concat(new long[] {c}, in);
        long planes = batched ? n * c : c;
        long inPlane = Arrays.stream(in).reduce(1, (a, b) -> a * b);
        long outPlane = Arrays.stream(out).reduce(1, (a, b) -> a * b);
        // indices into the output plane, values a function of plane and index (duplicates agree)
        int count = Math.toIntExact(planes * inPlane);
        double[] idx = new double[count];
        double[] val = new double[count];
        for (int p = 0; p < planes; p++) {
            for (int j = 0; j < inPlane; j++) {
                int at = (int) (p * inPlane + j);
                long index = outPlane > 0 ? r.nextLong(outPlane) : 0;
                idx[at] = index;
                val[at] = ((p * 31 + index * 17) % 23) / 7.0 - 1.5;
            }
        }
        if (mutation.equals("args") && count > 0) {
            int bad = 1 + r.nextInt(3);
            for (int b = 0; b < bad; b++) {
                idx[r.nextInt(count)] = r.nextBoolean() ? -1 - r.nextInt(3) : outPlane + r.nextInt(3);
            }
        }
        long[] indexShape = shape;
        if (mutation.equals("rank") || mutation.equals("zero")) {
            shape = inputShape(n, c, in, batched, mutation);
            indexShape = shape;
            idx = null;
            val = null;
        } else if (mutation.equals("dtype") && r.nextBoolean()) {
            inputs.put("input", TensorSpec.explicit(true, shape, val));
            inputs.put("indices", TensorSpec.zeros(true, shape)); // float indices
            return withOutputSize(op, args, inputs);
        }
        boolean f32 = !mutation.equals("dtype");
        inputs.put("input", val == null ? TensorSpec.floats(shape, TensorSpec.Fill.UNIFORM, r.nextLong())
                : TensorSpec.explicit(f32, shape, val));
        inputs.put("indices", idx == null ? TensorSpec.zeros(false, indexShape) : TensorSpec.explicit(false, shape, idx));
        return withOutputSize(op, args, inputs);
    }

    private static OpCall withOutputSize(String op, Map<String, Object> args, Map<String, Object> inputs) {
        Object outputSize = inputs.remove("output_size");
        if (outputSize != null) {
            inputs.put("output_size", outputSize);
        }
        return new OpCall(op, args, inputs);
    }

    // ---------------------------------------------------------------- helpers

    /** One value for every dimension (half the time) or one per dimension, in [lo, hi]. */
    private int[] perDim(int d, int lo, int hi) {
        if (d == 1 || r.nextBoolean()) {
            return new int[] {lo + r.nextInt(hi - lo + 1)};
        }
        int[] v = new int[d];
        for (int i = 0; i < d; i++) {
            v[i] = lo + r.nextInt(hi - lo + 1);
        }
        return v;
    }

    private static int at(int[] v, int i) {
        return v.length == 1 ? v[0] : v[i];
    }

    private static Object value(int[] v) {
        if (v.length == 1) {
            return (long) v[0];
        }
        List<Object> l = new ArrayList<>();
        for (int x : v) {
            l.add((long) x);
        }
        return l;
    }

    private static List<Object> list(long[] v) {
        List<Object> l = new ArrayList<>();
        for (long x : v) {
            l.add(x);
        }
        return l;
    }

    @SafeVarargs
    private <T> T pick(T... options) {
        return options[r.nextInt(options.length)];
    }

    static long[] concat(long[] a, long[] b) {
        long[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
