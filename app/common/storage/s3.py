"""A Store in any S3-compatible service (AWS S3, SeaweedFS, MinIO) through boto3.

`STORAGE_URL=s3://bucket/prefix`; the endpoint, region and credentials come from boto3's own
environment variables (AWS_ENDPOINT_URL, AWS_DEFAULT_REGION, AWS_ACCESS_KEY_ID,
AWS_SECRET_ACCESS_KEY), so nothing secret is in the application's settings.
A PUT in S3 is atomic: an object appears whole once the upload ends, or not at all.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from urllib.parse import quote, urlsplit

from flask import Response, abort, redirect, request

from app.common.storage.base import NotStored, StorageUnavailable, apply_caching, checked_key

#: How a download leaves an S3 store: streamed through the application, or a redirect to a signed URL.
PROXY, PRESIGNED = "proxy", "presigned"
_MISSING = {"404", "NoSuchKey", "NotFound"}


def parse_url(url: str) -> tuple[str, str]:
    """(bucket, prefix) of `s3://bucket/prefix`; a ValueError naming what is wrong."""
    parts = urlsplit(url)
    if parts.scheme != "s3" or not parts.netloc:
        raise ValueError(f"STORAGE_URL must look like s3://bucket/prefix, not {url!r}")
    return parts.netloc, parts.path.strip("/")


def _disposition(filename: str, as_attachment: bool) -> str:
    kind = "attachment" if as_attachment else "inline"
    ascii_name = filename.encode("ascii", "ignore").decode().replace('"', "") or "file"
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


class S3Store:
    """Objects in one bucket, under an optional prefix; a key is the object's name after the prefix."""

    def __init__(self, url: str, redirect: str = PROXY, presigned_seconds: int = 300, client=None) -> None:
        self.url = url
        self.bucket, self.prefix = parse_url(url)
        if redirect not in {PROXY, PRESIGNED}:
            raise ValueError(f"STORAGE_REDIRECT must be {PROXY} or {PRESIGNED}, not {redirect!r}")
        self.redirect, self.presigned_seconds = redirect, presigned_seconds
        self._client, self._lock = client, threading.Lock()

    @property
    def client(self):
        # Made at first use, in the worker that uses it (after gunicorn's fork); boto3 clients are thread-safe.
        if self._client is None:
            with self._lock:
                if self._client is None:
                    import boto3
                    from botocore.config import Config

                    # Signature version 4 for signed URLs too: AWS asks for it, and SeaweedFS checks
                    # several response-* overrides only under it.
                    config = Config(
                        signature_version="s3v4", retries={"mode": "standard", "max_attempts": 3}, connect_timeout=5
                    )
                    self._client = boto3.client("s3", config=config)
        return self._client

    def _name(self, key: str) -> str:
        checked_key(key)
        return f"{self.prefix}/{key}" if self.prefix else key

    @staticmethod
    def _missing(error) -> bool:
        return getattr(error, "response", {}).get("Error", {}).get("Code") in _MISSING

    def put(self, key: str, data: bytes) -> None:
        self.client.put_object(Bucket=self.bucket, Key=self._name(key), Body=data)

    def _get(self, key: str, **extra):
        from botocore.exceptions import ClientError

        try:
            return self.client.get_object(Bucket=self.bucket, Key=self._name(key), **extra)
        except ClientError as error:
            if self._missing(error):
                raise NotStored(key) from None
            raise

    def open(self, key: str) -> bytes:
        body = self._get(key)["Body"]
        try:
            return body.read()
        finally:
            body.close()

    def read_start(self, key: str, size: int) -> bytes:
        body = self._get(key, Range=f"bytes=0-{size - 1}")["Body"]
        try:
            return body.read()
        finally:
            body.close()

    def _head(self, key: str) -> dict:
        from botocore.exceptions import ClientError

        try:
            return self.client.head_object(Bucket=self.bucket, Key=self._name(key))
        except ClientError as error:
            if self._missing(error):
                raise NotStored(key) from None
            raise

    def exists(self, key: str) -> bool:
        try:
            self._head(key)
        except NotStored:
            return False
        return True

    def size(self, key: str) -> int:
        return self._head(key)["ContentLength"]

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._name(key))

    def list_keys(self, prefix: str = "") -> Iterator[str]:
        start = f"{self.prefix}/" if self.prefix else ""
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=start + prefix)
        for page in pages:
            for item in page.get("Contents", []):
                yield item["Key"][len(start) :]

    def send(
        self,
        key: str,
        *,
        mimetype: str,
        filename: str | None = None,
        as_attachment: bool = False,
        max_age: int | None = None,
        private: bool = False,
        immutable: bool = False,
    ) -> Response:
        if self.redirect == PRESIGNED:
            return self._signed_redirect(key, mimetype, filename, as_attachment, max_age, private, immutable)
        try:
            found = self._get(key)
        except NotStored:
            abort(404)
        body = found["Body"]

        def stream():
            try:
                yield from body.iter_chunks(64 * 1024)
            finally:
                body.close()

        response = Response(stream(), mimetype=mimetype, direct_passthrough=True)
        response.headers["Content-Length"] = str(found["ContentLength"])
        if as_attachment or filename:
            response.headers["Content-Disposition"] = _disposition(filename or key.rsplit("/", 1)[-1], as_attachment)
        response.set_etag(found["ETag"].strip('"'))
        response.last_modified = found["LastModified"]
        apply_caching(response, max_age, private, immutable)
        response.make_conditional(request)
        if response.status_code == 304:  # the browser has it: nothing more to read from the store
            body.close()
            response.response = []
        return response

    def _signed_redirect(self, key, mimetype, filename, as_attachment, max_age, private, immutable) -> Response:
        if not self.exists(key):
            abort(404)
        params = {"Bucket": self.bucket, "Key": self._name(key), "ResponseContentType": mimetype}
        if as_attachment or filename:
            params["ResponseContentDisposition"] = _disposition(filename or key.rsplit("/", 1)[-1], as_attachment)
        cached = apply_caching(Response(), max_age, private, immutable)
        params["ResponseCacheControl"] = cached.headers["Cache-Control"]
        url = self.client.generate_presigned_url("get_object", Params=params, ExpiresIn=self.presigned_seconds)
        response = redirect(url, code=302)
        response.cache_control.no_store = True  # the signed URL expires: never keep the redirect
        return response

    def check(self) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self.client.head_bucket(Bucket=self.bucket)
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code")
            raise StorageUnavailable(f"The object store {self.url} answered {code}: {error}") from None
        except BotoCoreError as error:
            raise StorageUnavailable(f"The object store {self.url} cannot be reached: {error}") from None

    def describe(self) -> str:
        return self.url
