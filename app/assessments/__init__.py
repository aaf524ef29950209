"""Assessments: question banks, timed attempts, server-side grading, item analysis."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Plug assessments into content sync and into the definition of course completion."""
    from app.assessments import services
    from app.content import sync
    from app.courses import services as courses

    if services.import_assessments not in sync.COURSE_IMPORTERS:
        sync.COURSE_IMPORTERS.append(services.import_assessments)
    if services.required_assessments_passed not in courses.COMPLETION_REQUIREMENTS:
        courses.COMPLETION_REQUIREMENTS.append(services.required_assessments_passed)

    from app.assessments.cli import assessments_cli
    from app.assessments.routes import bp
    from app.assessments.standing import minutes_left
    from app.courses import signals

    signals.assessment_standings.connect(_standings)
    signals.assessments_due.connect(_due)

    app.register_blueprint(bp)
    app.add_template_filter(minutes_left, "minutes_left")
    app.cli.add_command(assessments_cli)


# The course pages ask through app/courses/signals.py: courses sits below assessments.
def _standings(user_id: int | None, course_id: int) -> list:
    from app.assessments.standing import standings_in

    return standings_in(user_id, course_id)


def _due(user_id: int, course_ids: list[int]) -> dict:
    from app.assessments.standing import required_due

    return required_due(user_id, course_ids)
