-- 06: total purchase amount over k (exact: in cents).
-- k: 500 1000
SELECT customer AS id FROM e
WHERE event = 'purchase' AND customer IS NOT NULL AND amount_cents IS NOT NULL
GROUP BY customer HAVING sum(amount_cents) > $k * 100
