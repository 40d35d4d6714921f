package dev.conv4j.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How much of the machine's CPU time other processes take while the benchmark runs: the
 * system's busy time (Linux {@code /proc/stat}) minus this process's CPU time, over the
 * capacity (elapsed time times processors). On a shared machine a disturbed row shows here.
 */
public final class CpuMonitor {
    /** Linux's USER_HZ: /proc/stat counts in 1/100 s on every common configuration. */
    static final long TICK_NANOS = 10_000_000L;
    /** Shorter intervals than this are too coarse for tick counts and report NaN. */
    static final long MIN_INTERVAL_NANOS = 200_000_000L;

    private CpuMonitor() {
    }

    /**
     * One reading.
     *
     * @param nanos wall clock ({@link System#nanoTime})
     * @param systemBusyNanos CPU time of all processes since boot, NaN-free; -1 if unknown
     * @param processCpuNanos this process's CPU time; -1 if unknown
     */
    public record Sample(long nanos, long systemBusyNanos, long processCpuNanos) {
    }

    /** A reading now; its CPU fields are -1 where the platform does not tell. */
    public static Sample sample() {
        long process = -1;
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            process = os.getProcessCpuTime();
        }
        return new Sample(System.nanoTime(), systemBusyNanos(), process);
    }

    /**
     * The share of the machine's capacity (0..1) that other processes used between two
     * readings; NaN when unknown or when the interval is under 0.2 s (tick counts are too coarse).
     */
    public static double othersShare(Sample from, Sample to, int processors) {
        long elapsed = to.nanos() - from.nanos();
        if (elapsed < MIN_INTERVAL_NANOS || from.systemBusyNanos() < 0 || to.systemBusyNanos() < 0
                || from.processCpuNanos() < 0 || to.processCpuNanos() < 0 || processors < 1) {
            return Double.NaN;
        }
        double others = (to.systemBusyNanos() - from.systemBusyNanos()) - (to.processCpuNanos() - from.processCpuNanos());
        return Math.max(0, Math.min(1, others / ((double) elapsed * processors)));
    }

    /** Busy time of all CPUs since boot from the {@code cpu} line of /proc/stat, or -1. */
    static long systemBusyNanos() {
        try {
            String first = Files.readAllLines(Path.of("/proc/stat")).get(0);
            return parseBusyTicks(first) * TICK_NANOS;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * Busy ticks of a /proc/stat {@code cpu} line: user + nice + system + irq + softirq + steal
     * (fields 1, 2, 3, 6, 7, 8; idle and iowait excluded; guest time is already in user).
     */
    static long parseBusyTicks(String cpuLine) {
        String[] f = cpuLine.trim().split("\\s+");
        if (!f[0].equals("cpu") || f.length < 9) {
            throw new IllegalArgumentException("not a /proc/stat cpu line: " + cpuLine);
        }
        long busy = 0;
        for (int i : new int[] {1, 2, 3, 6, 7, 8}) {
            busy += Long.parseLong(f[i]);
        }
        return busy;
    }
}
