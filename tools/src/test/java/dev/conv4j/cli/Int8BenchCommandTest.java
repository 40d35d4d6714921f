package dev.conv4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.junit.jupiter.api.Test;

/** {@code bin/conv4j bench --precision int8}: rows for the Conv2d layers, refusals of bad options. */
class Int8BenchCommandTest {
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

    @Test
    void int8RowsForTheChosenConvolutions() {
        assertEquals(0, run("bench", "--precision", "int8", "--layers", "res5,maxpool", "--batch", "1", "--reps", "2",
                "--threads", "1"), err);
        assertTrue(out.contains("int8/f32"), out);
        long rows = out.lines().filter(l -> l.startsWith("res5 3x3 512-512 7")).count();
        assertEquals(1, rows, out); // maxpool has no int8 row
        assertTrue(out.lines().filter(l -> l.startsWith("res5")).allMatch(l -> l.trim().endsWith("x")), out);
    }

    @Test
    void refusesUnknownPrecisionsAndLayerSetsWithoutConvolutions() {
        assertEquals(2, run("bench", "--precision", "int4", "--layers", "res5"));
        assertTrue(err.contains("--precision should list f32, bf16 and/or int8, but got 'int4'"), err);
        assertEquals(2, run("bench", "--precision", "int8", "--layers", "maxpool"));
        assertTrue(err.contains("--precision int8 times Conv2d layers, but --layers names none"), err);
    }
}
