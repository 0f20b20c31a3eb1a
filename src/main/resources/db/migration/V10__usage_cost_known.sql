-- Whether a usage record's cost_usd is known: 0 for a call to an offering whose price is not known, whose
-- cost_usd is then stored as 0 but reported as null (never a silent 0). Records before this were all priced.
ALTER TABLE usage_records ADD COLUMN cost_known INTEGER NOT NULL DEFAULT 1;
