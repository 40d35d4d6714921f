package dev.conv4j.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.Executable;

import dev.conv4j.DType;
import dev.conv4j.Tensor;
import dev.conv4j.backend.Backend;
import dev.conv4j.backend.ConvKernel;
import dev.conv4j.nn.Conv2d;
import dev.conv4j.nn.Convolution;
import dev.conv4j.nn.MaxPool2d;
import dev.conv4j.nn.Module;
import dev.conv4j.nn.PoolResult;
import dev.conv4j.nn.Pooling;
import dev.conv4j.nn.Sequential;
import dev.conv4j.spec.ConvGeometry;
import dev.conv4j.spec.ConvProblem;
import dev.conv4j.spec.ConvSpec;
import dev.conv4j.spec.PoolGeometry;
import dev.conv4j.spec.PoolProblem;
import dev.conv4j.spec.PoolSpec;

/**
 * Every object that owns native memory or state: closing it twice is harmless, and any use after
 * close throws {@link IllegalStateException} (never a crash, never a wrong result), on both
 * backends. Covers {@link Tensor}, a module of every operator, {@link Sequential},
 * {@link PoolResult} and a {@link ConvKernel} prepared by the backend; and a closed tensor handed
 * to an open module or straight to the backend.
 */
class UseAfterCloseTest {
    /** One valid call per operator: the module is run once before it is closed. */
    static final Map<String, String> CALLS = Map.ofEntries(
            Map.entry("Conv1d", "in_channels=2, out_channels=3, kernel_size=3, padding=1, padding_mode='reflect' | input=f32[2, 2, 6]~r1"),
            Map.entry("Conv2d", "in_channels=2, out_channels=4, kernel_size=3, groups=2 | input=f32[1, 2, 5, 5]~r2"),
            Map.entry("Conv3d", "in_channels=1, out_channels=2, kernel_size=2, padding='same' | input=f32[1, 1, 3, 3, 3]~r3"),
            Map.entry("ConvTranspose1d", "in_channels=2, out_channels=2, kernel_size=3, stride=2 | input=f32[1, 2, 4]~r4"),
            Map.entry("ConvTranspose2d", "in_channels=2, out_channels=2, kernel_size=2, output_padding=1, stride=2 | input=f32[2, 3, 3]~r5"),
            Map.entry("ConvTranspose3d", "in_channels=1, out_channels=2, kernel_size=2 | input=f32[1, 1, 2, 2, 2]~r6"),
            Map.entry("MaxPool1d", "kernel_size=2, return_indices=True | input=f32[1, 2, 6]~r7"),
            Map.entry("MaxPool2d", "kernel_size=3, stride=2, padding=1 | input=f32[1, 2, 7, 7]~q8"),
            Map.entry("MaxPool3d", "kernel_size=2, return_indices=True | input=f32[1, 1, 4, 4, 4]~n9"),
            Map.entry("AvgPool1d", "kernel_size=3, padding=1, count_include_pad=False | input=f32[2, 7]~r10"),
            Map.entry("AvgPool2d", "kernel_size=2, ceil_mode=True, divisor_override=3 | input=f32[1, 2, 5, 5]~r11"),
            Map.entry("AvgPool3d", "kernel_size=2 | input=f32[1, 1, 4, 4, 4]~r12"),
            Map.entry("LPPool1d", "norm_type=2, kernel_size=2 | input=f32[1, 2, 6]~r13"),
            Map.entry("LPPool2d", "norm_type=3, kernel_size=2, stride=1 | input=f32[1, 2, 4, 4]~r14"),
            Map.entry("AdaptiveAvgPool1d", "output_size=3 | input=f32[1, 2, 7]~r15"),
            Map.entry("AdaptiveAvgPool2d", "output_size=[2, None] | input=f32[1, 2, 5, 5]~r16"),
            Map.entry("AdaptiveAvgPool3d", "output_size=1 | input=f32[1, 2, 4, 4, 4]~r17"),
            Map.entry("AdaptiveMaxPool1d", "output_size=3, return_indices=True | input=f32[1, 2, 7]~r18"),
            Map.entry("AdaptiveMaxPool2d", "output_size=[3, 2] | input=f32[1, 2, 5, 5]~r19"),
            Map.entry("AdaptiveMaxPool3d", "output_size=2, return_indices=True | input=f32[1, 1, 3, 3, 3]~r20"),
            Map.entry("MaxUnpool1d", "kernel_size=2 | input=f32[1, 1, 3]{1, 2, 3}, indices=i64[1, 1, 3]{1, 2, 5}"),
            Map.entry("MaxUnpool2d", "kernel_size=2 | input=f32[1, 1, 2, 2]{1, 2, 3, 4}, indices=i64[1, 1, 2, 2]{0, 3, 9, 15}"),
            Map.entry("MaxUnpool3d", "kernel_size=2 | input=f32[1, 1, 1, 1, 2]{5, 6}, indices=i64[1, 1, 1, 1, 2]{0, 9}"));

