"""What a job worker loads when it starts, before its first pack: WeasyPrint and pyHanko, some
0.6 CPU s of imports that the first pack each worker builds would otherwise pay (an office
pack's build went 2.1 s -> about 1.5 s). Imported by worker.py only: web processes make no
pack, and keep the 55 MiB."""

import pyhanko.pdf_utils.incremental_writer  # noqa: F401
import pyhanko.sign.fields  # noqa: F401
import pyhanko.sign.signers  # noqa: F401
import weasyprint  # noqa: F401
