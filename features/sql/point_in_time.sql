-- Features of each (lead_id, as_of) in the temp table `moments`, from what was known before as_of.
-- Engagement only counts events strictly before as_of: a later event never changes a feature.
WITH engagement AS (
    SELECT m.lead_id,
           count(*) FILTER (WHERE a.occurred_at >= m.as_of - INTERVAL 7 DAY)  AS events_7d,
           count(*) FILTER (WHERE a.occurred_at >= m.as_of - INTERVAL 30 DAY) AS events_30d,
           count(*)                                                           AS events_90d,
           count(*) FILTER (WHERE a.event_type = 'pricing_page'
                              AND a.occurred_at >= m.as_of - INTERVAL 7 DAY)  AS pricing_views_7d,
           count(*) FILTER (WHERE a.event_type = 'pricing_page'
                              AND a.occurred_at >= m.as_of - INTERVAL 30 DAY) AS pricing_views_30d,
           count(*) FILTER (WHERE a.event_type = 'demo_request')              AS demo_requests_90d,
           count(*) FILTER (WHERE a.event_type = 'webinar_attended')          AS webinars_90d,
           count(*) FILTER (WHERE a.event_type = 'docs'
                              AND a.occurred_at >= m.as_of - INTERVAL 30 DAY) AS docs_views_30d,
           count(*) FILTER (WHERE a.event_type = 'email_click'
                              AND a.occurred_at >= m.as_of - INTERVAL 30 DAY) AS email_clicks_30d,
           max(a.occurred_at)                                                 AS last_event_at,
           -- two events at the same instant: the later recorded (event_id), never either
           arg_max(a.event_type, {'at': a.occurred_at, 'id': a.event_id})      AS last_event_type
    FROM moments m
    JOIN activities a
      ON a.lead_id = m.lead_id
     AND a.occurred_at < m.as_of
     AND a.occurred_at >= m.as_of - INTERVAL 90 DAY
    GROUP BY m.lead_id
)
SELECT m.lead_id,
       m.as_of,
       CASE WHEN c.employees IS NULL OR c.employees < 1 THEN 'unknown'
            WHEN c.employees <= 10   THEN '1-10'
            WHEN c.employees <= 50   THEN '11-50'
            WHEN c.employees <= 200  THEN '51-200'
            WHEN c.employees <= 500  THEN '201-500'
            WHEN c.employees <= 1000 THEN '501-1000'
            ELSE '1000+' END                                       AS size_band,
       coalesce(lower(c.industry), 'unknown')                      AS industry,
       coalesce(upper(c.country), 'unknown')                       AS country,
       CAST(year(m.as_of) - c.founded_year AS DOUBLE)              AS company_age_years,
       l.source                                                    AS source,
       coalesce(e.seniority, 'unknown')                            AS seniority,
       coalesce(e.department, 'other')                             AS department,
       coalesce(e.email_kind, 'missing')                           AS email_kind,
       CAST(coalesce(g.events_7d, 0) AS DOUBLE)                    AS events_7d,
       CAST(coalesce(g.events_30d, 0) AS DOUBLE)                   AS events_30d,
       CAST(coalesce(g.events_90d, 0) AS DOUBLE)                   AS events_90d,
       CAST(coalesce(g.pricing_views_7d, 0) AS DOUBLE)             AS pricing_views_7d,
       CAST(coalesce(g.pricing_views_30d, 0) AS DOUBLE)            AS pricing_views_30d,
       CAST(coalesce(g.demo_requests_90d, 0) AS DOUBLE)            AS demo_requests_90d,
       CAST(coalesce(g.webinars_90d, 0) AS DOUBLE)                 AS webinars_90d,
       CAST(coalesce(g.docs_views_30d, 0) AS DOUBLE)               AS docs_views_30d,
       CAST(coalesce(g.email_clicks_30d, 0) AS DOUBLE)             AS email_clicks_30d,
       date_diff('second', g.last_event_at, m.as_of) / 86400.0     AS days_since_last_event,
       ( CAST(l.title IS NOT NULL AS INTEGER) + CAST(l.phone IS NOT NULL AS INTEGER)
       + CAST(l.email IS NOT NULL AS INTEGER) + CAST(c.employees IS NOT NULL AS INTEGER)
       + CAST(c.industry IS NOT NULL AS INTEGER) + CAST(c.annual_revenue IS NOT NULL AS INTEGER)
       + CAST(c.founded_year IS NOT NULL AS INTEGER) + CAST(c.domain IS NOT NULL AS INTEGER)
       ) / 8.0                                                     AS completeness,
       coalesce(f.headcount_band, 'unknown')                       AS headcount_band,
       coalesce(f.company_category, 'unknown')                     AS company_category,
       coalesce(f.naf_section, 'unknown')                          AS naf_section,
       coalesce(f.web_stack, 'unknown')                            AS web_stack,
       -- context for talking points and the sheet (not model features)
       l.first_name, l.last_name, l.title, l.email, l.phone, l.created_at,
       c.name AS company, c.employees, c.annual_revenue,
       e.company_domain,
       g.last_event_type, g.last_event_at,
       -- enriched facts with provenance (<field>_by, <field>_on): features/facts.py
       f.* EXCLUDE (lead_id, headcount_band, company_category, naf_section, web_stack)
FROM moments m
JOIN leads l USING (lead_id)
LEFT JOIN companies c ON c.company_id = l.company_id
LEFT JOIN lead_enrichment e ON e.lead_id = m.lead_id
LEFT JOIN engagement g ON g.lead_id = m.lead_id
LEFT JOIN lead_facts_wide f ON f.lead_id = m.lead_id
ORDER BY m.lead_id
