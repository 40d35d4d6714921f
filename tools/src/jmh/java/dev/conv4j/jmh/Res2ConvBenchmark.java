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
import dev.conv4j.backend.Backends;
import dev.conv4j.nn.Conv2d;
import dev.conv4j.onednn.BarePrimitive;
import dev.conv4j.spec.ConvGeometry;
import dev.conv4j.spec.ConvProblem;

/**
 * The res2 convolution of the benchmark set (Conv2d 64-64 3x3, padding 1, on 1x64x56x56,
 * 231,211,008 FLOPs) with its primitive cached after the first call: module call vs the
 * prepared kernel on a preallocated output vs the same oneDNN primitive executed bare
 * ({@link BarePrimitive}, the floor for the wrapper's overhead).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class Res2ConvBenchmark {
    @Param({"onednn"})
    public String backend;

    private Conv2d conv;
    private Tensor input;
    private Tensor output;
    private ConvProblem problem;
    private BarePrimitive bare;

    @Setup
    public void setUp() {
        input = Inputs.random(1, 64, 56, 56);
        conv = Conv2d.builder(64, 64, 3).padding(1).backend(Backends.byName(backend)).seed(1).build();
        problem = ConvGeometry.forward(conv.spec(), input.shape(), null);
        output = Tensor.zeros(problem.outputShape());
        module();
        if (backend.equals("onednn")) {
            bare = BarePrimitive.convolution(problem, conv.weight(), conv.bias());
            bare.load(input);
            bare.run(1);
        }
    }

    @TearDown
    public void tearDown() {
        if (bare != null) {
            bare.close();
        }
        conv.close();
        input.close();
        output.close();
    }

    @Benchmark
    public Tensor module() {
        Tensor out = conv.forward(input);
        out.close();
        return out;
    }

    @Benchmark
    public Tensor direct() {
        conv.kernel().forward(problem, input, output);
        return output;
    }

    /** The same oneDNN primitive executed bare: {@code dnnl_primitive_execute} + {@code dnnl_stream_wait}. */
    @Benchmark
    public BarePrimitive barePrimitive() {
        bare.run(1);
        return bare;
    }
}
