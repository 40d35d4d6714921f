package dev.conv4j.reference;

/**
 * The elementwise float operations of PyTorch 1.13 (CPU) that LP pooling and ReLU are made of, with their
 * special cases, so that NaN, zero and infinity come out as in PyTorch.
 */
final class TorchMath {
    private TorchMath() {
    }

    /**
     * C99 {@code pow}. Java's {@link Math#pow} differs in two cases: {@code pow(1, y)} is 1 for
     * every y (even NaN) and {@code pow(-1, ±inf)} is 1, where Java gives NaN.
     */
    static double cPow(double base, double exponent) {
        if (base == 1.0) {
            return 1.0;
        }
        if (base == -1.0 && Double.isInfinite(exponent)) {
            return 1.0;
        }
        return Math.pow(base, exponent);
    }

    /**
     * {@code tensor.pow(exponent)} for a float32 tensor and a scalar exponent: 0 fills ones, 1
     * copies, 0.5 is sqrt, -0.5 rsqrt, -1 reciprocal, 2/3/-2 are products in float; otherwise
     * {@code powf} with the exponent cast to float.
     */
    static float pow(float base, double exponent) {
        if (exponent == 0.0) {
            return 1f;
        }
        if (exponent == 1.0) {
            return base;
        }
        if (exponent == 0.5) {
            return (float) Math.sqrt(base);
        }
        if (exponent == -0.5) {
            return 1f / (float) Math.sqrt(base);
        }
        if (exponent == -1.0) {
            return 1f / base;
        }
        if (exponent == 2.0) {
            return base * base;
        }
        if (exponent == 3.0) {
            return base * base * base;
        }
        if (exponent == -2.0) {
            return 1f / (base * base);
        }
        return (float) cPow(base, (float) exponent);
    }

    /** {@code torch.sign}: {@code (0 < x) - (x < 0)}, so 0 for zero and for NaN. */
    static float sign(float x) {
        return x > 0 ? 1f : x < 0 ? -1f : 0f;
    }

    /** {@code torch.relu} ({@code clamp_min(x, 0)}), which propagates NaN. */
    static float relu(float x) {
        return Float.isNaN(x) ? x : Math.max(x, 0f);
    }

    /**
     * {@code torch.relu} in place: {@code clamp_min(x, 0)}, which keeps NaN and {@code -0.0} (only
     * values below zero become {@code +0.0}).
     */
    static void relu(float[] x) {
        for (int i = 0; i < x.length; i++) {
            if (x[i] < 0) {
                x[i] = 0f;
            }
        }
    }
}