    @TestFactory
    Stream<DynamicNode> everyNativeOwningObjectOnEveryBackend() {
        return Backs.NAMES.stream().map(name -> DynamicContainer.dynamicContainer(name, Stream.concat(
                Layer.OPS.stream().map(op -> test("module " + op, () -> module(op, Backs.get(name)))),
                Stream.of(
                        test("Tensor", UseAfterCloseTest::tensor),
                        test("closed tensor into every open module", () -> closedInputs(Backs.get(name))),
                        test("closed tensors straight into the backend", () -> closedTensorsIntoBackend(Backs.get(name))),
                        test("Sequential", () -> sequential(Backs.get(name))),
                        test("PoolResult", () -> poolResult(Backs.get(name))),
                        test("prepared ConvKernel", () -> convKernel(Backs.get(name)))))));
    }

    /** Modules closed while other threads call them: op and arguments, input shape. */
    static final List<String[]> RACES = List.of(
            new String[] {"Conv2d", "in_channels=8, out_channels=8, kernel_size=3, padding=1", "[2, 8, 10, 12]"},
            new String[] {"Conv2d", "in_channels=8, out_channels=8, kernel_size=3, padding=1, padding_mode='reflect'",
                "[2, 8, 10, 12]"},
            new String[] {"ConvTranspose2d", "in_channels=8, out_channels=8, kernel_size=3, stride=2, output_padding=1",
                "[2, 8, 6, 7]"},
            new String[] {"AvgPool2d", "kernel_size=2", "[2, 8, 10, 12]"},
            new String[] {"MaxPool2d", "kernel_size=2, return_indices=True", "[2, 8, 10, 12]"});
    static final int RACE_ROUNDS = 200;

    /**
     * A module closed while four other threads call it, {@value #RACE_ROUNDS} times: every call must
     * give its output or throw IllegalStateException, and nothing may crash. Each case runs in a
     * JVM of its own ({@link ChildJvm}), so that a crash fails this test only.
     */
    @TestFactory
    Stream<DynamicNode> closeWhileOtherThreadsCall() {
        return Backs.NAMES.stream().map(name -> DynamicContainer.dynamicContainer(name, RACES.stream()
                .map(r -> test(r[0] + "(" + r[1] + ") on " + r[2], () -> {
                    ChildJvm.Result child = ChildJvm.run("close_race", List.of("-Xmx256m", "-Xss8m"),
                            UseAfterCloseTest.class, List.of(name, r[0], r[1], r[2], String.valueOf(RACE_ROUNDS)), 120,
                            false);
                    String context = name + " " + r[0] + "(" + r[1] + ") closed while 4 threads call it: the child JVM ";
                    assertEquals(0, child.exit, () -> context + child.describe() + "\n" + child.text());
                    String result = child.output.stream().filter(l -> l.startsWith("[close-race]")).findFirst()
                            .orElse("no result");
                    assertTrue(result.endsWith(" other=0"), () -> context + "reported " + result + "\n" + child.text());
                    System.out.println("[use-after-close] " + name + " " + r[0] + ": " + result);
                }))));
    }

