-- 04: used at least 3 different features in the last k days.
-- k: 30 45
SELECT customer AS id FROM e
WHERE event = 'feature_used' AND customer IS NOT NULL AND feature IS NOT NULL
  AND ts BETWEEN $now - $k * 86400 AND $now
GROUP BY customer HAVING count(DISTINCT feature) >= 3
