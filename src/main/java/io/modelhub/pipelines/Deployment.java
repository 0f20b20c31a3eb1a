package io.modelhub.pipelines;

/** A deployment: one pinned version of a pipeline, callable at its own endpoint while {@code active}. */
public record Deployment(String id, String pipelineId, int version, String status, long createdAt, Long retiredAt) {
    public static final String ACTIVE = "active";
    public static final String RETIRED = "retired";

    public boolean active() {
        return ACTIVE.equals(status);
    }
}
