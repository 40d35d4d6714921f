package dev.conv4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.conv4j.DType;
import dev.conv4j.Tensor;

/** {@code bin/conv4j run|check} on quantized cases. */
class QuantizedCliTest {
    static final Path CASES = Paths.get("src/test/resources/cases-quantized");

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

    @ParameterizedTest
    @ValueSource(strings = {"reference", "onednn"})
    void runWritesTheQuint8Integers(String backend) throws IOException {
        Path o = tmp.resolve("o");
        assertEquals(0, run("run", CASES.resolve("qconv2d_basic").toString(), "--out", o.toString(), "--backend",
                backend), err);
        String header = new String(Files.readAllBytes(o.resolve("output.npy")), 0, 64, StandardCharsets.ISO_8859_1);
        assertTrue(header.contains("'descr': '|u1'"), header);
        try (Tensor got = Tensor.readNpy(o.resolve("output.npy"));
                Tensor expected = Tensor.readNpy(CASES.resolve("qconv2d_basic/expected_output.npy"))) {
            assertEquals(DType.UINT8, got.dtype());
            assertArrayEquals(expected.shape(), got.shape());
            assertArrayEquals(expected.toByteArray(), got.toByteArray());
        }
    }

    @Test
    void refusedQuantizedCallPrintsPyTorchsMessage() {
        Path o = tmp.resolve("o");
        assertEquals(1, run("run", CASES.resolve("qconv2d_unbatched").toString(), "--out", o.toString(), "--backend",
                "reference"));
        assertTrue(err.startsWith("error: Input shape must be `(N, C, H, W)`!"), err);
        assertEquals(1, err.strip().lines().count(), err);
        assertFalse(Files.exists(o.resolve("output.npy")));
    }

    @Test
    void checkPassesTheQuantizedFolderOnBothBackends() {
        for (String backend : new String[] {"reference", "onednn"}) {
            assertEquals(0, run("check", CASES.toString(), "--backend", backend, "-q"), out);
            assertTrue(out.contains("check (" + backend + "): "), out);
            assertTrue(out.contains(" 0 failed"), out);
        }
    }

    @Test
    void aMismatchFailsTheCheck() throws IOException {
        Path c = tmp.resolve("qconv2d_basic");
        Files.createDirectories(c);
        try (var s = Files.list(CASES.resolve("qconv2d_basic"))) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Files.copy(p, c.resolve(p.getFileName()));
            }
        }
        // shift every expected integer by 2: outside the tolerance of 1
        try (Tensor e = Tensor.readNpy(c.resolve("expected_output.npy"))) {
            byte[] b = e.toByteArray();
            for (int i = 0; i < b.length; i++) {
                b[i] = (byte) Math.min(255, (b[i] & 0xff) + 2);
            }
            try (Tensor shifted = Tensor.ofBytes(DType.UINT8, b, e.shape())) {
                shifted.writeNpy(c.resolve("expected_output.npy"));
            }
        }
        assertEquals(1, run("check", c.toString(), "--backend", "reference"), out);
        assertTrue(out.contains("FAIL qconv2d_basic: output: "), out);
    }

    @Test
    void aQuantizedOpWithoutQuantParametersIsInvalid() throws IOException {
        Path c = tmp.resolve("bad");
        Files.createDirectories(c);
        Files.writeString(c.resolve("case.json"), "{\"op\": \"quantized.Conv2d\", \"args\": {}, "
                + "\"inputs\": {\"input\": \"input.npy\"}, \"outputs\": {\"output\": \"o.npy\"}}");
        assertEquals(1, run("run", c.toString(), "--out", tmp.resolve("o").toString()));
        assertTrue(err.contains("a quantized op needs a 'quant' object"), err);
    }
}
