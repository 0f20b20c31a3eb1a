package io.modelhub.catalog;

/** What a model (or one offering of it) can do, as the API names it. */
public enum Capability {
    STREAMING("streaming"), TOOLS("tools"), VISION("vision"), JSON_MODE("json_mode"), EMBEDDINGS("embeddings");

    private final String wireName;

    Capability(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** The capability with this API name, or null. */
    public static Capability fromWire(String name) {
        for (Capability c : values()) {
            if (c.wireName.equals(name)) {
                return c;
            }
        }
        return null;
    }
}
