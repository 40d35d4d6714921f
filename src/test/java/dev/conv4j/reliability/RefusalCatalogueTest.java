package dev.conv4j.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import dev.conv4j.Tensor;
import dev.conv4j.backend.Backend;

/**
 * Every refusal of the shape rules, kept as data in {@code src/test/resources/reliability/refusals.txt}
 * (one readable row per call), run on every backend: each must throw the row's exception type
 * with the row's exact message, and free the native memory it allocated. Rows marked
 * {@code torch} carry PyTorch 1.13's own message, checked against the real PyTorch by
 * {@code verify_refusals.py} (not part of the build).
 */
class RefusalCatalogueTest {
    static final String FILE = "refusals.txt";
    /** The kinds of refusal the catalogue must cover, as its section titles start. */
    static final List<String> REQUIRED_SECTIONS = List.of("wrong rank", "channel mismatch",
            "groups not dividing channels", "kernel larger than padded input", "pad over half the kernel",
            "output too small", "bad output_padding", "bad output_size", "bad padding string",
            "negative or zero sizes and strides", "reflect pad too large", "circular pad too large",
            "MaxUnpool indices out of range", "adaptive output_size invalid", "zero-size non-batch dimensions",
            "element-count overflow", "dtype errors");

    static List<Catalogue.Row> rows() throws IOException {
        return Catalogue.read(FILE, 6);
    }

    @TestFactory
    Stream<DynamicContainer> everyRefusalOnEveryBackend() throws IOException {
        List<Catalogue.Row> rows = rows();
        System.out.println("[refusals] " + rows.size() + " rows x " + Backs.NAMES.size() + " backends = "
                + rows.size() * Backs.NAMES.size() + " checks");
        return Backs.NAMES.stream().map(name -> DynamicContainer.dynamicContainer(name, rows.stream()
                .map(row -> DynamicTest.dynamicTest(row.where() + " " + row.section + ": " + row.call,
                        () -> check(row, Backs.get(name))))));
    }

    static void check(Catalogue.Row row, Backend backend) {
        String type = row.rest.get(0);
        String source = row.rest.get(1);
        String message = row.rest.get(2);
        // native memory in use: JavaCPP's total less the blocks closed tensors keep for reuse
        long before = Pointer.totalBytes() - Tensor.cachedNativeBytes();
        Outcome o = row.call.run(backend);
        long after = Pointer.totalBytes() - Tensor.cachedNativeBytes();
        String context = row.where() + " on " + backend.name() + ": " + row.call + "\n  expected " + type + ": "
                + message + (source.equals("torch") ? "  (PyTorch 1.13's message)" : "  (conv4j's own message)");
        if (o.ok()) {
            fail(context + "\n  but the call was accepted: " + o);
        }
        if (!o.error.getClass().getSimpleName().equals(type)) {
            AssertionError e = new AssertionError(context + "\n  but got " + o);
            e.initCause(o.error);
            throw e;
        }
        assertEquals(message, o.error.getMessage(), context);
        assertTrue(after <= before, context + "\n  the refused call left " + (after - before)
                + " bytes of native memory allocated");
    }

    @Test
    void theCatalogueCoversEveryKindOfRefusalAndEveryOperator() throws IOException {
        List<Catalogue.Row> rows = rows();
        Set<String> sections = new LinkedHashSet<>();
        Set<String> ops = new LinkedHashSet<>();
        int torch = 0;
        for (Catalogue.Row r : rows) {
            sections.add(r.section);
            ops.add(r.call.op);
            assertTrue(Set.of("torch", "conv4j").contains(r.rest.get(1)), r.where() + ": source must be torch or conv4j");
            assertTrue(Set.of("IllegalArgumentException", "IllegalStateException").contains(r.rest.get(0)),
                    r.where() + ": unexpected exception type " + r.rest.get(0));
            assertNotNull(r.rest.get(2));
            torch += r.rest.get(1).equals("torch") ? 1 : 0;
        }
        List<String> missing = new ArrayList<>();
        for (String required : REQUIRED_SECTIONS) {
            if (sections.stream().noneMatch(s -> s.startsWith(required))) {
                missing.add(required);
            }
        }
        assertTrue(missing.isEmpty(), "no catalogue section for " + missing);
        List<String> missingOps = new ArrayList<>(Layer.OPS);
        missingOps.removeAll(ops);
        assertTrue(missingOps.isEmpty(), "no refusal row for " + missingOps);
        System.out.println("[refusals] " + rows.size() + " rows (" + torch + " with PyTorch's message, "
                + (rows.size() - torch) + " with conv4j's own) in " + sections.size() + " sections, "
                + ops.size() + " ops");
    }
}
