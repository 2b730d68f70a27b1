-- One row per event: mentions of the same type, actors, date and modality grouped across
-- articles, with how the event is sourced. sourcing is 'on_record' when any mention is
-- attributed to an identified source, 'unattributed' when the outlets state it in their own
-- voice (and no mention is on the record), 'anonymous_only' when every mention rests on
-- anonymous sources: WHERE sourcing = 'anonymous_only' lists events backed only by them.
CREATE OR REPLACE VIEW events_by_sourcing AS
WITH mentions AS (
    SELECT
        e.event_id,
        e.article_id,
        e.event_type,
        e.modality,
        e.event_date,
        e.trigger,
        coalesce(e.actor1_id, e.actor1_text) AS actor1,
        coalesce(e.actor2_id, e.actor2_text) AS actor2,
        a.outlet,
        c.reported_via,
        CASE
            WHEN e.claim_id IS NULL THEN 'unattributed'
            WHEN c.anonymous THEN 'anonymous'
            ELSE 'on_record'
        END AS mention_sourcing
    FROM events AS e
    JOIN articles AS a USING (article_id)
    LEFT JOIN claims AS c ON c.claim_id = e.claim_id
)
SELECT
    event_type,
    actor1,
    actor2,
    event_date,
    modality,
    CASE
        WHEN count(*) FILTER (WHERE mention_sourcing = 'on_record') > 0 THEN 'on_record'
        WHEN count(*) FILTER (WHERE mention_sourcing = 'unattributed') > 0 THEN 'unattributed'
        ELSE 'anonymous_only'
    END AS sourcing,
    count(*) AS mentions,
    count(DISTINCT article_id) AS articles,
    count(*) FILTER (WHERE mention_sourcing = 'anonymous') AS anonymous_mentions,
    count(*) FILTER (WHERE mention_sourcing = 'on_record') AS on_record_mentions,
    count(*) FILTER (WHERE mention_sourcing = 'unattributed') AS unattributed_mentions,
    list(DISTINCT outlet) FILTER (WHERE outlet IS NOT NULL) AS outlets,
    list(DISTINCT reported_via) FILTER (WHERE reported_via IS NOT NULL) AS reported_via,
    min(trigger) AS trigger,
    min(event_id) AS first_event_id
FROM mentions
GROUP BY event_type, actor1, actor2, event_date, modality
ORDER BY event_date NULLS LAST, event_type, actor1, actor2, modality;
