package io.modelhub.usage;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Hands every usage record to the listeners that need it (the usage store, budgets, metrics). */
public final class Metering {
    private final List<UsageListener> listeners = new CopyOnWriteArrayList<>();

    public void add(UsageListener listener) {
        listeners.add(listener);
    }

    public void record(UsageRecord record) {
        for (UsageListener l : listeners) {
            l.onUsage(record);
        }
    }
}
