"""Files any node can serve: a pack's zip, an answer's scan and a voice clip are stored in the
database by default, or in an S3-compatible bucket (moto's S3 server, a real S3 API over HTTP on 127.0.0.1), and never on
the web node's disk; a missing file is said so."""

import socket
import urllib.request
from datetime import date
from pathlib import Path

import boto3
import pytest
from sqlalchemy import func, select

from rating import storage
from rating.escalation import services as escalation
from rating.escalation.models import ActionResponse
from rating.evidence import services as packs
from rating.evidence.content import PackParams
from rating.evidence.signing import verify_pack
from rating.extensions import db
from rating.storage.backends import StoredFile
from rating.voice import services as voice

BUCKET = "rating-packs-test"


@pytest.fixture
def s3(app, monkeypatch):
    """A real S3 API (moto's server, in a thread) with one bucket; the app set to use it."""
    server_module = pytest.importorskip("moto.server")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = server_module.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    for name, value in (("AWS_ACCESS_KEY_ID", "test-key"), ("AWS_SECRET_ACCESS_KEY", "test"),
                        ("AWS_DEFAULT_REGION", "us-east-1")):
        monkeypatch.setenv(name, value)
    endpoint = f"http://127.0.0.1:{port}"
    # moto keeps its buckets per process, across servers: start from none.
    urllib.request.urlopen(urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST"),
                           timeout=10).close()
    client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
    client.create_bucket(Bucket=BUCKET)
    app.config.update(FILE_STORAGE="s3", S3_BUCKET=BUCKET, S3_ENDPOINT_URL=endpoint,
                      S3_PREFIX="rating/", S3_REGION="us-east-1")
    try:
        yield client
    finally:
        server.stop()


@pytest.fixture
def pack_params(make_office, make_cycle, make_user, make_rating):
    office = make_office()
    cycle = make_cycle(name="2025 Q1", status="closed")
    for n in range(10):
        make_rating(cycle, office, make_user("leader", login=f"BJ-{n + 1:03d}"), score=n + 1)
    return PackParams(scope="office", scope_id=office.id, language="en",
                      recipient_level="block", recipient_name="BDO Gaighata")


def _keys(client) -> list[str]:
    return [item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])]


def _files_under(folder: Path) -> list[Path]:
    return [path for path in folder.rglob("*") if path.is_file()]


def test_a_pack_goes_to_the_bucket_and_comes_back_through_the_web(s3, pack_params, login_as,
                                                                   client, app):
    login_as("staff")
    disk_before = _files_under(Path(app.instance_path))
    pack = packs.start_pack(pack_params, "BDO Gaighata", actor=None, wait=True)
    assert pack.status == "done"
    assert _keys(s3) == [f"rating/{pack.file_key}"]
    assert db.session.scalar(select(func.count()).select_from(StoredFile)) == 0
    assert _files_under(Path(app.instance_path)) == disk_before  # nothing on this node's disk
    download = client.get(f"/evidence/packs/{pack.id}/download")
    assert download.status_code == 200
    stored = s3.get_object(Bucket=BUCKET, Key=f"rating/{pack.file_key}")["Body"].read()
    assert download.data == stored
    assert verify_pack(download.data)[0]


def test_expiring_a_pack_deletes_its_object(s3, pack_params, app):
    pack = packs.start_pack(pack_params, "BDO Gaighata", actor=None, wait=True)
    assert _keys(s3) == [f"rating/{pack.file_key}"]
    assert packs.expire_old_packs(days=-1) == 1  # everything is older than -1 days
    assert _keys(s3) == []


def test_a_missing_object_is_named(s3, app):
    with pytest.raises(storage.FileMissing):
        storage.load_file("packs/404/none.zip")


def test_by_default_a_pack_is_a_row_of_the_database(pack_params, app):
    disk_before = _files_under(Path(app.instance_path))
    pack = packs.start_pack(pack_params, "BDO Gaighata", actor=None, wait=True)
    row = db.session.get(StoredFile, pack.file_key)
    assert row is not None and row.content_type == "application/zip"
    assert packs.pack_bytes(pack) == bytes(row.data) and row.size == len(row.data)
    assert _files_under(Path(app.instance_path)) == disk_before
    with pytest.raises(storage.FileMissing):
        storage.load_file("packs/404/none.zip")


def test_an_unknown_storage_setting_is_refused(app):
    app.config["FILE_STORAGE"] = "ftp"
    with pytest.raises(ValueError, match="database or s3"):
        storage.load_file("packs/1/x.zip")


SCAN = b"%PDF-1.4\n" + bytes(range(256)) * 4
CLIP = b"OggS" + bytes(range(200))


def _answer_with_scan(make_office):
    office = make_office()
    action = escalation.record_action(kind="letter", acted_on=date(2026, 8, 1), level="block",
                                      recipient="BDO", asked="Housing", office_ids=[office.id])
    return escalation.record_response(action, received_on=date(2026, 8, 20), summary="Yes",
                                      scan=SCAN)


@pytest.mark.parametrize("where", ["database", "s3"])
def test_a_scan_is_kept_where_the_setting_says_and_served_from_there(where, request,
                                                                     make_office, login_as,
                                                                     client):
    bucket = request.getfixturevalue("s3") if where == "s3" else None
    login_as("staff")
    response = _answer_with_scan(make_office)
    download = client.get(f"/escalation/responses/{response.id}/scan")
    assert download.status_code == 200 and download.data == SCAN
    db.session.expire_all()
    row = db.session.get(ActionResponse, response.id)
    if bucket is None:
        assert (row.scan, row.scan_key) == (SCAN, None)
    else:
        assert row.scan is None and _keys(bucket) == [f"rating/scans/{row.scan_sha256}"]


@pytest.mark.parametrize("where", ["database", "s3"])
def test_a_voice_clip_is_kept_where_the_setting_says_and_replaced_there(where, request,
                                                                        login_as, client):
    bucket = request.getfixturevalue("s3") if where == "s3" else None
    login_as("staff")
    voice.save_prompt("score", "bn", "audio/ogg", CLIP)
    voice.save_prompt("score", "bn", "audio/ogg", CLIP + b"new")  # replaced
    answer = client.get("/voice/score/bn")
    assert answer.status_code == 200 and answer.data == CLIP + b"new"
    prompt = voice.find_prompt("score", "bn")
    if bucket is None:
        assert prompt.audio_key is None
    else:
        assert prompt.audio is None and _keys(bucket) == [f"rating/{prompt.audio_key}"]
        voice.delete_prompt(prompt)
        assert _keys(bucket) == []
