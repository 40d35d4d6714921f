package dev.conv4j.reliability;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.Test;

import dev.conv4j.Tensor;
import dev.conv4j.backend.Backend;
import dev.conv4j.nn.Convolution;

/**
 * 100,000 forward calls on the oneDNN backend over a mix of operators and input shapes, with
 * modules reused and every output closed: the resident memory of the process (VmRSS) after the
 * run may exceed its level after a warm-up of 10,000 calls by at most 2%. Two of the modules see
 * more input shapes than the primitive caches hold, so plans are evicted and recreated all along
 * (a leak on that path shows too); the caches must stay within their bounds, and every module
 * must still give its first result at the end.
 *
 * <p>The soak runs in a JVM of its own, started by the test, with a fixed, pre-touched heap
 * ({@code -Xms=-Xmx}, {@code -XX:+AlwaysPreTouch}, serial GC): with the default collector the
 * resident size follows the Java heap as it grows, shrinks and touches new pages (tens of MB
 * either way over this run, measured), which would drown a native leak of a few MB. In that JVM
 * the heap is resident from the start, so what grows is native memory. The JIT stops at C1
 * ({@code -XX:TieredStopAtLevel=1}): C2 compiles the hot paths soon after the 10,000 warm-up
 * calls, and the malloc arenas of its compiler threads, freed but kept by glibc, added 10 to 16 MB
 * of RSS once (measured: flat before and after; flat throughout with C1 only). RSS is read three
 * times after a full GC each and the smallest value kept. {@code -Dconv4j.soak.trace=true} prints
 * the child's memory every 10,000 calls. A native crash in the soak shows as the child's exit code
 * and output.
 */
class SoakTest {
    static final List<String> CHILD_JVM_OPTIONS = List.of("-Xms128m", "-Xmx128m", "-XX:+AlwaysPreTouch",
            "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss8m");
    static final long TIMEOUT_SECONDS = 175;
    static final int CALLS = 100_000;
    static final int WARM_UP = 10_000;
    static final double MAX_GROWTH = 0.02;

    /** Modules and their input shapes; the last two cycle through more shapes than a cache holds. */
    static final List<Object[]> MODULES = List.of(
            new Object[] {"Conv2d", "in_channels=4, out_channels=8, kernel_size=3, padding=1",
                new long[][] {{1, 4, 8, 8}, {2, 4, 6, 10}, {4, 5, 5}}},
            new Object[] {"Conv1d", "in_channels=3, out_channels=4, kernel_size=3, padding='same', padding_mode='reflect'",
                new long[][] {{2, 3, 16}, {1, 3, 9}}},
            new Object[] {"Conv3d", "in_channels=2, out_channels=2, kernel_size=2, stride=2", new long[][] {{1, 2, 6, 6, 6}}},
            new Object[] {"ConvTranspose2d", "in_channels=4, out_channels=2, kernel_size=3, stride=2, output_padding=1",
                new long[][] {{1, 4, 5, 5}, {2, 4, 3, 4}}},
            new Object[] {"MaxPool2d", "kernel_size=3, stride=2, padding=1, return_indices=True",
                new long[][] {{2, 4, 9, 9}, {1, 4, 8, 6}}},
            new Object[] {"MaxPool1d", "kernel_size=2", new long[][] {{2, 3, 12}}},
            new Object[] {"AvgPool2d", "kernel_size=2, stride=2", new long[][] {{2, 4, 8, 8}, {1, 4, 6, 6}}},
            new Object[] {"AvgPool3d", "kernel_size=2, divisor_override=3", new long[][] {{1, 2, 4, 4, 4}}},
            new Object[] {"LPPool2d", "norm_type=2, kernel_size=2", new long[][] {{1, 3, 6, 6}}},
            new Object[] {"AdaptiveAvgPool2d", "output_size=1", new long[][] {{2, 8, 7, 7}}},
            new Object[] {"AdaptiveAvgPool1d", "output_size=5", new long[][] {{2, 3, 13}}},
            new Object[] {"AdaptiveMaxPool2d", "output_size=[3, 2], return_indices=True", new long[][] {{1, 3, 7, 5}}},
            new Object[] {"MaxUnpool2d", "kernel_size=2", new long[][] {{1, 3, 4, 4}, {2, 2, 3, 3}}},
            new Object[] {"Conv2d", "in_channels=2, out_channels=2, kernel_size=3, padding=1", shapes(70, 2)},
            new Object[] {"AvgPool2d", "kernel_size=3, stride=1, padding=1", shapes(70, 1)});

