"""PDF signatures (PAdES baseline B-B) on the report and the letter, made with pyHanko and the
organisation's certificate, so that any PDF reader (and ``pdfsig``, ``pyhanko sign
validate``) shows who signed the document and whether one byte changed since."""

import asyncio
import io
import threading

from rating.evidence import keys


def signer():
    """The organisation's signer (pyhanko's SimpleSigner) from its PKCS#12 file."""
    from pyhanko.sign import signers  # almost a second to import: only when a PDF is signed

    data, password = keys.certificate()
    loaded = signers.SimpleSigner.load_pkcs12_data(data, other_certs=(), passphrase=password)
    if loaded is None:
        raise keys.SigningNotConfigured("the PDF certificate cannot be read (wrong password?)")
    return loaded


def sign_pdf(pdf: bytes, reason: str, organisation: str, signed_by=None) -> bytes:
    """The PDF with an approval signature appended (an incremental update: the signed bytes
    are the rendered ones).

    pyHanko signs through ``asyncio.run``, which refuses to start inside a thread whose event
    loop is already running (a test process after Playwright's, a worker of an async server):
    there the signing runs in a thread of its own, and this one waits for it.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return _sign(pdf, reason, organisation, signed_by)
    result: dict = {}

    def run() -> None:
        try:
            result["pdf"] = _sign(pdf, reason, organisation, signed_by)
        except BaseException as error:  # noqa: BLE001 - handed back to the caller below
            result["error"] = error

    worker = threading.Thread(target=run, name="pdf-signing")
    worker.start()
    worker.join()
    if "error" in result:
        raise result["error"]
    return result["pdf"]


def _sign(pdf: bytes, reason: str, organisation: str, signed_by) -> bytes:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    metadata = signers.PdfSignatureMetadata(
        field_name="Signature", md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason, location="West Bengal, India", name=organisation)
    out = signers.sign_pdf(writer, metadata, signer=signed_by or signer())
    return out.getvalue()
