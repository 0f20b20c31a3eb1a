package io.modelhub.routing;

import io.modelhub.catalog.Offering;
import io.modelhub.providers.UpstreamReply;
import java.util.List;

/**
 * The outcome of routing one request: the offering that answered, how many were tried, the parameters
 * that were dropped for it, and its answer (a stream already holds its first event).
 */
public record Routed(Offering offering, int attempts, List<String> droppedParams, UpstreamReply reply) {}
