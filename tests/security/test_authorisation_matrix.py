"""Who gets what: every route of the URL map, requested by every kind of person, on objects that belong to someone
else (learner A's attempt and certificate, administration A's cohort, project KE-DATA, the directorate's workshop).

The table below is the specification: a new route fails `test_every_route_is_in_the_table` until it is classified.
Where the product answers otherwise, the table keeps what it SHOULD answer and the test fails.

Outcomes: ok (2xx, or a redirect that is not to the login page: the app's own redirects land in the same area,
e.g. a lesson → its course page, a submitted attempt → its result), login (a redirect to /login), forbidden (403),
notfound (404), bad (400: the actor got past the policy, but the empty form is refused).

Every actor gets a fresh world, and is requested GET routes first (with GET), then POST-only routes (a POST with a
valid CSRF token and no other data), then logout, so no request changes what a later one sees.
"""

from __future__ import annotations

import pytest

from tests.helpers import AuthActions
from tests.security.conftest import (
    ACTORS,
    enumerate_rules,
    login_client,
    methods,
    outcome,
    route_key,
    token_of,
    url_for_rule,
)

#: The outcomes the table uses (`outcome` in conftest.py also knows "notfound" and other statuses).
OK, LOGIN, DENY, BAD = "ok", "login", "forbidden", "bad"


def row(*outcomes: str) -> dict[str, str]:
    """One line of the table, in the order of ACTORS."""
    assert len(outcomes) == len(ACTORS)
    return dict(zip(ACTORS, outcomes, strict=True))


