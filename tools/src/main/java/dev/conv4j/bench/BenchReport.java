package dev.conv4j.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A finished benchmark: rows, the machine they ran on and the notes that qualify them, with
 * the text, JSON and HTML renderings.
 *
 * @param rows in report order
 * @param machine threads, ISA, peak
 * @param notes footnote lines (repetition counts, what is timed)
 * @param othersCpu the share (0..1) of the machine's CPU time other processes used during the
 *     run, NaN if unknown
 */
public record BenchReport(List<BenchRow> rows, Machine machine, List<String> notes, double othersCpu) {
    /** Other processes' CPU share during the run from which the report warns. */
    public static final double BUSY_SHARE = 0.10;

    public BenchReport {
        rows = List.copyOf(rows);
        notes = List.copyOf(notes);
    }

    /** The lines above the table. */
    public List<String> header() {
        return machine.headerLines();
    }

    /** Notes, a warning if other processes were busy, and one line per failed run. */
    public List<String> allNotes() {
        List<String> n = new ArrayList<>(notes);
        if (Double.isNaN(othersCpu)) {
            if (machine.busyNote() != null) {
                n.add(machine.busyNote());
            }
        } else if (othersCpu >= BUSY_SHARE) {
            n.add(String.format(Locale.ROOT, "* Warning: other processes used %.0f%% of the machine's CPU time during "
                    + "the run (per row: \"other load\"); disturbed rows are slow and noisy: rerun on a quiet machine.",
                    100 * othersCpu));
        }
        n.addAll(ResultTable.failures(rows));
        return n;
    }

    /** The table, a blank line and the notes, as printed after the header. */
    public String tableText() {
        StringBuilder b = new StringBuilder(ResultTable.format(rows, machine.peakGflops())).append('\n');
        for (String n : allNotes()) {
            b.append(n).append('\n');
        }
        return b.toString();
    }

    public String json() {
        return JsonReport.toJson(rows);
    }

    public String html() {
        return HtmlReport.render(rows, machine.peakGflops(), header(), allNotes());
    }

    /** How many runs failed. */
    public long failures() {
        return rows.stream().filter(r -> !r.ok()).count();
    }
}
