package io.modelhub.catalog;

import java.util.List;
import java.util.Set;

/** A model as the hub's users see it: one canonical id, served by one or more offerings. */
public record Model(
        String id,
        String name,
        String ownedBy,
        List<String> aliases,
        Integer contextLength,
        Set<Capability> capabilities,
        List<Offering> offerings,
        long created) {

    public boolean has(Capability capability) {
        return capabilities.contains(capability);
    }
}
