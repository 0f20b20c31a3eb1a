-- A key may opt all its chat completions into the response cache ("cache": true on the key).
ALTER TABLE api_keys ADD COLUMN response_cache INTEGER NOT NULL DEFAULT 0;
