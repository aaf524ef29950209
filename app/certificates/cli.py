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


credentials_cli = AppGroup("credentials", help="The keys that sign Open Badges credentials.")


@credentials_cli.command("keys")
def keys_command() -> None:
    """One signing key per line: generation, kid, origin, created, retired (tab-separated), newest first."""
    from app.certificates.signing_keys import all_keys, kid_url

    for key in all_keys():
        retired = key.retired_at.strftime("%Y-%m-%d %H:%M") if key.retired_at else "signing"
        created = key.created_at.strftime("%Y-%m-%d %H:%M")
        click.echo("\t".join([str(key.generation), kid_url(key.thumbprint), key.origin, created, retired]))


@credentials_cli.command("rotate-key")
@click.option(
    "--new-secret",
    is_flag=True,
    help="SECRET_KEY changed and the old one is lost: start a new key without reading the old ones.",
)
def rotate_key_command(new_secret: bool) -> None:
    """Make a new key sign from now on; the keys before stay published, so what they signed still verifies."""
    from app.certificates.signing_keys import SigningKeyError, kid_url, rotate
    from app.extensions import db

    try:
        key = rotate(new_secret=new_secret)
    except SigningKeyError as error:
        db.session.rollback()
        click.echo(str(error), err=True)
        raise SystemExit(1) from None
    db.session.commit()
    click.echo(f"A new key signs from now on: {kid_url(key.thumbprint)} (generation {key.generation}).")
    click.echo("The keys before it stay in /.well-known/jwks.json: what they signed still verifies.")
