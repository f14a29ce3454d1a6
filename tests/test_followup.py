"""The 90-day follow-up (`workshop.followup`, `workshop.review`, `export/progress.py`):
a first session saved by the real store, followed up by a session driven through the
real engine and store, and the progress report it exports — checked against golden
files (regenerate on purpose with `UPDATE_GOLDEN=1 pytest tests/test_followup.py -k
golden` and read the diff). Then a chain of two follow-ups, privacy across sessions,
what a damaged or older first session gives, and the CLI."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.scripted import FOLLOW_UP_START, FOLLOW_UP_STATUSES, SECOND_STATUSES, SESSION_ID, scripted_follow_up, scripted_workshop_on_disk
from workshop import commands as c
from workshop import export, followup, sessions
from workshop.engine import Accepted, Refused
from workshop.model import FACILITATOR

REPO = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).parent / "golden"
FIXTURE = REPO / "tests" / "fixtures" / "session-88c7a91"
SECOND_START = FOLLOW_UP_START + 91 * 86400
SECOND_PULSE = {
    "fu-dana": (4, 4, 4), "fu-script": (4, 4, 3), "fu-pipe": (4, 4, 3),
    "fu-maya": (4, 4, 4), "fu-rich": (4, 3, 3), "fu-stars": (3, 4, 4), "fu-priya": (3, 4, 3), "fu-hash": (4, 4, 4),
}


def files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file() and p.name != "writer.lock"}


@pytest.fixture(scope="module")
def chain(tmp_path_factory):
    """The scripted workshop on disk, its follow-up, and the follow-up of that."""
    root = tmp_path_factory.mktemp("sessions")
    first = scripted_workshop_on_disk(root)
    before = files(first)
    one = scripted_follow_up(first, root)
    two = scripted_follow_up(
        one, root, start=SECOND_START, room_code="FU2QXM", pulse=SECOND_PULSE, statuses=SECOND_STATUSES,
        readings={"i1": "35% repeat purchase", "i2": "2.4% mobile conversion"}, checkpoint="2026-02-10",
    )
    return {"root": root, "first": first, "one": one, "two": two, "first_files": before}


@pytest.fixture(scope="module")
def report(chain):
    engine = sessions.read_folder(chain["one"]).engine
    return {fmt: export.RENDER[fmt](engine) for fmt in ("md", "html", "json")}


# ------------------------------------------------------------------ golden files


@pytest.mark.parametrize("fmt", ["md", "html", "json"])
def test_the_progress_report_matches_its_golden_file_byte_for_byte(report, fmt):
    path = GOLDEN / f"progress-report.{fmt}"
    produced = report[fmt].encode("utf-8")
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.write_bytes(produced)
    assert path.exists(), f"{path} is missing; run with UPDATE_GOLDEN=1 to create it"
    assert produced == path.read_bytes(), f"{fmt} progress report changed; if intended, regenerate with UPDATE_GOLDEN=1 and review the diff"


def test_the_first_session_saved_by_the_real_store_is_the_golden_workshop(chain):
    """The first session of the chain is the export tests' scripted workshop, read back
    from its folder: its joint agenda is the golden one."""
    engine = sessions.read_folder(chain["first"]).engine
    assert export.to_markdown(engine) == (GOLDEN / "joint-agenda.md").read_text(encoding="utf-8")


def test_following_up_reads_the_first_session_and_writes_nothing_to_it(chain):
    assert files(chain["first"]) == chain["first_files"]


# ------------------------------------------------------------------ what is carried


def test_the_follow_up_names_the_session_it_follows_in_its_first_event(chain):
    line = (chain["one"] / "journal.jsonl").read_bytes().splitlines()[0]
    created = json.loads(line.split(b" ", 1)[1])["body"]
    assert created["type"] == "created" and created["template"]["review"]["follows"] == SESSION_ID
    session = sessions.read_folder(chain["one"]).session
    assert session.follows == SESSION_ID
    assert session.executives.cio == "Dana Whitfield" and session.executives.sponsor == "Sam Chen, CEO"
    assert session.organisation == "Acme Retail Group" and session.template.min_answers == 3


def test_agreed_initiatives_decisions_actions_and_risks_are_carried_with_their_owners_and_dates(chain):
    review = sessions.read_folder(chain["one"]).session.review
    one, mobile = review.initiatives
    assert (one.title, one.kpi, one.baseline, one.target) == (
        "One customer view in 12 months", "Customer retention", "31% repeat purchase", "+5 points repeat-purchase rate",
    )
    assert (one.it_lead, one.marketing_lead, one.timeframe) == ("Dana Whitfield", "Maya Okafor", "Pilot in Q3, all channels in 12 months")
    assert mobile.title == "Mobile checkout that just works"  # the parked third initiative is not carried
    actions = [r for r in review.records if r.kind == "action"]
    assert [(a.id, a.owner, a.due) for a in actions[:2]] == [("a1", "Maya Okafor", "2025-06-02"), ("a2", "Dana Whitfield", "2025-05-30")]
    assert actions[0].initiative == "i1" and len(actions) == 6
    decisions = [r.text for r in review.records if r.kind == "decision"]
    assert "Tools bought outside IT go through one two-week review" in decisions
    assert "Replace the CIO" not in decisions  # struck out in the workshop: not carried
    [risk] = [r for r in review.records if r.kind == "risk"]
    assert risk.mitigation == "A privacy review in the first sprint of every campaign" and risk.initiative == "i1"


def test_the_agenda_asks_the_same_pulse_and_lists_each_open_action_and_initiative(chain):
    first = sessions.read_folder(chain["first"]).session
    session = sessions.read_folder(chain["one"]).session
    pulse = session.exercise("pulse")
    assert pulse.statements == first.exercise("check-in").statements
    assert pulse.identity == first.exercise("check-in").identity == "anonymous"
    rows = session.exercise("actions").rows
    assert rows[0] == "a1 · Book the joint requirements workshop on the customer record" and len(rows) == 6
    assert session.exercise("kpis").statements == ["One customer view in 12 months", "Mobile checkout that just works"]
    assert "a2 Publish the two-week tool review checklist (Dana Whitfield, due 2025-05-30)" in session.exercise("actions").notes
    assert "31% repeat purchase" in session.exercise("kpis").notes
    assert [ex.kind for ex in session.template.exercises] == ["scale", "ownership", "scale", "brainstorm", "brainstorm", "dotvote", "scale"]


# ------------------------------------------------------------------ statuses, journaled


def test_only_an_actions_status_and_reason_and_an_initiatives_kpi_can_be_recorded(tmp_path, chain):
    folder = tmp_path / "copy"
    shutil.copytree(chain["one"], folder)
    workshop = sessions.open_folder(folder)
    now = FOLLOW_UP_START + 9000

    def send(command) -> Accepted | Refused:
        return workshop.handle(FACILITATOR, f"t{now}-{command!r}", command, now=now)

    assert "carried over as agreed" in send(c.AmendRecord(record="carried:a6", fields={"text": "Something else"})).reason
    assert "carried over as it was" in send(c.AmendRecord(record="carried:d1", fields={"status": "done", "reason": "x"})).reason
    assert "cannot be struck out" in send(c.DropRecord(record="carried:a6")).reason
    assert "one of: done, on track, at risk, dropped" in send(c.AmendRecord(record="carried:a6", fields={"status": "finished", "reason": "x"})).reason
    assert "Say in one line why" in send(c.AmendRecord(record="carried:a6", fields={"status": "at risk"})).reason
    assert "not in this follow-up" in send(c.AmendRecord(record="carried:a99", fields={"status": "done", "reason": "x"})).reason
    assert isinstance(send(c.AmendRecord(record="carried:a6", fields={"status": "at risk", "reason": "No planning day was held in Q3"})), Accepted)
    assert isinstance(send(c.AmendRecord(record="carried:i2", fields={"value": "2.2% mobile conversion"})), Accepted)
    workshop.close()
    again = sessions.open_folder(folder)  # replayed from the journal
    assert again.session.reviewed["a6"].status == "at risk" and again.session.reviewed["a6"].reason == "No planning day was held in Q3"
    assert again.session.reviewed["i2"].value == "2.2% mobile conversion"
    assert again.session.reviewed["a1"].status == FOLLOW_UP_STATUSES["a1"][0]
    again.close()
    journal = (folder / "journal.jsonl").read_text(encoding="utf-8")
    assert '"record":"carried:a6"' in journal and "No planning day was held in Q3" in journal


# ------------------------------------------------------------------ the report


def test_page_one_says_what_was_delivered_what_slipped_and_why_how_kpis_and_the_gap_moved(report):
    md = report["md"]
    glance = md.split("## The pulse over time")[0]
    assert "2 of the 6 actions carried over are done." in glance
    assert "**Publish the two-week tool review checklist** — Dana Whitfield, due 2025-05-30: Published on the intranet on 28 May" in glance
    assert "**Book the joint requirements workshop on the customer record** is at risk (Maya Okafor, due 2025-06-02): The CRM vendor moved the pilot data feed to October." in glance
    assert "was not reviewed (Maya Okafor, overdue since 2025-07-01)" in glance  # a6 got no status
    assert "Customer retention: 31% repeat purchase at the start → 33% repeat purchase (pilot market) now; the target is +5 points repeat-purchase rate" in glance
    assert "**Technology spending is decided jointly** — the gap IT − Marketing was +2.2 at the check-in, +0.6 at the check-out and +0.5 now: narrower than at the check-in." in glance
    assert "### Next checkpoint\n\n**2025-11-12** — Repeat-purchase rate in the pilot market, and mobile conversion" in glance


def test_the_pulse_over_time_gives_each_side_and_the_gap_at_every_point(report):
    md = report["md"]
    assert "| Check-in (14 May 2025) | 3.7 | 1.5 | – | 2.4 | **⚑ +2.2** | 8: 3 IT, 4 Marketing |" in md
    assert "| Now (12 August 2025) | 3.0 | 2.5 | – | 2.8 | +0.5 | 8: 3 IT, 4 Marketing |" in md
    assert "nobody is followed from one session to the next" in md
    assert "Other: fewer than 3 answers at some point" in md


def test_every_carried_action_shows_its_status_and_reason_and_the_room_view_beside_it(report):
    md = report["md"]
    assert "| a2 | Publish the two-week tool review checklist | Dana Whitfield | 2025-05-30 | done | Published on the intranet on 28 May; used for 9 requests since |" in md
    assert "| a6 | Invite IT to the first marketing planning day of each quarter | Maya Okafor | 2025-07-01 | **not reviewed** | – |" in md
    assert "| Book the joint requirements workshop on the customer record | At risk | **On track** | **At risk** | – | at risk |" in md


def test_participant_text_stays_literal_in_the_report(report):
    html, md = report["html"], report["md"]
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(3)&gt;" in html
    assert "<b>table</b>" not in html and "<script>alert(1)" not in html
    assert "\\<img src=x onerror=alert(3)\\>" in md and "the \\<b\\>table\\</b\\> was never \\| drawn \\|" in md
    assert "Content-Security-Policy" in html


def test_the_json_report_has_its_own_format_and_only_aggregates_of_the_pulse(report):
    data = json.loads(report["json"])
    assert data["format"] == "common-ground/progress-report" and data["version"] == 1
    assert data["follows"] == SESSION_ID and [link["session"] for link in data["chain"]] == [SESSION_ID]
    a1 = next(a for a in data["actions"] if a["id"] == "a1")
    assert (a1["status"], a1["reason"]) == FOLLOW_UP_STATUSES["a1"]
    assert data["initiatives"][0]["now"] == "33% repeat purchase (pilot market)" and data["initiatives"][0]["baseline"] == "31% repeat purchase"
    pulse = data["pulse"]
    assert pulse["matched_by"] == "side" and pulse["followed"] is None
    assert [p["label"] for p in pulse["points"]] == ["Check-in", "Check-out", "Now"]
    assert pulse["points"][0]["statements"][2]["gap"] == pytest.approx(2.167, abs=1e-3)
    assert "other" not in pulse["points"][2]["statements"][0]["mean"]  # one person: never a figure
    assert '"ratings"' not in report["json"] and '"people"' not in json.dumps(pulse)


# ------------------------------------------------------------------ a chain


def test_a_follow_up_of_a_follow_up_shows_the_whole_chain(chain):
    engine = sessions.read_folder(chain["two"]).engine
    md = export.to_markdown(engine)
    assert "- **The chain:** Acme CIO–CMO offsite (14 May 2025) → Acme CIO–CMO offsite: follow-up 1 (12 August 2025) → this review" in md
    assert [p.label for p in followup.over_time(engine.session).points] == ["Check-in", "Check-out", "Follow-up 1", "Now"]
    assert "+2.2 at the check-in, +0.6 at the check-out, +0.5 at follow-up 1 and −0.2 now: narrower than at the check-in." in md
    assert "31% repeat purchase at the start → 33% repeat purchase (pilot market) at follow-up 1 → 35% repeat purchase now" in md
    assert "| One customer view in 12 months | Customer retention | 31% repeat purchase | 33% repeat purchase (pilot market) | **35% repeat purchase** |" in md
    # a1 was at risk last time and is done now; a2 was done last time and is not asked again
    assert "Pilot data feed live on 2 October (last time at risk: The CRM vendor moved the pilot data feed to October)" in md
    assert "| a2 | Publish the two-week tool review checklist | Dana Whitfield | 2025-05-30 | done (earlier) |" in md
    rows = engine.session.exercise("actions").rows
    assert not any("Publish the two-week" in row for row in rows) and any(row.startswith("a7 · Book the privacy review") for row in rows)
    assert "| Acme CIO–CMO offsite: follow-up 1 | 12 August 2025 | Follow-up 1: 5 actions reviewed, 2 done |" in md
    assert "2 of the 7 actions carried over are done; 2 more were done at an earlier review." in md


def test_each_follow_up_starts_a_new_link_and_carries_the_new_actions_on(chain):
    review = sessions.read_folder(chain["two"]).session.review
    assert [link.session for link in review.chain] == [SESSION_ID, chain["one"].name]
    a7 = next(r for r in review.records if r.id == "a7")
    assert a7.recorded_in == chain["one"].name and a7.original_id == "a1" and a7.initiative == "i1"
    a1 = next(r for r in review.records if r.id == "a1")
    assert [(n.session, n.status) for n in a1.history] == [(chain["one"].name, "at risk")]


# ------------------------------------------------------------------ privacy across sessions


NAMED = """
title = "Named pulse"
min_answers = 2

