-- Customers (personal data: full_name, email, birth_date are PII).
SELECT
    customer_id,
    full_name,
    email,
    birth_date,
    city,
    country,
    segment,
    CAST(_ingested_at AS TIMESTAMPTZ) AS created_at
FROM stg_customers
