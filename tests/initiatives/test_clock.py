"""Filing with the city and the council's six-month clock (Local Government Act 410/2015 s. 23)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from participate.accounts.models import Role, User
from participate.extensions import db
from participate.initiatives import clock
from participate.initiatives.models import Initiative
from participate.workflow.states import NotAllowed
from tests import factories, pages


def _get(model, ident):
    return db.session.get(model, ident)


@pytest.mark.parametrize(
    ("filed", "deadline"),
    [
        (date(2026, 1, 15), date(2026, 7, 15)),
        (date(2026, 8, 31), date(2027, 2, 28)),  # no 31 February: the month's last day
        (date(2027, 8, 31), date(2028, 2, 29)),  # leap year
        (date(2026, 12, 1), date(2027, 6, 1)),
    ],
)
def test_six_months_after_filing(filed, deadline):
    assert clock.add_months(filed, 6) == deadline


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)))
def test_deadline_is_never_before_five_months_and_28_days(day):
    later = clock.add_months(day, 6)
    assert 181 <= (later - day).days <= 184
    assert later.day <= day.day


def test_filing_day_is_the_helsinki_date():
    # 22:30 UTC on 31 January is already 1 February in Helsinki.
    assert clock.helsinki_date(datetime(2026, 1, 31, 22, 30, tzinfo=UTC)) == date(2026, 2, 1)


def test_author_files_mail_goes_to_the_registry_in_the_initiative_language(app, outbox):
    with app.app_context():
        author = factories.create_user(language="fi")
        initiative = factories.create_initiative(author=author, language="sv", title="Bänkar")
        factories.create_support(initiative, resident=True)
        factories.create_support(initiative)
        item = _get(Initiative, initiative.id)
        clock.file_with_city(item, actor=_get(User, author.id))
        db.session.commit()
        assert item.filed_at is not None
        assert item.filed_by_id == author.id
        with pytest.raises(clock.FilingError):
            clock.file_with_city(item, actor=_get(User, author.id))
    [message] = outbox(to="kirjaamo@example.fi")
    assert message.language == "sv"
    assert "Bänkar" in message.subject
    assert "1 (" in message.body_text  # identified residents' supports with the threshold
    assert f"/sv/initiatives/{initiative.id}" in message.body_text


def test_moderator_files_on_the_authors_behalf_others_may_not(app, outbox):
    with app.app_context():
        initiative = factories.create_initiative()
        stranger = _get(User, factories.create_user().id)
        with pytest.raises(NotAllowed):
            clock.file_with_city(_get(Initiative, initiative.id), actor=stranger)
        moderator = _get(User, factories.create_user(role=Role.MODERATOR).id)
        clock.file_with_city(_get(Initiative, initiative.id), actor=moderator)
        db.session.commit()
    [message] = outbox(to="kirjaamo@example.fi")
    assert "on the author's behalf" in message.body_text or "puolesta" in message.body_text


def test_clock_runs_only_when_filed_and_past_threshold(app):
    now = factories.utcnow()
    with app.app_context():
        filed_only = factories.create_initiative(filed_at=now)
        reached_only = factories.create_initiative(threshold_reached_at=now)
        both = factories.create_initiative(filed_at=now, threshold_reached_at=now)
        assert clock.council_deadline(_get(Initiative, filed_only.id)) is None
        assert clock.council_deadline(_get(Initiative, reached_only.id)) is None
        assert clock.council_deadline(_get(Initiative, both.id)) == clock.add_months(
            clock.helsinki_date(now), 6
        )
        assert [i.id for i in clock.list_on_clock()] == [both.id]


def test_overdue_and_due_soon():
    filed = datetime(2026, 1, 10, 10, tzinfo=UTC)
    initiative = Initiative(filed_at=filed, threshold_reached_at=filed)
    deadline = date(2026, 7, 10)
    overdue = clock.clock_state(initiative, on=deadline + timedelta(days=1))
    assert overdue.is_overdue
    assert overdue.was_met is False
    soon = clock.clock_state(initiative, on=deadline - timedelta(days=30))
    assert soon.is_due_soon
    assert not soon.is_overdue
    assert soon.was_met is None
    later = clock.clock_state(initiative, on=deadline - timedelta(days=31))
    assert not later.is_due_soon
    initiative.council_decision_at = date(2026, 7, 10)
    decided = clock.clock_state(initiative, on=date(2026, 9, 1))
    assert not decided.is_overdue
    assert decided.was_met is True


def test_desk_lists_by_deadline_and_recording_stops_the_clock(app, client, login_as, outbox):
    moderator = login_as(Role.MODERATOR)
    long_ago = factories.utcnow() - timedelta(days=200)
    recent = factories.utcnow() - timedelta(days=160)
    with app.app_context():
        author = factories.create_user(language="sv")
        overdue = factories.create_initiative(
            author=author, title="Överdue", filed_at=long_ago, threshold_reached_at=long_ago
        )
        supporter = factories.create_user(language="en")
        factories.create_support(overdue, supporter, resident=True)
        soon = factories.create_initiative(
            title="Due soon", filed_at=recent, threshold_reached_at=recent
        )
    soup = pages.get(client, "/en/moderation/initiatives/council-clock")
    items = soup.select(".clock-item")
    assert [item.h2.get_text(strip=True) for item in items] == ["Överdue", "Due soon"]
    assert "Overdue" in items[0].get_text()
    assert "Due within 30 days" in items[1].get_text()
    bad = client.post(
        f"/en/moderation/initiative/{overdue.id}/council-decision",
        data={f"i{overdue.id}-decided_on": "2026-01-01", f"i{overdue.id}-minutes_url": "nope"},
    )
    assert bad.status_code == 400
    decided = (factories.utcnow() - timedelta(days=3)).date().isoformat()
    ok = client.post(
        f"/en/moderation/initiative/{overdue.id}/council-decision",
        data={
            f"i{overdue.id}-decided_on": decided,
            f"i{overdue.id}-minutes_url": "https://espoo.fi/poytakirja/2026-11",
        },
    )
    assert ok.status_code == 302
    with app.app_context():
        assert [i.id for i in clock.list_on_clock()] == [soon.id]
    recipients = {m.to_address for m in outbox() if m.template == "initiatives/council_decision"}
    assert recipients == {author.email, supporter.email}
    record = client.get(f"/api/v1/initiatives/{overdue.id}").get_json()
    assert record["council_decision_at"] == decided
    assert (
        record["council_deadline"] == clock.add_months(clock.helsinki_date(long_ago), 6).isoformat()
    )
    assert record["filed_at"] is not None
    assert record["threshold_reached_at"] is not None
    assert moderator is not None


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("fi", "Kaupunginvaltuuston on käsiteltävä aloite viimeistään"),
        ("sv", "Stadsfullmäktige ska behandla initiativet senast"),
        ("en", "The city council must take up the initiative by"),
    ],
)
def test_page_shows_the_deadline_in_the_page_language(app, client, lang, text):
    filed = datetime(2026, 6, 1, 9, tzinfo=UTC)
    with app.app_context():
        initiative = factories.create_initiative(filed_at=filed, threshold_reached_at=filed)
    soup = pages.get(client, f"/{lang}/initiatives/{initiative.id}")
    box = " ".join(soup.select_one("#filing").get_text(" ").split())
    assert text in box
    assert "1.12.2026" in box or "1 December 2026" in box
    assert "410/2015" in box


def test_author_files_from_the_page(app, client, login_as, outbox):
    author = login_as()
    with app.app_context():
        initiative = factories.create_initiative(author=author)
    soup = pages.get(client, f"/en/initiatives/{initiative.id}")
    assert soup.select_one("#filing form") is not None
    response = client.post(f"/en/initiatives/{initiative.id}/file")
    assert response.status_code == 302
    assert len(outbox(to="kirjaamo@example.fi")) == 1
    soup = pages.get(client, f"/en/initiatives/{initiative.id}")
    assert "was filed with the city's registry on" in soup.select_one("#filing").get_text()


def test_statistics_show_filing_deadline_and_whether_it_was_met(app, client, login_as):
    login_as(Role.MODERATOR)
    filed = factories.utcnow() - timedelta(days=10)
    with app.app_context():
        factories.create_initiative(
            title="Kirjasto auki", filed_at=filed, threshold_reached_at=filed
        )
    start = (filed - timedelta(days=5)).date().isoformat()
    end = factories.utcnow().date().isoformat()
    soup = pages.get(client, f"/en/moderation/statistics?start={start}&end={end}")
    section = " ".join(soup.select_one("[aria-labelledby=filed-title]").get_text(" ").split())
    assert "Kirjasto auki" in section
    deadline = clock.add_months(clock.helsinki_date(filed), 6)
    assert f"{deadline:%-d %B %Y}" in section
