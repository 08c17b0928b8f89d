-- The transactional outbox: a write that changes the book (a driver registered, trips closed, a score or a premium
-- stored, a model promoted) leaves its domain events here in the same transaction, when the adapter is asked to
-- (TelematicsPostgresOptions.WriteDomainEvents). A relay hands them on in seq order and deletes them once they are
-- accepted, so the table holds only what is still to be relayed.
SET LOCAL lock_timeout = '5s';

CREATE TABLE domain_event_outbox (
    seq          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id     text        NOT NULL,
    event_type   text        NOT NULL,
    subject      text        NOT NULL,
    occurred_at  timestamptz NOT NULL,
    data         jsonb       NOT NULL,
    CONSTRAINT domain_event_outbox_event_id_key UNIQUE (event_id),
    CONSTRAINT domain_event_outbox_event_type_check CHECK (event_type IN
        ('DriverRegistered', 'TripCompleted', 'RiskScoreCalculated', 'PremiumUpdated', 'SafetyAlert', 'ModelPromoted'))
);

-- A driver's erasure removes the events still waiting about them.
CREATE INDEX domain_event_outbox_subject_idx ON domain_event_outbox (subject);

COMMENT ON TABLE domain_event_outbox IS
    'Domain events written with the change that caused them and not yet relayed; the relay deletes what it handed on.';
COMMENT ON COLUMN domain_event_outbox.event_id IS 'Stable id derived from what changed (e.g. score-42): the CloudEvent id consumers dedupe by.';
COMMENT ON COLUMN domain_event_outbox.subject IS 'What the event is about: a driver id, or a model name for ModelPromoted.';
COMMENT ON COLUMN domain_event_outbox.data IS 'The event data in the schema of docs/events.md.';
