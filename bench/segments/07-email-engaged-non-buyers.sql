-- 07: opened or clicked an email in the last k days, no purchase in the last 90.
-- k: 30 14
SELECT id FROM c
WHERE id IN (SELECT customer FROM e
             WHERE event IN ('email_open', 'email_click')
               AND ts BETWEEN $now - $k * 86400 AND $now)
  AND id NOT IN (SELECT customer FROM e
                 WHERE event = 'purchase' AND customer IS NOT NULL
                   AND ts BETWEEN $now - 90 * 86400 AND $now)
