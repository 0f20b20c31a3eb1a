package io.modelhub.providers;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelhub.usage.TokenUsage;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A stream translated from another wire protocol into the hub's chunks: a subclass reads one upstream
 * event at a time in {@link #pull} and {@link #emit}s zero or more chunks for it. Usage and finish
 * reason are recorded as they are translated; the last chunk carries only the usage.
 */
public abstract class TranslatedStream implements EventStream {
    protected final ChatShape shape;
    private final Deque<byte[]> pending = new ArrayDeque<>();
    private final Deque<Boolean> pendingUsageOnly = new ArrayDeque<>();
    private TokenUsage usage;
    private String finishReason;
    private boolean usageOnly;
    private boolean ended;
    private boolean roleSent;

    protected TranslatedStream(ChatShape shape) {
        this.shape = shape;
    }

    /** Reads one upstream event and emits what it translates to; false once the upstream stream has ended. */
    protected abstract boolean pull() throws UpstreamException;

    /** Stops reading the upstream (cancels it when it has not ended). */
    protected abstract void closeUpstream();

    /** A chunk to fill for this stream; the very first one carries the assistant role, as OpenAI's do. */
    protected final ObjectNode started(String id, String model, long created) {
        ObjectNode c = shape.chunk(id, model, created, null);
        if (!roleSent) {
            roleSent = true;
            ChatShape.delta(c).put("role", "assistant");
        }
        return c;
    }

    protected final void emit(ObjectNode chunk) throws UpstreamException {
        pending.add(shape.bytes(chunk));
        pendingUsageOnly.add(false);
    }

    /** Emits the final usage-only chunk and records the usage. */
    protected final void emitUsage(ObjectNode usageChunk, TokenUsage u) throws UpstreamException {
        this.usage = u;
        pending.add(shape.bytes(usageChunk));
        pendingUsageOnly.add(true);
    }

    protected final void finish(String reason) {
        if (finishReason == null) {
            finishReason = reason;
        }
    }

    @Override
    public final byte[] next() throws UpstreamException {
        while (pending.isEmpty()) {
            if (ended) {
                usageOnly = false;
                return null;
            }
            boolean more;
            try {
                more = pull();
            } catch (UpstreamException | RuntimeException e) {
                ended = true;
                closeUpstream();
                throw e;
            }
            if (!more) {
                ended = true;
                closeUpstream();
            }
        }
        usageOnly = pendingUsageOnly.poll();
        return pending.poll();
    }

    @Override
    public final TokenUsage usage() {
        return usage;
    }

    @Override
    public final String finishReason() {
        return finishReason;
    }

    @Override
    public final boolean usageOnly() {
        return usageOnly;
    }

    @Override
    public final void close() {
        ended = true;
        pending.clear();
        closeUpstream();
    }
}
