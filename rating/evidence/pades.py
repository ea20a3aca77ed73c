"""PDF signatures (PAdES baseline B-B) on the report and the letter, made with pyHanko and the
organisation's certificate, so that any PDF reader (and ``pdfsig``, ``pyhanko sign
validate``) shows who signed the document and whether one byte changed since."""

import io

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
    are the rendered ones)."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    metadata = signers.PdfSignatureMetadata(
        field_name="Signature", md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason, location="West Bengal, India", name=organisation)
    out = signers.sign_pdf(writer, metadata, signer=signed_by or signer())
    return out.getvalue()
