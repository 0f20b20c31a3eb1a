-- Users and portal sessions (see io.modelhub.users). Times are epoch milliseconds.
-- email_key is the lower-cased email: emails are unique regardless of case.
CREATE TABLE users (
    id              VARCHAR(64) PRIMARY KEY,
    email           VARCHAR(320) NOT NULL,
    email_key       VARCHAR(320) NOT NULL UNIQUE,
    name            VARCHAR(200) NOT NULL,
    role            VARCHAR(16) NOT NULL,
    password_hash   TEXT,
    disabled        INTEGER NOT NULL DEFAULT 0,
    created_at      BIGINT NOT NULL,
    last_login_at   BIGINT,
    oidc_subject    VARCHAR(400) UNIQUE
);
-- A session is kept only as the SHA-256 of its id, so a copy of the table signs nobody in.
CREATE TABLE sessions (
    id_hash         VARCHAR(64) PRIMARY KEY,
    user_id         VARCHAR(64) NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token      VARCHAR(64) NOT NULL,
    created_at      BIGINT NOT NULL,
    last_seen_at    BIGINT NOT NULL,
    expires_at      BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
-- The user a key belongs to; null for the bootstrap key and keys made before users existed.
ALTER TABLE api_keys ADD COLUMN owner VARCHAR(64);
CREATE INDEX api_keys_owner ON api_keys (owner);
-- The user a call was made for (the key's owner, or the signed-in user).
ALTER TABLE usage_records ADD COLUMN user_id VARCHAR(64);
CREATE INDEX usage_records_user_ts ON usage_records (user_id, ts);
