"""Residents report published content: the form, once per person, the queue, hiding after
enough reports (the system's decision, the author told), and handling the reports."""

from __future__ import annotations

import dataclasses

import pytest
import sqlalchemy as sa

from participate.activities.models import Activity
from participate.extensions import db
from participate.initiatives.models import Initiative
from participate.moderation import reports
from participate.moderation.audit import AuditEntry
from participate.moderation.models import Report, ReportOutcome, ReportReason
from participate.workflow.models import Transition
from participate.workflow.states import AccountBlocked, Status
from tests import factories, pages


@pytest.fixture
def reports_to_hide(app, monkeypatch):
    """`reports_to_hide(2)`: the number of reports that hides an item, for this test."""

    def set_limit(count: int) -> None:
        settings = dataclasses.replace(app.config["SETTINGS"], reports_to_hide=count)
        monkeypatch.setitem(app.config, "SETTINGS", settings)

    return set_limit


def _reports(app):
    with app.app_context():
        return list(db.session.scalars(sa.select(Report).order_by(Report.id)))


def _status(app, model, item_id):
    with app.app_context():
        return db.session.get(model, item_id).status


def _sign_in(client, user):
    with client.session_transaction() as session:
        session["_user_id"] = str(user.id)


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_detail_pages_link_to_the_report_form(app, client, login_as, lang):
    with app.app_context():
        initiative = factories.create_initiative()
        activity = factories.create_activity()
        own = factories.create_initiative()
    report_initiative = f"/{lang}/report/initiative/{initiative.id}"
    soup = pages.get(client, f"/{lang}/initiatives/{initiative.id}")  # anonymous: a link too
    assert soup.select_one(f'a[href="{report_initiative}"]')
    soup = pages.get(client, f"/{lang}/activities/{activity.id}")
    assert soup.select_one(f'a[href="/{lang}/report/activity/{activity.id}"]')
    # Anonymous people are asked to sign in first.
    response = client.get(report_initiative)
    assert response.status_code == 302
    assert "/account/login" in response.headers["Location"]
    login_as()
    soup = pages.get(client, report_initiative)
    assert {i["value"] for i in soup.select('input[name="reason"]')} == {
        r.value for r in ReportReason
    }
    # No link to report one's own text.
    with app.app_context():
        author_id = db.session.get(Initiative, own.id).author_id
    with client.session_transaction() as session:
        session["_user_id"] = str(author_id)
    soup = pages.get(client, f"/{lang}/initiatives/{own.id}")
    assert soup.select_one(f'a[href="/{lang}/report/initiative/{own.id}"]') is None


def test_a_report_lands_in_the_queue_once_per_person(app, client, login_as, outbox):
    with app.app_context():
        initiative = factories.create_initiative(title="Ilmoitettava")
    resident = login_as()
    url = f"/fi/report/initiative/{initiative.id}"
    response = client.post(url, data={"reason": "personal_data", "details": "Puhelinnumero."})
    assert response.status_code == 302
    assert response.headers["Location"] == url
    soup = pages.get(client, url)
    assert soup.select_one("#reported-title")
    assert soup.select_one("#report-form") is None
    # Again: the thank-you page, and still one report.
    response = client.post(url, data={"reason": "spam"})
    assert response.status_code == 200
    (report,) = _reports(app)
    assert (report.reporter_id, report.reason, report.details) == (
        resident.id,
        ReportReason.PERSONAL_DATA,
        "Puhelinnumero.",
    )
    assert _status(app, Initiative, initiative.id) == Status.PUBLISHED
    assert outbox() == []  # one report hides nothing
    with app.app_context():
        entry = db.session.scalar(sa.select(AuditEntry))
        assert (entry.action, entry.actor_id) == ("initiative.report", resident.id)
    login_as("moderator")
    soup = pages.get(client, "/fi/moderation/")
    assert "Ilmoitettava" in pages.text(soup.select_one("table.queue"))


def test_the_unique_constraint_holds_in_the_service(app):
    with app.app_context():
        initiative = factories.create_initiative()
        reporter = factories.create_user()
        item = db.session.get(Initiative, initiative.id)
        person = db.session.merge(reporter)
        reports.report_item(item, reporter=person, reason=ReportReason.SPAM)
        with pytest.raises(reports.AlreadyReported):
            reports.report_item(item, reporter=person, reason=ReportReason.OFFENSIVE)
        db.session.commit()
    assert len(_reports(app)) == 1


