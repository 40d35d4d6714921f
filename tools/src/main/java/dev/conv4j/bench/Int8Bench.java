package dev.conv4j.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

import dev.conv4j.MemoryFormat;
import dev.conv4j.Tensor;
import dev.conv4j.backend.Backend;
import dev.conv4j.nn.Module;
import dev.conv4j.nn.quantized.Conv2d;
import dev.conv4j.quantized.QDType;
import dev.conv4j.quantized.QTensor;
import dev.conv4j.spec.ConvSpec;

/**
 * The int8 rows of {@code bin/conv4j bench --precision int8}: each Conv2d layer of the standard set
 * as a quantized {@link Conv2d} (quint8 input, per-channel qint8 weights, float bias, quint8
 * output) on the oneDNN backend, timed in alternating blocks with the float32 {@code Conv2d} of
 * the same layer on the same backend, both on channels-last tensors (the layout both prefer), so
 * that their ratio comes from one run. GOPS count the operations as the float32 rows count FLOPs
 * (docs/bench-layers.md).
 */
public final class Int8Bench {
    /** One layer at one batch size. */
    public record Row(String layer, int batch, double f32Ms, double int8Ms, double ops) {
        public double f32Gflops() {
            return Timing.gflops(ops, f32Ms);
        }

        public double int8Gops() {
            return Timing.gflops(ops, int8Ms);
        }

        /** float32 time / int8 time. */
        public double speedup() {
            return Timing.speedup(f32Ms, int8Ms);
        }
    }

    private final Backend backend;
    private final Timing.Plan plan;

    public Int8Bench(Backend backend, Timing.Plan plan) {
        this.backend = backend;
        this.plan = plan;
    }

    /** The layers int8 rows exist for: the Conv2d layers among {@code chosen}. */
    public static List<BenchLayer> layers(List<BenchLayer> chosen) {
        return chosen.stream().filter(l -> l.op() == BenchLayer.Op.CONV2D).toList();
    }

    /** Times every layer at every batch size. */
    public List<Row> run(List<BenchLayer> layers, List<Integer> batches) {
        List<Row> rows = new ArrayList<>();
        for (BenchLayer layer : layers) {
            for (int batch : batches) {
                rows.add(time(layer, batch));
            }
        }
        return rows;
    }

    private Row time(BenchLayer layer, int batch) {
        ConvSpec s = layer.convSpec();
        long[] shape = layer.inputShape(batch);
        SplittableRandom r = new SplittableRandom(BenchRunner.SEED);
        float[] x = new float[Math.toIntExact(java.util.Arrays.stream(shape).reduce(1, (a, b) -> a * b))];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        try (Module f32 = layer.build(backend, BenchRunner.SEED);
                Tensor input = Tensor.of(x, shape);
                Tensor inputCl = input.toMemoryFormat(MemoryFormat.CHANNELS_LAST);
                QTensor qInput = QTensor.quantizePerTensor(inputCl, 4.0 / 127, 128, QDType.QUINT8);
                dev.conv4j.nn.Convolution f32Conv = (dev.conv4j.nn.Convolution) f32;
                QTensor qWeight = quantizeWeight(f32Conv.weight(), s.outChannels());
                Conv2d int8 = Conv2d.builder(s.inChannels(), s.outChannels(), s.kernelSize()).stride(s.stride())
                        .padding(s.padding()).dilation(s.dilation()).groups(s.groups()).weight(qWeight)
                        .bias(f32Conv.bias()).scale(0.05).zeroPoint(128).backend(backend).build()) {
            double[][] ms = Timing.measureInterleaved(() -> f32.forward(inputCl).close(),
                    () -> int8.forward(qInput).close(), plan, 0.1, System::nanoTime);
            return new Row(layer.name(), batch, Timing.median(ms[0]), Timing.median(ms[1]), layer.flops(batch));
        }
    }

    /** Symmetric per-output-channel qint8 weights, as PyTorch's default conv weight observer makes them. */
    private static QTensor quantizeWeight(Tensor w, int outChannels) {
        float[] v = w.toFloatArray();
        int per = v.length / outChannels;
        double[] scales = new double[outChannels];
        for (int o = 0; o < outChannels; o++) {
            double max = 1e-8;
            for (int i = 0; i < per; i++) {
                max = Math.max(max, Math.abs(v[o * per + i]));
            }
            scales[o] = max / 127;
        }
        return QTensor.quantizePerChannel(w, scales, new long[outChannels], 0, QDType.QINT8);
    }

    /** The rows as a text table. */
    public static String table(List<Row> rows) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-22s %5s %10s %9s %10s %9s %8s%n", "layer (int8 vs f32, NHWC)", "batch",
                "f32 ms", "f32 GFLOPS", "int8 ms", "int8 GOPS", "int8/f32"));
        for (Row r : rows) {
            sb.append(String.format(Locale.ROOT, "%-22s %5d %10.3f %9.1f %10.3f %9.1f %7.2fx%n", r.layer(), r.batch(),
                    r.f32Ms(), r.f32Gflops(), r.int8Ms(), r.int8Gops(), r.speedup()));
        }
        sb.append("* int8 = dev.conv4j.nn.quantized.Conv2d (quint8 input, per-channel qint8 weights, f32 bias, quint8 "
                + "output) and f32 = dev.conv4j.nn.Conv2d, both on oneDNN with channels-last tensors, timed in "
                + "alternating blocks in this run; median of the timed calls, output allocation included; "
                + "GOPS = FLOPs of the f32 layer / int8 time.\n");
        return sb.toString();
    }
}