    /** {@code count} distinct shapes [n, 2, h, w]. */
    private static long[][] shapes(int count, int n) {
        long[][] s = new long[count][];
        for (int i = 0; i < count; i++) {
            s[i] = new long[] {n, 2, 3 + i / 8, 3 + i % 8};
        }
        return s;
    }

    @Test
    void noMemoryGrowthOverOneHundredThousandCalls() throws Exception {
        ChildJvm.Result child = ChildJvm.run("soak", CHILD_JVM_OPTIONS, SoakTest.class, List.of(), TIMEOUT_SECONDS, true);
        assertTrue(child.exit == 0, "the soak JVM " + child.describe() + "; its output:\n" + child.text());
        List<String> output = child.output;
        String result = output.stream().filter(l -> l.startsWith("[soak-result]")).findFirst()
                .orElseThrow(() -> new AssertionError("the soak JVM printed no result:\n" + child.text()));
        String[] f = result.split(" ");
        long before = Long.parseLong(f[1]);
        long after = Long.parseLong(f[2]);
        double growth = (after - before) / (double) before;
        assertTrue(growth <= MAX_GROWTH, String.format("resident memory grew by %.2f%% (%d kB -> %d kB) between call "
                + "%d and call %d; at most %.0f%% is allowed", 100 * growth, before, after, WARM_UP, CALLS,
                100 * MAX_GROWTH));
    }

    /** The soak itself, in the JVM {@link #noMemoryGrowthOverOneHundredThousandCalls} starts. */
    public static void main(String[] args) {
        try {
            soak();
            System.exit(0);
        } catch (Throwable t) {
            t.printStackTrace(System.out);
            System.exit(1);
        }
    }

