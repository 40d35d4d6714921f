package dev.conv4j.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The text table of {@code bin/conv4j bench}: layer, batch, backend, median ms, GFLOPS
 * (convolutions), speed-up of oneDNN over the reference at the same batch, the oneDNN module's
 * time over the bare oneDNN primitive's ({@code onednn-direct} rows), % of the machine's
 * measured float32 peak (not for bf16 rows), and the CPU share other processes took while the row ran (from 5%).
 */
public final class ResultTable {
    /** Name of the backend that speed-ups are computed for. */
    public static final String FAST = "onednn";
    /** Name of the backend that speed-ups are relative to. */
    public static final String SLOW = "reference";
    /** Name of the rows of the bare oneDNN primitive that {@link #FAST} rows are compared with. */
    public static final String DIRECT = "onednn-direct";
    /** What the backend name of a bare-primitive row ends with. */
    static final String DIRECT_SUFFIX = OneDnnBaseline.SUFFIX;
    /** The oneDNN backend's rows on channels-last tensors. */
    public static final String CHANNELS_LAST = "onednn-cl";

    static final String[] HEADER = {"layer", "batch", "backend", "median ms", "GFLOPS", "speed-up", "vs direct",
        "% peak", "other load"};
    private static final boolean[] RIGHT = {false, true, false, true, true, true, true, true, true};
    /** Other processes' CPU share from which the "other load" column shows it. */
    public static final double SHOWN_LOAD = 0.05;

    private ResultTable() {
    }

    /**
     * The table, one line per row plus a header and a rule; every line ends with a newline.
     *
     * @param peakGflops the machine's measured peak, or NaN/0 when unknown (the column stays empty)
     */
    public static String format(List<BenchRow> rows, double peakGflops) {
        List<String[]> cells = new ArrayList<>();
        cells.add(HEADER);
        for (BenchRow r : rows) {
            cells.add(cells(r, rows, peakGflops));
        }
        int[] width = new int[HEADER.length];
        for (String[] line : cells) {
            for (int c = 0; c < line.length; c++) {
                width[c] = Math.max(width[c], line[c].length());
            }
        }
        StringBuilder out = new StringBuilder();
        appendLine(out, HEADER, width);
        String[] rule = new String[HEADER.length];
        for (int c = 0; c < rule.length; c++) {
            rule[c] = "-".repeat(width[c]);
        }
        appendLine(out, rule, width);
        for (String[] line : cells.subList(1, cells.size())) {
            appendLine(out, line, width);
        }
        return out.toString();
    }

    /** The cells of one row. */
    static String[] cells(BenchRow r, List<BenchRow> all, double peakGflops) {
        double g = r.gflops();
        // the peak is float32's: bf16 rows (twice its products per instruction) get no % peak
        double pct = "bf16".equals(r.precision()) ? Double.NaN : Timing.percentOfPeak(g, peakGflops);
        String speedup = speedupOver(r, all).map(ResultTable::formatSpeedup).orElse("");
        String overhead = overheadOverDirect(r, all).map(ResultTable::formatOverhead).orElse("");
        return new String[] {r.layer(), String.valueOf(r.batch()), r.backend(), r.ok() ? formatMs(r.ms()) : "failed",
            Double.isNaN(g) ? "" : formatGflops(g), speedup, overhead,
            Double.isNaN(pct) ? "" : String.format(Locale.ROOT, "%.1f%%", pct),
            r.othersCpu() >= SHOWN_LOAD ? String.format(Locale.ROOT, "%.0f%%", 100 * r.othersCpu()) : ""};
    }

    /**
     * For a oneDNN module row ({@code onednn}, or {@code onednn-cl} on channels-last tensors) with a
     * reference row of the same layer and batch: reference ms / oneDNN ms.
     */
    public static Optional<Double> speedupOver(BenchRow r, List<BenchRow> all) {
        if (!r.ok() || !isOneDnnModule(r)) {
            return Optional.empty();
        }
        return all.stream()
                .filter(o -> o.ok() && o.backend().equals(SLOW) && o.layer().equals(r.layer()) && o.batch() == r.batch())
                .findFirst().map(o -> Timing.speedup(o.ms(), r.ms()));
    }

    private static boolean isOneDnnModule(BenchRow r) {
        return r.backend().startsWith(FAST) && !r.backend().endsWith(DIRECT_SUFFIX);
    }

    /**
     * For a oneDNN module row with its bare-primitive row ({@code onednn-direct} for
     * {@code onednn}, {@code onednn-cl-direct} for {@code onednn-cl}) of the same layer and
     * batch: how much longer the module call takes than the bare primitive, in percent
     * ({@code 100 * (module ms / direct ms - 1)}).
     */
    public static Optional<Double> overheadOverDirect(BenchRow r, List<BenchRow> all) {
        if (!r.ok() || !isOneDnnModule(r)) {
            return Optional.empty();
        }
        String direct = r.backend() + DIRECT_SUFFIX;
        return all.stream()
                .filter(o -> o.ok() && o.backend().equals(direct) && o.layer().equals(r.layer()) && o.batch() == r.batch())
                .findFirst().map(o -> 100 * (r.ms() / o.ms() - 1));
    }

    /** One line per failed row: {@code failed: layer bN backend: message}; empty if none failed. */
    public static List<String> failures(List<BenchRow> rows) {
        return rows.stream().filter(r -> !r.ok())
                .map(r -> "failed: " + r.layer() + " b" + r.batch() + " " + r.backend() + ": " + r.error()).toList();
    }

    static String formatMs(double ms) {
        return String.format(Locale.ROOT, ms < 1 ? "%.4f" : "%.3f", ms);
    }

    /** One decimal, or three below 1 GFLOPS (the reference's rates). */
    static String formatGflops(double g) {
        return String.format(Locale.ROOT, g < 1 ? "%.3f" : "%.1f", g);
    }

    /** Signed, one decimal: {@code +2.5%}, {@code -0.3%}. */
    static String formatOverhead(double percent) {
        return String.format(Locale.ROOT, "%+.1f%%", percent);
    }

    static String formatSpeedup(double s) {
        return String.format(Locale.ROOT, s < 10 ? "%.1fx" : "%.0fx", s);
    }

    private static void appendLine(StringBuilder out, String[] line, int[] width) {
        StringBuilder b = new StringBuilder();
        for (int c = 0; c < line.length; c++) {
            if (c > 0) {
                b.append("  ");
            }
            String pad = " ".repeat(width[c] - line[c].length());
            b.append(RIGHT[c] ? pad + line[c] : line[c] + pad);
        }
        out.append(b.toString().stripTrailing()).append('\n');
    }
}
