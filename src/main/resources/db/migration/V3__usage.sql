-- One row per inference call (see io.modelhub.usage.UsageRecord). Times are epoch milliseconds.
CREATE TABLE usage_records (
    id                VARCHAR(64) PRIMARY KEY,
    ts                BIGINT NOT NULL,
    key_id            VARCHAR(64),
    model             VARCHAR(200) NOT NULL,
    provider          VARCHAR(64),
    pipeline_id       VARCHAR(64),
    deployment_id     VARCHAR(64),
    pipeline_version  INTEGER,
    test_call         INTEGER NOT NULL DEFAULT 0,
    prompt_tokens     BIGINT NOT NULL DEFAULT 0,
    completion_tokens BIGINT NOT NULL DEFAULT 0,
    cost_usd          DOUBLE PRECISION NOT NULL DEFAULT 0,
    latency_ms        BIGINT NOT NULL DEFAULT 0,
    ttft_ms           BIGINT,
    status            INTEGER NOT NULL,
    error_type        VARCHAR(64),
    request_id        VARCHAR(128)
);
CREATE INDEX usage_records_ts ON usage_records (ts);
CREATE INDEX usage_records_key_ts ON usage_records (key_id, ts);
CREATE INDEX usage_records_pipeline_ts ON usage_records (pipeline_id, ts);
