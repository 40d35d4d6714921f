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
import dev.conv4j.nn.Sequential;
import dev.conv4j.spec.ConvGeometry;
import dev.conv4j.spec.ConvProblem;
import dev.conv4j.spec.PoolGeometry;
import dev.conv4j.spec.PoolProblem;

/**
 * The feature extractor of PyTorch's CNN tutorial on 1x1x32x32: Conv2d(1, 6, 5) -> MaxPool2d(2)
 * -> Conv2d(6, 16, 5) -> MaxPool2d(2), giving 1x16x5x5. {@code sequential} runs the
 * {@link Sequential} (which allocates and frees each intermediate); {@code direct} calls the same
 * kernels and backend pooling on preallocated intermediates.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SequentialCnnBenchmark {
    @Param({"onednn"})
    public String backend;

    private Sequential net;
    private Conv2d conv1;
    private Conv2d conv2;
    private MaxPool2d pool;
    private Backend b;
    private Tensor input;
    private ConvProblem p1;
    private PoolProblem p2;
    private ConvProblem p3;
    private PoolProblem p4;
    private Tensor t1;
    private Tensor t2;
    private Tensor t3;
    private Tensor t4;

    @Setup
    public void setUp() {
        b = Backends.byName(backend);
        input = Inputs.random(1, 1, 32, 32);
        conv1 = Conv2d.builder(1, 6, 5).backend(b).seed(1).build();
        conv2 = Conv2d.builder(6, 16, 5).backend(b).seed(2).build();
        pool = MaxPool2d.builder(2).backend(b).build();
        net = new Sequential(conv1, pool, conv2, MaxPool2d.builder(2).backend(b).build());
        p1 = ConvGeometry.forward(conv1.spec(), input.shape(), null);       // 1x6x28x28
        t1 = Tensor.zeros(p1.outputShape());
        p2 = PoolGeometry.forward(pool.spec(), p1.outputShape());           // 1x6x14x14
        t2 = Tensor.zeros(p2.outputShape());
        p3 = ConvGeometry.forward(conv2.spec(), p2.outputShape(), null);    // 1x16x10x10
        t3 = Tensor.zeros(p3.outputShape());
        p4 = PoolGeometry.forward(pool.spec(), p3.outputShape());           // 1x16x5x5
        t4 = Tensor.zeros(p4.outputShape());
        sequential();
        direct();
    }

    @TearDown
    public void tearDown() {
        net.close();
        input.close();
        for (Tensor t : new Tensor[] {t1, t2, t3, t4}) {
            t.close();
        }
    }

    @Benchmark
    public Tensor sequential() {
        Tensor out = net.forward(input);
        out.close();
        return out;
    }

    /** The same four calls on preallocated tensors (each call overwrites its whole output). */
    @Benchmark
    public Tensor direct() {
        conv1.kernel().forward(p1, input, t1);
        b.pool(p2, t1, t2, null);
        conv2.kernel().forward(p3, t2, t3);
        b.pool(p4, t3, t4, null);
        return t4;
    }
}
