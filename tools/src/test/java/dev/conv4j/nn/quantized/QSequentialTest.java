package dev.conv4j.nn.quantized;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.conv4j.Tensor;
import dev.conv4j.backend.Backend;
import dev.conv4j.backend.Backends;
import dev.conv4j.cases.Tolerance;
import dev.conv4j.quantized.QTensor;

/**
 * A chain of quantized modules against PyTorch 1.13's {@code nn.Sequential} of the same modules
 * (fixture {@code src/test/resources/quantized-chain}, written by gen_quantized_fixtures.py):
 * ConvReLU2d, MaxPool2d, Conv2d, AvgPool2d, AdaptiveAvgPool2d with int8 between the layers.
 */
class QSequentialTest {
    static final Path DIR = Paths.get("src/test/resources/quantized-chain");

    @ParameterizedTest
    @ValueSource(strings = {"reference", "onednn"})
    void chainMatchesPyTorch(String backendName) throws IOException {
        Backend backend = Backends.byName(backendName);
        JsonNode doc = new ObjectMapper().readTree(DIR.resolve("chain.json").toFile());
        try (Tensor x = Tensor.readNpy(DIR.resolve("input.npy"));
                Tensor w1 = Tensor.readNpy(DIR.resolve("weight1.npy"));
                Tensor s1 = Tensor.readNpy(DIR.resolve("weight1_scales.npy"));
                Tensor b1 = Tensor.readNpy(DIR.resolve("bias1.npy"));
                Tensor w2 = Tensor.readNpy(DIR.resolve("weight2.npy"));
                Tensor b2 = Tensor.readNpy(DIR.resolve("bias2.npy"));
                Tensor expected = Tensor.readNpy(DIR.resolve("expected_output.npy"));
                QTensor qx = QTensor.fromIntRepr(x, doc.get("input").get("scale").doubleValue(),
                        doc.get("input").get("zero_point").longValue());
                QTensor qw1 = QTensor.fromIntRepr(w1, s1.toDoubleArray(), new long[8], 0);
                QTensor qw2 = QTensor.fromIntRepr(w2, doc.get("weight2_scale").doubleValue(), 0);
                QSequential chain = new QSequential(
                        ConvReLU2d.builder(4, 8, 3).padding(1).weight(qw1).bias(b1).scale(0.03).zeroPoint(0)
                                .backend(backend).build(),
                        MaxPool2d.builder(2).backend(backend).build(),
                        Conv2d.builder(8, 6, 3).weight(qw2).bias(b2).scale(0.02).zeroPoint(128).backend(backend).build(),
                        AvgPool2d.builder(2).backend(backend).build(),
                        AdaptiveAvgPool2d.builder(1).backend(backend).build());
                QTensor y = chain.forward(qx)) {
            assertEquals(doc.get("output").get("scale").doubleValue(), y.scale());
            assertEquals(doc.get("output").get("zero_point").longValue(), y.zeroPoint());
            assertArrayEquals(expected.shape(), y.shape());
            assertNull(Tolerance.compareQuantized("chain on " + backendName, y.ints(), expected, false));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"reference", "onednn"})
    void closingTheChainClosesItsModules(String backendName) {
        Backend backend = Backends.byName(backendName);
        Conv2d conv = Conv2d.builder(2, 2, 1).backend(backend).build();
        QSequential chain = new QSequential(conv, MaxPool2d.builder(1).backend(backend).build());
        chain.close();
        chain.close(); // harmless
        try (Tensor zeros = Tensor.zeros(dev.conv4j.DType.UINT8, 1, 2, 3, 3);
                QTensor x = QTensor.fromIntRepr(zeros, 0.1, 0)) {
            assertThrows(IllegalStateException.class, () -> chain.forward(x));
            assertThrows(IllegalStateException.class, () -> conv.forward(x));
        }
    }
}
