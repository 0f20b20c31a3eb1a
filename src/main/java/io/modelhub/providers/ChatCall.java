package io.modelhub.providers;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelhub.catalog.Offering;

/**
 * One chat completion to send to one offering. {@code body} is the client's request already rewritten
 * for this offering (upstream model name, parameters it does not take removed, usage always asked for
 * when streaming); the provider only puts it on the wire.
 */
public record ChatCall(String requestId, Offering offering, ObjectNode body, boolean stream) {}
