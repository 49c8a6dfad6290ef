"""The personal iCalendar feed: a secret address (stored hashed, audited, regenerable and
revocable) that a calendar app reads without a session; valid RFC 5545 checked by a strict
parser below."""

from __future__ import annotations

import re

from lianmeng.core.models import AuditEntry
from lianmeng.schedule.feed import fold
from lianmeng.schedule.models import FeedToken

from .conftest import beijing

CAL = "/calendar/"
FEED = re.compile(r"https?://[^/]+(/calendar/feed/[A-Za-z0-9_\-]+\.ics)")


def _unescape(value: str) -> str:
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


def parse_ics(raw: bytes) -> list[dict[str, list[tuple[str, str]]]]:
    """Strict RFC 5545 reading: UTF-8, CRLF only, lines of at most 75 octets, folding by CRLF +
    space, NAME[;PARAM]:VALUE lines, balanced BEGIN/END, one VCALENDAR with VERSION 2.0 and
    PRODID, each VEVENT with UID, DTSTAMP and DTSTART. Returns the events' properties."""
    text = raw.decode("utf-8")
    assert text.endswith("\r\n")
    physical = text[:-2].split("\r\n")
    assert all("\n" not in line and "\r" not in line for line in physical), "bare LF or CR"
    for line in physical:
        assert len(line.encode("utf-8")) <= 75, f"line longer than 75 octets: {line!r}"
    logical: list[str] = []
    for line in physical:
        if line.startswith((" ", "\t")):
            assert logical, "continuation before the first line"
            logical[-1] += line[1:]
        else:
            logical.append(line)
    stack: list[str] = []
    calendar: dict[str, str] = {}
    events: list[dict[str, list[tuple[str, str]]]] = []
    for line in logical:
        match = re.fullmatch(r"([A-Za-z0-9-]+)((?:;[A-Za-z0-9-]+=[^;:]*)*):(.*)", line)
        assert match, f"not a content line: {line!r}"
        name, params, value = match.group(1).upper(), match.group(2), match.group(3)
        if name == "BEGIN":
            stack.append(value)
            if value == "VEVENT":
                assert stack == ["VCALENDAR", "VEVENT"]
                events.append({})
            continue
        if name == "END":
            assert stack and stack.pop() == value, f"END:{value} does not close"
            continue
        assert stack, f"property outside a component: {line!r}"
        if stack[-1] == "VCALENDAR":
            calendar[name] = value
        else:
            events[-1].setdefault(name, []).append((params, value))
    assert stack == []
    assert logical[0] == "BEGIN:VCALENDAR" and logical[-1] == "END:VCALENDAR"
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"]
    for event in events:
        for required in ("UID", "DTSTAMP", "DTSTART"):
            assert len(event.get(required, [])) == 1, f"{required} missing in {event}"
        params, value = event["DTSTART"][0]
        assert (params == ";VALUE=DATE" and re.fullmatch(r"\d{8}", value)) or re.fullmatch(
            r"\d{8}T\d{6}Z", value
        ), event["DTSTART"]
        assert re.fullmatch(r"\d{8}T\d{6}Z", event["DTSTAMP"][0][1])
    return events


def test_fold_never_splits_a_chinese_character():
    line = "SUMMARY:" + "河南省高性能铝基新材料产业技术创新战略联盟" * 5
    folded = fold(line)
    parts = folded.split("\r\n")
    assert all(len(p.encode("utf-8")) <= 75 for p in parts)
    assert "".join(p[1:] if i else p for i, p in enumerate(parts)) == line


def test_feed_address_is_secret_audited_and_read_without_a_session(
    file_proposal, applicant, staff, deadline, at, login, client
):
    at(2021, 3, 10, 9)
    henan = file_proposal("henan", name="河南省" + "超长名称的产业技术创新战略联盟；测试,转义" * 3)
    other = file_proposal("baoding")
    lead = applicant(henan)
    deadline(henan, beijing(2021, 3, 1, 10))
    deadline(henan, beijing(2021, 6, 30, 10), kind="annual_report")
    deadline(other, beijing(2021, 5, 20, 10))

    page = login(lead).post("/calendar/feed/", {"action": "create"}).content.decode()
    path = FEED.search(page).group(1)
    token = path.removeprefix("/calendar/feed/").removesuffix(".ics")
    row = FeedToken.objects.get(user=lead)
    assert token not in row.digest and len(token) >= 40  # stored hashed, unguessable
    assert AuditEntry.objects.filter(action="lianmeng.calendar.feed.created").count() == 1
    # shown once: the calendar page afterwards does not show it again
    assert token not in login(lead).get(CAL).content.decode()

    client.logout()
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    events = parse_ics(response.content)
    assert len(events) == 2  # not the other proposal's
    summaries = sorted(_unescape(e["SUMMARY"][0][1]) for e in events)
    assert summaries[0].startswith("【已逾期】" + henan.name + "：筹建期满")
    assert summaries[1] == henan.name + "：年度报告"
    dates = sorted(e["DTSTART"][0][1] for e in events)
    assert dates == ["20210301", "20210630"]
    assert all(e["URL"][0][1].endswith(f"/proposals/{henan.pk}/") for e in events)

    # regenerate: the old address stops working; revoke: no address works
    page = login(lead).post("/calendar/feed/", {"action": "create"}).content.decode()
    new_path = FEED.search(page).group(1)
    assert new_path != path
    client.logout()
    assert client.get(path).status_code == 404
    assert client.get(new_path).status_code == 200
    login(lead).post("/calendar/feed/", {"action": "revoke"})
    client.logout()
    assert client.get(new_path).status_code == 404
    assert not FeedToken.objects.filter(user=lead).exists()
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"lianmeng.calendar.feed.regenerated", "lianmeng.calendar.feed.revoked"} <= actions


def test_an_unknown_feed_address_is_not_found(client, db):
    assert client.get("/calendar/feed/guess.ics").status_code == 404
