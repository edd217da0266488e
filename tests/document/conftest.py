"""Fixtures for document tests: storage in a temporary directory by default, and a real S3
server (moto) on loopback for the S3 tests."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from fastapi import FastAPI
from moto.server import ThreadedMotoServer
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from tests.conftest import build_test_app, savepoint_sessionmaker
from tradehub.config import Settings


@pytest.fixture
def storage_root(tmp_path: Path) -> Path:
    return tmp_path / "storage"


@pytest.fixture
def document_settings(test_settings: Settings, storage_root: Path) -> Settings:
    return test_settings.model_copy(update={"storage_url": f"file://{storage_root}"})


@pytest.fixture
def app(document_settings: Settings, engine: AsyncEngine, connection: AsyncConnection) -> FastAPI:
    """The usual test app, its documents stored under ``storage_root``."""
    return build_test_app(document_settings, engine, savepoint_sessionmaker(connection))


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    """A real S3 API (moto's server) on a free loopback port, once per test worker. Fake
    credentials in the environment keep boto3 away from any real account."""
    with pytest.MonkeyPatch.context() as env:
        env.setenv("AWS_ACCESS_KEY_ID", "testing")
        env.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        env.setenv("AWS_DEFAULT_REGION", "us-east-1")
        env.delenv("AWS_PROFILE", raising=False)
        env.delenv("AWS_SESSION_TOKEN", raising=False)
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        server.start()
        host, port = server.get_host_and_port()
        try:
            yield f"http://{host}:{port}"
        finally:
            server.stop()


@pytest.fixture
def s3_bucket(moto_endpoint: str) -> str:
    """A fresh bucket per test."""
    name = f"tradehub-docs-{uuid.uuid4().hex[:12]}"
    s3_client(moto_endpoint).create_bucket(Bucket=name)
    return name


def s3_client(endpoint: str) -> Any:
    return boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")


@pytest.fixture
def s3_settings(test_settings: Settings, moto_endpoint: str, s3_bucket: str) -> Settings:
    return test_settings.model_copy(
        update={"storage_url": f"s3://{s3_bucket}/uploads", "s3_endpoint_url": moto_endpoint}
    )
