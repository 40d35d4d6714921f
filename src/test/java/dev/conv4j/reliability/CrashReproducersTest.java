package dev.conv4j.reliability;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Calls that once killed the JVM natively ({@code src/test/resources/reliability/crashers.txt}),
 * each run in a JVM of its own (so that a crash fails this test, not the Surefire JVM running
 * every test) on both backends: the child must exit normally with equal outcomes, as
 * {@link FuzzTest} requires.
 */
class CrashReproducersTest {
    static final long TIMEOUT_SECONDS = 90;

    @TestFactory
    Stream<DynamicTest> everyFormerCrashRunsCleanly() throws IOException {
        List<Catalogue.Row> rows = Catalogue.read("crashers.txt", 3);
        return rows.stream().map(row -> DynamicTest.dynamicTest(row.where() + " " + row.call, () -> {
            ChildJvm.Result child = ChildJvm.run("crash_probe", List.of("-Xmx256m", "-Xss8m"), CrashReproducersTest.class,
                    List.of(row.call.toString()), TIMEOUT_SECONDS, false);
            String context = row.where() + ": " + row.call + "\n  the child JVM ";
            assertTrue(child.exit == 0, context + child.describe());
            assertTrue(child.output.contains("[child] agree"), context + "finished, but:\n" + child.text());
        }));
    }

    /** In the child JVM: runs the call ({@code op | arguments | inputs}) on both backends and compares. */
    public static void main(String[] args) {
        String[] cols = args[0].split(" \\| ", 3);
        OpCall call = OpCall.parse(cols[0], cols[1], cols[2]);
        Outcome ref = call.run(Backs.reference());
        System.out.println("[child] reference: " + ref);
        Outcome other = call.run(Backs.onednn());
        System.out.println("[child] onednn: " + other);
        String problem = FuzzTest.problem(ref, other, Outcome.exact(call.op));
        System.out.println(problem == null ? "[child] agree" : "[child] " + problem);
        System.exit(0);
    }
}
