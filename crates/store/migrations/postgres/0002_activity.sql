-- Each subject's activity rhythm and inferred working zone per run (report.json
-- subjects[].activity), as JSON; NULL when the subject had no timestamped activity.
ALTER TABLE subject_scores ADD COLUMN activity TEXT;
