package dev.conv4j.cases;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import dev.conv4j.MemoryFormat;
import dev.conv4j.backend.Backend;
import dev.conv4j.backend.Backends;

/**
 * Every case PyTorch wrote into {@code src/test/resources/cases} (by
 * {@code src/test/python/gen_fixtures.py}), run through every backend and compared with the
 * case-format tolerance; a refusal must carry PyTorch's message.
 */
class GoldenCasesTest {
    static final Path CASES = Paths.get("src/test/resources/cases");

    static List<Path> caseDirs() throws IOException {
        try (Stream<Path> s = Files.list(CASES)) {
            return s.filter(p -> Files.exists(p.resolve("case.json"))).sorted().collect(Collectors.toList());
        }
    }

    static List<Backend> backends() {
        return List.of(Backends.reference(), Backends.onednn());
    }

    @Test
    void theFixturesAreThere() throws IOException {
        List<Path> dirs = caseDirs();
        assertTrue(dirs.size() >= 150, "expected at least 150 golden cases, found " + dirs.size());
        for (String op : List.of("Conv1d", "Conv2d", "Conv3d", "ConvTranspose1d", "ConvTranspose2d", "ConvTranspose3d",
                "MaxPool1d", "MaxPool2d", "MaxPool3d", "AvgPool1d", "AvgPool2d", "AvgPool3d", "AdaptiveAvgPool1d",
                "AdaptiveAvgPool2d", "AdaptiveAvgPool3d", "AdaptiveMaxPool1d", "AdaptiveMaxPool2d", "AdaptiveMaxPool3d",
                "LPPool1d", "LPPool2d", "MaxUnpool1d", "MaxUnpool2d", "MaxUnpool3d")) {
            long n = dirs.stream().filter(d -> opOf(d).equals(op)).count();
            assertTrue(n >= 3, op + " has only " + n + " golden cases");
        }
    }

    private static String opOf(Path dir) {
        try {
            return Case.load(dir).op();
        } catch (CaseFormatException e) {
            throw new AssertionError(e);
        }
    }

    @TestFactory
    Stream<DynamicTest> everyCaseOnEveryBackend() throws IOException {
        List<Path> dirs = caseDirs();
        return backends().stream().flatMap(backend -> dirs.stream().map(dir -> DynamicTest.dynamicTest(
                backend.name() + " " + dir.getFileName(), () -> assertNull(CaseCheck.check(Case.load(dir), backend)))));
    }

    /** The same cases with channels-last (NHWC / NDHWC) activations where their rank allows. */
    @TestFactory
    Stream<DynamicTest> everyCaseChannelsLastOnEveryBackend() throws IOException {
        List<Path> dirs = caseDirs();
        return backends().stream().flatMap(backend -> dirs.stream().map(dir -> DynamicTest.dynamicTest(
                backend.name() + " channels_last " + dir.getFileName(),
                () -> assertNull(CaseCheck.check(Case.load(dir), backend, MemoryFormat.CHANNELS_LAST)))));
    }
}
