"""The certificates table, for the directorate's figures, which count certificates in SQL joins.

Issuing, revoking and rendering go through `app.certificates.services`. Other packages import this
module, never `app.certificates.models`.
"""

from app.certificates.models import Certificate

__all__ = ["Certificate"]
