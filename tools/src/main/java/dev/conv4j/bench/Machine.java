package dev.conv4j.bench;

import java.util.List;
import java.util.Locale;

/**
 * What the report says about the machine.
 *
 * @param processors available processors
 * @param threads threads per call
 * @param isa the instruction-set path of conv4j's kernels, or {@code unknown}
 * @param peakGflops the measured float32 peak in GFLOP/s, NaN if it could not be measured
 * @param peakNote how the peak was measured, or why it was not
 * @param onednn the oneDNN backend's own description, or null when oneDNN does not run
 * @param loadAverage the system's 1-minute load average before the run, NaN if unknown
 */
public record Machine(int processors, int threads, String isa, double peakGflops, String peakNote, String onednn,
        double loadAverage) {

    /** A load average from which the report warns that other processes competed for the CPUs. */
    public static final double BUSY_LOAD = 0.5;

    /** The report's header line about processors, threads, ISA, peak and load. */
    public String headerLine() {
        String peak = Double.isNaN(peakGflops) ? "f32 peak unknown (" + peakNote + ")"
                : String.format(Locale.ROOT, "f32 peak %.1f GFLOPS (%s)", peakGflops, peakNote);
        String load = Double.isNaN(loadAverage) ? "" : String.format(Locale.ROOT, ", load average %.2f", loadAverage);
        return "machine: " + processors + " processor" + (processors == 1 ? "" : "s") + ", " + threads + " thread"
                + (threads == 1 ? "" : "s") + ", ISA " + isa + ", " + peak + load;
    }

    /** The lines above the table: {@link #headerLine()} and, when oneDNN runs, its description. */
    public List<String> headerLines() {
        return onednn == null ? List.of(headerLine()) : List.of(headerLine(), "onednn: " + onednn);
    }

    /** Whether other processes were busy when the run started (so timings may be low). */
    public boolean busy() {
        return loadAverage >= BUSY_LOAD;
    }

    /** The note warning about a busy machine, or null. */
    public String busyNote() {
        return busy() ? String.format(Locale.ROOT, "* Warning: the 1-minute load average was %.2f on %d processor%s when "
                + "the run started: other processes competed for the CPUs, so times may be high and noisy.", loadAverage,
                processors, processors == 1 ? "" : "s") : null;
    }
}
