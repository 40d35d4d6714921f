package dev.conv4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.conv4j.Precision;
import dev.conv4j.backend.Backends;
import dev.conv4j.cli.Main;

/** {@code conv4j bench} end to end on its cheapest layer (global average pooling) on the reference backend. */
class BenchCommandTest {

    /** Runs the command line with standard output and error captured: {exit status, out, err}. */
    private static String[] run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            int status = Main.execute(args);
            return new String[] {String.valueOf(status), o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8)};
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Test
    void serveTimesEachLayerAndConcurrencyAndWritesJson(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("serve.json");
        String[] r = run("bench", "--serve", "--layers", "tiny,maxpool", "--concurrency", "1,3", "--seconds", "0.1",
                "--json", json.toString());
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].startsWith("conv4j bench --serve: 2 layers, batch-1 requests from 1,3 threads"), r[1]);
        assertTrue(r[1].contains("\ntiny 3x3 16-16 28            3  "), r[1]);
        assertTrue(r[1].contains("\nmaxpool 3x3/2 64 112         1  "), r[1]);
        assertEquals(1, r[1].split("req/s", -1).length - 1, "one header: " + r[1]);
        JsonNode rows = new ObjectMapper().readTree(json.toFile());
        assertEquals(4, rows.size());
        for (JsonNode row : rows) {
            assertTrue(row.get("requests_per_s").asDouble() > 0, row.toString());
            double p50 = row.get("p50_ms").asDouble();
            assertTrue(p50 > 0 && p50 <= row.get("p99_ms").asDouble(), row.toString());
        }
        assertEquals("tiny 3x3 16-16 28", rows.get(0).get("layer").asText());
        assertEquals(3, rows.get(1).get("concurrency").asInt());
        String[] bad = run("bench", "--serve", "--concurrency", "0");
        assertEquals("2", bad[0], bad[1]);
        assertTrue(bad[2].contains("--concurrency values should be positive integers, but got 0"), bad[2]);
    }

    @Test
    void runsAndWritesJsonAndHtml(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("bench.json");
        Path html = dir.resolve("bench.html");
        String[] r = run("bench", "--backend", "reference", "--layers", "gap", "--reps", "2", "--json", json.toString(),
                "--html", html.toString());
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("\ngap 2048 7      1  reference  "), r[1]);
        assertTrue(r[1].contains("* reference: batch 1 only"), r[1]);
        assertTrue(r[1].startsWith("conv4j bench: 1 layer, batch 1, reference;"), r[1]);
        assertTrue(r[2].contains("\r[1/1] gap 2048 7 b1 reference"), r[2]);
        JsonNode rows = new ObjectMapper().readTree(json.toFile());
        assertEquals(1, rows.size());
        assertEquals("gap 2048 7", rows.get(0).get("layer").asText());
        assertEquals("reference", rows.get(0).get("backend").asText());
        assertTrue(rows.get(0).get("ms").asDouble() > 0);
        assertTrue(rows.get(0).get("gflops").isNull());
        assertTrue(Files.readString(html).contains("No convolution ran at batch 1."));
    }

    /** {@code --precision f32,bf16}: bf16 rows per layout, their precision in the JSON, the speed-up notes. */
    @Test
    void bf16RowsSayWhatTheyComputedAt(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("bench.json");
        String[] r = run("bench", "--backend", "onednn", "--layers", "1x1 1024-256 14,gap", "--batch", "1", "--reps", "1",
                "--no-direct", "--precision", "f32,bf16", "--json", json.toString());
        assertEquals("0", r[0], r[2]);
        String effective = Backends.onednn().effectivePrecision(Precision.BF16).label();
        assertTrue(r[1].contains("\nbf16:    " + effective + " ("), r[1]);
        assertTrue(r[1].contains("\n1x1 1024-256 14      1  onednn-cl-bf16  "), r[1]);
        assertTrue(r[1].contains("* bf16 speed-up (f32 ms / bf16 ms, same layout, same run):"), r[1]);
        assertTrue(r[1].matches("(?s).*\\n    1x1 1024-256 14 b1: onednn \\d+\\.\\d\\dx, onednn-cl \\d+\\.\\d\\dx\\n.*"), r[1]);
        JsonNode rows = new ObjectMapper().readTree(json.toFile());
        assertEquals(8, rows.size());
        for (JsonNode row : rows) {
            boolean bf16Row = row.get("backend").asText().endsWith("-bf16");
            boolean conv = row.get("layer").asText().startsWith("1x1");
            assertEquals(bf16Row && conv ? effective : "f32", row.get("precision").asText(), row.toString());
        }
        assertEquals("onednn-bf16", rows.get(2).get("backend").asText());

        r = run("bench", "--backend", "onednn", "--layers", "gap", "--precision", "f16");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("--precision should list f32, bf16 and/or int8, but got 'f16'"), r[2]);
        r = run("bench", "--backend", "reference", "--layers", "gap", "--precision", "bf16");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("--precision bf16 times the oneDNN backend"), r[2]);
    }

    @Test
    void onednnRowsComeWithTheirBarePrimitive(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("bench.json");
        Path html = dir.resolve("bench.html");
        String[] r = run("bench", "--backend", "onednn", "--layers", "res5", "--batch", "1", "--reps", "3", "--json",
                json.toString(), "--html", html.toString());
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("vs direct"), r[1]);
        assertTrue(r[1].contains("\nres5 3x3 512-512 7      1  onednn-direct  "), r[1]);
        assertTrue(r[1].matches("(?s).*\nres5 3x3 512-512 7      1  onednn  .*[+-]\\d+\\.\\d%.*"), r[1]);
        assertTrue(r[1].contains("* onednn-direct: the same oneDNN primitive"), r[1]);
        assertTrue(r[1].matches("(?s).*\nres5 3x3 512-512 7      1  onednn-cl  .*[+-]\\d+\\.\\d%.*"), r[1]);
        assertTrue(r[1].contains("\nres5 3x3 512-512 7      1  onednn-cl-direct  "), r[1]);
        assertTrue(r[1].contains("* onednn-cl: the onednn backend on channels-last"), r[1]);
        JsonNode rows = new ObjectMapper().readTree(json.toFile());
        assertEquals(4, rows.size());
        assertEquals("onednn", rows.get(0).get("backend").asText());
        assertEquals("onednn-direct", rows.get(1).get("backend").asText());
        assertEquals("onednn-cl", rows.get(2).get("backend").asText());
        assertEquals("onednn-cl-direct", rows.get(3).get("backend").asText());
        assertEquals("res5 3x3 512-512 7", rows.get(1).get("layer").asText());
        assertTrue(rows.get(1).get("ms").asDouble() > 0);
        assertTrue(rows.get(1).get("gflops").asDouble() > 0);
        String page = Files.readString(html);
        assertTrue(page.contains("<td>onednn-direct</td>"), page);
        assertTrue(page.contains("res5 3x3 512-512 7 onednn-direct:"), page); // its bar

        r = run("bench", "--backend", "onednn", "--layers", "res5", "--batch", "1", "--reps", "1", "--no-direct",
                "--json", json.toString());
        assertEquals("0", r[0], r[2]);
        assertEquals(2, new ObjectMapper().readTree(json.toFile()).size());
        assertFalse(r[1].contains("-direct"), r[1]);
        r = run("bench", "--backend", "onednn", "--layers", "res5", "--batch", "1", "--reps", "1", "--direct",
                "--no-channels-last", "--json", json.toString());
        assertEquals("0", r[0], r[2]);
        assertEquals(2, new ObjectMapper().readTree(json.toFile()).size());
        assertFalse(r[1].contains("onednn-cl"), r[1]);
    }

    @Test
    void helpIsFormattedWithoutWarnings() {
        String[] r = run("bench", "--help");
        assertEquals("0", r[0]);
        assertTrue(r[1].contains("primitive (onednn-direct) and % of this machine's"), r[1]);
        assertTrue(r[1].contains("--[no-]direct"), r[1]);
        assertFalse(r[2].contains("WARN"), r[2]);
    }

    @Test
    void badOptionsGiveOneErrorLine() {
        String[] r = run("bench", "--layers", "vgg");
        assertEquals("2", r[0]);
        assertTrue(r[2].startsWith("error: no benchmark layer matches 'vgg'"), r[2]);
        assertEquals(1, r[2].strip().lines().count());
        r = run("bench", "--backend", "reference", "--batch", "16");
        assertEquals("2", r[0]);
        assertEquals("error: nothing to run: the reference backend runs at batch 1 only, but --batch is 16", r[2].strip());
        r = run("bench", "--backend", "gpu");
        assertEquals("error: --backend should be onednn, reference or both, but got 'gpu'", r[2].strip());
    }
}
