package io.modelhub.providers;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelhub.catalog.Offering;

/**
 * One embeddings request to send to one offering: {@code body} is the client's OpenAI embeddings
 * request already rewritten for this offering (upstream model name, hub-only fields removed).
 */
public record EmbeddingCall(String requestId, Offering offering, ObjectNode body) {}