# "trainer" is a trainer who is not the author of data-in-practice (tests/authoring checks its author gets in).
# Learner A's rows are their own objects.
# fmt: off
EXPECTED: dict[str, dict[str, str]] = {
    #                                            anon   lrn_a  lrn_b  train  crd_a  crd_b  dir    admin
    # Public pages
    "core.home":                             row(OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK),
    "core.healthz":                          row(OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK),
    "core.readyz":                           row(OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK),
    # Everyone may choose a language; a post naming none is refused.
    "language.choose":                       row(BAD,   BAD,   BAD,   BAD,   BAD,   BAD,   BAD,   BAD),
    "courses.catalogue":                     row(OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK),
    "courses.course":                        row(OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK),
    "courses.glossary":                      row(OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK),
    "courses.bibliography":                  row(OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK),
    "certificates.verify_form":              row(OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK),
    "certificates.verify":                   row(OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK),
    "certificates.credential_json":          row(OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK),
    "certificates.credential_jwt":           row(OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK),
    "certificates.jwks":                     row(OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK),
    "certificates.signing_key":              row(OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK),
    "certificates.issuer":                   row(OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK),
    # Accounts: the token in the link is the permission, whoever opens it
    "auth.login":                            row(OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK),
    "auth.logout":                           row(OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK),
    "auth.forgot_password":                  row(OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK),
    "auth.reset_password":                   row(OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK),
    "auth.accept_invitation":                row(OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK),
    "auth.account":                          row(LOGIN, OK,    OK,    OK,    OK,    OK,    OK,    OK),
    "auth.log_out_everywhere":               row(LOGIN, OK,    OK,    OK,    OK,    OK,    OK,    OK),
    # People and administrations: learner A is the person; coordinators manage their own learners; admins all
    "people.people":                         row(LOGIN, DENY,  DENY,  DENY,  OK,    OK,    OK,    OK),
    "people.person":                         row(LOGIN, OK,    DENY,  DENY,  OK,    DENY,  OK,    OK),
    "people.invite":                         row(LOGIN, DENY,  DENY,  DENY,  OK,    OK,    DENY,  OK),
    "people.import_people":                  row(LOGIN, DENY,  DENY,  DENY,  OK,    OK,    DENY,  OK),
    "people.import_template":                row(LOGIN, DENY,  DENY,  DENY,  OK,    OK,    OK,    OK),
    "people.deactivate":                     row(LOGIN, DENY,  DENY,  DENY,  OK,    DENY,  DENY,  OK),
    "people.reactivate":                     row(LOGIN, DENY,  DENY,  DENY,  OK,    DENY,  DENY,  OK),
    "people.resend_invitation":              row(LOGIN, DENY,  DENY,  DENY,  OK,    DENY,  DENY,  OK),
    "people.administrations":                row(LOGIN, DENY,  DENY,  DENY,  DENY,  DENY,  OK,    OK),
    # The background jobs and the outbox: admins only (an empty retry names no item: refused).
    "admin.jobs_page":                       row(LOGIN, DENY,  DENY,  DENY,  DENY,  DENY,  DENY,  OK),
    "admin.retry":                           row(LOGIN, DENY,  DENY,  DENY,  DENY,  DENY,  DENY,  BAD),
    "admin.retry_all":                       row(LOGIN, DENY,  DENY,  DENY,  DENY,  DENY,  DENY,  OK),
    # Prepared downloads: everyone's own list; a file for the person who asked for it (learner A) and admins
    "downloads.index":                       row(LOGIN, OK,    OK,    OK,    OK,    OK,    OK,    OK),
    "downloads.fetch":                       row(LOGIN, OK,    DENY,  DENY,  DENY,  DENY,  DENY,  OK),
    "people.edit_administration /administrations/new":
                                             row(LOGIN, DENY,  DENY,  DENY,  DENY,  DENY,  DENY,  OK),
    "people.edit_administration /administrations/<int:administration_id>/edit":
                                             row(LOGIN, DENY,  DENY,  DENY,  DENY,  DENY,  DENY,  OK),
    # Learning: learner A is enrolled in intro-to-data; trainers and staff preview; a refusal redirects to the course
    "courses.my_learning":                   row(LOGIN, OK,    OK,    OK,    OK,    OK,    OK,    OK),
    "courses.resume":                        row(LOGIN, OK,    OK,    OK,    OK,    OK,    OK,    OK),
    "courses.lesson":                        row(LOGIN, OK,    OK,    OK,    OK,    OK,    OK,    OK),
    "courses.enrol":                         row(LOGIN, OK,    OK,    OK,    OK,    OK,    OK,    OK),
    "courses.complete":                      row(LOGIN, OK,    OK,    BAD,   OK,    OK,    BAD,   BAD),
    "courses.attachment":                    row(LOGIN, OK,    DENY,  OK,    DENY,  DENY,  OK,    OK),
    # A lesson's image, named by its hash: for anyone logged in, like the picture in a book they may borrow
    "courses.lesson_image":                  row(LOGIN, OK,    OK,    OK,    OK,    OK,    OK,    OK),
    # Assessments: the attempt is learner A's, submitted; staff may read it (appeals); trainers see the report
    "assessments.overview":                  row(LOGIN, OK,    OK,    OK,    OK,    OK,    OK,    OK),
    "assessments.start":                     row(LOGIN, OK,    OK,    OK,    OK,    OK,    OK,    OK),
    "assessments.attempt":                   row(LOGIN, OK,    DENY,  DENY,  DENY,  DENY,  DENY,  DENY),
    "assessments.answer":                    row(LOGIN, BAD,   DENY,  DENY,  DENY,  DENY,  DENY,  DENY),
    "assessments.autosave":                  row(LOGIN, BAD,   DENY,  DENY,  DENY,  DENY,  DENY,  DENY),
    "assessments.confirm_submit":            row(LOGIN, OK,    DENY,  DENY,  DENY,  DENY,  DENY,  DENY),
    "assessments.submit":                    row(LOGIN, OK,    DENY,  DENY,  DENY,  DENY,  DENY,  DENY),
    "assessments.result":                    row(LOGIN, OK,    DENY,  DENY,  DENY,  DENY,  OK,    OK),
    "assessments.report":                    row(LOGIN, DENY,  DENY,  OK,    DENY,  DENY,  OK,    OK),
    "assessments.report_csv":                row(LOGIN, DENY,  DENY,  OK,    DENY,  DENY,  OK,    OK),
    # Certificates: learner A's; trainers and staff may download any; staff revoke and reissue
    "certificates.mine":                     row(LOGIN, OK,    OK,    OK,    OK,    OK,    OK,    OK),
    "certificates.pdf":                      row(LOGIN, OK,    DENY,  OK,    DENY,  DENY,  OK,    OK),
    "certificates.issue":                    row(LOGIN, DENY,  DENY,  OK,    DENY,  DENY,  OK,    OK),
    "certificates.revoke":                   row(LOGIN, DENY,  DENY,  DENY,  DENY,  DENY,  OK,    OK),
    "certificates.reissue":                  row(LOGIN, DENY,  DENY,  DENY,  DENY,  DENY,  OK,    OK),
    "certificates.course_zip":               row(LOGIN, DENY,  DENY,  OK,    DENY,  DENY,  OK,    OK),
    "cohorts.certificates_zip":              row(LOGIN, DENY,  DENY,  OK,    DENY,  DENY,  OK,    OK),
    # The cohort page's button (a POST): a few certificates come at once, many are prepared by a job
    "cohorts.prepare_certificates_zip":      row(LOGIN, DENY,  DENY,  OK,    DENY,  DENY,  OK,    OK),
    # Cohorts: administration A's cohort, learner A a member; coordinator B stays out
    "cohorts.cohorts":                       row(LOGIN, DENY,  DENY,  OK,    OK,    OK,    OK,    OK),
    "cohorts.cohort":                        row(LOGIN, DENY,  DENY,  OK,    OK,    DENY,  OK,    OK),
    "cohorts.edit_cohort /cohorts/new":      row(LOGIN, DENY,  DENY,  OK,    OK,    OK,    OK,    OK),
    "cohorts.edit_cohort /cohorts/<int:cohort_id>/edit":
                                             row(LOGIN, DENY,  DENY,  OK,    OK,    DENY,  OK,    OK),
    "cohorts.add_member":                    row(LOGIN, DENY,  DENY,  BAD,   BAD,   DENY,  BAD,   BAD),
    "cohorts.import_members":                row(LOGIN, DENY,  DENY,  BAD,   BAD,   DENY,  BAD,   BAD),
    "cohorts.remove_member":                 row(LOGIN, DENY,  DENY,  OK,    OK,    DENY,  OK,    OK),
    # The coordinator's page of administration A (asked for with ?administration=A)
    "cohorts.coordinator":                   row(LOGIN, DENY,  DENY,  DENY,  OK,    DENY,  OK,    OK),
    # The directorate: project KE-DATA, its milestone (with evidence) and target
    "directorate.overview":                  row(LOGIN, DENY,  DENY,  DENY,  DENY,  DENY,  OK,    OK),
    # Asking for a long period's export (a POST): the directorate; an empty form names no period and is refused
    "directorate.prepare_export":            row(LOGIN, DENY,  DENY,  DENY,  DENY,  DENY,  BAD,   BAD),
    "directorate.audit_log":                 row(LOGIN, DENY,  DENY,  DENY,  DENY,  DENY,  OK,    OK),
    "directorate.project":                   row(LOGIN, DENY,  DENY,  DENY,  DENY,  DENY,  OK,    OK),
    "directorate.project_report":            row(LOGIN, DENY,  DENY,  DENY,  DENY,  DENY,  OK,    OK),
    "directorate.evidence":                  row(LOGIN, DENY,  DENY,  DENY,  DENY,  DENY,  OK,    OK),
    "directorate.edit_project /projects/new":
                                             row(LOGIN, DENY,  DENY,  DENY,  DENY,  DENY,  OK,    OK),
    "directorate.edit_project /projects/<code>/edit":
                                             row(LOGIN, DENY,  DENY,  DENY,  DENY,  DENY,  OK,    OK),
    "directorate.edit_milestone /projects/<code>/milestones/new":
                                             row(LOGIN, DENY,  DENY,  DENY,  DENY,  DENY,  OK,    OK),
    "directorate.edit_milestone /projects/<code>/milestones/<int:milestone_id>":
                                             row(LOGIN, DENY,  DENY,  DENY,  DENY,  DENY,  OK,    OK),
    "directorate.edit_target /projects/<code>/targets/new":
                                             row(LOGIN, DENY,  DENY,  DENY,  DENY,  DENY,  OK,    OK),
    "directorate.edit_target /projects/<code>/targets/<int:target_id>":
                                             row(LOGIN, DENY,  DENY,  DENY,  DENY,  DENY,  OK,    OK),
    # The results framework of KE-DATA: its impact, an indicator with a value (and evidence file), a risk
    "results.edit_result /projects/<code>/results/new":
                                             row(LOGIN, DENY,  DENY,  DENY,  DENY,  DENY,  OK,    OK),
    "results.edit_result /projects/<code>/results/<int:result_id>":
                                             row(LOGIN, DENY,  DENY,  DENY,  DENY,  DENY,  OK,    OK),
    "results.edit_indicator /projects/<code>/results/<int:result_id>/indicators/new":
                                             row(LOGIN, DENY,  DENY,  DENY,  DENY,  DENY,  OK,    OK),
    "results.edit_indicator /projects/<code>/results/<int:result_id>/indicators/<int:indicator_id>":
                                             row(LOGIN, DENY,  DENY,  DENY,  DENY,  DENY,  OK,    OK),
    "results.indicator":                     row(LOGIN, DENY,  DENY,  DENY,  DENY,  DENY,  OK,    OK),
    "results.enter_value":                   row(LOGIN, DENY,  DENY,  DENY,  DENY,  DENY,  OK,    OK),
    "results.value_evidence":                row(LOGIN, DENY,  DENY,  DENY,  DENY,  DENY,  OK,    OK),
    "results.risk_register":                 row(LOGIN, DENY,  DENY,  DENY,  DENY,  DENY,  OK,    OK),
    "results.edit_risk /projects/<code>/risks/new":
                                             row(LOGIN, DENY,  DENY,  DENY,  DENY,  DENY,  OK,    OK),
    "results.edit_risk /projects/<code>/risks/<int:risk_id>":
                                             row(LOGIN, DENY,  DENY,  DENY,  DENY,  DENY,  OK,    OK),
    "results.thresholds":                    row(LOGIN, DENY,  DENY,  DENY,  DENY,  DENY,  OK,    OK),
    # The donor report of KE-DATA (this year's period), its import of values, the portfolio by year
    "donor.period":                          row(LOGIN, DENY,  DENY,  DENY,  DENY,  DENY,  OK,    OK),
    "donor.download":                        row(LOGIN, DENY,  DENY,  DENY,  DENY,  DENY,  OK,    OK),
    "donor.import_indicator_values":         row(LOGIN, DENY,  DENY,  DENY,  DENY,  DENY,  OK,    OK),
    "portfolio.indicators_by_year":          row(LOGIN, DENY,  DENY,  DENY,  DENY,  DENY,  OK,    OK),
    # A person's sex: learner A sets their own; the directorate anyone's; nobody else
    "auth.account_sex":                      row(LOGIN, OK,    OK,    OK,    OK,    OK,    OK,    OK),
    "people.person_sex":                     row(LOGIN, OK,    DENY,  DENY,  DENY,  DENY,  OK,    OK),
    # Workshops: organised by the directorate for administration A (learner A registered); trainers see all
    "workshops.workshops":                   row(LOGIN, OK,    OK,    OK,    OK,    OK,    OK,    OK),
    "workshops.workshop":                    row(LOGIN, OK,    DENY,  OK,    OK,    DENY,  OK,    OK),
    "workshops.calendar":                    row(LOGIN, OK,    DENY,  OK,    OK,    DENY,  OK,    OK),
    "workshops.material":                    row(LOGIN, OK,    DENY,  OK,    OK,    DENY,  OK,    OK),
    "workshops.output_file":                 row(LOGIN, OK,    DENY,  OK,    OK,    DENY,  OK,    OK),
    "workshops.register":                    row(LOGIN, OK,    DENY,  OK,    OK,    DENY,  OK,    OK),
    "workshops.cancel":                      row(LOGIN, OK,    DENY,  OK,    OK,    DENY,  OK,    OK),
    "workshops.register_officer":            row(LOGIN, BAD,   DENY,  BAD,   BAD,   DENY,  BAD,   BAD),
    "workshops.edit /workshops/new":         row(LOGIN, DENY,  DENY,  OK,    DENY,  DENY,  OK,    OK),
    "workshops.edit /workshops/<int:workshop_id>/edit":
                                             row(LOGIN, DENY,  DENY,  DENY,  DENY,  DENY,  OK,    OK),
    "workshops.add_session":                 row(LOGIN, DENY,  DENY,  DENY,  DENY,  DENY,  OK,    OK),
    "workshops.add_material":                row(LOGIN, DENY,  DENY,  DENY,  DENY,  DENY,  OK,    OK),
    "workshops.output":                      row(LOGIN, DENY,  DENY,  DENY,  DENY,  DENY,  OK,    OK),
    "workshops.attendance":                  row(LOGIN, DENY,  DENY,  DENY,  DENY,  DENY,  OK,    OK),
    "workshops.attendance_csv":              row(LOGIN, DENY,  DENY,  DENY,  DENY,  DENY,  BAD,   BAD),
    # The course editor: anyone who may create courses lists theirs; only staff and the course's authors edit it
    "authoring.courses":                     row(LOGIN, DENY,  DENY,  OK,    DENY,  DENY,  OK,    OK),
    "authoring.new":                         row(LOGIN, DENY,  DENY,  OK,    DENY,  DENY,  OK,    OK),
    "authoring.import_course":               row(LOGIN, DENY,  DENY,  DENY,  DENY,  DENY,  DENY,  OK),
    "authoring.add_attachment":              row(LOGIN, DENY,  DENY,  DENY,  DENY,  DENY,  OK,    OK),
    "authoring.add_module":                  row(LOGIN, DENY,  DENY,  DENY,  DENY,  DENY,  OK,    OK),
    "authoring.assessment":                  row(LOGIN, DENY,  DENY,  DENY,  DENY,  DENY,  OK,    OK),
    "authoring.assign_author":               row(LOGIN, DENY,  DENY,  DENY,  DENY,  DENY,  OK,    OK),
    "authoring.change_module":               row(LOGIN, DENY,  DENY,  DENY,  DENY,  DENY,  OK,    OK),
    "authoring.change_question":             row(LOGIN, DENY,  DENY,  DENY,  DENY,  DENY,  OK,    OK),
    "authoring.course":                      row(LOGIN, DENY,  DENY,  DENY,  DENY,  DENY,  OK,    OK),
    "authoring.details":                     row(LOGIN, DENY,  DENY,  DENY,  DENY,  DENY,  OK,    OK),
    "authoring.discard":                     row(LOGIN, DENY,  DENY,  DENY,  DENY,  DENY,  OK,    OK),
    "authoring.confirm_discard":             row(LOGIN, DENY,  DENY,  DENY,  DENY,  DENY,  OK,    OK),
    "authoring.export":                      row(LOGIN, DENY,  DENY,  DENY,  DENY,  DENY,  OK,    OK),
    "authoring.lesson":                      row(LOGIN, DENY,  DENY,  DENY,  DENY,  DENY,  OK,    OK),
    "authoring.move_lesson":                 row(LOGIN, DENY,  DENY,  DENY,  DENY,  DENY,  OK,    OK),
    "authoring.new_assessment":              row(LOGIN, DENY,  DENY,  DENY,  DENY,  DENY,  OK,    OK),
    "authoring.new_lesson":                  row(LOGIN, DENY,  DENY,  DENY,  DENY,  DENY,  OK,    OK),
    "authoring.new_question":                row(LOGIN, DENY,  DENY,  DENY,  DENY,  DENY,  OK,    OK),
    "authoring.preview":                     row(LOGIN, DENY,  DENY,  DENY,  DENY,  DENY,  OK,    OK),
    "authoring.preview_assessment":          row(LOGIN, DENY,  DENY,  DENY,  DENY,  DENY,  OK,    OK),
    "authoring.publish":                     row(LOGIN, DENY,  DENY,  DENY,  DENY,  DENY,  OK,    OK),
    "authoring.question":                    row(LOGIN, DENY,  DENY,  DENY,  DENY,  DENY,  OK,    OK),
    "authoring.remove_assessment":           row(LOGIN, DENY,  DENY,  DENY,  DENY,  DENY,  OK,    OK),
    "authoring.remove_attachment":           row(LOGIN, DENY,  DENY,  DENY,  DENY,  DENY,  OK,    OK),
    "authoring.remove_author":               row(LOGIN, DENY,  DENY,  DENY,  DENY,  DENY,  OK,    OK),
    "authoring.remove_lesson":               row(LOGIN, DENY,  DENY,  DENY,  DENY,  DENY,  OK,    OK),
    "authoring.reorder":                     row(LOGIN, DENY,  DENY,  DENY,  DENY,  DENY,  OK,    OK),
    "authoring.start":                       row(LOGIN, DENY,  DENY,  DENY,  DENY,  DENY,  OK,    OK),
}
# fmt: on


