-- 08: (paying plan or more than k points) and not (US or SMS opt-in) and no support ticket in
-- the last 180 days. A blank country or opt-in is not US or true, so NOT keeps it.
-- k: 1000 2000
SELECT id FROM c
WHERE (plan IN ('pro', 'enterprise') OR loyalty_points > $k)
  AND NOT (coalesce(country = 'US', FALSE) OR coalesce(sms_opt_in = 1, FALSE))
  AND id NOT IN (SELECT customer FROM e
                 WHERE event = 'support_ticket' AND customer IS NOT NULL
                   AND ts BETWEEN $now - 180 * 86400 AND $now)
