-- Hub-wide values that must survive restarts and be shared by every node (e.g. the token signing key).
CREATE TABLE hub_settings (
    name  VARCHAR(100) PRIMARY KEY,
    value TEXT NOT NULL
);
