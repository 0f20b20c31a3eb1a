package io.modelhub.catalog;

/** A provider's health as the hub has measured it. */
public enum ProviderStatus {
    HEALTHY("healthy"), DEGRADED("degraded"), DOWN("down");

    private final String wireName;

    ProviderStatus(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** The worse of the two. */
    public ProviderStatus worst(ProviderStatus other) {
        return other.ordinal() > ordinal() ? other : this;
    }
}