@pytest.mark.parametrize("author_lang", ["fi", "sv", "en"])
def test_enough_reports_hide_the_item_and_the_author_is_told(
    app, client, login_as, outbox, reports_to_hide, author_lang
):
    reports_to_hide(2)
    with app.app_context():
        author = factories.create_user(language=author_lang)
        initiative = factories.create_initiative(author=author)
    url = f"/fi/report/initiative/{initiative.id}"
    login_as()
    client.post(url, data={"reason": "offensive"})
    assert _status(app, Initiative, initiative.id) == Status.PUBLISHED
    login_as()
    response = client.post(url, data={"reason": "spam"}, follow_redirects=True)
    assert response.status_code == 200  # the thank-you page, although the item is hidden now
    assert _status(app, Initiative, initiative.id) == Status.HIDDEN
    # Hidden, not gone without a word: 410 with the reason (tests/initiatives/test_gone.py).
    assert client.get(f"/fi/initiatives/{initiative.id}").status_code == 410
    (mail,) = outbox(to=author.email)
    assert (mail.language, mail.template) == (author_lang, "moderation/decision")
    with app.app_context():
        step = db.session.scalar(
            sa.select(Transition)
            .where(Transition.item_id == initiative.id)
            .order_by(Transition.id.desc())
        )
        assert step.actor_id is None  # the system
        assert step.to_status == Status.HIDDEN
        hide = db.session.scalar(
            sa.select(AuditEntry).where(AuditEntry.action == "initiative.hide")
        )
        assert hide.actor_id is None
        assert hide.after_data()["reports"] == 2
    # Reports stay open: the hidden item waits in the queue for the development manager.
    assert all(report.is_open for report in _reports(app))


def test_restoring_closes_the_reports(app, client, login_as, outbox, reports_to_hide):
    reports_to_hide(1)
    with app.app_context():
        author = factories.create_user(language="sv")
        initiative = factories.create_initiative(author=author)
        reason = factories.create_reason()
    login_as()
    client.post(f"/en/report/initiative/{initiative.id}", data={"reason": "offensive"})
    assert _status(app, Initiative, initiative.id) == Status.HIDDEN
    moderator = login_as("moderator")
    soup = pages.get(client, f"/en/moderation/initiative/{initiative.id}")
    assert soup.select_one("#reports-title")
    assert {i["value"] for i in soup.select('input[name="action"]')} == {"unhide"}
    response = client.post(
        f"/en/moderation/initiative/{initiative.id}/decide",
        data={"action": "unhide", "reasons": [str(reason.id)], "reason": "Ei loukkaava."},
    )
    assert response.status_code == 302
    assert _status(app, Initiative, initiative.id) == Status.PUBLISHED
    (report,) = _reports(app)
    assert (report.outcome, report.resolved_by_id) == (ReportOutcome.RESTORED, moderator.id)
    _hidden_mail, restored_mail = outbox(to=author.email)
    assert reason.text_sv in restored_mail.body_text
    soup = pages.get(client, "/en/moderation/")
    assert soup.select_one("table.queue") is None


@pytest.mark.parametrize(
    ("status", "outcome", "final"),
    [
        ("published", ReportOutcome.KEPT, Status.PUBLISHED),
        ("hidden", ReportOutcome.HIDDEN, Status.HIDDEN),
    ],
)
def test_closing_the_reports_keeps_the_status(
    app, client, login_as, outbox, status, outcome, final
):
    with app.app_context():
        initiative = factories.create_initiative(status=status)
        factories.create_report(initiative)
        factories.create_report(initiative)
    login_as("moderator")
    response = client.post(
        f"/fi/moderation/initiative/{initiative.id}/reports", data={"close_note": "Asiallinen."}
    )
    assert response.status_code == 302
    assert _status(app, Initiative, initiative.id) == final
    assert {(r.outcome, r.is_open) for r in _reports(app)} == {(outcome, False)}
    with app.app_context():
        entry = db.session.scalar(sa.select(AuditEntry))
        assert entry.action == "initiative.reports_closed"
        assert entry.after_data() == {"status": final.value, "outcome": outcome.value, "reports": 2}
    # Nothing left to close.
    response = client.post(f"/fi/moderation/initiative/{initiative.id}/reports", data={})
    assert response.status_code == 400


def test_hiding_a_reported_item_closes_its_reports(app, client, login_as):
    with app.app_context():
        activity = factories.create_activity(author=factories.create_user())
        factories.create_report(activity, reason="spam")
    login_as("moderator")
    client.post(
        f"/fi/moderation/activity/{activity.id}/decide",
        data={"action": "hide", "reason": "Mainos."},
    )
    assert _status(app, Activity, activity.id) == Status.HIDDEN
    assert [r.outcome for r in _reports(app)] == [ReportOutcome.HIDDEN]


BAD_REPORTS = [
    ({}, "reason"),
    ({"reason": "nonsense"}, "reason"),
    ({"reason": "other"}, "details"),
    ({"reason": "other", "details": "   "}, "details"),
    ({"reason": "spam", "details": "x" * 2001}, "details"),
]


