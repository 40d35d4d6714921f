package dev.conv4j.spec;

/** The reduction a pooling window applies. */
public enum PoolKind {
    /** Maximum; the first maximum wins ties and NaN propagates. */
    MAX,
    /** Average, with PyTorch's divisor rules. */
    AVG,
    /** Power average: {@code (sum x^p)^(1/p)}, computed as PyTorch does. */
    LP
}
