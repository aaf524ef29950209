"""The audit log's table, for the directorate's audit page and its change marks.

Entries are written through `app.audit.services.record`; this module only lets the directorate
read them. Other packages import this module, never `app.audit.models`.
"""

from app.audit.models import AuditEntry

__all__ = ["AuditEntry"]