@pytest.mark.parametrize(("data", "field"), BAD_REPORTS)
def test_bad_reports_are_refused_and_kept(app, client, login_as, data, field):
    with app.app_context():
        initiative = factories.create_initiative()
    login_as()
    response = client.post(f"/sv/report/initiative/{initiative.id}", data=data)
    assert response.status_code == 400
    soup = pages.check_page(response.get_data(as_text=True), "sv", csrf=False)
    assert soup.select_one(f"#{field}-error"), field
    if data.get("details"):
        assert soup.select_one("#details").get_text().strip() == data["details"].strip()
    assert _reports(app) == []


def test_who_cannot_report(app, client, login_as):
    with app.app_context():
        initiative = factories.create_initiative()
        submitted = factories.create_initiative(status="submitted")
        author_id = db.session.get(Initiative, initiative.id).author_id
    url = f"/en/report/initiative/{initiative.id}"
    login_as(blocked_at=factories.utcnow())
    response = client.post(url, data={"reason": "spam"})
    assert response.status_code == 400
    soup = pages.check_page(response.get_data(as_text=True), "en", csrf=False)
    assert str(AccountBlocked().message) in pages.text(soup.select_one("#error-summary"))
    login_as(verified=False)
    response = client.post(url, data={"reason": "spam"})
    assert response.status_code == 400
    assert "Verify your e-mail address" in response.get_data(as_text=True)
    with client.session_transaction() as session:
        session["_user_id"] = str(author_id)
    assert client.post(url, data={"reason": "spam"}).status_code == 400
    login_as()
    assert client.get(f"/en/report/initiative/{submitted.id}").status_code == 404
    assert client.get("/en/report/initiative/999999").status_code == 404
    assert client.get(f"/en/report/nothing/{initiative.id}").status_code == 404
    assert _reports(app) == []


def test_reports_are_rate_limited(app, client, login_as):
    with app.app_context():
        initiative = factories.create_initiative()
    login_as()
    url = f"/fi/report/initiative/{initiative.id}"
    statuses = [client.post(url, data={"reason": "spam"}).status_code for _ in range(11)]
    assert statuses[:10] == [302] + [200] * 9
    assert statuses[10] == 429


def test_report_form_keeps_csrf(app, client, login_as, csrf_enabled):
    with app.app_context():
        initiative = factories.create_initiative()
    login_as()
    soup = pages.get(client, f"/fi/report/initiative/{initiative.id}")
    assert soup.select_one('#report-form input[name="csrf_token"]')
    assert (
        client.post(f"/fi/report/initiative/{initiative.id}", data={"reason": "spam"}).status_code
        == 400
    )
    assert _reports(app) == []


def test_reporters_are_told_the_outcome_in_their_language(app, client, login_as, outbox):
    with app.app_context():
        initiative = factories.create_initiative()
        reason = factories.create_reason()
        fi_reporter = factories.create_user(language="fi", email="fi-reporter@example.fi")
        sv_reporter = factories.create_user(language="sv", email="sv-reporter@example.fi")
        factories.create_report(initiative, reporter=fi_reporter)
        factories.create_report(initiative, reporter=sv_reporter)
    login_as("moderator")
    client.post(
        f"/fi/moderation/initiative/{initiative.id}/decide",
        data={"action": "hide", "reasons": [str(reason.id)], "reason": "Loukkaava."},
    )
    assert _status(app, Initiative, initiative.id) == Status.HIDDEN
    [fi_mail] = outbox(to="fi-reporter@example.fi")
    [sv_mail] = outbox(to="sv-reporter@example.fi")
    assert (fi_mail.template, fi_mail.language) == ("moderation/report_outcome", "fi")
    assert fi_mail.subject == "Ilmoituksesi on tarkastettu"
    assert "on piilotettu" in fi_mail.body_text
    assert reason.text_fi in fi_mail.body_text
    assert sv_mail.subject == "Din anmälan har granskats"
    assert reason.text_sv in sv_mail.body_text
    # The moderator's note is for the author only.
    assert "Loukkaava." not in fi_mail.body_text


def test_reporters_hear_when_the_reports_are_closed_and_it_stays(app, client, login_as, outbox):
    with app.app_context():
        initiative = factories.create_initiative()
        reporter = factories.create_user(language="en", email="reporter@example.fi")
        factories.create_report(initiative, reporter=reporter)
    login_as("moderator")
    client.post(f"/fi/moderation/initiative/{initiative.id}/reports", data={"close_note": "Ok."})
    [mail] = outbox(to="reporter@example.fi")
    assert "It stays visible" in mail.body_text
    assert f"/en/initiatives/{initiative.id}" in mail.body_text
