package dev.conv4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** The text table; widths and numbers worked out by hand. */
class ResultTableTest {
    // res2 at batch 1: 231,211,008 FLOPs. 2 ms -> 115.605504 GFLOPS, 28.9% of 400; 500 ms -> 0.462 GFLOPS, 0.1%.
    static final BenchRow FAST = new BenchRow("res2 3x3 64-64 56", 1, "onednn", 2.0, 231_211_008, 250);
    static final BenchRow SLOW = new BenchRow("res2 3x3 64-64 56", 1, "reference", 500.0, 231_211_008, 3);
    static final BenchRow POOL = new BenchRow("gap 2048 7", 16, "onednn", 0.25, Double.NaN, 2000);

    @Test
    void formatsColumnsAlignedWithSpeedupAndPeak() {
        String expected = ""
                + "layer              batch  backend    median ms  GFLOPS  speed-up  vs direct  % peak  other load\n"
                + "-----------------  -----  ---------  ---------  ------  --------  ---------  ------  ----------\n"
                + "res2 3x3 64-64 56      1  onednn         2.000   115.6      250x              28.9%\n"
                + "res2 3x3 64-64 56      1  reference    500.000   0.462                         0.1%         37%\n"
                + "gap 2048 7            16  onednn        0.2500\n";
        // Other processes' share is shown from 5%: 0.37 -> 37%, 0.049 -> blank.
        assertEquals(expected, ResultTable.format(List.of(FAST.withOthersCpu(0.049), SLOW.withOthersCpu(0.37), POOL), 400));
    }

    @Test
    void bf16RowsGetNoPercentOfTheFloat32Peak() {
        BenchRow bf16 = new BenchRow("res2 3x3 64-64 56", 1, "onednn-bf16", 0.5, 231_211_008, 250, null, Double.NaN,
                "bf16");
        String[] cells = ResultTable.cells(bf16, List.of(bf16), 400);
        assertEquals("462.4", cells[4]);
        assertEquals("", cells[7]); // 462 GFLOPS of bf16 products is not 116% of the f32 peak
        assertEquals("28.9%", ResultTable.cells(FAST, List.of(FAST), 400)[7]);
    }

    @Test
    void withoutAPeakThePercentColumnStaysEmpty() {
        String t = ResultTable.format(List.of(FAST), Double.NaN);
        // Without the reference row the backend column is as wide as its header.
        assertTrue(t.endsWith("res2 3x3 64-64 56      1  onednn       2.000   115.6\n"), t);
    }

    @Test
    void speedupOnlyForOnednnWithAReferenceRowOfTheSameBatch() {
        assertEquals(Optional.of(250.0), ResultTable.speedupOver(FAST, List.of(FAST, SLOW)));
        assertEquals(Optional.empty(), ResultTable.speedupOver(SLOW, List.of(FAST, SLOW)));
        BenchRow b16 = new BenchRow("res2 3x3 64-64 56", 16, "onednn", 20.0, 16 * 231_211_008.0, 25);
        assertEquals(Optional.empty(), ResultTable.speedupOver(b16, List.of(FAST, SLOW, b16)));
        BenchRow failed = BenchRow.failed("res2 3x3 64-64 56", 1, "reference", 231_211_008, "boom");
        assertEquals(Optional.empty(), ResultTable.speedupOver(FAST, List.of(FAST, failed)));
    }

    @Test
    void onednnRowsShowTheirOverheadOverTheBarePrimitive() {
        BenchRow direct = new BenchRow("res2 3x3 64-64 56", 1, "onednn-direct", 1.6, 231_211_008, 250);
        BenchRow b16 = new BenchRow("res2 3x3 64-64 56", 16, "onednn-direct", 20.0, 16 * 231_211_008.0, 25);
        // 2 ms over 1.6 ms: 25% more; only against the row of the same layer and batch
        assertEquals(25.0, ResultTable.overheadOverDirect(FAST, List.of(FAST, b16, direct)).orElseThrow(), 1e-9);
        assertEquals(Optional.empty(), ResultTable.overheadOverDirect(direct, List.of(FAST, direct)));
        assertEquals(Optional.empty(), ResultTable.overheadOverDirect(FAST, List.of(FAST, SLOW, b16)));
        // channels-last rows pair with their own bare primitive, and get a speed-up over the reference too
        BenchRow cl = new BenchRow("res2 3x3 64-64 56", 1, "onednn-cl", 1.0, 231_211_008, 250);
        BenchRow clDirect = new BenchRow("res2 3x3 64-64 56", 1, "onednn-cl-direct", 0.8, 231_211_008, 250);
        assertEquals(25.0, ResultTable.overheadOverDirect(cl, List.of(FAST, direct, cl, clDirect)).orElseThrow(), 1e-9);
        assertEquals(Optional.empty(), ResultTable.overheadOverDirect(cl, List.of(FAST, direct, cl)));
        assertEquals(Optional.empty(), ResultTable.overheadOverDirect(clDirect, List.of(cl, clDirect)));
        assertEquals(Optional.empty(), ResultTable.speedupOver(clDirect, List.of(SLOW, clDirect)));
        assertTrue(ResultTable.speedupOver(cl, List.of(SLOW, cl)).isPresent());
        String expected = ""
                + "layer              batch  backend        median ms  GFLOPS  speed-up  vs direct  % peak  other load\n"
                + "-----------------  -----  -------------  ---------  ------  --------  ---------  ------  ----------\n"
                + "res2 3x3 64-64 56      1  onednn             2.000   115.6      250x     +25.0%   28.9%\n"
                + "res2 3x3 64-64 56      1  onednn-direct      1.600   144.5                        36.1%\n"
                + "res2 3x3 64-64 56      1  reference        500.000   0.462                         0.1%\n";
        assertEquals(expected, ResultTable.format(List.of(FAST, direct, SLOW), 400));
    }

    @Test
    void numberFormats() {
        assertEquals("+25.0%", ResultTable.formatOverhead(25));
        assertEquals("-0.3%", ResultTable.formatOverhead(-0.27));
        assertEquals("+0.0%", ResultTable.formatOverhead(0.01));
        assertEquals("12.346", ResultTable.formatMs(12.3456));
        assertEquals("0.0213", ResultTable.formatMs(0.02134));
        assertEquals("3.5x", ResultTable.formatSpeedup(3.46));
        assertEquals("412x", ResultTable.formatSpeedup(411.6));
        assertEquals("0.043", ResultTable.formatGflops(0.0425));
        assertEquals("140.7", ResultTable.formatGflops(140.72));
    }

    @Test
    void failedRowsSayFailedAndGetANote() {
        BenchRow failed = BenchRow.failed("maxpool 3x3/2 64 112", 1, "onednn", Double.NaN, "MaxPool2d needs kernels");
        String t = ResultTable.format(List.of(failed), 400);
        assertTrue(t.endsWith("maxpool 3x3/2 64 112      1  onednn      failed\n"), t);
        assertEquals(List.of("failed: maxpool 3x3/2 64 112 b1 onednn: MaxPool2d needs kernels"),
                ResultTable.failures(List.of(FAST, failed)));
    }
}
