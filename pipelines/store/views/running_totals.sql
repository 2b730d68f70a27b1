-- One row per running total an article reports ("at least 83 people killed since September",
-- "hundreds killed in recent years"): the figure, the period it covers and the date it runs
-- to, who gives it and in which outlet, so an analyst can see how a tally grew. These figures
-- are kept out of casualties_by_day.
CREATE OR REPLACE VIEW running_totals AS
SELECT
    q.as_of_date,
    q.kind,
    q.value,
    q.qualifier,
    q.unit,
    q.text,
    q.scope_text AS period,
    e.event_date AS since,
    e.event_type,
    e.trigger,
    e.location_country,
    c.speaker_text AS source,
    c.speaker_kind AS source_kind,
    c.reported_via,
    a.outlet,
    a.title,
    a.published_date,
    e.cluster_id,
    q.quantity_id,
    q.event_id,
    q.article_id
FROM quantities AS q
JOIN articles AS a USING (article_id)
LEFT JOIN events AS e USING (event_id)
LEFT JOIN claims AS c ON c.claim_id = q.claim_id
WHERE q.scope = 'cumulative'
ORDER BY q.kind, q.as_of_date, e.cluster_id, q.value;
