"""``flask --app wsgi build-pack ...`` and ``verify-pack PACK.zip``."""

from pathlib import Path

import click
from flask import Flask
from sqlalchemy import func, select

from rating.cycles.models import Cycle
from rating.directory.models import DepartmentType, Office
from rating.directory.services import find_place
from rating.evidence import keys, services, verify
from rating.evidence.content import PackParams
from rating.extensions import db
from rating.privatefiles import write_private


@click.command("build-pack")
@click.option("--district", help="District name (English or Bengali).")
@click.option("--block", help="Block or municipality name.")
@click.option("--office", "office_code", help="Office code, e.g. BDO-GAIGHATA.")
@click.option("--department", help="Department code, e.g. BDO.")
@click.option("--cycles", default="all", show_default=True,
              help='"all", or FIRST:LAST cycle names, e.g. "2025 Q1:2026 Q3".')
@click.option("--lang", type=click.Choice(["bn", "en", "both"]), default="bn",
              show_default=True)
@click.option("--level", default="district", show_default=True,
              help="Recipient's escalation level.")
@click.option("--to", "recipient", default="District Magistrate", show_default=True)
@click.option("--annex", is_flag=True, help="Add the table of every other office.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
def build_pack_command(district, block, office_code, department, cycles, lang, level,
                       recipient, annex, out):
    """Build an evidence pack now (for scheduled packs and scripts)."""
    chosen = [(name, value) for name, value in (("district", district), ("block", block),
                                                ("office", office_code),
                                                ("department", department)) if value]
    if len(chosen) != 1:
        raise click.UsageError("give exactly one of --district, --block, --office, "
                               "--department")
    scope, value = chosen[0]
    if scope == "office":
        target = db.session.scalar(select(Office).where(
            func.lower(Office.code) == value.lower()))
    elif scope == "department":
        target = db.session.scalar(select(DepartmentType).where(
            func.lower(DepartmentType.code) == value.lower()))
    else:
        kinds = ("district",) if scope == "district" else ("block", "municipality")
        target = find_place(value, kinds)
    if target is None:
        raise click.BadParameter(f"unknown {scope}: {value}")
    cycle_from = cycle_to = None
    if cycles != "all":
        first, _, last = cycles.partition(":")
        by_name = {c.name.lower(): c.id for c in db.session.scalars(select(Cycle))}
        try:
            cycle_from, cycle_to = by_name[first.lower()], by_name[(last or first).lower()]
        except KeyError as missing:
            raise click.BadParameter(f"unknown cycle {missing}") from None
    params = PackParams(scope=scope, scope_id=target.id, language=lang,
                        recipient_level=level, recipient_name=recipient,
                        cycle_from=cycle_from, cycle_to=cycle_to, annex=annex)
    pack = services.start_pack(params, value, actor=None, wait=True)
    if pack.status != "done":
        raise click.ClickException(f"the pack was not built: {pack.error}")
    write_private(out, services.pack_bytes(pack))
    click.echo(f"Built {out} (manifest {pack.manifest_sha256}).")


@click.command("verify-pack")
@click.argument("pack", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--public-key", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The organisation's public key (PEM); default: this server's own.")
def verify_pack_command(pack, public_key):
    """Say whether a pack is intact and signed by the organisation's key."""
    pem = public_key.read_bytes() if public_key else keys.public_key_pem()
    ok, problems = verify.verify_pack(pack.read_bytes(), pem)
    if ok:
        click.echo(f"{pack}: intact, signed by key {verify.key_id(verify.load_public_key(pem))}.")
        return
    for problem in problems:
        click.echo(f"{pack}: {problem}", err=True)
    raise click.exceptions.Exit(1)


def init_app(app: Flask) -> None:
    app.cli.add_command(build_pack_command)
    app.cli.add_command(verify_pack_command)
