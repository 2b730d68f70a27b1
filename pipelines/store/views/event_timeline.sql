-- One row per event mention with its article, in date order: the basic timeline.
CREATE OR REPLACE VIEW event_timeline AS
SELECT
    e.event_date,
    e.date_precision,
    e.date_basis,
    e.event_type,
    e.modality,
    e.actor1_text,
    e.actor1_id,
    e.trigger,
    e.actor2_text,
    e.actor2_id,
    e.location_text,
    e.location_country,
    e.location_basis,
    a.outlet,
    a.title,
    a.published_date,
    e.event_id,
    e.article_id
FROM events AS e
JOIN articles AS a USING (article_id)
ORDER BY coalesce(e.event_date, a.published_date), e.article_id, e.start_char;
