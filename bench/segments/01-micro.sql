-- 01: bought in the last year, prefers email, viewed shoes at least twice in the last k days.
-- k: 7 14
SELECT id FROM c
WHERE preferred_channel = 'email'
  AND id IN (SELECT customer FROM e
             WHERE event = 'purchase' AND ts BETWEEN $now - 365 * 86400 AND $now)
  AND id IN (SELECT customer FROM e
             WHERE event = 'product_view' AND category = 'shoes'
               AND ts BETWEEN $now - $k * 86400 AND $now
             GROUP BY customer HAVING count(*) >= 2)
