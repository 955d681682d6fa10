-- CRM customers; the canonical id is derived from the CRM id.
SELECT
    'crm_customers' AS source,
    c.customer_id AS source_record_id,
    'cus_' || left(md5(c.customer_id), 12) AS customer_id,
    trim(concat_ws(' ', trim(c.first_name), trim(c.last_name))) AS full_name,
    lower(trim(c.email)) AS email,
    CAST(try_strptime(trim(c.birth_date), ['%Y-%m-%d', '%d/%m/%Y', '%m/%d/%Y']) AS DATE) AS birth_date,
    trim(c.city) AS city,
    coalesce(rc.iso2, upper(trim(c.country))) AS country,
    lower(trim(c.segment)) AS segment,
    c._ingested_at
FROM bronze.crm_customers AS c
LEFT JOIN ref_countries AS rc ON lower(rc.name) = lower(trim(c.country))
WHERE c.customer_id IS NOT NULL
QUALIFY row_number() OVER (PARTITION BY c.customer_id ORDER BY c._ingested_at DESC) = 1
