package dev.conv4j.examples.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.util.LongAccumulator;

import dev.conv4j.nn.Sequential;
import dev.conv4j.onednn.OneDnnBackend;

/**
 * One module per executor JVM: built lazily by the first task that needs it, from the broadcast
 * weight files, then shared by every task of that JVM (conv4j modules are safe to call from many
 * threads at once) and closed by a shutdown hook when the executor exits. Keyed by the broadcast
 * id, so a job that broadcasts new weights gets a new module.
 */
final class ExecutorModels {
    private static final Map<Long, Sequential> MODULES = new ConcurrentHashMap<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(ExecutorModels::closeAll, "conv4j-close-modules"));
    }

    private ExecutorModels() {
    }

    /**
     * The module of this JVM for {@code weights}, built on first use with {@code threads} threads
     * per call (the cores of one task). {@code built} counts the builds, across executors.
     */
    static Sequential get(Broadcast<? extends Map<String, byte[]>> weights, int threads, LongAccumulator built) {
        return MODULES.computeIfAbsent(weights.id(), id -> {
            // process-wide in conv4j: every task of an executor has the same spark.task.cpus
            OneDnnBackend.instance().setThreads(threads);
            try {
                Sequential net = TutorialCnn.build(weights.value());
                built.add(1);
                return net;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot build the network from broadcast " + id, e);
            }
        });
    }

    /**
     * Closes every module. A call still running finishes first: conv4j frees a module's native
     * memory when its last call has left.
     */
    static void closeAll() {
        MODULES.values().forEach(Sequential::close);
        MODULES.clear();
    }
}
