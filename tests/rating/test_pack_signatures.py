"""A pack anyone can check without our server: the manifest and the list of documents are
signed with the organisation's Ed25519 key and checked with the public key alone (by the
checking program the public page offers, run as a plain script with nothing of the service), the PDFs carry a PAdES signature that poppler's
`pdfsig` validates, every page prints the pack id and the manifest's SHA-256, and the public
page that the QR code opens shows what was published. `verify-pack` refuses every tampering
in one line, with no traceback: a changed byte, a duplicate or extra member, a zip bomb, a
manifest signed by another key, a damaged zip."""

import hashlib
import io
import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from docx import Document

from rating.evidence.verify import canonical
from tests.rating.test_evidence import (
    CYCLES,
    DATA_FILES,
    PACK_FILES,
    SHOWN,
    WITHHELD,
    document_files,
    pack_files,
)


def rezip(files: dict, extra: list[tuple[str, bytes]] = ()) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in list(extra) + list(files.items()):
            archive.writestr(name, data)
    return buffer.getvalue()


def other_key(tmp_path: Path) -> Ed25519PrivateKey:
    key = Ed25519PrivateKey.generate()
    (tmp_path / "other-key.pem").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    return key


def public_pem(app) -> bytes:
    from rating.evidence import keys

    with app.app_context():
        return keys.public_key_pem()


