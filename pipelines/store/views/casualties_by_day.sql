-- One row per day and casualty kind: people reported killed, injured, arrested or displaced,
-- from asserted events (each article's figure counted once; articles may repeat a figure).
CREATE OR REPLACE VIEW casualties_by_day AS
SELECT
    coalesce(e.event_date, a.published_date) AS day,
    q.kind,
    sum(q.value) AS reported,
    count(DISTINCT q.article_id) AS articles
FROM quantities AS q
JOIN articles AS a USING (article_id)
LEFT JOIN events AS e USING (event_id)
WHERE q.kind IN ('killed', 'injured', 'arrested', 'displaced')
  AND coalesce(e.modality, 'asserted') = 'asserted'
GROUP BY ALL
ORDER BY day, q.kind;
