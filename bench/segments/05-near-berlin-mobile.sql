-- 05: within k km of Berlin (haversine, radius 6371.0 km), last device ios or android.
-- k: 50 300
SELECT id FROM c
WHERE last_device IN ('ios', 'android')
  AND 2 * 6371.0 * asin(sqrt(
        power(sin(radians(latitude - 52.520008) / 2), 2)
        + cos(radians(52.520008)) * cos(radians(latitude))
          * power(sin(radians(longitude - 13.404954) / 2), 2))) <= $k
