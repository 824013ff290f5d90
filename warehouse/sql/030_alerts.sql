-- Alerts: saved searches as the night's ingest saw them, the events they produced, and the mails (the
-- outbox). Events are written inside the night's ingest transaction (alerts.events.record_events, an ingest hook);
-- mails are composed from pending events and sent by `salvage alerts send` (alerts.delivery).
-- The filter columns of alert_searches are the keys of a [[search]] table in the saved-search file
-- (alerts/searches.py, FILTERS); a test checks that they agree.

CREATE TABLE IF NOT EXISTS alert_searches (
    name VARCHAR NOT NULL,
    recipients VARCHAR[] NOT NULL,
    immediate BOOLEAN NOT NULL,
    events VARCHAR[] NOT NULL,
    soon_days INTEGER NOT NULL,
    asset_type VARCHAR[],
    seller_type VARCHAR[],
    source VARCHAR[],
    province VARCHAR[],
    city VARCHAR[],
    round VARCHAR[],
    reserve_min DECIMAL(18,2),
    reserve_max DECIMAL(18,2),
    principal_min DECIMAL(18,2),
    principal_max DECIMAL(18,2),
    total_claim_min DECIMAL(18,2),
    total_claim_max DECIMAL(18,2),
    discount_to_appraisal_min DECIMAL(5,2),
    discount_to_claim_min DECIMAL(5,2),
    keywords VARCHAR[],
    exclude_keywords VARCHAR[],
    starts_within_days INTEGER,
    definition JSON NOT NULL,
    added_at TIMESTAMPTZ NOT NULL,
    loaded_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE IF NOT EXISTS alert_events (
    event_id BIGINT NOT NULL,
    search_name VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    source_lot_id VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    version_no INTEGER NOT NULL,
    start_at TIMESTAMPTZ,
    drop_pct DECIMAL(6,2),
    night DATE NOT NULL,
    run_id VARCHAR,
    detected_at TIMESTAMPTZ NOT NULL,
    state VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS alert_mails (
    mail_id VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    recipient VARCHAR NOT NULL,
    night DATE NOT NULL,
    search_name VARCHAR,
    seq INTEGER NOT NULL,
    events INTEGER NOT NULL,
    message_id VARCHAR NOT NULL,
    subject VARCHAR NOT NULL,
    message VARCHAR NOT NULL,
    status VARCHAR NOT NULL,
    attempts INTEGER NOT NULL,
    last_error VARCHAR,
    last_attempt_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL,
    sent_at TIMESTAMPTZ,
    sent_via VARCHAR
);

CREATE TABLE IF NOT EXISTS alert_mail_events (
    mail_id VARCHAR NOT NULL,
    event_id BIGINT NOT NULL
);

COMMENT ON TABLE alert_searches IS 'The saved searches (alert subscriptions) as the last ingest loaded them from the '
    'saved-search file, one row per search. Filters that are NULL do not restrict. The next ingest falls back to '
    'these when the file has become unreadable.';
COMMENT ON COLUMN alert_searches.name IS 'Name of the saved search, unique.';
COMMENT ON COLUMN alert_searches.recipients IS 'E-mail addresses that receive its alerts.';
COMMENT ON COLUMN alert_searches.immediate IS 'True: its events go out as their own mail right after the ingest '
    'instead of in the recipient''s nightly digest.';
COMMENT ON COLUMN alert_searches.events IS 'Event kinds it alerts on: new, price_drop, status_change, starting_soon.';
COMMENT ON COLUMN alert_searches.soon_days IS 'starting_soon fires when an upcoming lot starts within this many days.';
COMMENT ON COLUMN alert_searches.asset_type IS 'Filter: the lot''s asset_type is one of these.';
COMMENT ON COLUMN alert_searches.seller_type IS 'Filter: the lot''s seller_type is one of these.';
COMMENT ON COLUMN alert_searches.source IS 'Filter: the lot''s source is one of these.';
COMMENT ON COLUMN alert_searches.province IS 'Filter: the lot''s province starts with one of these (山西 matches 山西省).';
COMMENT ON COLUMN alert_searches.city IS 'Filter: the lot''s city starts with one of these (运城 matches 运城市).';
COMMENT ON COLUMN alert_searches.round IS 'Filter: the lot''s auction round is one of these.';
COMMENT ON COLUMN alert_searches.reserve_min IS 'Filter: reserve_price at least this many yuan.';
COMMENT ON COLUMN alert_searches.reserve_max IS 'Filter: reserve_price at most this many yuan.';
COMMENT ON COLUMN alert_searches.principal_min IS 'Filter: debt principal at least this many yuan.';
COMMENT ON COLUMN alert_searches.principal_max IS 'Filter: debt principal at most this many yuan.';
COMMENT ON COLUMN alert_searches.total_claim_min IS 'Filter: total claim at least this many yuan.';
COMMENT ON COLUMN alert_searches.total_claim_max IS 'Filter: total claim at most this many yuan.';
COMMENT ON COLUMN alert_searches.discount_to_appraisal_min IS 'Filter: reserve_price at least this many percent '
    'below appraisal_price.';
COMMENT ON COLUMN alert_searches.discount_to_claim_min IS 'Filter: reserve_price at least this many percent below '
    'total_claim.';
COMMENT ON COLUMN alert_searches.keywords IS 'Filter: the title or the debtor contains one of these texts.';
COMMENT ON COLUMN alert_searches.exclude_keywords IS 'Filter: neither the title nor the debtor contains any of these.';
COMMENT ON COLUMN alert_searches.starts_within_days IS 'Filter: the auction starts within this many days of the '
    'night (or of now, for salvage alerts test).';
COMMENT ON COLUMN alert_searches.definition IS 'The search as written in the file, as JSON.';
COMMENT ON COLUMN alert_searches.added_at IS 'When an ingest first loaded a search of this name.';
COMMENT ON COLUMN alert_searches.loaded_at IS 'When an ingest last loaded this definition from the file.';

COMMENT ON TABLE alert_events IS 'One row per alert event: a saved search matched a lot that is new, dropped its '
    'price, changed status or starts soon. Written in the same transaction as the night that produced it; at most '
    'one per (search_name, source, source_lot_id, kind, version_no), however often a night is re-run. The lot as it '
    'was is its version in lot_history (source, source_lot_id, version_no).';
COMMENT ON COLUMN alert_events.event_id IS 'Event number, increasing in the order events were recorded.';
COMMENT ON COLUMN alert_events.search_name IS 'The saved search that matched.';
COMMENT ON COLUMN alert_events.source IS 'Source of the lot.';
COMMENT ON COLUMN alert_events.source_lot_id IS 'The site''s lot id; with source, the lot.';
COMMENT ON COLUMN alert_events.kind IS 'new (first listed), price_drop (reserve or current price lower than in the '
    'previous version), status_change (now withdrawn, suspended, sold or unsold), starting_soon (an upcoming auction '
    'starts within the search''s soon_days).';
COMMENT ON COLUMN alert_events.version_no IS 'The lot version (lot_history.version_no) the event is about: the one '
    'that is new, cheaper or in its new status, or the current one of a lot starting soon.';
COMMENT ON COLUMN alert_events.start_at IS 'Auction start of that version; a reminder (starting_soon) is given once '
    'per search, lot and start time.';
COMMENT ON COLUMN alert_events.drop_pct IS 'price_drop: how many percent lower than the previous version (the reserve '
    'price''s drop, or the current price''s when the reserve did not drop).';
COMMENT ON COLUMN alert_events.night IS 'The night (Asia/Shanghai date of the crawls) that produced the event; '
    'mails are grouped by it.';
COMMENT ON COLUMN alert_events.run_id IS 'The crawl run that wrote the lot version the event is about.';
COMMENT ON COLUMN alert_events.detected_at IS 'When the event was recorded (wall clock of the ingest).';
COMMENT ON COLUMN alert_events.state IS 'pending (not in a mail yet), mailed (in alert_mail_events), dropped (its '
    'search was removed before a mail was composed).';

COMMENT ON TABLE alert_mails IS 'The outbox: one row per alert mail, composed from pending events and stored as sent '
    '(so a resend is the same mail, same Message-ID). status pending until the SMTP server accepted it (or the .eml '
    'file was written), then sent.';
COMMENT ON COLUMN alert_mails.mail_id IS 'Stable id of the mail: night, kind, recipient hash, sequence number.';
COMMENT ON COLUMN alert_mails.kind IS 'digest (one per recipient per night) or immediate (one per immediate search, '
    'recipient and night).';
COMMENT ON COLUMN alert_mails.recipient IS 'The one recipient of the mail.';
COMMENT ON COLUMN alert_mails.night IS 'The night whose events the mail carries.';
COMMENT ON COLUMN alert_mails.search_name IS 'immediate mails: the saved search; NULL for digests.';
COMMENT ON COLUMN alert_mails.seq IS '1, or 2, 3... when events of the same night arrived after an earlier mail for '
    'the same recipient and night was composed.';
COMMENT ON COLUMN alert_mails.events IS 'Number of events in the mail.';
COMMENT ON COLUMN alert_mails.message_id IS 'The Message-ID header, the same on every attempt.';
COMMENT ON COLUMN alert_mails.subject IS 'The subject line.';
COMMENT ON COLUMN alert_mails.message IS 'The whole message (RFC 5322, ASCII) exactly as it is sent.';
COMMENT ON COLUMN alert_mails.status IS 'pending (not yet accepted by the server) or sent.';
COMMENT ON COLUMN alert_mails.attempts IS 'Delivery attempts so far.';
COMMENT ON COLUMN alert_mails.last_error IS 'Why the last attempt failed (server down, refused...); NULL once sent.';
COMMENT ON COLUMN alert_mails.last_attempt_at IS 'When delivery was last attempted.';
COMMENT ON COLUMN alert_mails.created_at IS 'When the mail was composed.';
COMMENT ON COLUMN alert_mails.sent_at IS 'When the server accepted it (or the .eml file was written).';
COMMENT ON COLUMN alert_mails.sent_via IS 'smtp://host:port, or the .eml file written.';

COMMENT ON TABLE alert_mail_events IS 'Which events each alert mail carries (an event of a search with two '
    'recipients is in two mails).';
COMMENT ON COLUMN alert_mail_events.mail_id IS 'The mail (alert_mails.mail_id).';
COMMENT ON COLUMN alert_mail_events.event_id IS 'The event (alert_events.event_id).';
