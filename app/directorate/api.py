"""The directorate's projects table, for the demo that attaches activity to projects.

Workshops learn of projects through `events.workshop_projects`, which the directorate answers;
other packages import this module, never `app.directorate.models`.
"""

from app.directorate.models import Project, Result

__all__ = ["Project", "Result"]
