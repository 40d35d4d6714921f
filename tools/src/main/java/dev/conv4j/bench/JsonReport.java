package dev.conv4j.bench;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * The {@code --json} file: an array of rows {@code {"layer", "batch", "backend", "precision", "ms", "gflops"}},
 * with {@code ms} the median in milliseconds (rounded to the nanosecond) and {@code gflops}
 * (rounded to 0.001) null for pooling layers. A run that failed has null {@code ms} and an
 * {@code error} field. {@code precision} is what the row computed at: {@code f32}, or {@code bf16}
 * for a bf16 row on a CPU with bf16 products.
 */
public final class JsonReport {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private JsonReport() {
    }

    /** One row as written. */
    @JsonPropertyOrder({"layer", "batch", "backend", "precision", "ms", "gflops", "error"})
    public record JsonRow(String layer, int batch, String backend, String precision, BigDecimal ms, BigDecimal gflops,
            @JsonInclude(JsonInclude.Include.NON_NULL) String error) {
        static JsonRow of(BenchRow r) {
            double g = r.gflops();
            return new JsonRow(r.layer(), r.batch(), r.backend(), r.precision(), r.ok() ? round(r.ms(), 6) : null,
                    Double.isNaN(g) ? null : round(g, 3), r.error());
        }
    }

    /** The rows in the order given. */
    public static List<JsonRow> rows(List<BenchRow> rows) {
        return rows.stream().map(JsonRow::of).toList();
    }

    /** The JSON text (indented, ending with a newline). */
    public static String toJson(List<BenchRow> rows) {
        try {
            return MAPPER.writeValueAsString(rows(rows)) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise benchmark rows: " + e.getMessage(), e);
        }
    }

    public static void write(List<BenchRow> rows, Path file) throws IOException {
        Files.writeString(file, toJson(rows));
    }

    /** {@code v} rounded half-up to {@code decimals} places, without trailing zeros. */
    static BigDecimal round(double v, int decimals) {
        BigDecimal d = BigDecimal.valueOf(v).setScale(decimals, RoundingMode.HALF_UP).stripTrailingZeros();
        return d.scale() < 0 ? d.setScale(0) : d;
    }
}
