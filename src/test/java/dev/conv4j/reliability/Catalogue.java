package dev.conv4j.reliability;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the row files of {@code src/test/resources/reliability}: {@code #} comments, {@code ## section}
 * titles, and rows of columns separated by {@code " | "} whose first three are an {@link OpCall}.
 */
final class Catalogue {
    static final Path DIR = Paths.get("src/test/resources/reliability");

    /** One row: its line, section, call and the remaining columns. */
    static final class Row {
        final String file;
        final int line;
        final String section;
        final OpCall call;
        final List<String> rest;

        Row(String file, int line, String section, OpCall call, List<String> rest) {
            this.file = file;
            this.line = line;
            this.section = section;
            this.call = call;
            this.rest = rest;
        }

        String where() {
            return file + ":" + line;
        }

        @Override
        public String toString() {
            return where() + " " + call;
        }
    }

    private Catalogue() {
    }

    /** The rows of {@code name}, each with exactly {@code columns} columns. */
    static List<Row> read(String name, int columns) throws IOException {
        List<String> lines = Files.readAllLines(DIR.resolve(name), StandardCharsets.UTF_8);
        List<Row> rows = new ArrayList<>();
        String section = "";
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank() || line.startsWith("# ") || line.equals("#")) {
                continue;
            }
            if (line.startsWith("## ")) {
                section = line.substring(3).trim();
                continue;
            }
            String[] cols = line.split(" \\| ", columns);
            if (cols.length != columns) {
                throw new MalformedRow(name + ":" + (i + 1) + ": expected " + columns + " columns separated by ' | ', "
                        + "got " + cols.length + ": " + line);
            }
            List<String> rest = new ArrayList<>();
            for (int c = 3; c < columns; c++) {
                rest.add(cols[c].trim());
            }
            try {
                rows.add(new Row(name, i + 1, section, OpCall.parse(cols[0], cols[1], cols[2]), rest));
            } catch (MalformedRow e) {
                throw new MalformedRow(name + ":" + (i + 1) + ": " + e.getMessage());
            }
        }
        return rows;
    }
}
