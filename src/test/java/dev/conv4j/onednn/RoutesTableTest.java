package dev.conv4j.onednn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The README's route table mirrors {@link Routes#TABLE}, row for row and cell for cell. */
class RoutesTableTest {
    private static final String SECTION = "### Which operator runs where (oneDNN backend)";

    @Test
    void readmeTableIsTheCodesTable() throws IOException {
        List<String> lines = Files.readAllLines(Path.of("README.md"));
        int start = lines.indexOf(SECTION);
        assertTrue(start >= 0, "README.md has no section '" + SECTION + "'");
        List<Routes.Row> readme = new ArrayList<>();
        boolean inTable = false;
        for (String line : lines.subList(start + 1, lines.size())) {
            if (line.startsWith("|")) {
                inTable = true;
                String[] cells = line.substring(1, line.length() - (line.endsWith("|") ? 1 : 0)).split("\\|", -1);
                assertEquals(4, cells.length, "README route row: " + line);
                if (!cells[0].strip().equals("operator") && !cells[0].strip().startsWith("---")) {
                    readme.add(new Routes.Row(cells[0].strip(), cells[1].strip(), cells[2].strip(), cells[3].strip()));
                }
            } else if (inTable) {
                break;
            }
        }
        for (int i = 0; i < Math.min(readme.size(), Routes.TABLE.size()); i++) {
            assertEquals(Routes.TABLE.get(i), readme.get(i), "row " + (i + 1) + " of the README's route table");
        }
        assertEquals(Routes.TABLE.size(), readme.size(), "rows in the README's route table");
    }
}
