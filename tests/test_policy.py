"""The policy: each role against each kind of object, including another administration's."""

import pytest

from app import policy
from app.auth.models import Administration, Region, Role, User

OWN, OTHER = 1, 2


def person(role: Role, administration_id: int = OWN, user_id: int = 100) -> User:
    user = User(id=user_id, email=f"{role.value}@example.org", full_name=role.value, role=role, active=True)
    user.administration_id = administration_id
    return user


def administration(administration_id: int) -> Administration:
    return Administration(id=administration_id, code="KE" if administration_id == OWN else "SN", region=Region.EUROPE)


ROLES = list(Role)


class Workshopish:
    """A workshop: invited administrations, an organiser, facilitators."""

    def __init__(self, invited: int, organiser: int) -> None:
        self.administrations = [administration(invited)]
        self.organiser_id = organiser
        self.facilitators = []

    def __repr__(self) -> str:
        return f"workshop-inviting-{self.administrations[0].id}"


class Cohortish:
    """Anything that belongs to an administration (a cohort)."""

    def __init__(self, administration_id: int) -> None:
        self.administration_id = administration_id

    def __repr__(self) -> str:
        return f"of-administration-{self.administration_id}"


class Owned:
    """Any object that belongs to a user (an attempt)."""

    def __init__(self, user_id: int) -> None:
        self.user_id = user_id

    def __repr__(self) -> str:
        return f"owned-by-{self.user_id}"


class Projectish:
    """A project and its lead."""

    def __init__(self, lead_id: int | None) -> None:
        self.lead_id = lead_id

    def __repr__(self) -> str:
        return f"project-led-by-{self.lead_id}"


class Authored:
    """A course and the trainers assigned to it."""

    def __init__(self, *author_ids: int) -> None:
        self.author_ids = frozenset(author_ids)

    def __repr__(self) -> str:
        return f"course-authored-by-{sorted(self.author_ids)}"


class Asked:
    """Something prepared for one person (a long export, a cohort's certificates)."""

    def __init__(self, user_id: int) -> None:
        self.user_id = user_id

    def __repr__(self) -> str:
        return f"asked-for-by-{self.user_id}"


