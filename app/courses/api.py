"""The courses tables other packages may use, and why; the functions are in `app.courses.services`.

- The curriculum (Track, Tier, Course, Module, Lesson, Attachment, Reference, GlossaryTerm,
  ContentSource, CourseVersion, course_prerequisites) is written by the content pipeline
  (`content/sync.py`) and the editor (`authoring/`); pages read it through `courses/structure.py`.
- Enrolment and LessonProgress are joined by the directorate's figures and by the services of
  assessments, certificates and workshops that count or check a learner's courses in SQL.
Other packages import this module, never `app.courses.models` (import-linter checks it).
"""

from app.courses.models import (
    Attachment,
    ContentSource,
    Course,
    CourseVersion,
    Enrolment,
    GlossaryTerm,
    Lesson,
    LessonProgress,
    Module,
    Reference,
    Tier,
    Track,
    course_prerequisites,
)

__all__ = [
    "Attachment",
    "ContentSource",
    "Course",
    "CourseVersion",
    "Enrolment",
    "GlossaryTerm",
    "Lesson",
    "LessonProgress",
    "Module",
    "Reference",
    "Tier",
    "Track",
    "course_prerequisites",
]
