"""The Glue catalog backend with an S3 warehouse, against moto's server on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from greenroom.config import LakeSettings, Settings
from greenroom.lake import Lakehouse, TableNotFoundError
from tests.lake._data import SALES_SCHEMA, sales

pytestmark = pytest.mark.integration

T = "silver.sales"


@pytest.fixture
def moto_endpoint(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    moto_server = pytest.importorskip("moto.server")
    import boto3

    for key, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1").create_bucket(Bucket="lake")
    yield endpoint
    server.stop()


@pytest.fixture
def glue_lake(tmp_path: Path, moto_endpoint: str) -> Lakehouse:
    settings = Settings(
        home=tmp_path / "home",
        lake=LakeSettings(
            catalog="glue",
            glue_region="us-east-1",
            glue_endpoint=moto_endpoint,
            warehouse="s3://lake/warehouse",
        ),
    )
    return Lakehouse.open(settings, create=True)


def test_glue_backend_round_trip(glue_lake: Lakehouse) -> None:
    lake = glue_lake
    lake.create_table(T, SALES_SCHEMA, partition_by=[("event_date", "month")])
    lake.create_table(T, SALES_SCHEMA)  # idempotent
    first = lake.append(T, sales(120))
    lake.overwrite(
        T, sales(4, start=500, months=1), where="event_date < '2024-02-01T00:00:00+00:00'"
    )
    assert lake.read(T).num_rows == 100 + 4
    assert lake.read(T, snapshot_id=first).num_rows == 120
    assert lake.delete(T, "quantity > 100") is None
    (info,) = lake.list_tables("silver")
    assert info.rows == 104
    with lake.session() as s:
        out = s.sql("SELECT count(*) AS n FROM silver.sales WHERE event_date >= '2024-05-01'")
        assert out["n"][0].as_py() == 40
        plan = s.last_plan[T]
        assert (plan.mode, plan.files_planned) == ("arrow", 2)  # object storage: Arrow path
    with pytest.raises(TableNotFoundError):
        lake.read("silver.missing")
