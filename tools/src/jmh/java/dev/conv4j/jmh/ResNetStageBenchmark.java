package dev.conv4j.jmh;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import dev.conv4j.Tensor;
import dev.conv4j.nn.AdaptiveAvgPool2d;
import dev.conv4j.nn.Conv2d;
import dev.conv4j.nn.MaxPool2d;
import dev.conv4j.nn.Module;
import dev.conv4j.nn.ReLU;
import dev.conv4j.nn.Sequential;

/**
 * A ResNet-stage-like chain on oneDNN, Nx64x56x56 in: Conv2d(64, 64, 3, padding=1) -> ReLU ->
 * Conv2d(64, 64, 3, padding=1) -> ReLU -> MaxPool2d(3, 2, 1) -> Conv2d(64, 128, 3, padding=1) ->
 * ReLU -> AdaptiveAvgPool2d(1). {@code sequential} runs the {@link Sequential} (Conv+ReLU fused,
 * intermediates channels-last, one conversion at each end); {@code modulesNchw} calls the same
 * modules one by one on plain NCHW tensors, as a caller without Sequential would.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ResNetStageBenchmark {
    @Param({"1", "16"})
    public int batch;

    private Sequential net;
    private Tensor input;

    @Setup
    public void setUp() {
        net = new Sequential(Conv2d.builder(64, 64, 3).padding(1).seed(1).build(), new ReLU(),
                Conv2d.builder(64, 64, 3).padding(1).seed(2).build(), new ReLU(),
                MaxPool2d.builder(3).stride(2).padding(1).build(),
                Conv2d.builder(64, 128, 3).padding(1).seed(3).build(), new ReLU(),
                AdaptiveAvgPool2d.builder(1, 1).build());
        input = Inputs.random(batch, 64, 56, 56);
    }

    @TearDown
    public void tearDown() {
        net.close();
        input.close();
    }

    @Benchmark
    public Tensor sequential() {
        Tensor out = net.forward(input);
        out.close();
        return out;
    }

    @Benchmark
    public Tensor modulesNchw() {
        Tensor t = input;
        for (Module m : net.modules()) {
            Tensor next = m.forward(t);
            if (t != input) {
                t.close();
            }
            t = next;
        }
        t.close();
        return t;
    }
}