[[exercises]]
id = "check-in"
kind = "scale"
title = "Check-in"
prompt = "Rate"
identity = "{identity}"
statements = ["We work well together", "We share a budget"]

[[exercises]]
id = "check-out"
kind = "scale"
title = "Check-out"
prompt = "Rate again"
identity = "{identity}"
statements = ["We work well together", "We share a budget"]
compare_with = "check-in"
"""


def _pulse_session(tmp_path: Path, identity: str, people: list[tuple[str, str, tuple, tuple]], k: int = 2) -> Path:
    """A small first session: people (name, side, check-in, check-out) rate both pulses."""
    template = tmp_path / "pulse.toml"
    template.write_text(textwrap.dedent(NAMED.format(identity=identity)).replace("min_answers = 2", f"min_answers = {k}"))
    w = sessions.create("Small offsite", str(template), sessions_dir=tmp_path / "s", now=1_750_000_000, room_code="SMALL1")
    now = 1_750_000_100
    pids = []
    for n, (name, side, _, _) in enumerate(people):
        pids.append(w.handle(f"join:{n}", f"j{n}", c.Join(name=name, side=side, token=f"tok{n}"), now=now).events[0].body.participant.id)
    for exercise, index in (("check-in", 2), ("check-out", 3)):
        w.handle(FACILITATOR, f"open-{exercise}", c.Open(exercise=exercise), now=now)
        for pid, person in zip(pids, people):
            for item, value in zip(("i1", "i2"), person[index]):
                if value is not None:
                    w.handle(pid, f"{exercise}-{pid}-{item}", c.Rate(exercise=exercise, item=item, value=value), now=now)
        w.handle(FACILITATOR, f"close-{exercise}", c.Close(exercise=exercise), now=now + 60)
    w.close()
    return w.folder


def _follow_up_pulse(tmp_path: Path, first: Path, people: list[tuple[str, str, tuple]]) -> sessions.Workshop:
    w = sessions.follow_up(first, sessions_dir=tmp_path / "s", now=1_758_000_000, room_code="SMALL2")
    now = 1_758_000_100
    w.handle(FACILITATOR, "open", c.Open(exercise="pulse"), now=now)
    for n, (name, side, ratings) in enumerate(people):
        pid = w.handle(f"join:{n}", f"j{n}", c.Join(name=name, side=side, token=f"new{n}"), now=now).events[0].body.participant.id
        for item, value in zip(("i1", "i2"), ratings):
            w.handle(pid, f"r{n}{item}", c.Rate(exercise="pulse", item=item, value=value), now=now)
    w.handle(FACILITATOR, "close", c.Close(exercise="pulse"), now=now + 60)
    return w


FIRST_ROOM = [
    ("Ann Lee", "it", (2, 1), (3, 2)), ("Bo Chen", "it", (2, 2), (3, 3)), ("Cy Diaz", "it", (3, 2), (4, 3)),
    ("Di Eze", "marketing", (1, 1), (2, 2)), ("Ed Fox", "marketing", (1, 2), (3, 2)), ("Flo Gu", "marketing", (2, 1), (3, 2)),
]


def test_a_named_pulse_follows_the_same_people_by_name_and_side(tmp_path):
    first = _pulse_session(tmp_path, "named", FIRST_ROOM)
    w = _follow_up_pulse(tmp_path, first, [
        ("ann  LEE", "it", (4, 3)), ("Bo Chen", "it", (5, 4)),  # the same two, however the name is typed
        ("Cy Diaz", "marketing", (1, 1)),  # moved side: not the same person's series
        ("Di Eze", "marketing", (4, 4)), ("Gus Ho", "marketing", (5, 5)), ("Hal Ito", "it", (2, 2)),
    ])
    assert w.session.exercise("pulse").identity == "named"
    over = followup.over_time(w.session)
    assert over.by_name and [p.label for p in over.points] == ["Check-in", "Check-out", "Now"]
    first_statement = over.followed[0]
    assert first_statement.n == {"it": 2, "all": 3}  # Ann and Bo; Marketing's one (Di) is under k=2, in the room only
    assert first_statement.means["it"] == [2.0, 3.0, 4.5]
    md = export.to_markdown(w.engine)
    assert "The same people, who rated at every point: IT 2.0 → 3.0 → 4.5 (+2.5, 2 people); the room" in md
    assert "matched by name and side" in md
    w.close()


def test_an_anonymous_first_pulse_never_yields_a_per_person_match(tmp_path):
    first = _pulse_session(tmp_path, "anonymous", FIRST_ROOM)
    w = _follow_up_pulse(tmp_path, first, [(name, side, (5, 5)) for name, side, _, _ in FIRST_ROOM])
    review = w.session.review
    assert all(p.people == [] for p in review.pulse)  # nobody's ratings were carried
    assert w.session.exercise("pulse").identity == "anonymous"
    over = followup.over_time(w.session)
    assert not over.by_name and over.followed is None
    journal = (w.folder / "journal.jsonl").read_text(encoding="utf-8")
    created = journal.splitlines()[0]
    assert "Ann Lee" not in created and "ratings" not in created
    data = json.loads(export.to_json(w.engine))
    assert data["pulse"]["matched_by"] == "side" and data["pulse"]["followed"] is None
    assert "The same people" not in export.to_markdown(w.engine)
    w.close()


def test_a_named_first_pulse_followed_up_without_names_matches_by_side_only(tmp_path):
    """A side-level pulse protects who gave which rating: nobody is followed, even by a
    name they typed at both sessions."""
    first = _pulse_session(tmp_path, "side", FIRST_ROOM)
    w = _follow_up_pulse(tmp_path, first, [(name, side, (5, 5)) for name, side, _, _ in FIRST_ROOM])
    assert w.session.exercise("pulse").identity == "side"
    assert not followup.over_time(w.session).by_name
    assert all(p.people == [] for p in w.session.review.pulse)
    w.close()


def test_a_side_under_k_is_withheld_at_each_point_and_never_carried(tmp_path):
    room = [
        ("A", "it", (4, 4), (4, 4)), ("B", "it", (4, 4), (4, 4)), ("C", "it", (4, 4), (4, 4)),
        ("D", "marketing", (1, 1), (5, 5)), ("E", "marketing", (1, 1), (5, 5)), ("F", "marketing", (2, 2), (None, None)),
    ]
    first = _pulse_session(tmp_path, "anonymous", room, k=3)  # Marketing: 3 at the check-in, 2 at the check-out
    w = _follow_up_pulse(tmp_path, first, [("A", "it", (3, 3)), ("B", "it", (3, 3)), ("D", "marketing", (4, 4)),
                                           ("E", "marketing", (4, 4)), ("F", "marketing", (3, 3))])  # IT: 2 now
    check_in, check_out, now = followup.over_time(w.session).points
    assert "marketing" in check_in.figures[0].mean and "marketing" not in check_out.figures[0].mean
    assert "it" not in now.figures[0].mean and "marketing" in now.figures[0].mean
    assert "marketing" in check_out.withheld and "it" in now.withheld
    carried = (w.folder / "journal.jsonl").read_text(encoding="utf-8").splitlines()[0]
    assert '"marketing":5.0' not in carried  # the two who stayed for the check-out: never written down
    md = export.to_markdown(w.engine)
    assert "| Check-out (15 June 2025) | 4.0 | – | – | 4.4 | – | 5: 3 IT |" in md  # the room keeps everyone
    assert "| Now (16 September 2025) | – | 3.7 | – | 3.4 | – | 5: 3 Marketing |" in md
    assert "IT and Marketing: fewer than 3 answers at some point" in md
    w.close()


# ------------------------------------------------------------------ damaged or older first sessions


def test_a_damaged_first_session_is_followed_up_with_what_was_saved_before_the_damage(tmp_path):
    root = tmp_path / "sessions"
    first = scripted_workshop_on_disk(root)
    journal = first / "journal.jsonl"
    lines = journal.read_bytes().splitlines(keepends=True)
    cut = next(n for n, line in enumerate(lines) if b"Invite IT to the first marketing planning day" in line)
    lines[cut] = lines[cut].replace(b"Invite IT", b"Invite XX")  # its checksum no longer matches
    journal.write_bytes(b"".join(lines))
    before = files(first)

    w = sessions.follow_up(first, sessions_dir=root, now=FOLLOW_UP_START, room_code="DMG123")
    [note] = w.warnings
    assert f"has damaged lines in its journal (from line {cut + 1}" in note and "carries what was saved before them" in note
    assert f"workshop repair {first.name}" in note
    actions = [r.text for r in w.session.review.records if r.kind == "action"]
    assert len(actions) == 5 and not any("planning day" in a for a in actions)  # the last one was in the damage
    assert w.session.review.notes == [note]  # kept in the follow-up: its report says it too
    assert note.split(" (from")[0] in export.to_markdown(w.engine)
    w.close()
    assert files(first) == before  # read, never repaired behind the facilitator's back


def test_a_session_whose_journal_cannot_be_read_at_all_gets_a_clear_message(tmp_path):
    folder = tmp_path / "sessions" / "broken"
    folder.mkdir(parents=True)
    (folder / "journal.jsonl").write_bytes(b"not a journal line\n")
    with pytest.raises(sessions.StoreError, match=r"Cannot follow up broken: .*no readable event"):
        sessions.follow_up(folder, sessions_dir=tmp_path / "sessions")
    assert [p.name for p in (tmp_path / "sessions").iterdir()] == ["broken"]  # no half-made follow-up


def test_a_session_saved_by_an_older_version_is_followed_up_and_says_so(tmp_path):
    copy = tmp_path / "sessions" / FIXTURE.name
    shutil.copytree(FIXTURE, copy)
    before = files(copy)
    w = sessions.follow_up(copy, sessions_dir=tmp_path / "sessions", now=FOLLOW_UP_START, room_code="OLD123")
    [note] = w.warnings
    assert "saved by an older version of Common Ground" in note and "nothing in its folder was changed" in note
    review = w.session.review
    assert [p.label for p in review.pulse] == ["Check-in", "Check-out"] and len(review.statements) == 3
    assert [i.title for i in review.initiatives] == ["One customer view in 12 months", "Mobile checkout that just works"]
    assert files(copy) == before
    md = export.to_markdown(w.engine)
    assert "saved by an older version of Common Ground" in md
    w.close()


# ------------------------------------------------------------------ the agenda template


def test_a_session_with_nothing_to_review_leaves_those_steps_out(tmp_path):
    w = sessions.create("Nothing agreed", sessions_dir=tmp_path / "s", now=1_750_000_000, room_code="NONE11")
    w.close()
    f = sessions.follow_up(w.folder, sessions_dir=tmp_path / "s", now=1_758_000_000, room_code="NONE22")
    ids = [ex.id for ex in f.session.template.exercises]
    assert "actions" not in ids and "kpis" not in ids and ids[0] == "pulse"
    assert f.session.review.pulse == []  # the check-in never ran: no figures, the same statements
    assert f.session.exercise("pulse").statements == w.session.exercise("check-in").statements
    md = export.to_markdown(f.engine)
    assert "No action was carried over to review." in md and "No joint initiative was carried over." in md
    f.close()


def test_the_follow_up_agenda_is_not_offered_for_a_new_session():
    from workshop.agenda import find_template, list_templates

    assert "follow-up" not in {t.name for t in list_templates()[0]}
    assert find_template("follow-up").template.follow_up


# ------------------------------------------------------------------ the command line


def workshop_cli(*args, sessions_dir: Path, check: bool = True) -> subprocess.CompletedProcess:
    env = {**os.environ, "WORKSHOP_SESSIONS_DIR": str(sessions_dir)}
    env.pop("WORKSHOP_TEMPLATES_DIR", None)
    result = subprocess.run([sys.executable, "-m", "workshop", *args], capture_output=True, text=True, env=env, cwd=REPO, timeout=60)
    if check:
        assert result.returncode == 0, result.stderr
    return result


def test_workshop_follow_up_then_export_writes_the_progress_report(tmp_path):
    root = tmp_path / "sessions"
    first = scripted_workshop_on_disk(root)
    out = workshop_cli("follow-up", "acme", "--title", "Acme: 90 days on", "--facilitator", "Riley", sessions_dir=root).stdout
    assert "Created follow-up session" in out and f"follows:   {SESSION_ID} (“Acme CIO–CMO offsite”)" in out
    assert "carried:   2 agreed initiatives, 6 actions, 2 decisions, 1 risk, 2 asks of the sponsor, 1 checkpoint" in out
    assert "pulse:     3 statements, with results from the check-in, check-out" in out
    [created] = [p for p in root.iterdir() if p != first]
    assert created.name.endswith("acme-90-days-on") and f"workshop resume {created.name}" in out
    session = sessions.read_folder(created).session
    assert session.facilitator == "Riley" and session.follows == SESSION_ID

    exported = workshop_cli("export", created.name, "--out", str(tmp_path / "out"), sessions_dir=root).stdout
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert written == sorted(f"{created.name}-{kind}" for kind in (
        "progress-report.md", "progress-report.html", "progress-report.json", "annex.md", "annex.html",
    ))
    assert "joint-agenda" not in exported
    annex = (tmp_path / "out" / f"{created.name}-annex.md").read_text(encoding="utf-8")
    assert f"{created.name}-progress-report" in annex and "joint-agenda" not in annex

    again = workshop_cli("follow-up", created.name, sessions_dir=root).stdout  # a follow-up of the follow-up
    assert "(“Acme: 90 days on”), the chain starting with “Acme CIO–CMO offsite”" in again
    [second] = [p for p in root.iterdir() if p not in (first, created)]
    assert sessions.read_folder(second).session.title == "Acme CIO–CMO offsite: follow-up 2"


def test_workshop_follow_up_of_a_damaged_session_warns_and_carries_what_it_can(tmp_path):
    root = tmp_path / "sessions"
    first = scripted_workshop_on_disk(root)
    journal = first / "journal.jsonl"
    journal.write_bytes(journal.read_bytes() + b"deadbeef {\"torn\n" + journal.read_bytes().splitlines(keepends=True)[-1])
    run = workshop_cli("follow-up", first.name, sessions_dir=root)
    assert "warning: “Acme CIO–CMO offsite” has damaged lines in its journal" in run.stderr
    assert "carried:   2 agreed initiatives, 6 actions" in run.stdout and "Traceback" not in run.stderr


def test_workshop_follow_up_of_an_unknown_session_and_new_with_the_follow_up_agenda_say_what_to_do(tmp_path):
    run = workshop_cli("follow-up", "nope", sessions_dir=tmp_path, check=False)
    assert run.returncode == 1 and "No session 'nope'" in run.stderr
    run = workshop_cli("new", "--title", "X", "--template", "follow-up", sessions_dir=tmp_path, check=False)
    assert run.returncode == 1 and "workshop follow-up SESSION" in run.stderr
    assert not tmp_path.exists() or not list(tmp_path.iterdir())


def test_workshop_check_accepts_the_follow_up_agenda():
    run = workshop_cli("check", "exercises/follow-up.toml", sessions_dir=REPO / "nowhere")
    assert "exercises/follow-up.toml: ok — '90-day follow-up', 7 exercises" in run.stdout


@pytest.mark.parametrize("module", ["workshop.followup", "workshop.review"])
def test_the_follow_up_core_imports_no_io_framework(module):
    from tests.test_import_hygiene import FORBIDDEN, _loaded_after

    loaded = _loaded_after(f"import {module}")
    assert not [name for name in FORBIDDEN if name in loaded]