def verify_outside(tmp_path: Path, data: bytes, pem: bytes) -> subprocess.CompletedProcess:
    """The checking program as the public page offers it, run as a plain script in an empty
    folder, with nothing of the service on its path and no setting in its environment: what
    a recipient's machine has (Python and the cryptography package)."""
    from flask import current_app

    script = current_app.test_client().get("/verify/verify_pack.py")
    assert script.status_code == 200
    (tmp_path / "verify_pack.py").write_bytes(script.data)
    (tmp_path / "pack.zip").write_bytes(data)
    (tmp_path / "key.pem").write_bytes(pem)
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path)}
    return subprocess.run([sys.executable, "-I", "verify_pack.py", "pack.zip", "key.pem"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)



def test_every_file_is_in_the_pack_and_the_manifest_verifies(app, any_pack):
    from rating.evidence.signing import verify_pack

    manifest = any_pack.manifest
    language = manifest["parameters"]["language"]
    assert set(any_pack.files) == pack_files(language)
    digests = {name: hashlib.sha256(data).hexdigest() for name, data in any_pack.files.items()}
    assert manifest["files"] == {name: digests[name] for name in DATA_FILES}
    documents = json.loads(any_pack.files["documents.json"])
    assert documents["files"] == {name: digests[name] for name in document_files(language)}
    assert documents["manifest_sha256"] == digests["manifest.json"]
    assert manifest["offices_shown"] == len(SHOWN)
    assert manifest["offices_withheld"] == len(WITHHELD)
    assert manifest["cycles"] == [name for name, _, _ in CYCLES]
    assert len(manifest["data_fingerprint"]) == 64
    assert verify_pack(any_pack.data) == (True, [])


def test_the_manifest_says_who_built_the_pack_and_how(bn_pack, en_pack):
    assert bn_pack.manifest["built_by"] == "mitra"
    assert en_pack.manifest["built_by"] == "roy"
    assert bn_pack.manifest["parameters"]["language"] == "bn"
    assert bn_pack.manifest["scope"] == {"en": "Gaighata", "bn": "গাইঘাটা"}


@pytest.mark.parametrize("name", sorted(PACK_FILES))
def test_one_changed_byte_in_any_file_fails_verification(app, runner, bn_pack, tmp_path, name):
    from rating.evidence.signing import verify_pack

    changed = bytearray(bn_pack.files[name])
    changed[len(changed) // 2] ^= 0x01
    tampered = rezip({**bn_pack.files, name: bytes(changed)})
    ok, problems = verify_pack(tampered)
    assert not ok
    if name not in ("manifest.json", "documents.json"):
        assert f"{name}: changed since the pack was built" in problems
    path = tmp_path / "tampered.zip"
    path.write_bytes(tampered)
    result = runner.invoke(args=["verify-pack", str(path)])
    assert result.exit_code == 1
    assert "intact" not in result.output


def test_an_edited_manifest_fails_verification(app, runner, bn_pack, tmp_path):
    """Someone who changes a file and writes its new checksum into the manifest is caught by
    the signature; so is one who edits the facts (here: nothing withheld)."""
    from rating.evidence.signing import verify_pack

    csv_text = bn_pack.files["data.csv"].replace(b"4.4", b"6.4")
    manifest = bn_pack.manifest
    manifest["files"]["data.csv"] = hashlib.sha256(csv_text).hexdigest()
    forged = rezip({**bn_pack.files, "data.csv": csv_text,
                    "manifest.json": json.dumps(manifest).encode()})
    assert verify_pack(forged)[0] is False
    manifest = bn_pack.manifest
    manifest["offices_withheld"] = 0
    edited = rezip({**bn_pack.files, "manifest.json": json.dumps(manifest).encode()})
    ok, problems = verify_pack(edited)
    assert not ok and any("signature" in problem for problem in problems)
    for label, data in (("forged", forged), ("edited", edited)):
        path = tmp_path / f"{label}.zip"
        path.write_bytes(data)
        assert runner.invoke(args=["verify-pack", str(path)]).exit_code == 1


def test_the_command_line_says_an_intact_pack_is_ours(app, runner, bn_pack, tmp_path):
    path = tmp_path / "pack.zip"
    path.write_bytes(bn_pack.data)
    result = runner.invoke(args=["verify-pack", str(path)])
    assert result.exit_code == 0
    assert "intact, signed by key" in result.output


def test_a_pack_signed_by_another_key_fails(app, runner, bn_pack, tmp_path):
    """A forger who re-signs an edited manifest with a key of his own is refused, by the
    service and by anyone holding the organisation's public key."""
    from rating.evidence.signing import verify_pack

    key = other_key(tmp_path)
    manifest = json.loads(bn_pack.files["manifest.json"])
    manifest["offices_withheld"] = 0
    manifest["signature"]["value"] = __import__("base64").b64encode(
        key.sign(canonical(manifest))).decode()
    forged = rezip({**bn_pack.files, "manifest.json": json.dumps(manifest).encode()})
    problems = ["manifest.json: the signature does not match this public key: the file was "
                "changed, or signed by another key"]
    ok, found = verify_pack(forged)
    assert not ok and problems[0] in found
    # The service configured with the other key no longer accepts the real pack.
    app.config["PACK_SIGNING_KEY_FILE"] = str(tmp_path / "other-key.pem")
    ok, found = verify_pack(bn_pack.data)
    assert not ok and problems[0] in found


# ---- checked by anyone, with the public key alone -------------------------------------------

def test_anyone_with_the_public_key_verifies_the_pack_without_the_server(app, bn_pack, tmp_path):
    done = verify_outside(tmp_path, bn_pack.data, public_pem(app))
    assert done.returncode == 0, done.stderr
    assert re.fullmatch(r"pack\.zip: intact, signed by key [0-9a-f]{16}\.\n", done.stdout)


def test_the_public_key_is_served_to_anyone_and_checks_the_pack(app, bn_pack, tmp_path):
    anonymous = app.test_client()
    answer = anonymous.get("/verify/key.pem")
    assert answer.status_code == 200 and answer.data == public_pem(app)
    assert b"PRIVATE" not in answer.data
    assert verify_outside(tmp_path, bn_pack.data, answer.data).returncode == 0


def _forged_copy_first(files: dict) -> bytes:
    """The attack of the review: a forged data.csv placed before the signed one; `unzip`
    extracts the first of two members with one name."""
    forged = files["data.csv"].replace(b"4.4", b"9.9")
    with pytest.warns(UserWarning, match="Duplicate name"):
        return rezip(files, extra=[("data.csv", forged)])


def _zip_bomb(files: dict) -> bytes:
    """A member of 200 MB of zeros: about 200 KB in the zip."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
        with archive.open("notes.txt", "w", force_zip64=True) as member:
            block = bytes(1 << 20)
            for _ in range(200):
                member.write(block)
    return buffer.getvalue()


def _damaged(data: bytes) -> bytes:
    """One byte changed inside the zip's own structure (the central directory)."""
    damaged = bytearray(data)
    damaged[data.rindex(b"PK\x01\x02") + 20] ^= 0xFF
    return bytes(damaged)


TAMPERINGS = {
    "a changed byte": (lambda files, data: rezip({**files, "data.csv": files["data.csv"].replace(
        b",", b";", 1)}), "data.csv: changed since the pack was built"),
    "a duplicate member": (lambda files, data: _forged_copy_first(files),
                           "data.csv: appears twice in the zip"),
    "an extra member": (lambda files, data: rezip({**files, "readme.txt": b"trust me"}),
                        "readme.txt: not in the signed lists (an extra file)"),
    "a zip bomb": (lambda files, data: _zip_bomb(files), "notes.txt: "),
    "a damaged zip": (lambda files, data: _damaged(data), ""),
    "not a zip": (lambda files, data: b"%PDF-1.7 not a zip", "not a zip file"),
}


@pytest.mark.parametrize("how", sorted(TAMPERINGS))
def test_verify_pack_refuses_each_tampering_in_one_line(app, runner, bn_pack, tmp_path, how):
    make, problem = TAMPERINGS[how]
    tampered = make(bn_pack.files, bn_pack.data)
    done = verify_outside(tmp_path, tampered, public_pem(app))
    assert done.returncode == 1
    assert "Traceback" not in done.stderr and done.stdout == ""
    assert problem in done.stderr
    assert all(line.startswith("pack.zip: ") for line in done.stderr.splitlines()), done.stderr
    # The service's own command says the same, with the same exit status.
    path = tmp_path / "tampered.zip"
    path.write_bytes(tampered)
    result = runner.invoke(args=["verify-pack", str(path)])
    assert result.exit_code == 1 and problem in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_a_zip_bomb_is_refused_before_it_is_decompressed(app, bn_pack):
    """The bomb's 200 MB are never read: the check takes the header's word, then reads no more
    than the header declares."""
    import tracemalloc

    from rating.evidence.verify import verify_pack

    bomb, pem = _zip_bomb(bn_pack.files), public_pem(app)
    tracemalloc.start()
    ok, problems = verify_pack(bomb, pem)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert not ok and problems[0].startswith("notes.txt: ")
    assert peak < 20 * 1024 * 1024


def test_the_command_line_checks_with_a_given_public_key(app, runner, bn_pack, tmp_path):
    other_key(tmp_path)
    (tmp_path / "other.pub").write_bytes(serialization.load_pem_private_key(
        (tmp_path / "other-key.pem").read_bytes(), None).public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    (tmp_path / "pack.zip").write_bytes(bn_pack.data)
    ours = runner.invoke(args=["verify-pack", str(tmp_path / "pack.zip")])
    theirs = runner.invoke(args=["verify-pack", str(tmp_path / "pack.zip"), "--public-key",
                                 str(tmp_path / "other.pub")])
    assert ours.exit_code == 0 and theirs.exit_code == 1
    assert "signed by another key" in theirs.output


# ---- the PDF signature, the footer, the QR code and the public page -------------------------

def pdfsig(path: Path) -> str:
    return subprocess.run(["pdfsig", str(path)], capture_output=True, text=True).stdout


def test_pdfsig_validates_the_report_and_fails_after_one_byte_changes(app, bn_pack, tmp_path):
    report = tmp_path / "report.pdf"
    report.write_bytes(bn_pack.files[bn_pack.pdfs[0]])
    shown = pdfsig(report)
    assert "Signature #1" in shown and "Signature Validation: Signature is Valid." in shown
    assert app.config["ORGANISATION_NAME"] in shown
    assert "Signature Type: ETSI.CAdES.detached" in shown
    # The demo certificate is self-signed: valid, but not issued by a trusted authority.
    assert "Certificate Validation: " in shown
    data = bytearray(bn_pack.files[bn_pack.pdfs[0]])
    data[len(data) // 3] ^= 0x01
    report.write_bytes(bytes(data))
    assert "Signature Validation: Signature is Valid." not in pdfsig(report)


def test_every_page_names_the_pack_and_the_manifest_hash(app, any_pack):
    digest = hashlib.sha256(any_pack.files["manifest.json"]).hexdigest()
    pack_id = any_pack.manifest["pack"]
    pages = any_pack.pdf_text.split("\f")
    pages = [page for page in pages if page.strip()]
    assert len(pages) >= 3
    for page in pages:
        assert digest in re.sub(r"\s", "", page)
    assert f"/verify/{digest}" in any_pack.html
    letter = Document(io.BytesIO(any_pack.files["letter.docx"]))
    for section in letter.sections:
        footer = " ".join(paragraph.text for paragraph in section.footer.paragraphs)
        assert digest in footer
        assert re.search(rf"(?<!\d){pack_id}(?!\d)", footer.translate(
            str.maketrans("০১২৩৪৫৬৭৮৯", "0123456789")))
        assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)


def test_the_qr_code_is_the_verification_address(app, bn_pack):
    import segno

    digest = hashlib.sha256(bn_pack.files["manifest.json"]).hexdigest()
    url = f"{app.config['PUBLIC_URL']}/verify/{digest}"
    expected = segno.make(url, error="m").svg_data_uri(scale=3, border=2)
    assert expected in bn_pack.html


def test_the_public_page_shows_what_was_published_without_a_login(app, runner, network,
                                                                    tmp_path):
    out = tmp_path / "pack.zip"
    built = runner.invoke(args=["build-pack", "--office", "BDO-GAIGHATA", "--lang", "en",
                                "--out", str(out)])
    assert built.exit_code == 0, built.output
    with zipfile.ZipFile(out) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    anonymous = app.test_client()
    digest = hashlib.sha256(files["manifest.json"]).hexdigest()
    page = anonymous.get(f"/verify/{digest}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    for name in DATA_FILES | document_files("en"):
        assert hashlib.sha256(files[name]).hexdigest() in text
    assert digest in text and app.config["ORGANISATION_NAME"] in text.replace("&#39;", "'")
    # Nothing that is not in the pack, and none of its figures.
    assert "BDO-GAIGHATA" in text or "BDO Gaighata" in text
    assert not re.search(r"\b\d\.\d\b", re.sub(r"<[^>]+>", " ", text))
    unknown = anonymous.get("/verify/" + "0" * 64)
    assert unknown.status_code == 404 and "0" * 64 in unknown.get_data(as_text=True)
    assert anonymous.get("/verify/not-a-hash").status_code == 404
    assert anonymous.get(f"/verify/?sha256={digest.upper()}").status_code == 200


def test_production_without_a_signing_key_refuses_to_build(app, runner, network, tmp_path):
    app.config["RATING_ENV"] = "production"
    result = runner.invoke(args=["build-pack", "--block", "Gaighata", "--out",
                                 str(tmp_path / "pack.zip")])
    assert result.exit_code != 0
    assert "signing_not_configured" in result.output
    assert not (tmp_path / "pack.zip").exists()


# ---- data a third party opens and reads --------------------------------------------------

def test_the_csvs_open_in_excel_and_every_column_is_in_the_dictionary(any_pack):
    import csv

    dictionary = any_pack.files["data-dictionary.csv"]
    assert dictionary.startswith(b"\xef\xbb\xbf")
    described = {(row["file"], row["column"]): row for row in csv.DictReader(
        io.StringIO(dictionary.decode("utf-8-sig")))}
    for name in ("data.csv", "escalation.csv"):
        data = any_pack.files[name]
        assert data.startswith(b"\xef\xbb\xbf"), name  # UTF-8 with BOM: Excel reads Bengali
        header = next(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
        for column in header:
            row = described[(name, column)]
            assert row["unit"] and len(row["meaning"]) > 10, (name, column)
        assert [c for (file, c) in described if file == name] == header


def test_the_xlsx_holds_the_same_tables_with_numbers_as_numbers(any_pack):
    import csv

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(any_pack.files["data.xlsx"]), read_only=True)
    assert book.sheetnames == ["data", "escalation", "data-dictionary"]
    for sheet, name in (("data", "data.csv"), ("escalation", "escalation.csv")):
        rows = list(csv.reader(io.StringIO(any_pack.files[name].decode("utf-8-sig"))))
        cells = [["" if v is None else v for v in row] for row in book[sheet].iter_rows(
            values_only=True)]
        assert len(cells) == len(rows)
        for want, got in zip(rows, cells, strict=True):
            for text, value in zip(want, got, strict=False):
                if isinstance(value, int | float):  # "1.0" comes back as 1
                    assert value == float(text)
                else:
                    assert value == text
    numbers = [v for row in book["data"].iter_rows(min_row=2, values_only=True) for v in row
               if isinstance(v, int | float)]
    assert numbers  # means and intervals are numbers, not text


@pytest.mark.parametrize("how", ["bn", "both"])
def test_report_html_carries_its_fonts_a_viewport_and_named_hovers(request, app, how):
    from tests.rating.test_evidence import shared_pack

    pack = shared_pack(request, how)
    for name in sorted(n for n in pack.files if n.endswith(".html")):
        _check_report_html(pack.files[name].decode())


def _check_report_html(html: str) -> None:
    assert "file://" not in html and "/static/fonts" not in html
    fonts = re.findall(r'src: url\("data:font/woff;base64,([A-Za-z0-9+/=]+)"\)', html)
    assert len(fonts) == 4
    from fontTools.ttLib import TTFont

    bengali = TTFont(io.BytesIO(__import__("base64").b64decode(fonts[0])))
    cmap = bengali.getBestCmap()
    used = {ch for ch in re.sub(r"<[^>]+>", "", html) if "\u0980" <= ch <= "\u09ff"}
    assert used and all(ord(ch) in cmap for ch in used)  # every Bengali letter shown is there
    assert sum(len(font) for font in fonts) < 400_000  # subset: the four files are 1.4 MB
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    figures = re.findall(r"data-figure='([^']+)'", html)
    assert figures
    import html as html_module

    for figure in figures:
        traces = json.loads(html_module.unescape(figure))["data"]
        shown = [t for t in traces if t.get("hoverinfo") != "skip"]
        assert shown and all(t.get("name") and "<extra>" + t["name"] in t["hovertemplate"]
                             for t in shown)
