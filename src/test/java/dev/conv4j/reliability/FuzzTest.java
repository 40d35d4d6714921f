package dev.conv4j.reliability;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import dev.conv4j.Tolerances;
import dev.conv4j.backend.Backend;

/**
 * Random calls of every operator family, valid and invalid, thrown at both backends: every valid
 * call must give the same result on both (max pooling, max unpooling and indices bit for bit;
 * convolutions, average and LP pooling within {@link Tolerances#RTOL} {@code * (1 + |reference|)}),
 * every invalid call an IllegalArgumentException with the same message on both, and no call
 * anything else.
 *
 * <p>Crash guard: Surefire runs the tests in a forked JVM, so a native crash (a segfault in
 * oneDNN or in conv4j's own kernels) kills that JVM and fails the build with "The forked VM
 * terminated without properly saying goodbye" (and an {@code hs_err_pid*.log}) instead of passing
 * unnoticed. Each call is written, before it runs, to {@value #CALL_LOG} (flushed, so it
 * survives the crash): its last line is the call that crashed, in the row syntax.
 *
 * <p>The seed is printed; replay a run with {@code -Dconv4j.fuzz.seed=<seed>}, and change the
 * number of calls with {@code -Dconv4j.fuzz.calls=<n>} (default 10,000). A failure prints the
 * whole call in the row syntax of {@code refusals.txt}, inputs included.
 */
class FuzzTest {
    static final String SEED_PROPERTY = "conv4j.fuzz.seed";
    /** The seed of a normal run, so that CI is reproducible; other seeds through the property. */
    static final long DEFAULT_SEED = 20261125L;
    static final int CALLS = Integer.getInteger("conv4j.fuzz.calls", 10_000);
    private static final int MAX_REPORTED = 25;
    /** Every call of the last run, written before it runs; after a crash the last line is the culprit. */
    static final String CALL_LOG = "target/reliability-fuzz-calls.log";

    @Test
    void randomCallsAgreeAcrossBackends() throws IOException {
        String given = System.getProperty(SEED_PROPERTY);
        long seed = given != null && !given.isBlank() ? Long.parseLong(given.trim()) : DEFAULT_SEED;
        System.out.println("[fuzz] seed " + seed + " (replay with -D" + SEED_PROPERTY + "=" + seed + "), " + CALLS
                + " calls");
        Backend reference = Backs.reference();
        Backend onednn = Backs.onednn();
        CallGenerator generator = new CallGenerator(seed);
        Map<String, int[]> perOp = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        int valid = 0;
        long start = System.nanoTime();
        Path logFile = Paths.get(CALL_LOG);
        Files.createDirectories(logFile.getParent());
        try (PrintStream log = new PrintStream(new FileOutputStream(logFile.toFile()), true, "UTF-8")) {
            log.println("# seed " + seed);
            for (int i = 0; i < CALLS; i++) {
                String op = Layer.OPS.get(i % Layer.OPS.size());
                OpCall call = generator.next(op);
                log.println(i + " " + call);
                Outcome ref;
                Outcome other;
                try {
                    ref = call.run(reference);
                    other = call.run(onednn);
                } catch (RuntimeException | Error e) {
                    System.out.println("[fuzz] call " + i + " (seed " + seed + ") threw out of the test: " + call);
                    throw e;
                }
                String problem = problem(ref, other, Outcome.exact(op));
                if (problem != null) {
                    String report = "call " + i + " of seed " + seed + ": " + call + "\n    " + problem;
                    if (problems.size() < MAX_REPORTED) {
                        System.out.println("[fuzz] FAILED " + report);
                    }
                    problems.add(report);
                }
                perOp.computeIfAbsent(op, k -> new int[2])[ref.ok() ? 0 : 1]++;
                valid += ref.ok() ? 1 : 0;
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        StringBuilder sb = new StringBuilder();
        perOp.forEach((op, v) -> sb.append(' ').append(op).append(' ').append(v[0]).append('/').append(v[1]));
        System.out.printf("[fuzz] seed %d: %d calls (%d valid, %d invalid) in %.1f s, %d problems; valid/invalid per op:%s%n",
                seed, CALLS, valid, CALLS - valid, seconds, problems.size(), sb);
        assertTrue(problems.isEmpty(), problems.size() + " of " + CALLS + " calls disagree (seed " + seed + "); first:\n"
                + String.join("\n", problems.subList(0, Math.min(MAX_REPORTED, problems.size()))));
        assertTrue(valid > CALLS / 3 && CALLS - valid > CALLS / 10, "the generator should make both valid and invalid "
                + "calls, made " + valid + " valid of " + CALLS);
    }

    /** Null when both outcomes are fine and agree, else what is wrong. */
    static String problem(Outcome ref, Outcome other, boolean exact) {
        if (ref.error != null && !(ref.error instanceof IllegalArgumentException)) {
            return "reference threw " + ref + " (only IllegalArgumentException may refuse a call)" + where(ref.error);
        }
        if (other.error != null && !(other.error instanceof IllegalArgumentException)) {
            return "onednn threw " + other + " (only IllegalArgumentException may refuse a call); reference: " + ref
                    + where(other.error);
        }
        String diff = Outcome.compare(ref, other, exact);
        return diff == null ? null : "reference and onednn differ: " + diff;
    }

    private static String where(Throwable e) {
        StackTraceElement[] st = e.getStackTrace();
        return st.length == 0 ? "" : " at " + st[0];
    }
}
