"""The capacity building directorate and national coordinators: projects, cohorts, dashboards, reports."""

from flask import Flask


def init_app(app: Flask) -> None:
    from app.common import events
    from app.directorate.cli import projects_cli, reports_cli
    from app.directorate.cohort_routes import bp as cohorts_bp
    from app.directorate.donor_routes import bp as donor_bp
    from app.directorate.portfolio_routes import bp as portfolio_bp
    from app.directorate.results_routes import bp as results_bp
    from app.directorate.routes import bp as directorate_bp
    from app.directorate.services import projects_for_workshops, projects_led

    events.workshop_projects.connect(projects_for_workshops)  # a workshop may belong to a project
    events.projects_led.connect(projects_led)  # the home page of a trainer who leads a project

    app.register_blueprint(directorate_bp)
    app.register_blueprint(cohorts_bp)
    app.register_blueprint(results_bp)
    app.register_blueprint(donor_bp)
    app.register_blueprint(portfolio_bp)
    app.cli.add_command(reports_cli)
    app.cli.add_command(projects_cli)
