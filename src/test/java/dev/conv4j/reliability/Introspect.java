package dev.conv4j.reliability;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;

import dev.conv4j.backend.Backend;
import dev.conv4j.backend.ConvKernel;

/**
 * What the oneDNN backend exposes about its caches and threads, found by reflection so that these
 * tests compile and run whatever the backend's internals are called: the public names first,
 * then the package-private ones of {@code dev.conv4j.onednn} ({@code cachedPlans()},
 * {@code CACHE_CAPACITY}, {@code poolPlans.size()}, {@code POOL_CACHE_CAPACITY}). Null means
 * "not exposed"; the tests then say so in their output instead of asserting.
 */
final class Introspect {
    private Introspect() {
    }

    /** {@code {cached plans, capacity}} of a prepared convolution's primitive cache, or null. */
    static long[] convCache(ConvKernel kernel) {
        Object size = call(kernel, "cacheSize", "cachedPlans");
        Object capacity = call(kernel, "cacheCapacity");
        if (capacity == null) {
            capacity = staticField(kernel.getClass(), "CACHE_CAPACITY");
        }
        return size instanceof Number && capacity instanceof Number
                ? new long[] {((Number) size).longValue(), ((Number) capacity).longValue()} : null;
    }

    /** {@code {cached plans, capacity}} of the backend's pooling primitive cache, or null. */
    static long[] poolCache(Backend backend) {
        Object size = call(backend, "poolCacheSize");
        if (size == null) {
            Object cache = field(backend, "poolPlans");
            size = cache == null ? null : call(cache, "size");
        }
        Object capacity = call(backend, "poolCacheCapacity");
        if (capacity == null) {
            capacity = staticField(backend.getClass(), "POOL_CACHE_CAPACITY");
        }
        return size instanceof Number && capacity instanceof Number
                ? new long[] {((Number) size).longValue(), ((Number) capacity).longValue()} : null;
    }

    /** The backend's thread count, or null if it has none. */
    static Integer threads(Backend backend) {
        Object v = call(backend, "threads");
        return v instanceof Integer ? (Integer) v : null;
    }

    /** Sets the backend's thread count; false if it cannot. */
    static boolean setThreads(Backend backend, int n) {
        Method m = method(backend.getClass(), "setThreads", int.class);
        if (m == null) {
            return false;
        }
        invoke(m, backend, n);
        return true;
    }

    private static Object call(Object target, String... names) {
        for (String name : names) {
            Method m = method(target.getClass(), name);
            if (m != null) {
                return invoke(m, target);
            }
        }
        return null;
    }

    private static Method method(Class<?> c, String name, Class<?>... params) {
        for (Class<?> k = c; k != null; k = k.getSuperclass()) {
            try {
                Method m = k.getDeclaredMethod(name, params);
                m.setAccessible(true);
                return m;
            } catch (NoSuchMethodException | RuntimeException e) {
                // look further up
            }
        }
        return null;
    }

    private static Object invoke(Method m, Object target, Object... args) {
        try {
            return m.invoke(target, args);
        } catch (ReflectiveOperationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            if (cause instanceof RuntimeException) {
                throw (RuntimeException) cause;
            }
            throw new IllegalStateException(cause);
        }
    }

    private static Object field(Object target, String name) {
        for (Class<?> k = target.getClass(); k != null; k = k.getSuperclass()) {
            try {
                Field f = k.getDeclaredField(name);
                f.setAccessible(true);
                return f.get(target);
            } catch (ReflectiveOperationException | RuntimeException e) {
                // look further up
            }
        }
        return null;
    }

    private static Object staticField(Class<?> c, String name) {
        try {
            Field f = c.getDeclaredField(name);
            if (!Modifier.isStatic(f.getModifiers())) {
                return null;
            }
            f.setAccessible(true);
            return f.get(null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }
}
