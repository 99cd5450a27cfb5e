-- 03: aged 25 to k (completed years at today), in DE, FR or GB, opted in to email.
-- k: 34 39
SELECT id FROM c
WHERE country IN ('DE', 'FR', 'GB')
  AND email_opt_in = 1
  AND CAST(substr($today, 1, 4) AS INTEGER) - CAST(substr(birth_date, 1, 4) AS INTEGER)
      - (CASE WHEN substr($today, 6, 5) < substr(birth_date, 6, 5) THEN 1 ELSE 0 END)
      BETWEEN 25 AND $k
