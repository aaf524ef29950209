"""An attempt open while the upgrade to per-attempt tokens runs keeps working, its answers and its page intact."""

from pathlib import Path

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade
from werkzeug.datastructures import MultiDict

from app import create_app
from app.assessments import services
from app.assessments.models import Assessment, Attempt, Question
from app.auth.models import Administration, Role, User
from app.content.sync import sync
from app.extensions import db

BEFORE = "b7a1c0e5d2f0"
FIXTURE_CONTENT = Path(__file__).parent.parent / "fixtures" / "content"


def test_an_attempt_open_during_the_upgrade_keeps_its_page_and_answers(tmp_path):
    """Does an attempt started before the upgrade still take the answers its page posts (c0, p1…), show them
    again, and go back to its old shape on a downgrade?"""
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'old.sqlite'}",
            "STORAGE_DIR": str(tmp_path / "storage"),
        }
    )
    with app.app_context():
        upgrade(revision=BEFORE)
        sync(FIXTURE_CONTENT)
        administration = Administration(code="KE", name="Kenya")
        db.session.add(administration)
        db.session.flush()
        user = User(email="old@example.org", full_name="Old", role=Role.LEARNER, administration_id=administration.id)
        db.session.add(user)
        db.session.flush()
        assessment = db.session.scalar(sa.select(Assessment))
        bank = db.session.scalars(sa.select(Question).where(Question.assessment_id == assessment.id)).all()
        old_orders = {
            str(q.id): [item["id"] for item in q.spec.get("choices", q.spec.get("items", []))][::-1] for q in bank
        }
        attempt = Attempt(
            assessment_id=assessment.id, user_id=user.id, number=1, question_ids=[q.id for q in bank], orders=old_orders
        )
        db.session.add(attempt)
        db.session.commit()
        kinds, attempt_id = {q.type: q.id for q in bank}, attempt.id
        db.session.remove()

        upgrade()
        attempt = db.session.get(Attempt, attempt_id)
        single, matching = (db.session.get(Question, kinds[kind]) for kind in ("single_choice", "matching"))
        assert attempt.orders[str(single.id)]["choices"] == [[cid, cid] for cid in old_orders[str(single.id)]]
        # The page it showed before posts the same fields, and they are taken.
        form = MultiDict(
            {f"q{single.id}": "c0", **{f"q{matching.id}-{pid}": pid for pid in old_orders[str(matching.id)]}}
        )
        services.save_answers(attempt, form, only_present=True)
        db.session.commit()
        saved = services.responses_of(attempt)
        assert saved[single.id].answer == "c0"
        assert saved[matching.id].answer == {pid: pid for pid in old_orders[str(matching.id)]}
        views = services.attempt_views(attempt, services.attempt_questions(attempt), saved)
        assert [c["value"] for c in views[single.id]["choices"]] == old_orders[str(single.id)]
        assert next(c for c in views[single.id]["choices"] if c["checked"])["value"] == "c0"
        db.session.remove()

        downgrade(revision=BEFORE)
        orders = db.session.scalar(sa.select(Attempt.orders).where(Attempt.id == attempt_id))
        assert orders == old_orders
        db.engine.dispose()