def query_for(key: str, world) -> str:
    """A query string some routes take their object from."""
    if key == "cohorts.coordinator":
        return f"?administration={world.administrations['KE'].id}"
    if key == "authoring.new_question":
        return "?type=true_false"
    return ""


def test_every_route_is_in_the_table(app):
    """Is every route of the URL map (but static files) classified for every actor, and nothing else?"""
    keys = {route_key(app, rule) for rule in enumerate_rules(app)}
    assert sorted(keys - EXPECTED.keys()) == [], "routes missing from EXPECTED: classify them"
    assert sorted(EXPECTED.keys() - keys) == [], "EXPECTED names routes that no longer exist"
    assert all(set(outcomes) == set(ACTORS) for outcomes in EXPECTED.values())


def _requests(app, world):
    """(key, method, url) for every rule: GET routes first, then POST-only routes, the two logouts last."""
    gets, posts, last = [], [], []
    ending = ("auth.log_out_everywhere", "auth.logout")  # in this order: the first needs a logged-in actor
    for rule in enumerate_rules(app):
        key = route_key(app, rule)
        url = url_for_rule(rule, world) + query_for(key, world)
        if "GET" in methods(rule):
            gets.append((key, "GET", url))
        else:
            (last if rule.endpoint in ending else posts).append((key, "POST", url))
    last.sort(key=lambda request: ending.index(request[0]))
    return gets + posts + last


@pytest.mark.parametrize("actor", ACTORS)
def test_each_route_answers_each_actor_as_the_table_says(app, world, actor):
    """Does each route give this actor what the table says, on objects that are not theirs (learner A's own for A)?"""
    client = login_client(app, world, actor)
    token = token_of(client)
    wrong = []
    for key, method, url in _requests(app, world):
        response = client.get(url) if method == "GET" else client.post(url, data={"csrf_token": token})
        got = outcome(response)
        response.close()
        expected = EXPECTED.get(key, {}).get(actor, "unclassified")
        if key == "auth.log_out_everywhere":
            # That ended the session and its CSRF token: log in again, so logout is tried logged in.
            if actor != "anonymous":
                AuthActions(client).login(world.email(actor))
            token = token_of(client)
        if got != expected:
            where = response.headers.get("Location", "")
            wrong.append(f"{key}: {method} {url} → {got} ({response.status_code} {where}), expected {expected}")
    assert wrong == [], f"{actor}:\n" + "\n".join(wrong)