    /** In the child JVM: the race of {@link #closeWhileOtherThreadsCall}. */
    public static void main(String[] args) throws Exception {
        Backend backend = Backs.get(args[0]);
        String op = args[1];
        Map<String, Object> arguments = Literals.arguments(args[2]);
        long[] shape = ((List<?>) Literals.value(args[3])).stream().mapToLong(v -> (Long) v).toArray();
        int rounds = Integer.parseInt(args[4]);
        java.util.concurrent.atomic.AtomicLong ok = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicLong closed = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicLong other = new java.util.concurrent.atomic.AtomicLong();
        for (int r = 0; r < rounds; r++) {
            Layer layer = Layer.build(op, arguments, backend);
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
            java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
            for (int t = 0; t < 4; t++) {
                long seed = r * 4L + t;
                pool.submit(() -> {
                    try (Tensor x = TensorSpec.floats(shape, TensorSpec.Fill.UNIFORM, seed).create()) {
                        go.await();
                        while (!stop.get()) {
                            try {
                                for (Tensor y : layer.forward(x, null, null)) {
                                    y.close();
                                }
                                ok.incrementAndGet();
                            } catch (IllegalStateException e) {
                                closed.incrementAndGet();
                            } catch (RuntimeException e) {
                                if (other.incrementAndGet() < 5) {
                                    System.out.println("[close-race] unexpected " + e);
                                }
                            }
                        }
                    }
                    return null;
                });
            }
            go.countDown();
            Thread.sleep(2 + r % 5);
            layer.close();
            Thread.sleep(2);
            stop.set(true);
            pool.shutdown();
            if (!pool.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS)) {
                System.out.println("[close-race] calls still running 30 s after close");
                System.exit(2);
            }
        }
        System.out.println("[close-race] rounds=" + rounds + " ok=" + ok + " closed=" + closed + " other=" + other);
        System.exit(0);
    }

    private static DynamicTest test(String name, Executable body) {
        return DynamicTest.dynamicTest(name, body);
    }

    static OpCall call(String op) {
        String[] parts = CALLS.get(op).split(" \\| ");
        return OpCall.parse(op, parts[0], parts[1]);
    }

    /** Runs the module once, closes it twice, then every use must throw IllegalStateException. */
    static void module(String op, Backend backend) {
        OpCall call = call(op);
        Layer layer = Layer.build(op, call.args, backend);
        try (Tensor in = call.input().create(); Tensor idx = call.indices() == null ? null : call.indices().create()) {
            Outcome first = Outcome.of(layer.forward(in, idx, call.outputSize()));
            assertTrue(first.ok(), () -> op + " should run before it is closed: " + first);
            layer.close();
            layer.close(); // harmless
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> Outcome.of(layer.forward(in, idx, call.outputSize())), op + ".forward after close");
            assertTrue(e.getMessage().contains("closed"), "message should say closed: " + e.getMessage());
            AutoCloseable m = layer.module();
            if (m instanceof Convolution) {
                Convolution c = (Convolution) m;
                assertThrows(IllegalStateException.class, c::weight, op + ".weight() after close");
                assertThrows(IllegalStateException.class, c::bias, op + ".bias() after close");
                assertThrows(IllegalStateException.class, c::kernel, op + ".kernel() after close");
                assertThrows(IllegalStateException.class, () -> c.forward(in, new long[] {4}), op + ".forward(output_size)");
            }
            if (m instanceof Pooling && ((Pooling) m).spec().returnIndices()) {
                Pooling p = (Pooling) m;
                assertThrows(IllegalStateException.class, () -> p.forwardWithIndices(in).close(), op
                        + ".forwardWithIndices after close");
            }
            // the inputs are the caller's: still open and usable
            assertEquals(call.input().numel(), in.numel());
        }
    }

    /** Every Tensor method after close, and double close. */
    static void tensor() throws Exception {
        Tensor t = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor l = Tensor.ofLongs(new long[] {1, 2}, 2);
        t.close();
        t.close();
        l.close();
        l.close();
        assertTrue(t.isClosed());
        assertEquals("Tensor[closed]", t.toString());
        Path file = Files.createTempFile("conv4j-closed", ".npy");
        try {
            List<Executable> uses = List.of(t::dtype, t::shape, () -> t.size(0), t::rank, t::numel, t::toFloatArray,
                    t::floatBuffer, t::pointer, t::address, () -> t.reshape(3, 2), t::copy, () -> t.writeNpy(file),
                    l::toLongArray, l::longBuffer, l::shape, l::copy);
            for (Executable use : uses) {
                assertThrows(IllegalStateException.class, use, "a use of a closed tensor");
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** A closed input (and closed indices) given to an open module of every operator. */
    static void closedInputs(Backend backend) {
        for (String op : Layer.OPS) {
            OpCall call = call(op);
            try (Layer layer = Layer.build(op, call.args, backend)) {
                Tensor in = call.input().create();
                Tensor idx = call.indices() == null ? null : call.indices().create();
                in.close();
                assertThrows(IllegalStateException.class, () -> Outcome.of(layer.forward(in, idx, call.outputSize())),
                        op + " with a closed input");
                if (idx != null) {
                    try (Tensor open = call.input().create()) {
                        idx.close();
                        assertThrows(IllegalStateException.class,
                                () -> Outcome.of(layer.forward(open, idx, call.outputSize())), op + " with closed indices");
                    }
                }
                // the module still works afterwards
                try (Tensor in2 = call.input().create(); Tensor idx2 = call.indices() == null ? null
                        : call.indices().create()) {
                    Outcome o = Outcome.of(layer.forward(in2, idx2, call.outputSize()));
                    assertTrue(o.ok(), op + " after a refused closed input: " + o);
                }
            }
        }
    }

    /** The backend's entry points with a closed input or output tensor. */
    static void closedTensorsIntoBackend(Backend backend) {
        PoolSpec spec = PoolSpec.avg(2, 2).build();
        PoolProblem p = PoolGeometry.forward(spec, new long[] {1, 1, 4, 4});
        Tensor in = Tensor.zeros(1, 1, 4, 4);
        Tensor out = Tensor.zeros(p.outputShape());
        in.close();
        assertThrows(IllegalStateException.class, () -> backend.pool(p, in, out, null), "pool with a closed input");
        try (Tensor in2 = Tensor.zeros(1, 1, 4, 4)) {
            out.close();
            assertThrows(IllegalStateException.class, () -> backend.pool(p, in2, out, null), "pool with a closed output");
        }
        ConvSpec cs = ConvSpec.builder(2, false, 1, 1, 1).build();
        try (Tensor w = Tensor.zeros(cs.weightShape()); Tensor b = Tensor.zeros(1)) {
            Tensor closedW = Tensor.zeros(cs.weightShape());
            closedW.close();
            assertThrows(IllegalStateException.class, () -> backend.prepareConv(cs, closedW, b).close(),
                    "prepareConv with a closed weight");
            ConvProblem cp = ConvGeometry.forward(cs, new long[] {1, 1, 3, 3}, null);
            try (ConvKernel k = backend.prepareConv(cs, w, b); Tensor open = Tensor.zeros(1, 1, 3, 3)) {
                Tensor closedOut = Tensor.zeros(cp.outputShape());
                closedOut.close();
                assertThrows(IllegalStateException.class, () -> k.forward(cp, open, closedOut), "conv into a closed output");
            }
        }
    }

    static void sequential(Backend backend) {
        Conv2d conv = Conv2d.builder(2, 3, 3).padding(1).backend(backend).build();
        MaxPool2d pool = MaxPool2d.builder(2).backend(backend).build();
        Sequential seq = new Sequential(conv, pool);
        try (Tensor in = Tensor.zeros(1, 2, 6, 6)) {
            try (Tensor out = seq.forward(in)) {
                assertEquals("[1, 3, 3, 3]", java.util.Arrays.toString(out.shape()));
            }
            seq.close();
            seq.close();
            assertThrows(IllegalStateException.class, () -> seq.forward(in).close(), "Sequential.forward after close");
            // closing the Sequential closed its modules
            for (Module m : List.of(conv, pool)) {
                assertThrows(IllegalStateException.class, () -> m.forward(in).close(), m + " after Sequential.close");
            }
            conv.close(); // closing a member again is harmless too
        }
    }

    static void poolResult(Backend backend) {
        List<AutoCloseable> modules = new ArrayList<>();
        Pooling pool = MaxPool2d.builder(2).returnIndices(true).backend(backend).build();
        modules.add(pool);
        try (Tensor in = Tensor.of(new float[] {1, 5, 2, 0, 3, 4, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0}, 1, 1, 4, 4)) {
            PoolResult r = pool.forwardWithIndices(in);
            assertEquals("[5.0, 9.0, 7.0, 5.0]", java.util.Arrays.toString(r.output().toFloatArray()));
            assertEquals("[1, 6, 8, 10]", java.util.Arrays.toString(r.indices().toLongArray()));
            r.close();
            r.close();
            assertTrue(r.output().isClosed() && r.indices().isClosed(), "closing a PoolResult closes both tensors");
            assertThrows(IllegalStateException.class, () -> r.output().toFloatArray(), "output after close");
            assertThrows(IllegalStateException.class, () -> r.indices().toLongArray(), "indices after close");
            assertThrows(IllegalStateException.class, () -> r.indices().shape(), "indices shape after close");
        } finally {
            pool.close();
        }
    }

    static void convKernel(Backend backend) {
        for (boolean transposed : new boolean[] {false, true}) {
            ConvSpec spec = ConvSpec.builder(2, transposed, 2, 4, 3).stride(2).groups(2).build();
            ConvProblem p = ConvGeometry.forward(spec, new long[] {1, 2, 5, 5}, null);
            try (Tensor w = TensorSpec.floats(spec.weightShape(), TensorSpec.Fill.UNIFORM, 7).create();
                    Tensor b = TensorSpec.floats(new long[] {4}, TensorSpec.Fill.UNIFORM, 8).create();
                    Tensor in = TensorSpec.floats(new long[] {1, 2, 5, 5}, TensorSpec.Fill.UNIFORM, 9).create();
                    Tensor out = Tensor.zeros(p.outputShape())) {
                ConvKernel k = backend.prepareConv(spec, w, b);
                k.forward(p, in, out);
                float[] first = out.toFloatArray();
                k.close();
                k.close();
                assertThrows(IllegalStateException.class, () -> k.forward(p, in, out), spec.opName()
                        + " kernel forward after close");
                assertEquals(java.util.Arrays.toString(first), java.util.Arrays.toString(out.toFloatArray()),
                        "a refused call must not write the output");
                // the caller's weights stay open and usable
                assertEquals(DType.FLOAT32, w.dtype());
            }
        }
    }
}
