-- 02: purchased before, but not in the last k days.
-- k: 90 120
SELECT id FROM c
WHERE id IN (SELECT customer FROM e WHERE event = 'purchase')
  AND id NOT IN (SELECT customer FROM e
                 WHERE event = 'purchase' AND customer IS NOT NULL
                   AND ts BETWEEN $now - $k * 86400 AND $now)
