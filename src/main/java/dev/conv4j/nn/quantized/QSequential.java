package dev.conv4j.nn.quantized;

import java.util.List;

import dev.conv4j.quantized.QTensor;

/**
 * Quantized modules run in order, as {@code torch.nn.Sequential} of quantized modules: each
 * layer's {@code quint8} output (with its scale and zero point) is the next one's input, so the
 * activations stay int8 from the first layer to the last; intermediates are closed as soon as
 * the next layer has consumed them. Closing the sequential closes its modules.
 */
public final class QSequential implements QModule {
    private final List<QModule> modules;

    public QSequential(QModule... modules) {
        if (modules.length == 0) {
            throw new IllegalArgumentException("a QSequential needs at least one module");
        }
        this.modules = List.of(modules);
    }

    public List<QModule> modules() {
        return modules;
    }

    @Override
    public QTensor forward(QTensor input) {
        QTensor x = input;
        for (QModule m : modules) {
            QTensor y;
            try {
                y = m.forward(x);
            } finally {
                if (x != input) {
                    x.close();
                }
            }
            x = y;
        }
        return x; // a new tensor: every module returns one
    }

    @Override
    public void close() {
        for (QModule m : modules) {
            m.close();
        }
    }

    @Override
    public String toString() {
        return "QSequential" + modules;
    }
}
