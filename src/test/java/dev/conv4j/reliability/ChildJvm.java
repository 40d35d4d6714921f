package dev.conv4j.reliability;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a main class of the test class path in a JVM of its own, so that a native crash there is
 * an exit code to report instead of the end of the Surefire JVM running every test. The child
 * gets the given JVM options, every {@code conv4j.*} system property of this JVM, and writes
 * its crash report (if any) to {@code target/hs_err_<name>_<pid>.log}.
 */
final class ChildJvm {
    /** What the child did: its exit code (-1 if it timed out and was killed) and its output lines. */
    static final class Result {
        final int exit;
        final List<String> output;

        Result(int exit, List<String> output) {
            this.exit = exit;
            this.output = output;
        }

        boolean timedOut() {
            return exit == -1;
        }

        /** The exit as words: a signal number above 128 means the JVM died of it (a native crash). */
        String describe() {
            if (timedOut()) {
                return "did not finish in time (a hang?)";
            }
            String s = "exited with " + exit;
            if (exit > 128) {
                s += " (killed by signal " + (exit - 128) + (exit == 134 ? ": the JVM aborted after a fatal error" : "")
                        + ")";
            }
            for (String line : output) {
                if (line.startsWith("# C ") || line.startsWith("# J ") || line.contains("SIGSEGV")
                        || line.contains("SIGBUS") || line.contains("SIGABRT")) {
                    s += "\n    " + line.trim();
                }
            }
            return s;
        }

        String text() {
            return String.join("\n", output);
        }
    }

    private ChildJvm() {
    }

    static Result run(String name, List<String> jvmOptions, Class<?> main, List<String> args, long timeoutSeconds,
            boolean echo) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.add("--enable-native-access=ALL-UNNAMED"); // JNI through JavaCPP, without JDK 22+ warnings
        command.addAll(jvmOptions);
        command.add("-XX:ErrorFile=target/hs_err_" + name + "_%p.log");
        for (String property : System.getProperties().stringPropertyNames()) {
            if (property.startsWith("conv4j.")) {
                command.add("-D" + property + "=" + System.getProperty(property));
            }
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(args);
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        List<String> output = Collections.synchronizedList(new ArrayList<>());
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null;) {
                    if (echo) {
                        System.out.println(line);
                    }
                    output.add(line);
                }
            } catch (IOException e) {
                output.add("reading the child JVM's output failed: " + e);
            }
        }, "child-jvm-output");
        reader.setDaemon(true);
        reader.start();
        if (!child.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            child.destroyForcibly();
            child.waitFor(10, TimeUnit.SECONDS);
            reader.join(5_000);
            return new Result(-1, new ArrayList<>(output));
        }
        reader.join(10_000);
        return new Result(child.exitValue(), new ArrayList<>(output));
    }
}
