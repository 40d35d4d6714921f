package dev.conv4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.conv4j.Precision;
import dev.conv4j.Tensor;
import dev.conv4j.backend.Backends;

/** {@code run} and {@code check} with {@code --precision}. */
class PrecisionCliTest {
    static final Path CASES = Paths.get("src/test/resources/cases");
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

    /** Convolutions of each family pass within the bf16 bound; pooling cases still pass exactly. */
    @Test
    void checkPassesAtBf16() {
        String effective = Backends.onednn().effectivePrecision(Precision.BF16).label();
        for (String backend : new String[] {"onednn", "reference"}) {
            int status = run("check", "-q", "--backend", backend, "--precision", "bf16",
                    CASES.resolve("conv2d_basic").toString(), CASES.resolve("conv3d_groups2").toString(),
                    CASES.resolve("convtranspose1d_stride2_outpad1").toString(),
                    CASES.resolve("maxpool2d_ceil").toString());
            assertEquals(0, status, out + err);
            assertTrue(out.contains("check (" + backend + ", bf16): 4 passed, 0 failed"), out);
            assertTrue(out.contains("precision: bf16 requested, convolutions compute in "
                    + (backend.equals("onednn") ? effective : "bf16") + " on " + backend), out);
        }
    }

    /** bf16 outputs are not float32 ones (where bf16 runs), and f32 stays the default. */
    @Test
    void runWritesBf16Outputs(@TempDir Path tmp) throws Exception {
        String c = CASES.resolve("conv2d_basic").toString();
        assertEquals(0, run("run", c, "--out", tmp.resolve("f32").toString()), err);
        assertEquals(0, run("run", c, "--precision", "BF16", "--backend", "reference", "--out",
                tmp.resolve("bf16").toString()), err);
        try (Tensor f32 = Tensor.readNpy(tmp.resolve("f32/output.npy"));
                Tensor bf16 = Tensor.readNpy(tmp.resolve("bf16/output.npy"))) {
            assertFalse(Arrays.equals(f32.toFloatArray(), bf16.toFloatArray()), "reference bf16 emulation ran");
        }
        assertEquals(2, run("run", c, "--precision", "half", "--out", tmp.resolve("x").toString()));
        assertTrue(err.contains("--precision should be f32 or bf16, but got 'half'"), err);
    }
}
