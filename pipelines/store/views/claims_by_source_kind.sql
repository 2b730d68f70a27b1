-- One row per outlet and kind of source: how many claims the outlet printed from anonymous
-- and from on-record sources (named people, governments, organizations, other outlets), and
-- what share of the outlet's claims that is. outlet is the publishing outlet of the article;
-- claims.reported_via says which outlet an anonymous source talked to.
CREATE OR REPLACE VIEW claims_by_source_kind AS
SELECT
    coalesce(a.outlet, '(unknown)') AS outlet,
    CASE WHEN c.anonymous THEN 'anonymous' ELSE 'on_record' END AS sourcing,
    c.speaker_kind,
    count(*) AS claims,
    count(DISTINCT c.article_id) AS articles,
    round(count(*) / sum(count(*)) OVER (PARTITION BY coalesce(a.outlet, '(unknown)')), 3)
        AS share_of_outlet_claims
FROM claims AS c
JOIN articles AS a USING (article_id)
GROUP BY 1, 2, 3
ORDER BY outlet, sourcing, claims DESC, speaker_kind;
