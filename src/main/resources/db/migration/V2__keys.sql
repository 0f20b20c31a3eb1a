-- API keys (see io.modelhub.auth.KeyRecord). Only a SHA-256 hash of the secret is kept. Times are
-- epoch milliseconds; scopes and allowed_models are comma-separated (null allowed_models = every model).
CREATE TABLE api_keys (
    id              VARCHAR(64) PRIMARY KEY,
    name            VARCHAR(200) NOT NULL,
    secret_hash     VARCHAR(64) NOT NULL,
    scopes          VARCHAR(100) NOT NULL,
    expires_at      BIGINT,
    allowed_models  TEXT,
    rpm             INTEGER,
    tpm             INTEGER,
    budget_usd      DOUBLE PRECISION,
    spent_usd       DOUBLE PRECISION NOT NULL DEFAULT 0,
    created_at      BIGINT NOT NULL,
    last_used_at    BIGINT,
    revoked_at      BIGINT
);
