"""Every ORM query sees only the current municipality's rows; new rows are given it."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import StatementError
from sqlalchemy.orm import aliased

from formsvc.db import database
from formsvc.forms.models import Form
from formsvc.staff.models import StaffUser
from formsvc.submissions.models import Submission, SubmissionEvent
from formsvc.tenants.context import DEFAULT_TENANT_ID, NoSingleTenant, all_municipalities, working_for
from tests.review.conftest import REVIEW_FORM, REVIEW_SAMPLE, SAMPLE, publish
from tests.review.support import make_submissions
from tests.staff.support import make_staff
from tests.tenants.support import in_tenant, make_tenant

OTHER_FORM = "sample-permit"


@pytest.fixture
def two_towns(app):
    """The default municipality with two applications of one procedure, another with three of
    another procedure (and its own staff member of the same user name)."""
    other = make_tenant(app, "kamakura", "鎌倉市")
    publish(app, REVIEW_SAMPLE, "review.yaml")
    make_submissions(app, REVIEW_FORM, 2)
    make_staff(app, "tanaka", "reviewer")
    with in_tenant(app, other):
        publish(app, SAMPLE)
        make_submissions(app, OTHER_FORM, 3)
        make_staff(app, "tanaka", "reviewer", name="鎌倉の田中")
    return other


def test_selects_counts_joins_and_gets_see_one_municipality(app, two_towns):
    with app.app_context(), database().session_factory() as session:
        assert session.scalar(select(func.count()).select_from(Submission)) == 2
        assert set(session.scalars(select(Form.id))) == {REVIEW_FORM}
        joined = select(func.count()).select_from(SubmissionEvent).join(Submission)
        assert session.scalar(joined) == 2
        inner = select(Submission.id).scalar_subquery()
        assert session.scalar(select(func.count()).select_from(SubmissionEvent)
                              .where(SubmissionEvent.submission_id.in_(inner))) == 2
        other_alias = aliased(Submission)
        assert session.scalar(select(func.count()).select_from(other_alias)) == 2
        assert session.get(Form, OTHER_FORM) is None
        [tanaka] = session.scalars(select(StaffUser).where(StaffUser.username == "tanaka")).all()
        assert tanaka.tenant_id == DEFAULT_TENANT_ID
    with app.app_context(), working_for(two_towns), database().session_factory() as session:
        assert session.scalar(select(func.count()).select_from(Submission)) == 3
        assert session.get(Form, OTHER_FORM) is not None
        assert session.get(Form, REVIEW_FORM) is None
        assert session.scalar(select(StaffUser.display_name)) == "鎌倉の田中"


def test_updates_and_deletes_touch_one_municipality(app, two_towns):
    with app.app_context(), database().transaction() as session:
        session.execute(update(Submission).values(status="withdrawn").execution_options(synchronize_session=False))
        session.execute(delete(StaffUser))
    with app.app_context(), all_municipalities(), database().session_factory() as session:
        statuses = dict(session.execute(select(Submission.tenant_id, func.count()).where(
            Submission.status == "withdrawn").group_by(Submission.tenant_id)).all())
        assert statuses == {DEFAULT_TENANT_ID: 2}
        assert session.scalars(select(StaffUser.tenant_id)).all() == [two_towns]


def test_new_rows_belong_to_the_current_municipality_and_cross_tenant_work_must_name_one(app, two_towns):
    with app.app_context(), all_municipalities(), database().session_factory() as session:
        assert session.scalar(select(func.count()).select_from(Submission)) == 5
        session.add(Form(id="nobodys"))
        with pytest.raises(StatementError) as refused:
            session.flush()
        assert isinstance(refused.value.orig, NoSingleTenant)
        session.rollback()
        with working_for(two_towns):
            session.add(Form(id="kamakura-new"))
            session.flush()
        assert session.get(Form, "kamakura-new").tenant_id == two_towns


def test_the_compiled_version_cache_does_not_answer_across_municipalities(app, two_towns):
    from formsvc.forms.catalog import version_by_id
    from formsvc.forms.models import FormVersion

    with app.app_context(), working_for(two_towns), database().session_factory() as session:
        kamakura_version = session.scalar(select(FormVersion.id))
        assert version_by_id(session, kamakura_version) is not None  # now cached in this worker
    with app.app_context(), database().session_factory() as session:
        assert version_by_id(session, kamakura_version) is None