# action, target, roles allowed (acting from administration OWN)
EXPECTED = [
    ("administration.view", administration(OWN), {*ROLES}),
    ("administration.view", administration(OTHER), {Role.DIRECTORATE, Role.ADMIN}),
    ("administration.list", None, {Role.DIRECTORATE, Role.ADMIN}),
    ("administration.manage", None, {Role.ADMIN}),
    ("health.verbose", None, {Role.ADMIN}),
    ("jobs.manage", None, {Role.ADMIN}),
    ("downloads.list", None, {Role.TRAINER, Role.COORDINATOR, Role.DIRECTORATE, Role.ADMIN}),
    ("downloads.fetch", Asked(100), {*ROLES}),
    ("downloads.fetch", Asked(7), {Role.ADMIN}),
    ("user.list", None, {Role.COORDINATOR, Role.DIRECTORATE, Role.ADMIN}),
    ("user.list", administration(OWN), {Role.COORDINATOR, Role.DIRECTORATE, Role.ADMIN}),
    ("user.list", administration(OTHER), {Role.DIRECTORATE, Role.ADMIN}),
    ("user.view", person(Role.LEARNER, OWN, 7), {Role.COORDINATOR, Role.DIRECTORATE, Role.ADMIN}),
    ("user.view", person(Role.LEARNER, OTHER, 7), {Role.DIRECTORATE, Role.ADMIN}),
    ("user.invite", administration(OWN), {Role.COORDINATOR, Role.ADMIN}),
    ("user.invite", administration(OTHER), {Role.ADMIN}),
    ("user.manage", person(Role.LEARNER, OWN, 7), {Role.COORDINATOR, Role.ADMIN}),
    ("user.manage", person(Role.LEARNER, OTHER, 7), {Role.ADMIN}),
    ("user.manage", person(Role.TRAINER, OWN, 7), {Role.ADMIN}),
    ("user.manage", person(Role.ADMIN, OWN, 7), {Role.ADMIN}),
    ("course.enrol", None, {*ROLES}),
    ("course.preview", None, {Role.TRAINER, Role.DIRECTORATE, Role.ADMIN}),
    ("course.create", None, {Role.TRAINER, Role.DIRECTORATE, Role.ADMIN}),
    ("course.edit", Authored(100), {Role.TRAINER, Role.DIRECTORATE, Role.ADMIN}),
    ("course.edit", Authored(7), {Role.DIRECTORATE, Role.ADMIN}),
    ("course.edit", Authored(), {Role.DIRECTORATE, Role.ADMIN}),
    ("course.export", Authored(100), {Role.TRAINER, Role.DIRECTORATE, Role.ADMIN}),
    ("course.export", Authored(7), {Role.DIRECTORATE, Role.ADMIN}),
    ("course.assign_authors", None, {Role.DIRECTORATE, Role.ADMIN}),
    ("course.import", None, {Role.ADMIN}),
    ("attempt.view", Owned(100), {*ROLES}),
    ("attempt.view", Owned(7), {Role.DIRECTORATE, Role.ADMIN}),
    ("attempt.answer", Owned(100), {*ROLES}),
    ("attempt.answer", Owned(7), set()),
    ("assessment.report", None, {Role.TRAINER, Role.DIRECTORATE, Role.ADMIN}),
    ("certificate.view", Owned(100), {*ROLES}),
    ("certificate.view", Owned(7), {Role.TRAINER, Role.DIRECTORATE, Role.ADMIN}),
    ("certificate.issue", None, {Role.TRAINER, Role.DIRECTORATE, Role.ADMIN}),
    ("certificate.revoke", Owned(7), {Role.DIRECTORATE, Role.ADMIN}),
    ("directorate.view", None, {Role.DIRECTORATE, Role.ADMIN}),
    ("project.manage", None, {Role.DIRECTORATE, Role.ADMIN}),
    ("results.thresholds", None, {Role.DIRECTORATE, Role.ADMIN}),
    ("project.lead", None, {Role.TRAINER, Role.DIRECTORATE, Role.ADMIN}),
    ("project.view", None, {Role.DIRECTORATE, Role.ADMIN}),
    ("project.view", Projectish(lead_id=7), {Role.DIRECTORATE, Role.ADMIN}),
    ("project.view", Projectish(lead_id=100), {*ROLES}),
    ("project.narrate", Projectish(lead_id=7), {Role.DIRECTORATE, Role.ADMIN}),
    ("project.narrate", Projectish(lead_id=100), {*ROLES}),
    ("user.sex", person(Role.LEARNER, OWN, 7), {Role.DIRECTORATE, Role.ADMIN}),
    ("user.sex", person(Role.LEARNER, OWN, 100), {*ROLES}),
    ("administration.dashboard", administration(OWN), {Role.COORDINATOR, Role.DIRECTORATE, Role.ADMIN}),
    ("administration.dashboard", administration(OTHER), {Role.DIRECTORATE, Role.ADMIN}),
    ("cohort.create", None, {Role.TRAINER, Role.COORDINATOR, Role.DIRECTORATE, Role.ADMIN}),
    ("cohort.create", administration(OTHER), {Role.TRAINER, Role.DIRECTORATE, Role.ADMIN}),
    ("cohort.manage", Cohortish(OWN), {Role.TRAINER, Role.COORDINATOR, Role.DIRECTORATE, Role.ADMIN}),
    ("cohort.manage", Cohortish(OTHER), {Role.TRAINER, Role.DIRECTORATE, Role.ADMIN}),
    ("audit.view", None, {Role.DIRECTORATE, Role.ADMIN}),
    ("workshop.organise", None, {Role.TRAINER, Role.DIRECTORATE, Role.ADMIN}),
    ("workshop.organise", Workshopish(invited=OWN, organiser=7), {Role.DIRECTORATE, Role.ADMIN}),
    ("workshop.view", Workshopish(invited=OWN, organiser=7), {*ROLES}),
    ("workshop.view", Workshopish(invited=OTHER, organiser=7), {Role.TRAINER, Role.DIRECTORATE, Role.ADMIN}),
    (
        "workshop.register_others",
        (Workshopish(invited=OWN, organiser=7), person(Role.LEARNER, OWN, 7)),
        {Role.COORDINATOR, Role.DIRECTORATE, Role.ADMIN},
    ),
    (
        "workshop.register_others",
        (Workshopish(invited=OWN, organiser=7), person(Role.LEARNER, OTHER, 7)),
        {Role.DIRECTORATE, Role.ADMIN},
    ),
    ("workshop.attendance", Workshopish(invited=OWN, organiser=7), {Role.DIRECTORATE, Role.ADMIN}),
]


@pytest.mark.parametrize(("action", "target", "allowed"), EXPECTED, ids=lambda v: getattr(v, "code", None) or str(v))
@pytest.mark.parametrize("role", ROLES, ids=str)
def test_each_role_against_each_object(role, action, target, allowed):
    """Does the policy allow exactly the expected roles, for objects of their own and another administration?"""
    assert policy.can(person(role), action, target) is (role in allowed)


def test_every_rule_is_in_the_table():
    """Is every rule of the policy covered by the table above, so a new rule must be classified?"""
    assert {action for action, _t, _a in EXPECTED} == set(policy.RULES)


@pytest.mark.parametrize("role", ROLES, ids=str)
def test_a_user_may_view_themselves_but_not_deactivate_themselves(role):
    """Can anyone see their own account, and nobody lock themselves out?"""
    me = person(role)
    assert policy.can(me, "user.view", me)
    assert not policy.can(me, "user.manage", me)


def test_deactivated_and_anonymous_users_may_do_nothing():
    """Does a deactivated admin, or nobody at all, get any right?"""
    admin = person(Role.ADMIN)
    admin.active = False
    for action, target, _allowed in EXPECTED:
        assert not policy.can(admin, action, target)
        assert not policy.can(None, action, target)


def test_unknown_action_is_an_error_not_a_silent_no():
    """Is a misspelt action caught loudly rather than read as 'forbidden'?"""
    with pytest.raises(LookupError):
        policy.can(person(Role.ADMIN), "user.delete-everything")


def test_assignable_roles():
    """Which roles can a coordinator and an admin give to new accounts?"""
    assert policy.assignable_roles(person(Role.COORDINATOR), administration(OWN)) == [Role.LEARNER]
    assert policy.assignable_roles(person(Role.COORDINATOR), administration(OTHER)) == []
    assert policy.assignable_roles(person(Role.ADMIN), administration(OTHER)) == list(Role)
    assert policy.assignable_roles(person(Role.TRAINER), administration(OWN)) == []
