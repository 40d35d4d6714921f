package dev.conv4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;

import org.junit.jupiter.api.Test;

class MachineTest {

    @Test
    void headerLineWithAndWithoutPeak() {
        assertEquals("machine: 2 processors, 2 threads, ISA avx512, f32 peak 345.7 GFLOPS (Kernels.peakGflops, 2 threads, "
                + "0.5 s), load average 0.04",
                new Machine(2, 2, "avx512", 345.67, "Kernels.peakGflops, 2 threads, 0.5 s", null, 0.04).headerLine());
        assertEquals("machine: 1 processor, 1 thread, ISA unknown, f32 peak unknown (no kernels)",
                new Machine(1, 1, "unknown", Double.NaN, "no kernels", null, Double.NaN).headerLine());
    }

    @Test
    void aBusyMachineGetsAWarning() {
        Machine quiet = new Machine(2, 2, "avx512", 400, "measured", null, 0.49);
        Machine busy = new Machine(2, 2, "avx512", 400, "measured", null, 3.43);
        assertNull(quiet.busyNote());
        assertEquals("* Warning: the 1-minute load average was 3.43 on 2 processors when the run started: other "
                + "processes competed for the CPUs, so times may be high and noisy.", busy.busyNote());
        assertEquals(List.of(busy.busyNote()), new BenchReport(List.of(), busy, List.of(), Double.NaN).allNotes());
    }

    @Test
    void reportTextIsTableThenNotes() {
        Machine m = new Machine(2, 2, "avx512", 400, "measured", "oneDNN 3.8.1", 0.1);
        BenchReport r = new BenchReport(List.of(ResultTableTest.FAST), m, List.of("* note"), 0.02);
        assertEquals(List.of(m.headerLine(), "onednn: oneDNN 3.8.1"), r.header());
        assertEquals(ResultTable.format(List.of(ResultTableTest.FAST), 400) + "\n* note\n", r.tableText());
        assertEquals(0, r.failures());
    }

    @Test
    void theMeasuredShareOfOtherProcessesDecidesTheWarning() {
        Machine busyAtStart = new Machine(2, 2, "avx512", 400, "measured", null, 3.43);
        // Measured during the run: 9% is quiet enough whatever the load average said before.
        assertEquals(List.of(), new BenchReport(List.of(), busyAtStart, List.of(), 0.09).allNotes());
        assertEquals(List.of("* Warning: other processes used 37% of the machine's CPU time during the run (per row: "
                + "\"other load\"); disturbed rows are slow and noisy: rerun on a quiet machine."),
                new BenchReport(List.of(), busyAtStart, List.of(), 0.37).allNotes());
    }
}
