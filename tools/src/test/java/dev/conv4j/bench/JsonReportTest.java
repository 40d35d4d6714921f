package dev.conv4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

class JsonReportTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void rowsAreLayerBatchBackendMsGflops() throws Exception {
        List<BenchRow> rows = List.of(ResultTableTest.FAST, ResultTableTest.POOL.withPrecision("bf16"),
                BenchRow.failed("maxpool 3x3/2 64 112", 1, "onednn", Double.NaN, "no kernels"));
        String json = JsonReport.toJson(rows);
        // 231,211,008 FLOPs in 2 ms = 115.605504 GFLOPS, rounded to 0.001 -> 115.606.
        JsonNode expected = MAPPER.readTree("["
                + "{\"layer\":\"res2 3x3 64-64 56\",\"batch\":1,\"backend\":\"onednn\",\"precision\":\"f32\",\"ms\":2,\"gflops\":115.606},"
                + "{\"layer\":\"gap 2048 7\",\"batch\":16,\"backend\":\"onednn\",\"precision\":\"bf16\",\"ms\":0.25,\"gflops\":null},"
                + "{\"layer\":\"maxpool 3x3/2 64 112\",\"batch\":1,\"backend\":\"onednn\",\"precision\":\"f32\",\"ms\":null,\"gflops\":null,"
                + "\"error\":\"no kernels\"}]");
        assertEquals(expected, MAPPER.readTree(json));
        // Fields in the documented order.
        String first = json.substring(0, json.indexOf('}'));
        assertTrue(first.indexOf("\"layer\"") < first.indexOf("\"batch\"")
                && first.indexOf("\"batch\"") < first.indexOf("\"backend\"")
                && first.indexOf("\"backend\"") < first.indexOf("\"precision\"")
                && first.indexOf("\"precision\"") < first.indexOf("\"ms\"")
                && first.indexOf("\"ms\"") < first.indexOf("\"gflops\""), json);
        assertTrue(json.endsWith("\n"));
    }

    @Test
    void rounding() {
        assertEquals(new BigDecimal("1.234568"), JsonReport.round(1.2345675, 6));
        assertEquals(new BigDecimal("2"), JsonReport.round(2.0, 6));
        assertEquals(new BigDecimal("1200"), JsonReport.round(1200.0, 3));
        assertEquals(new BigDecimal("0.001"), JsonReport.round(0.0005, 3));
    }
}
