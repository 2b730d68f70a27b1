-- One row per day and casualty kind: people reported killed, injured, arrested or displaced
-- in asserted events. Only event figures count: a running total ("83 killed since
-- September", "hundreds in recent years") is no day's toll and is listed in running_totals.
-- Each real-world event (cluster) counts once, with the lowest figure its articles give (as
-- ACLED does); within one article, its largest figure for the event ("27 killed, including
-- five children" is 27).
CREATE OR REPLACE VIEW casualties_by_day AS
WITH figures AS (
    SELECT
        coalesce(e.cluster_id, q.quantity_id) AS cluster,
        q.kind,
        coalesce(e.event_date, a.published_date) AS day,
        q.value,
        q.article_id
    FROM quantities AS q
    JOIN articles AS a USING (article_id)
    LEFT JOIN events AS e USING (event_id)
    WHERE q.kind IN ('killed', 'injured', 'arrested', 'displaced')
      AND q.scope = 'event'
      AND coalesce(e.modality, 'asserted') = 'asserted'
),
per_article AS (
    SELECT cluster, kind, article_id, max(value) AS value, min(day) AS day
    FROM figures
    GROUP BY ALL
),
per_event AS (
    SELECT cluster, kind, min(value) AS value, min(day) AS day, list(article_id) AS article_ids
    FROM per_article
    GROUP BY ALL
)
SELECT
    day,
    kind,
    sum(value) AS reported,
    len(list_distinct(flatten(list(article_ids)))) AS articles,
    count(*) AS events
FROM per_event
GROUP BY ALL
ORDER BY day, kind;
