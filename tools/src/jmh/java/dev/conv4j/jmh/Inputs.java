package dev.conv4j.jmh;

import dev.conv4j.Tensor;
import dev.conv4j.bench.BenchRunner;

/** Benchmark inputs: seeded uniform values in [-1, 1). */
final class Inputs {
    private Inputs() {
    }

    static Tensor random(long... shape) {
        return BenchRunner.randomInput(shape, BenchRunner.SEED);
    }
}
