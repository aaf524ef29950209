"""The directorate's projects table, for the demo that attaches activity to projects.

Workshops learn of projects through `workshops.services.PROJECT_FINDERS`, which the directorate
fills in; other packages import this module, never `app.directorate.models`.
"""

from app.directorate.models import Project, Result

__all__ = ["Project", "Result"]
