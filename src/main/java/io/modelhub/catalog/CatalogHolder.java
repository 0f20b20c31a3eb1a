package io.modelhub.catalog;

import java.util.concurrent.atomic.AtomicReference;

/** The catalog currently in force. Readers take one snapshot per request; a reload swaps it atomically. */
public final class CatalogHolder {
    private final AtomicReference<Catalog> current;

    public CatalogHolder(Catalog initial) {
        this.current = new AtomicReference<>(initial);
    }

    public Catalog get() {
        return current.get();
    }

    public void set(Catalog next) {
        current.set(next);
    }
}
