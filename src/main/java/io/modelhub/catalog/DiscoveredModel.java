package io.modelhub.catalog;

/** One model as a provider's own {@code GET /models} listed it: its upstream id, owner and creation time (null when not given). */
public record DiscoveredModel(String id, String ownedBy, Long created) {}
