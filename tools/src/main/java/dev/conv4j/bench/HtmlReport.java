package dev.conv4j.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code --html} report: one self-contained page (no scripts, no external files) with the
 * header lines, an inline SVG bar chart of GFLOPS per convolution layer at batch 1 (oneDNN, the
 * bare oneDNN primitive and the reference, on a log scale since they differ by orders of
 * magnitude), the full table and the notes.
 */
public final class HtmlReport {
    /** Bar colours per backend, in legend order. */
    static final Map<String, String> COLORS = colors();

    static final int LABEL_WIDTH = 190;
    static final int PLOT_WIDTH = 520;
    static final int BAR_HEIGHT = 13;
    static final int GROUP_GAP = 9;
    static final int TOP = 34;
    static final int BOTTOM = 30;

    private HtmlReport() {
    }

    private static Map<String, String> colors() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(ResultTable.FAST, "#1f6fb4");
        m.put(ResultTable.DIRECT, "#8cc0e8");
        m.put(ResultTable.CHANNELS_LAST, "#2a9d5c");
        m.put(ResultTable.CHANNELS_LAST + ResultTable.DIRECT_SUFFIX, "#9ad8b0");
        m.put(ResultTable.SLOW, "#e8851c");
        return java.util.Collections.unmodifiableMap(m);
    }

    /**
     * The page.
     *
     * @param header lines shown above the chart (machine, peak)
     * @param notes lines shown below the table (repetitions, failures)
     */
    public static String render(List<BenchRow> rows, double peakGflops, List<String> header, List<String> notes) {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<title>conv4j bench</title>\n<style>\n")
                .append("body{font-family:sans-serif;margin:1.5em;color:#222}\n")
                .append("table{border-collapse:collapse;font-size:13px}\n")
                .append("th,td{padding:2px 8px;border-bottom:1px solid #ddd}\n")
                .append("td.n{text-align:right;font-variant-numeric:tabular-nums}\n")
                .append("p.m{margin:2px 0;font-size:13px}\n")
                .append("</style>\n</head>\n<body>\n<h1>conv4j bench</h1>\n");
        for (String line : header) {
            h.append("<p class=\"m\">").append(escape(line)).append("</p>\n");
        }
        h.append("<h2>GFLOPS per convolution layer, batch 1</h2>\n").append(chart(rows)).append('\n');
        h.append("<h2>All rows</h2>\n<table>\n<tr>");
        for (String c : ResultTable.HEADER) {
            h.append("<th>").append(escape(c)).append("</th>");
        }
        h.append("</tr>\n");
        for (BenchRow r : rows) {
            String[] cells = ResultTable.cells(r, rows, peakGflops);
            h.append("<tr>");
            for (int c = 0; c < cells.length; c++) {
                h.append(c == 0 || c == 2 ? "<td>" : "<td class=\"n\">").append(escape(cells[c])).append("</td>");
            }
            h.append("</tr>\n");
        }
        h.append("</table>\n");
        for (String line : notes) {
            h.append("<p class=\"m\">").append(escape(line)).append("</p>\n");
        }
        return h.append("</body>\n</html>\n").toString();
    }

    /** One bar: a backend's GFLOPS for a layer. */
    record Bar(String layer, String backend, double gflops) {
    }

    /** The bars of the chart: convolution rows at batch 1 that ran, grouped by layer in row order. */
    static List<Bar> bars(List<BenchRow> rows) {
        List<Bar> bars = new ArrayList<>();
        List<String> layers = rows.stream().filter(r -> r.batch() == 1 && r.ok() && !Double.isNaN(r.gflops()))
                .map(BenchRow::layer).distinct().toList();
        for (String layer : layers) {
            for (String backend : COLORS.keySet()) {
                rows.stream().filter(r -> r.layer().equals(layer) && r.batch() == 1 && r.backend().equals(backend)
                        && r.ok() && r.gflops() > 0).findFirst()
                        .ifPresent(r -> bars.add(new Bar(layer, backend, r.gflops())));
            }
        }
        return bars;
    }

    /** The SVG chart (log-scale x axis in decades), or a paragraph saying there is nothing to plot. */
    static String chart(List<BenchRow> rows) {
        List<Bar> bars = bars(rows);
        if (bars.isEmpty()) {
            return "<p class=\"m\">No convolution ran at batch 1.</p>";
        }
        double min = bars.stream().mapToDouble(Bar::gflops).min().orElseThrow();
        double max = bars.stream().mapToDouble(Bar::gflops).max().orElseThrow();
        int lo = (int) Math.floor(Math.log10(min));
        int hi = Math.max(lo + 1, (int) Math.ceil(Math.log10(max)));
        List<String> layers = bars.stream().map(Bar::layer).distinct().toList();
        int perLayer = (int) COLORS.keySet().stream().filter(b -> bars.stream().anyMatch(x -> x.backend().equals(b)))
                .count();
        int groupHeight = perLayer * BAR_HEIGHT + GROUP_GAP;
        int height = TOP + layers.size() * groupHeight + BOTTOM;
        int width = LABEL_WIDTH + PLOT_WIDTH + 60;
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"11\" role=\"img\" "
                + "aria-label=\"GFLOPS per layer at batch 1\">%n", width, height, width, height));
        // Legend.
        int lx = LABEL_WIDTH;
        for (Map.Entry<String, String> e : COLORS.entrySet()) {
            if (bars.stream().noneMatch(b -> b.backend().equals(e.getKey()))) {
                continue;
            }
            s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"8\" width=\"12\" height=\"12\" fill=\"%s\"/>"
                    + "<text x=\"%d\" y=\"18\">%s</text>%n", lx, e.getValue(), lx + 16, escape(e.getKey())));
            lx += 110;
        }
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"18\" fill=\"#666\">GFLOPS, log scale</text>%n", lx));
        // Decade grid lines and their labels.
        int plotBottom = height - BOTTOM;
        for (int d = lo; d <= hi; d++) {
            double x = LABEL_WIDTH + (double) (d - lo) / (hi - lo) * PLOT_WIDTH;
            s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ccc\"/>"
                    + "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" fill=\"#666\">%s</text>%n",
                    x, TOP - 4, x, plotBottom, x, plotBottom + 14, decade(d)));
        }
        // Bars, one group per layer.
        for (int i = 0; i < layers.size(); i++) {
            String layer = layers.get(i);
            int y = TOP + i * groupHeight;
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>%n",
                    LABEL_WIDTH - 6, y + perLayer * BAR_HEIGHT / 2 + 4, escape(layer)));
            int k = 0;
            for (Bar b : bars) {
                if (!b.layer().equals(layer)) {
                    continue;
                }
                double w = Math.max(1, (Math.log10(b.gflops()) - lo) / (hi - lo) * PLOT_WIDTH);
                int by = y + k * BAR_HEIGHT;
                s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\">"
                        + "<title>%s %s: %.1f GFLOPS</title></rect>"
                        + "<text x=\"%.1f\" y=\"%d\" fill=\"#333\">%s</text>%n",
                        LABEL_WIDTH, by, w, BAR_HEIGHT - 2, COLORS.get(b.backend()), escape(layer), escape(b.backend()),
                        b.gflops(), LABEL_WIDTH + w + 4, by + BAR_HEIGHT - 3, ResultTable.formatGflops(b.gflops())));
                k++;
            }
        }
        return s.append("</svg>").toString();
    }

    /** The label of grid line {@code 10^d}: {@code 0.01}, {@code 0.1}, {@code 1}, {@code 10}, ... */
    static String decade(int d) {
        return java.math.BigDecimal.ONE.scaleByPowerOfTen(d).toPlainString();
    }

    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
