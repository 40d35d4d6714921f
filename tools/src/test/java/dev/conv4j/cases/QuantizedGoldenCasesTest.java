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
 * Every quantized case PyTorch 1.13 (engine onednn) wrote into
 * {@code src/test/resources/cases-quantized} (by {@code src/test/python/gen_quantized_fixtures.py}),
 * run through both backends and compared with the quantized tolerance; refusals must carry
 * PyTorch's message.
 */
class QuantizedGoldenCasesTest {
    static final Path CASES = Paths.get("src/test/resources/cases-quantized");

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
        assertTrue(dirs.size() >= 100, "expected at least 100 quantized cases, found " + dirs.size());
        for (String op : List.of("Conv1d", "Conv2d", "Conv3d", "ConvTranspose1d", "ConvTranspose2d", "ConvTranspose3d",
                "ConvReLU1d", "ConvReLU2d", "ConvReLU3d", "MaxPool2d", "AvgPool2d", "AdaptiveAvgPool2d")) {
            long results = dirs.stream().filter(d -> load(d).op().equals("quantized." + op))
                    .filter(d -> load(d).expectError() == null).count();
            long refusals = dirs.stream().filter(d -> load(d).op().equals("quantized." + op))
                    .filter(d -> load(d).expectError() != null).count();
            assertTrue(results >= 5 && refusals >= 3, op + " has " + results + " results and " + refusals + " refusals");
        }
    }

    private static Case load(Path dir) {
        try {
            return Case.load(dir);
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

    /** The same cases with channels-last (NHWC / NDHWC) quint8 inputs. */
    @TestFactory
    Stream<DynamicTest> everyCaseChannelsLastOnEveryBackend() throws IOException {
        List<Path> dirs = caseDirs();
        return backends().stream().flatMap(backend -> dirs.stream().map(dir -> DynamicTest.dynamicTest(
                backend.name() + " channels_last " + dir.getFileName(),
                () -> assertNull(CaseCheck.check(Case.load(dir), backend, MemoryFormat.CHANNELS_LAST)))));
    }
}
