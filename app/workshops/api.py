"""The workshops tables the directorate's figures join to count workshops held and officers trained.

Organising, registering and attendance go through `app.workshops.services`. Other packages import
this module, never `app.workshops.models`.
"""

from app.workshops.models import Attendance, Registration, Workshop, WorkshopSession

__all__ = ["Attendance", "Registration", "Workshop", "WorkshopSession"]
