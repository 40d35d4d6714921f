package dev.conv4j.nn;

import java.util.function.Function;

import dev.conv4j.backend.Backend;
import dev.conv4j.backend.Backends;

/**
 * What the builders of this package's modules share: the backend to run on, and building the
 * module from the builder. {@code B} is the concrete builder, so that chained calls keep its
 * other methods.
 */
abstract class ModuleBuilder<M, B extends ModuleBuilder<M, B>> {
    private final Function<B, M> factory;
    private Backend backend;

    ModuleBuilder(Function<B, M> factory) {
        this.factory = factory;
    }

    /** The backend to run on (default: {@link Backends#getDefault()}). */
    public B backend(Backend v) {
        backend = v;
        return self();
    }

    /** Validates all arguments and builds the module. */
    public M build() {
        return factory.apply(self());
    }

    /** The backend given, or the default one. */
    Backend backendOrDefault() {
        return backend != null ? backend : Backends.getDefault();
    }

    @SuppressWarnings("unchecked") // B is this builder's own class (see the class comment)
    private B self() {
        return (B) this;
    }
}
