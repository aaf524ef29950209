"""Assessments: question banks, timed attempts, server-side grading, item analysis."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Plug assessments into content sync and into the definition of course completion."""
    from app.assessments import services, standing
    from app.common import events
    from app.content import sync

    if services.import_assessments not in sync.COURSE_IMPORTERS:
        sync.COURSE_IMPORTERS.append(services.import_assessments)
    events.completion_requirements.connect(standing.required_assessments_passed)

    from app.assessments.cli import assessments_cli
    from app.assessments.routes import bp
    from app.assessments.standing import minutes_left, required_due, standings_in
    from app.courses import signals

    # The course pages ask through signals: courses sits below assessments (ARCHITECTURE.md).
    signals.assessment_standings.connect(standings_in)
    signals.assessments_due.connect(required_due)

    app.register_blueprint(bp)
    app.add_template_filter(minutes_left, "minutes_left")
    app.cli.add_command(assessments_cli)
