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
import dev.conv4j.backend.Backend;
import dev.conv4j.backend.Backends;
import dev.conv4j.nn.Conv2d;
import dev.conv4j.nn.MaxPool2d;
import dev.conv4j.onednn.BarePrimitive;
import dev.conv4j.spec.ConvGeometry;
import dev.conv4j.spec.ConvProblem;
import dev.conv4j.spec.PoolGeometry;
import dev.conv4j.spec.PoolProblem;

/**
 * Per-call overhead: operators on a 1x1x4x4 input, so small that the time is all dispatch
 * (JNI, primitive lookup, stream, output allocation). {@code *Module} calls the torch.nn-style
 * module; {@code *Direct} calls the same backend kernel on a preallocated output, without the
 * module's checks, geometry and output allocation: the difference is the wrapper's cost.
 * {@code convBarePrimitive} executes the same oneDNN primitive with no wrapper at all
 * ({@link BarePrimitive}: prebuilt memory objects and stream, execute + wait): the floor.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TinyOpBenchmark {

    /** MaxPool2d(2) on 1x1x4x4. */
    @State(Scope.Thread)
    public static class Pool {
        /** {@code onednn} (the subject) or {@code reference} (for comparison). */
        @Param({"onednn"})
        public String backend;

        Backend b;
        MaxPool2d module;
        Tensor input;
        PoolProblem problem;
        Tensor output;

        @Setup
        public void setUp() {
            b = Backends.byName(backend);
            input = Inputs.random(1, 1, 4, 4);
            module = MaxPool2d.builder(2).backend(b).build();
            problem = PoolGeometry.forward(module.spec(), input.shape());
            output = Tensor.zeros(problem.outputShape());
            module.forward(input).close(); // creates and caches the primitive
        }

        @TearDown
        public void tearDown() {
            module.close();
            input.close();
            output.close();
        }
    }

    /** Conv2d(1, 1, 3, padding=1) on 1x1x4x4. */
    @State(Scope.Thread)
    public static class Conv {
        @Param({"onednn"})
        public String backend;

        Conv2d module;
        Tensor input;
        ConvProblem problem;
        Tensor output;
        /** The module's oneDNN primitive, bare (null on the reference backend). */
        BarePrimitive bare;

        @Setup
        public void setUp() {
            input = Inputs.random(1, 1, 4, 4);
            module = Conv2d.builder(1, 1, 3).padding(1).backend(Backends.byName(backend)).seed(1).build();
            problem = ConvGeometry.forward(module.spec(), input.shape(), null);
            output = Tensor.zeros(problem.outputShape());
            module.forward(input).close();
            if (backend.equals("onednn")) {
                bare = BarePrimitive.convolution(problem, module.weight(), module.bias());
                bare.load(input);
                bare.run(1);
            }
        }

        @TearDown
        public void tearDown() {
            if (bare != null) {
                bare.close();
            }
            module.close();
            input.close();
            output.close();
        }
    }

    @Benchmark
    public Tensor maxPoolModule(Pool s) {
        Tensor out = s.module.forward(s.input);
        out.close();
        return out;
    }

    /** The backend call alone; the output is reused (max pooling overwrites every element). */
    @Benchmark
    public Tensor maxPoolDirect(Pool s) {
        s.b.pool(s.problem, s.input, s.output, null);
        return s.output;
    }

    @Benchmark
    public Tensor convModule(Conv s) {
        Tensor out = s.module.forward(s.input);
        out.close();
        return out;
    }

    /**
     * The prepared kernel alone, {@code module.kernel().forward}; the output is reused (a
     * convolution overwrites every element).
     */
    @Benchmark
    public Tensor convDirect(Conv s) {
        s.module.kernel().forward(s.problem, s.input, s.output);
        return s.output;
    }

    /** The same oneDNN primitive executed bare: {@code dnnl_primitive_execute} + {@code dnnl_stream_wait}. */
    @Benchmark
    public BarePrimitive convBarePrimitive(Conv s) {
        s.bare.run(1);
        return s.bare;
    }
}
