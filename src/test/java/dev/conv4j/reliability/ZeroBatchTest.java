package dev.conv4j.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import dev.conv4j.backend.Backend;
import dev.conv4j.spec.Tuples;

/**
 * A batch of zero (and the other empty outputs PyTorch accepts) gives an empty output of PyTorch's
 * shape on every backend, for every operator family: rows in
 * {@code src/test/resources/reliability/zero_batch.txt}.
 */
class ZeroBatchTest {
    static List<Catalogue.Row> rows() throws IOException {
        return Catalogue.read("zero_batch.txt", 4);
    }

    @TestFactory
    Stream<DynamicContainer> emptyOutputsOfTheRightShapeOnEveryBackend() throws IOException {
        List<Catalogue.Row> rows = rows();
        return Backs.NAMES.stream().map(name -> DynamicContainer.dynamicContainer(name, rows.stream()
                .map(row -> DynamicTest.dynamicTest(row.where() + " " + row.call, () -> check(row, Backs.get(name))))));
    }

    private static void check(Catalogue.Row row, Backend backend) {
        List<?> expected = (List<?>) Literals.value(row.rest.get(0));
        Outcome o = row.call.run(backend);
        String context = row.where() + " on " + backend.name() + ": " + row.call + " (PyTorch gives " + expected + ")";
        if (!o.ok()) {
            AssertionError e = new AssertionError(context + "\n  but got " + o);
            e.initCause(o.error);
            throw e;
        }
        assertEquals(expected.size(), o.shapes.size(), context + ": number of outputs");
        for (int k = 0; k < expected.size(); k++) {
            List<?> dims = (List<?>) expected.get(k);
            long[] shape = dims.stream().mapToLong(d -> (Long) d).toArray();
            assertEquals(Tuples.list(shape), Tuples.list(o.shapes.get(k)), context + ": shape of output " + k);
            int n = o.floats.get(k) != null ? o.floats.get(k).length : o.longs.get(k).length;
            if (n != 0) {
                fail(context + ": output " + k + " should be empty, has " + n + " elements");
            }
        }
    }

    @Test
    void everyOperatorHasABatchOfZero() throws IOException {
        Set<String> ops = new LinkedHashSet<>();
        for (Catalogue.Row r : rows()) {
            TensorSpec in = r.call.input();
            if (in.shape.length == Layer.dims(r.call.op) + 2 && in.shape[0] == 0) {
                ops.add(r.call.op);
            }
        }
        List<String> missing = new ArrayList<>(Layer.OPS);
        missing.removeAll(ops);
        assertTrue(missing.isEmpty(), "no batch-of-zero row for " + missing);
    }
}
