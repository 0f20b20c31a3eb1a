package io.modelhub.pipelines;

/**
 * One stored version of a pipeline, with what the pipeline row says about it: the definition as JSON
 * text, when the pipeline and this version were made, and when a test of this version last passed (or null).
 */
public record PipelineVersion(
        String pipelineId, int version, int latestVersion, String definition,
        long pipelineCreatedAt, long versionCreatedAt, Long testPassedAt) {}
