package io.fedlead.client.serving;

import java.io.IOException;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The model being served, swapped whole on reload: requests read {@link #current()} once and keep that model to
 * the end, so a reload never mixes two models in one answer. A reload that fails leaves the current model.
 */
public final class ModelHolder {
    private final ModelLoader loader;
    private final AtomicReference<ServingModel> current;

    /** Loads the first model; fails (naming the file) if it cannot be served. */
    public ModelHolder(ModelLoader loader) throws IOException {
        this.loader = Objects.requireNonNull(loader, "loader");
        this.current = new AtomicReference<>(loader.load());
    }

    public ServingModel current() {
        return current.get();
    }

    /** The model before and after a reload. */
    public record Reload(ServingModel before, ServingModel after) {
    }

    /** Loads the model file again (and the reference, if any) and serves it from the next request on. */
    public synchronized Reload reload() throws IOException {
        ServingModel before = current.get();
        ServingModel after = loader.load();
        current.set(after);
        return new Reload(before, after);
    }

    public ModelLoader loader() {
        return loader;
    }
}
