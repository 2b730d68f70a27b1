-- One row per (actor1, actor2, quad class): how often one actor acts on another. An act an
-- article mentions again ("the strike", events.mention_of) counts once.
CREATE OR REPLACE VIEW actor_dyads AS
SELECT
    coalesce(e.actor1_id, '?') AS actor1_id,
    coalesce(a1.name, e.actor1_text) AS actor1,
    coalesce(e.actor2_id, '?') AS actor2_id,
    coalesce(a2.name, e.actor2_text) AS actor2,
    e.quad_class,
    count(*) AS events,
    count(*) FILTER (WHERE e.modality = 'asserted') AS asserted_events,
    min(e.event_date) AS first_date,
    max(e.event_date) AS last_date
FROM events AS e
LEFT JOIN actors AS a1 ON a1.actor_id = e.actor1_id
LEFT JOIN actors AS a2 ON a2.actor_id = e.actor2_id
WHERE e.mention_of IS NULL AND (e.actor1_id IS NOT NULL OR e.actor2_id IS NOT NULL)
GROUP BY ALL
ORDER BY events DESC;
