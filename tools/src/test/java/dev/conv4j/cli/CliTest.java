package dev.conv4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line refuses bad cases with one {@code error:} line, exit status 1, no partial output. */
class CliTest {
    static final Path CASES = Paths.get("src/test/resources/cases");

    @TempDir
    Path tmp;

    private String out;
    private String err;

    private int run(String... args) {
        StringWriter o = new StringWriter();
        StringWriter e = new StringWriter();
        int status = Main.execute(new PrintWriter(o), new PrintWriter(e), args);
        out = o.toString();
        err = e.toString();
        return status;
    }

    private Path caseCopy(String name) throws IOException {
        Path dst = tmp.resolve(name);
        Files.createDirectories(dst);
        try (Stream<Path> s = Files.list(CASES.resolve(name))) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Files.copy(p, dst.resolve(p.getFileName()));
            }
        }
        return dst;
    }

    private void assertOneErrorLine(String fragment) {
        assertTrue(err.startsWith("error: "), "stderr: " + err);
        assertEquals(1, err.strip().lines().count(), "stderr: " + err);
        assertTrue(err.contains(fragment), "stderr '" + err + "' lacks '" + fragment + "'");
        assertFalse(err.contains("\tat "), "stack trace printed: " + err);
    }

    private boolean isEmptyDir(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return true;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.noneMatch(Files::isRegularFile);
        }
    }

    @Test
    void versionIsThePomsVersion() {
        String version = dev.conv4j.PomFile.first("version");
        assertEquals(0, run("--version"), err);
        assertTrue(out.startsWith("conv4j " + version + " "), out);
        assertEquals(0, run("bench", "--version"), err);
        assertTrue(out.startsWith("conv4j " + version + " "), out);
    }

    @Test
    void runWritesOutputAndIndices() throws IOException {
        Path o = tmp.resolve("o");
        assertEquals(0, run("run", CASES.resolve("maxpool2d_ceil_nan_indices").toString(), "--out", o.toString(),
                "--backend", "reference"), err);
        assertTrue(Files.exists(o.resolve("output.npy")));
        assertTrue(Files.exists(o.resolve("indices.npy")));
    }

    @Test
    void refusedCallPrintsPyTorchsMessage() throws IOException {
        Path o = tmp.resolve("o");
        assertEquals(1, run("run", CASES.resolve("err_conv2d_channel_mismatch").toString(), "--out", o.toString(),
                "--backend", "reference"));
        assertOneErrorLine("expected input[1, 3, 6, 6] to have 2 channels, but got 3 channels instead");
        assertTrue(isEmptyDir(o));
    }

    @Test
    void malformedJsonUnknownKeysAndOps() throws IOException {
        Path c = caseCopy("conv2d_basic");
        Path o = tmp.resolve("o");
        String json = Files.readString(c.resolve("case.json"));
        Files.writeString(c.resolve("case.json"), json.substring(0, json.length() / 2));
        assertEquals(1, run("run", c.toString(), "--out", o.toString(), "--backend", "reference"));
        assertOneErrorLine("malformed JSON");
        Files.writeString(c.resolve("case.json"), json.replace("\"op\"", "\"colour\": 1, \"op\""));
        assertEquals(1, run("run", c.toString(), "--out", o.toString(), "--backend", "reference"));
        assertOneErrorLine("unknown key 'colour'");
        Files.writeString(c.resolve("case.json"), json.replace("\"Conv2d\"", "\"Conv4d\""));
        assertEquals(1, run("run", c.toString(), "--out", o.toString(), "--backend", "reference"));
        assertOneErrorLine("unknown op 'Conv4d'");
        Files.writeString(c.resolve("case.json"), json.replace("\"kernel_size\"", "\"kernel_sise\""));
        assertEquals(1, run("run", c.toString(), "--out", o.toString(), "--backend", "reference"));
        assertOneErrorLine("unknown args key 'kernel_sise'");
        assertTrue(isEmptyDir(o));
    }

    @Test
    void badNpyFiles() throws IOException {
        Path c = caseCopy("conv2d_basic");
        Path o = tmp.resolve("o");
        byte[] good = Files.readAllBytes(c.resolve("input.npy"));
        Files.write(c.resolve("input.npy"), java.util.Arrays.copyOf(good, good.length - 7));
        assertEquals(1, run("run", c.toString(), "--out", o.toString(), "--backend", "reference"));
        assertOneErrorLine("truncated");
        Files.writeString(c.resolve("input.npy"), "not numpy");
        assertEquals(1, run("run", c.toString(), "--out", o.toString(), "--backend", "reference"));
        assertOneErrorLine("not a .npy file");
        Files.delete(c.resolve("input.npy"));
        assertEquals(1, run("run", c.toString(), "--out", o.toString(), "--backend", "reference"));
        assertOneErrorLine("input.npy: no such file");
        assertTrue(isEmptyDir(o));
    }

    @Test
    void manyCasesWriteOneFolderEachAndErrorTxtForRefusals() throws IOException {
        Path o = tmp.resolve("o");
        assertEquals(1, run("run", CASES.resolve("conv2d_basic").toString(),
                CASES.resolve("err_conv2d_channel_mismatch").toString(), "--out", o.toString(), "--backend", "reference"));
        assertTrue(Files.exists(o.resolve("conv2d_basic/output.npy")));
        assertTrue(Files.readString(o.resolve("err_conv2d_channel_mismatch/error.txt")).contains("channels instead"));
    }

    @Test
    void checkReportsPassAndSummary() {
        assertEquals(0, run("check", CASES.resolve("conv2d_basic").toString(), "--backend", "reference"));
        assertTrue(out.contains("PASS conv2d_basic"), out);
        assertTrue(out.contains("1 passed, 0 failed"), out);
    }
}
