"""`flask --app wsgi certificates list|pdf`: for administrators and scripts."""

from pathlib import Path

import click
from flask.cli import AppGroup

certificates_cli = AppGroup("certificates", help="List certificates and export their PDFs.")


@certificates_cli.command("list")
def list_command() -> None:
    """One certificate per line: code, learner, achievement, date, status (tab-separated)."""
    from app.certificates.services import all_certificates

    for c in all_certificates():
        click.echo("\t".join([c.code, c.recipient_name, c.title, c.issued_at.strftime("%Y-%m-%d"), c.status]))


@certificates_cli.command("pdf")
@click.argument("code")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def pdf_command(code: str, path: Path) -> None:
    """Write the stored PDF of the certificate CODE to PATH."""
    from app.certificates.services import find, pdf_bytes

    certificate = find(code)
    if certificate is None:
        click.echo(f"No certificate has the code {code}.", err=True)
        raise SystemExit(1)
    path.write_bytes(pdf_bytes(certificate))
    click.echo(f"Wrote {path} ({certificate.recipient_name}, {certificate.title}).")