    static void soak() throws Exception {
        System.out.println("[soak] JVM " + java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments());
        Backend backend = Backs.onednn();
        List<Layer> layers = new ArrayList<>();
        List<ConcurrencyTest.Inputs> inputs = new ArrayList<>();
        try {
            for (Object[] m : MODULES) {
                List<OpCall> calls = ConcurrencyTest.calls((String) m[0], (String) m[1], (long[][]) m[2], 5);
                inputs.add(new ConcurrencyTest.Inputs(calls));
                layers.add(Layer.build((String) m[0], calls.get(0).args, backend));
            }
            // the first result of each input, to check that the last call still gives it
            List<Outcome[]> first = new ArrayList<>();
            for (int m = 0; m < layers.size(); m++) {
                Outcome[] o = new Outcome[inputs.get(m).calls.size()];
                for (int k = 0; k < o.length; k++) {
                    o[k] = inputs.get(m).run(layers.get(m), k);
                }
                first.add(o);
            }
            long start = System.nanoTime();
            long rssBefore = 0;
            long javacppBefore = 0;
            int[] cursor = new int[layers.size()];
            for (int i = 0; i < CALLS; i++) {
                // the two eviction modules get one call in ten between them
                int m = i % 10 == 9 ? layers.size() - 1 - (i / 10) % 2 : (i - i / 10) % (layers.size() - 2);
                int k = cursor[m]++ % inputs.get(m).calls.size();
                for (Tensor t : layers.get(m).forward(inputs.get(m).input.get(k), inputs.get(m).indices.get(k),
                        inputs.get(m).calls.get(k).outputSize())) {
                    t.close();
                }
                if (TRACE && (i + 1) % 10_000 == 0) {
                    trace(i + 1);
                }
                if (i + 1 == WARM_UP) {
                    rssBefore = residentKb();
                    javacppBefore = Pointer.totalBytes();
                    System.out.printf("[soak] after %d warm-up calls (%.1f s): VmRSS %d kB, JavaCPP %d bytes%n", WARM_UP,
                            (System.nanoTime() - start) / 1e9, rssBefore, javacppBefore);
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            long rssAfter = residentKb();
            long javacppAfter = Pointer.totalBytes();
            double growth = (rssAfter - rssBefore) / (double) rssBefore;
            System.out.printf("[soak] after %d calls (%.1f s, %.0f us/call): VmRSS %d kB (%+.2f%% since the warm-up), "
                    + "JavaCPP %d bytes%n", CALLS, seconds, seconds * 1e6 / CALLS, rssAfter, 100 * growth, javacppAfter);
            for (int m = 0; m < layers.size(); m++) {
                for (int k = 0; k < first.get(m).length; k++) {
                    assertNull(Outcome.identical(first.get(m)[k], inputs.get(m).run(layers.get(m), k)),
                            layers.get(m).op + " gives another result after the soak");
                }
            }
            checkCaches(backend, layers);
            System.out.println("[soak-result] " + rssBefore + " " + rssAfter);
        } finally {
            layers.forEach(Layer::close);
            inputs.forEach(ConcurrencyTest.Inputs::close);
        }
    }

    /** {@code -Dconv4j.soak.trace=true}: print the memory of the soak JVM every 10,000 calls. */
    static final boolean TRACE = Boolean.getBoolean("conv4j.soak.trace");

    private static void trace(int calls) throws IOException, InterruptedException {
        StringBuilder sb = new StringBuilder("[soak-trace] " + calls + " calls: VmRSS " + residentKb() + " kB,");
        for (String line : Files.readAllLines(Paths.get("/proc/self/status"))) {
            if (line.startsWith("RssAnon") || line.startsWith("RssFile") || line.startsWith("Threads")) {
                sb.append(' ').append(line.replaceAll("\\s+", " "));
            }
        }
        for (java.lang.management.MemoryPoolMXBean b : java.lang.management.ManagementFactory.getMemoryPoolMXBeans()) {
            if (b.getType() == java.lang.management.MemoryType.NON_HEAP) {
                sb.append(", ").append(b.getName()).append(' ').append(b.getUsage().getCommitted() / 1024).append(" kB");
            }
        }
        System.out.println(sb.append(", JavaCPP ").append(Pointer.totalBytes()).append(" bytes"));
    }

    private static void checkCaches(Backend backend, List<Layer> layers) {
        long[] pool = Introspect.poolCache(backend);
        System.out.println("[soak] pooling primitive cache: " + (pool == null ? "not exposed"
                : pool[0] + " plans, bound " + pool[1]));
        if (pool != null) {
            assertTrue(pool[0] <= pool[1], "the pooling cache holds " + pool[0] + " plans, over its bound " + pool[1]);
        }
        for (Layer l : layers) {
            if (l.module() instanceof Convolution) {
                long[] c = Introspect.convCache(((Convolution) l.module()).kernel());
                System.out.println("[soak] " + l.module() + " primitive cache: " + (c == null ? "not exposed"
                        : c[0] + " plans, bound " + c[1]));
                if (c != null) {
                    assertTrue(c[0] <= c[1], l.op + "'s cache holds " + c[0] + " plans, over its bound " + c[1]);
                }
            }
        }
    }

    /**
     * VmRSS in kB, read three times after a full GC each, keeping the smallest: the Java heap's
     * garbage and a collection in progress are not a leak.
     */
    static long residentKb() throws IOException, InterruptedException {
        long min = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
            for (String line : Files.readAllLines(Paths.get("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    min = Math.min(min, Long.parseLong(line.replaceAll("[^0-9]", "")));
                }
            }
        }
        return min;
    }
}
