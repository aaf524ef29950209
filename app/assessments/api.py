"""The assessments tables other packages may use: the directorate's record of an officer lists their
attempts, and the editor's export reads a course's assessments. Functions are in `services.py`.
Other packages import this module, never `app.assessments.models`.
"""

from app.assessments.models import Assessment, Attempt

__all__ = ["Assessment", "Attempt"]
