"""AWS: pyiceberg `GlueCatalog` with the warehouse on S3.

`settings.lake.glue_endpoint` overrides the Glue endpoint (a moto server in tests) and,
as moto serves every service on one endpoint, the S3 endpoint too. Credentials come
from the standard AWS chain (environment, profile, instance role).
"""

from __future__ import annotations

from pyiceberg.catalog.glue import GlueCatalog

from greenroom.config import Settings
from greenroom.lake.exceptions import HomeError

CATALOG_NAME = "greenroom"


def glue_catalog(settings: Settings) -> GlueCatalog:
    lake = settings.lake
    if not lake.warehouse:
        raise HomeError(
            "the glue catalog needs a warehouse on S3: set `GREENROOM_LAKE__WAREHOUSE=s3://bucket/prefix`"
        )
    props: dict[str, str] = {"warehouse": lake.warehouse}
    if lake.glue_region:
        props["glue.region"] = lake.glue_region
        props["s3.region"] = lake.glue_region
    if lake.glue_endpoint:
        props["glue.endpoint"] = lake.glue_endpoint
        props["s3.endpoint"] = lake.glue_endpoint
    return GlueCatalog(CATALOG_NAME, **props)
