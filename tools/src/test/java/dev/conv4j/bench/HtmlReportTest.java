package dev.conv4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

class HtmlReportTest {
    private static final BenchRow B16 = new BenchRow("res2 3x3 64-64 56", 16, "onednn", 20, 16 * 231_211_008.0, 25);
    private static final List<BenchRow> ROWS = List.of(ResultTableTest.FAST, ResultTableTest.SLOW, B16,
            ResultTableTest.POOL, BenchRow.failed("dw 3x3 144 56", 1, "onednn", 8_128_512, "needs <kernels> & more"));

    @Test
    void barsAreTheConvolutionsThatRanAtBatchOne() {
        assertEquals(List.of(new HtmlReport.Bar("res2 3x3 64-64 56", "onednn", 115.605504),
                new HtmlReport.Bar("res2 3x3 64-64 56", "reference", 0.462422016)), HtmlReport.bars(ROWS));
    }

    @Test
    void pageIsSelfContained() {
        List<String> notes = new java.util.ArrayList<>(List.of("* a note"));
        notes.addAll(ResultTable.failures(ROWS));
        String html = HtmlReport.render(ROWS, 400, List.of("machine: 2 threads"), notes);
        assertTrue(html.startsWith("<!DOCTYPE html>"));
        assertTrue(html.contains("<svg"));
        for (String external : List.of("<script", "<link", "src=", "href=", "@import", "url(")) {
            assertFalse(html.contains(external), external);
        }
        // The only URL is the SVG namespace name.
        assertEquals(html.indexOf("http"), html.lastIndexOf("http"));
        assertTrue(html.contains("xmlns=\"http://www.w3.org/2000/svg\""));
        assertTrue(html.contains("needs &lt;kernels&gt; &amp; more"));
        assertTrue(html.contains("<td class=\"n\">250x</td>"));
        assertTrue(html.contains("* a note") && html.contains("machine: 2 threads"));
    }

    @Test
    void chartHasOneBarPerBackendAndDecadeGridLines() {
        String svg = HtmlReport.chart(ROWS);
        // 2 legend squares + 2 bars.
        assertEquals(4, count(svg, "<rect "));
        // 0.462 .. 115.6 spans the decades 0.1 .. 1000: grid lines at 0.1, 1, 10, 100, 1000.
        assertEquals(5, count(svg, "<line "));
        for (String label : List.of(">0.1<", ">1<", ">10<", ">100<", ">1000<", ">115.6<", ">0.462<")) {
            assertTrue(svg.contains(label), label);
        }
        // Bar widths on the log scale: log10(115.6) - (-1) = 3.063 of 4 decades of 520 px = 398.2 px.
        Matcher m = Pattern.compile("<rect x=\"190\" y=\"\\d+\" width=\"([0-9.]+)\" height=\"11\"").matcher(svg);
        assertTrue(m.find());
        assertEquals(398.2, Double.parseDouble(m.group(1)), 0.05);
        // 0.462: log10(0.462) + 1 = 0.665 decades -> 86.5 px.
        assertTrue(m.find());
        assertEquals(86.5, Double.parseDouble(m.group(1)), 0.05);
    }

    @Test
    void nothingToPlot() {
        assertEquals("<p class=\"m\">No convolution ran at batch 1.</p>", HtmlReport.chart(List.of(ResultTableTest.POOL)));
    }

    @Test
    void decadeLabels() {
        assertEquals("0.01", HtmlReport.decade(-2));
        assertEquals("1", HtmlReport.decade(0));
        assertEquals("1000", HtmlReport.decade(3));
    }

    private static int count(String s, String part) {
        int n = 0;
        for (int i = s.indexOf(part); i >= 0; i = s.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }
}
