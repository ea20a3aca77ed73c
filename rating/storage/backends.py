"""The two places files live: a table of the database, or an S3-compatible bucket (boto3)."""

from datetime import datetime

from sqlalchemy import LargeBinary, String, delete, select
from sqlalchemy.orm import Mapped, mapped_column

from rating.extensions import db
from rating.timeutil import UTCDateTime, utcnow


class FileMissing(LookupError):
    """No bytes are stored under that key."""


class StoredFile(db.Model):
    """A file kept in the database (``FILE_STORAGE=database``): packs are a few hundred KB."""

    __tablename__ = "stored_files"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    content_type: Mapped[str] = mapped_column(String(80))
    size: Mapped[int]
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    stored_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class DatabaseFiles:
    """Files as rows, written in the caller's session (committed with the caller's change)."""

    def save(self, key: str, data: bytes, content_type: str) -> None:
        stored = db.session.get(StoredFile, key) or StoredFile(key=key)
        stored.content_type, stored.size, stored.data = content_type, len(data), data
        stored.stored_at = utcnow()
        db.session.add(stored)
        db.session.flush()

    def load(self, key: str) -> bytes:
        data = db.session.scalar(select(StoredFile.data).where(StoredFile.key == key))
        if data is None:
            raise FileMissing(key)
        return bytes(data)

    def delete(self, key: str) -> None:
        db.session.execute(delete(StoredFile).where(StoredFile.key == key))


class S3Files:
    """Files as objects in a bucket, under a prefix of this service's own. Credentials come
    the way boto3 finds them (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, a profile, a role)."""

    def __init__(self, bucket: str, prefix: str = "", endpoint_url: str | None = None,
                 region: str | None = None):
        if not bucket:
            raise ValueError("FILE_STORAGE=s3 needs S3_BUCKET")
        self.bucket, self.prefix = bucket, prefix
        # boto3 only where files live in S3: importing it costs every process 24 MiB.
        import boto3
        from botocore.config import Config

        # A store that does not answer fails a request in seconds, not a worker's timeout.
        self.client = boto3.client("s3", endpoint_url=endpoint_url, region_name=region,
                                   config=Config(connect_timeout=5, read_timeout=30,
                                                 retries={"max_attempts": 3}))

    def save(self, key: str, data: bytes, content_type: str) -> None:
        self.client.put_object(Bucket=self.bucket, Key=self.prefix + key, Body=data,
                               ContentType=content_type)

    def load(self, key: str) -> bytes:
        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=self.prefix + key)
        except self.client.exceptions.ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                raise FileMissing(key) from None
            raise
        return answer["Body"].read()

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self.prefix + key)
