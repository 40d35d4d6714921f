package dev.conv4j.onednn;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A bounded LRU cache of native plans (primitives with what they own), safe for many threads.
 * A plan handed out by {@link #acquire} is never freed under its user: eviction and
 * {@link #close()} only retire it, and the last {@link #release} frees it.
 */
final class PlanCache<P extends PlanCache.Plan> implements AutoCloseable {
    /** A native resource with a reference count, freed once retired and unused. */
    abstract static class Plan {
        int users;
        boolean retired;

        /** Frees the native resources; called once. */
        protected abstract void free();
    }

    private final int capacity;
    private final Map<Object, P> entries = new LinkedHashMap<>(16, 0.75f, true);
    private boolean closed;

    PlanCache(int capacity) {
        this.capacity = capacity;
    }

    /**
     * The plan for {@code key} (any value with equals and hashCode), created by {@code factory} if absent, with its use count
     * incremented; pair with {@link #release}. Creation happens under the cache's lock.
     */
    synchronized P acquire(Object key, Function<Object, P> factory) {
        if (closed) {
            throw new IllegalStateException("the prepared kernel is closed");
        }
        P plan = entries.get(key);
        if (plan == null) {
            plan = factory.apply(key);
            entries.put(key, plan);
            evictOverCapacity();
        }
        plan.users++;
        return plan;
    }

    synchronized void release(P plan) {
        plan.users--;
        if (plan.retired && plan.users == 0) {
            plan.free();
        }
    }

    synchronized int size() {
        return entries.size();
    }

    private void evictOverCapacity() {
        Iterator<P> it = entries.values().iterator();
        while (entries.size() > capacity && it.hasNext()) {
            P oldest = it.next();
            it.remove();
            retire(oldest);
        }
    }

    private void retire(P plan) {
        plan.retired = true;
        if (plan.users == 0) {
            plan.free();
        }
    }

    /** Retires every plan; the cache refuses new ones. Closing twice is harmless. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<P> all = new ArrayList<>(entries.values());
        entries.clear();
        for (P plan : all) {
            retire(plan);
        }
    }

    synchronized boolean isClosed() {
        return closed;
    }
}
