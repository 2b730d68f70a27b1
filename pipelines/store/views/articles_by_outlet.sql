-- One row per publishing outlet: how many articles it has in the warehouse, how many are its
-- own stories and how many near-duplicates of an earlier copy (extracted once, from that copy),
-- how many are not in English, the dates they span, and what was extracted from them.
CREATE OR REPLACE VIEW articles_by_outlet AS
WITH per_article_events AS (
    SELECT article_id, count(*) AS events FROM events WHERE mention_of IS NULL GROUP BY article_id
),
per_article_claims AS (
    SELECT
        article_id,
        count(*) AS claims,
        count(*) FILTER (WHERE anonymous) AS anonymous_claims
    FROM claims
    GROUP BY article_id
)
SELECT
    coalesce(a.outlet, '(unknown)') AS outlet,
    count(*) AS articles,
    count(*) FILTER (WHERE a.duplicate_of IS NULL) AS own_stories,
    count(*) FILTER (WHERE a.duplicate_of IS NOT NULL) AS near_duplicates,
    count(*) FILTER (WHERE a.language <> 'en') AS not_english,
    min(a.published_date) AS first_published,
    max(a.published_date) AS last_published,
    sum(a.word_count)::BIGINT AS words,
    coalesce(sum(ev.events), 0)::BIGINT AS events,
    coalesce(sum(cl.claims), 0)::BIGINT AS claims,
    coalesce(sum(cl.anonymous_claims), 0)::BIGINT AS anonymous_claims
FROM articles AS a
LEFT JOIN per_article_events AS ev USING (article_id)
LEFT JOIN per_article_claims AS cl USING (article_id)
GROUP BY 1
ORDER BY articles DESC, outlet;
