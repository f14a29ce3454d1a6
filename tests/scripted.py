"""A whole CIO–CMO alignment workshop, replayed through the core with a fixed clock
and fixed phone tokens: the fixture of the export tests and their golden files.

`scripted_workshop()` returns an `Engine` holding the finished session. Every input
goes through `Engine.handle` exactly as the room server would send it, so the
session is what a real morning would have produced, and the same calls always give
the same session (no clock, no randomness). `scripted_workshop(people=30)` is the
same morning with a full room: 22 more people, each answering as one of the first
eight on their side does, and writing ideas of their own.

What the script puts in, so that the tests have something to look for:

- eight people: three IT, four Marketing (one without a name), one Other; five of
  the names are hostile (`HOSTILE_NAMES`);
- a visible perception gap at check-in that narrows at check-out;
- an anonymous "What worries us" brainstorm with themes, a merged duplicate and
  one idea the facilitator hid (`HIDDEN_IDEA`: it must appear nowhere);
- ideas whose text tries HTML, Markdown and Rich markup (`HOSTILE_IDEAS`);
- an ownership vote with contested rows (the budget, tools bought outside IT);
- three drafted initiatives with leads: two agreed, one parked.
"""

from __future__ import annotations

import itertools
from pathlib import Path

from workshop import commands as c
from workshop.agenda import load_template
from workshop.engine import Accepted, Engine
from workshop.model import FACILITATOR, Executives

TEMPLATE = Path(__file__).resolve().parent.parent / "exercises" / "cio-cmo-alignment.toml"
SESSION_ID = "2025-05-14-acme-cio-cmo-offsite"
START = 1_747_213_200.0
"""Wednesday 14 May 2025, 09:00 UTC."""

PEOPLE = [
    # (token, name, side)
    ("tok-dana", "Dana Whitfield", "it"),
    ("tok-script", "<script>alert(1)</script>", "it"),
    ("tok-pipe", "| pipe | name", "it"),
    ("tok-maya", "Maya Okafor", "marketing"),
    ("tok-rich", "[bold]Rich[/bold]", "marketing"),
    ("tok-stars", "**stars**", "marketing"),
    ("tok-anon", "", "marketing"),
    ("tok-hash", "# heading", "other"),
]
MORE_PEOPLE = [
    # (token, name, side, the first eight's token whose answers they give)
    ("tok-priya", "Priya Raman", "it", "tok-dana"), ("tok-tom", "Tom Becker", "it", "tok-script"),
    ("tok-lena", "Lena Fischer", "it", "tok-pipe"), ("tok-omar", "Omar Haddad", "it", "tok-dana"),
    ("tok-grace", "Grace Liu", "it", "tok-script"), ("tok-marco", "Marco Rossi", "it", "tok-pipe"),
    ("tok-jonas", "Jonas Berg", "it", "tok-dana"), ("tok-ravi", "Ravi Patel", "it", "tok-script"),
    ("tok-hana", "Hana Sato", "it", "tok-pipe"),
    ("tok-aisha", "Aisha Bello", "marketing", "tok-maya"), ("tok-chloe", "Chloe Martin", "marketing", "tok-rich"),
    ("tok-sofia", "Sofia Alvarez", "marketing", "tok-stars"), ("tok-ben", "Ben Carter", "marketing", "tok-anon"),
    ("tok-luca", "Luca Moretti", "marketing", "tok-maya"), ("tok-nora", "Nora Eriksen", "marketing", "tok-rich"),
    ("tok-kwame", "Kwame Mensah", "marketing", "tok-stars"), ("tok-elena", "Elena Petrova", "marketing", "tok-anon"),
    ("tok-sam", "Sam O'Neill", "marketing", "tok-maya"), ("tok-ines", "Ines Duarte", "marketing", "tok-rich"),
    ("tok-felix", "Felix Wagner", "other", "tok-hash"), ("tok-mia", "Mia Kowalski", "other", "tok-hash"),
    ("tok-yusuf", "Yusuf Demir", "other", "tok-hash"),
]
"""The 22 more people of the 30-person room: 12 IT, 14 Marketing and 4 Other in all."""
HOSTILE_NAMES = ["<script>alert(1)</script>", "[bold]Rich[/bold]", "| pipe | name", "**stars**", "# heading"]
NAMED = [name for _, name, _ in PEOPLE if name]

HIDDEN_IDEA = "Honestly the CIO should just be replaced"
HOSTILE_IDEAS = [
    "<img src=x onerror=alert(2)> vendors pick our stack",
    "[link=https://evil.example]Click here[/link] for shadow IT",
    "Ship `rm -rf` *fast* and _loose_ | no review",
    "- 1. # Not a heading, not a list",
]


class Script:
    """Drives one engine with a clock that moves forward one minute per step."""

    def __init__(self, people: int = 8):
        if people not in (8, 30):
            raise ValueError("the scripted room has 8 or 30 people")
        self.more = MORE_PEOPLE[: people - len(PEOPLE)]
        template = load_template(TEMPLATE)
        first = Engine.create_event(
            session_id=SESSION_ID,
            title="Acme CIO–CMO offsite",
            organisation="Acme Retail Group",
            facilitator="Jordan Reyes",
            template_name="cio-cmo-alignment",
            template=template,
            room_code="QX7M2K",
            now=START,
            executives=Executives(cio="Dana Whitfield", cmo="Maya Okafor", sponsor="Sam Chen, CEO"),
        )
        self.engine = Engine.replay([first])
        self.now = START
        self._ids = itertools.count(1)
        self.pid: dict[str, str] = {}
        """Token → participant id."""

    def tick(self, seconds: float = 20.0) -> float:
        self.now += seconds
        return self.now

    def send(self, actor: str, command) -> Accepted:
        outcome = self.engine.handle(actor, f"c{next(self._ids)}", command, self.tick())
        assert isinstance(outcome, Accepted), f"{actor} {command!r}: {outcome}"
        return outcome

    def facilitator(self, command) -> Accepted:
        return self.send(FACILITATOR, command)

    def by(self, token: str, command) -> Accepted:
        return self.send(self.pid[token], command)

    def join_all(self) -> None:
        for token, name, side in [*PEOPLE, *((t, n, side) for t, n, side, _ in self.more)]:
            outcome = self.send(token, c.Join(name=name, side=side, token=token))
            self.pid[token] = outcome.events[0].body.participant.id

    def everyone(self, answers: dict[str, object]) -> dict[str, object]:
        """The first eight's answers (token → answer), and each of the more people
        giving the answer of the one they follow."""
        return {**answers, **{token: answers[twin] for token, _, _, twin in self.more if twin in answers}}

    def more_ideas(self, exercise: str, texts: list[str]) -> None:
        """The more people's own ideas, one each, in turn, while texts last."""
        for (token, *_), text in zip(self.more, texts):
            self.idea(exercise, token, text)

    def item(self, exercise: str, text: str) -> str:
        for item in self.engine.session.exercises[exercise].items:
            if item.text == text:
                return item.id
        raise KeyError(f"{exercise}: no item {text!r}")

    def idea(self, exercise: str, token: str | None, text: str, side: str | None = None) -> str:
        command = c.SubmitIdea(exercise=exercise, text=text, side=side)
        outcome = self.facilitator(command) if token is None else self.by(token, command)
        return outcome.events[0].body.idea.id

    def open(self, exercise: str) -> None:
        self.facilitator(c.Open(exercise=exercise))

    def close(self, exercise: str) -> None:
        self.tick(240)
        self.facilitator(c.Close(exercise=exercise))


PULSE_IN = {
    # token: ratings of the three statements
    "tok-dana": (4, 3, 3), "tok-script": (4, 2, 4), "tok-pipe": (3, 2, 4),
    "tok-maya": (2, 3, 1), "tok-rich": (2, 3, 2), "tok-stars": (1, 2, 1), "tok-anon": (2, 4, 2),
    "tok-hash": (3, 3, 2),
}
PULSE_OUT = {
    "tok-dana": (4, 4, 3), "tok-script": (4, 4, 4), "tok-pipe": (4, 3, 3),
    "tok-maya": (4, 4, 3), "tok-rich": (3, 4, 3), "tok-stars": (3, 4, 2), "tok-anon": (3, 4, 3),
    "tok-hash": (4, 4, 3),
}
SKILLS = {
    # "I feel equipped to take part in technology decisions", "I could explain how the other team measures success"
    "tok-dana": (5, 2), "tok-script": (4, 2), "tok-pipe": (5, 3),
    "tok-maya": (3, 3), "tok-rich": (2, 4), "tok-stars": (2, 3), "tok-anon": (3, 4),
    "tok-hash": (4, 3),
}
"""Marketing feels less equipped for technology decisions; IT knows less of how Marketing measures success."""
CONFIDENCE = {
    "tok-dana": (4,), "tok-script": (3,), "tok-pipe": (4,), "tok-maya": (3,), "tok-rich": (2,), "tok-stars": (3,), "tok-anon": (3,),
    "tok-hash": (5,),
}
"""The closing question: the room is hopeful, Marketing less sure than IT."""


def _pulse(s: Script, exercise: str, ratings: dict) -> None:
    s.open(exercise)
    for token, values in s.everyone(ratings).items():
        for item, value in zip(("i1", "i2", "i3"), values):
            s.by(token, c.Rate(exercise=exercise, item=item, value=value))
    s.close(exercise)


def _opening(s: Script) -> None:
    ex = "opening"
    s.open(ex)
    items = [item.id for item in s.engine.session.exercises[ex].items]
    picks = {
        "tok-dana": [0, 1, 2, 4], "tok-script": [1, 2], "tok-pipe": [0, 1, 4], "tok-maya": [0, 1, 2, 4],
        "tok-rich": [1, 4], "tok-stars": [0, 2, 3, 4], "tok-anon": [1, 2, 4], "tok-hash": [1, 3],
    }
    for token, chosen in s.everyone(picks).items():
        s.by(token, c.Pick(exercise=ex, items=[items[i] for i in chosen]))
    s.close(ex)


def _stereotypes(s: Script) -> None:
    ex = "stereotypes"
    s.open(ex)
    looked = s.idea(ex, "tok-maya", "IT thinks marketing is just colouring in")
    s.idea(ex, "tok-rich", "We are told our expertise is not real expertise")
    risky = s.idea(ex, "tok-dana", "IT is the department of no")
    s.idea(ex, "tok-pipe", "We only care about uptime, not customers")
    s.idea(ex, "tok-stars", "Marketing chases shiny tools and leaves IT the bill")
    s.idea(ex, "tok-hash", "Both sides say the other never reads the brief")
    s.more_ideas(ex, [
        "IT hides behind security to avoid change", "Marketing only thinks one quarter ahead", "Projects are late because IT over-engineers",
        "Marketing buys tools on a credit card", "We are a cost centre, not a partner", "Campaigns are launched before anyone tests them",
        "IT does not understand the customer", "Marketing's numbers are vanity metrics", "We are seen as order takers",
    ])
    s.facilitator(c.GroupIdeas(exercise=ex, ideas=[looked], theme="Looked down on"))
    s.facilitator(c.GroupIdeas(exercise=ex, ideas=[risky], theme="Slow and controlling"))
    s.close(ex)
    s.facilitator(c.Reveal(exercise=ex))


def _worries(s: Script) -> None:
    ex = "worries"
    s.open(ex)
    scale = s.idea(ex, "tok-dana", "Marketing tools that cannot scale across our markets")
    s.idea(ex, "tok-script", "Security and privacy skipped to hit a campaign date")
    dup = s.idea(ex, "tok-pipe", "Nobody budgets for the running costs of new tools")
    s.idea(ex, "tok-script", HOSTILE_IDEAS[0])
    slow = s.idea(ex, "tok-maya", "IT takes months to approve a simple tool")
    s.idea(ex, "tok-rich", "We hear no before the question is finished")
    costs = s.idea(ex, "tok-stars", "Running costs of new tools are never budgeted")
    hidden = s.idea(ex, "tok-anon", HIDDEN_IDEA)
    s.idea(ex, "tok-hash", HOSTILE_IDEAS[1])
    s.more_ideas(ex, [
        "Customer data copied into tools nobody audits", "Integration work discovered after the contract is signed",
        "Vendor lock-in on the marketing cloud", "No one owns a tool once the campaign ends", "Consent records we cannot produce on request",
        "Release windows that miss the season", "Change freezes during our busiest weeks", "Requirements that change every sprint",
        "Dashboards that disagree with finance", "A backlog we cannot see into", "Pilots that never reach all markets",
        "Licences paid twice by two departments", "Support tickets that bounce between teams", "Security reviews that start too late",
        "Analytics nobody trusts", "Our roadmap is written without us", "Budgets split by department, not by outcome",
        "Agencies with admin rights", "Mobile apps with no owner after launch", "Legacy systems nobody will fund",
        "Shadow IT we only hear about when it breaks", "Time zones of the offshore team",
    ])
    s.facilitator(c.HideIdea(exercise=ex, idea=hidden))
    s.facilitator(c.MergeIdeas(exercise=ex, idea=dup, into=costs))
    s.facilitator(c.GroupIdeas(exercise=ex, ideas=[scale, costs], theme="Scale and running costs"))
    s.facilitator(c.GroupIdeas(exercise=ex, ideas=[slow], theme="Speed versus control"))
    s.close(ex)
    s.facilitator(c.Reveal(exercise=ex))


def _customer_first(s: Script) -> None:
    ex = "customer-first"
    s.open(ex)
    one = s.idea(ex, "tok-maya", "One view of the customer across every channel")
    memory = s.idea(ex, "tok-dana", "Service that remembers the last conversation")
    offers = s.idea(ex, "tok-rich", "Personal offers while the customer is still browsing")
    mobile = s.idea(ex, "tok-pipe", "A mobile checkout that just works")
    s.idea(ex, "tok-stars", "Delivery updates customers can trust")
    s.idea(ex, "tok-script", HOSTILE_IDEAS[2])
    s.idea(ex, None, "Prices that match in store and online", side="other")
    s.more_ideas(ex, [
        "Returns as easy as buying", "One login for every brand", "Answers in the app at midnight", "Stock levels that are true",
        "Loyalty points that work everywhere", "A store assistant who sees my online basket",
    ])
    s.facilitator(c.GroupIdeas(exercise=ex, ideas=[one, memory], theme="One customer view"))
    s.facilitator(c.GroupIdeas(exercise=ex, ideas=[offers], theme="Personal and timely"))
    s.facilitator(c.GroupIdeas(exercise=ex, ideas=[mobile], theme="Frictionless mobile"))
    s.close(ex)


def _dots(s: Script, ex: str, votes: dict[str, list[str]]) -> None:
    """Each token spends dots on items by text (a text listed twice gets two dots)."""
    for token, texts in s.everyone(votes).items():
        for text in texts:
            s.by(token, c.Vote(exercise=ex, item=s.item(ex, text)))


ONE, PERSONAL, MOBILE = "One customer view", "Personal and timely", "Frictionless mobile"
DELIVERY, PRICES = "Delivery updates customers can trust", "Prices that match in store and online"


def _objectives(s: Script) -> None:
    ex = "shared-objectives"
    s.open(ex)
    hostile = HOSTILE_IDEAS[2]
    _dots(s, ex, {
        "tok-dana": [ONE, ONE, MOBILE, DELIVERY, PRICES],
        "tok-script": [ONE, MOBILE, MOBILE, hostile, DELIVERY],
        "tok-pipe": [MOBILE, MOBILE, ONE, PRICES, PRICES],
        "tok-maya": [ONE, ONE, PERSONAL, PERSONAL, DELIVERY],
        "tok-rich": [PERSONAL, PERSONAL, PERSONAL, ONE, MOBILE],
        "tok-stars": [PERSONAL, ONE, ONE, DELIVERY, PRICES],
        "tok-anon": [PERSONAL, PERSONAL, ONE, MOBILE, DELIVERY],
        "tok-hash": [ONE, MOBILE, DELIVERY, DELIVERY, PRICES],
    })
    s.close(ex)


def _objective_order(s: Script) -> None:
    """IT puts mobile and the single customer view first, Marketing puts personal and
    timely first: the ranking flags where the two sides pull apart."""
    ex = "objective-order"
    s.open(ex)
    it_order, marketing_order = [MOBILE, ONE, DELIVERY, PRICES, PERSONAL], [PERSONAL, ONE, DELIVERY, MOBILE, PRICES]
    orders = {
        "tok-dana": it_order, "tok-script": it_order, "tok-pipe": [ONE, MOBILE, PRICES, DELIVERY, PERSONAL],
        "tok-maya": marketing_order, "tok-rich": marketing_order, "tok-stars": [PERSONAL, DELIVERY, ONE, PRICES, MOBILE],
        "tok-anon": marketing_order, "tok-hash": [ONE, DELIVERY, PERSONAL, MOBILE, PRICES],
    }
    for token, texts in s.everyone(orders).items():
        s.by(token, c.Pick(exercise=ex, items=[s.item(ex, text) for text in texts]))
    s.close(ex)


def _where_we_win(s: Script) -> None:
    ex = "where-we-win"
    s.open(ex)
    added = s.by("tok-stars", c.AddItem(exercise=ex, text="Customer data platform | CDP")).events[0].body.item.text
    retention, platforms = "Customer engagement and retention", "Choosing and rolling out marketing platforms"
    metrics, ai, analytics = "Choosing and capturing metrics and KPIs", "AI and machine learning", "Analytics and modelling"
    mobile, digital = "Mobile apps", "Digital media and online interaction"
    _dots(s, ex, {
        "tok-dana": [analytics, analytics, metrics, ai, retention],
        "tok-script": [ai, ai, analytics, metrics, platforms],
        "tok-pipe": [analytics, metrics, metrics, added, retention],
        "tok-maya": [retention, retention, platforms, digital, added],
        "tok-rich": [digital, digital, retention, mobile, platforms],
        "tok-stars": [added, added, retention, platforms, platforms],
        "tok-anon": [retention, mobile, mobile, digital, added],
        "tok-hash": [retention, analytics, metrics, added, ai],
    })
    s.close(ex)


def _kpis(s: Script) -> None:
    ex = "kpi-ideas"
    s.open(ex)
    s.idea(ex, "tok-maya", "Cost per acquired customer")
    s.idea(ex, "tok-dana", "Time from idea to launch")
    nps = s.idea(ex, "tok-rich", "Net promoter score")
    dup = s.idea(ex, "tok-hash", "NPS")
    s.more_ideas(ex, ["Share of sales through digital channels", "Tool approval time in days", "Customer lifetime value"])
    s.facilitator(c.MergeIdeas(exercise=ex, idea=dup, into=nps))
    s.close(ex)
    ex = "shared-kpis"
    s.open(ex)
    revenue, retention, conversion = "Revenue generated", "Customer retention", "Lead conversion"
    cost, launch, nps_text = "Cost per acquired customer", "Time from idea to launch", "Net promoter score"
    _dots(s, ex, {
        "tok-dana": [launch, launch, revenue, retention, cost],
        "tok-script": [launch, retention, retention, revenue, nps_text],
        "tok-pipe": [revenue, revenue, launch, cost, retention],
        "tok-maya": [conversion, conversion, revenue, retention, retention],
        "tok-rich": [conversion, nps_text, nps_text, retention, revenue],
        "tok-stars": [cost, cost, conversion, retention, revenue],
        "tok-anon": [retention, retention, conversion, nps_text, revenue],
        "tok-hash": [revenue, retention, launch, conversion, cost],
    })
    s.close(ex)


OWNERSHIP = {
    # token: choice per row (0 CIO accountable, 1 CMO accountable, 2 jointly), rows in template order:
    # consent, security, internal UX, platform criteria, approval time, martech budget, tools outside IT, KPIs, the story
    "tok-dana":   (0, 0, 0, 0, 0, 0, 0, 2, 1),
    "tok-script": (0, 0, 0, 0, 0, 0, 0, 0, 1),
    "tok-pipe":   (2, 0, 0, 0, 2, 0, 0, 2, 2),
    "tok-maya":   (1, 0, 0, 1, 2, 1, 1, 2, 1),
    "tok-rich":   (1, 0, 1, 1, 1, 1, 1, 2, 1),
    "tok-stars":  (1, 0, 0, 2, 1, 1, 2, 1, 1),
    "tok-anon":   (2, 2, 0, 1, 1, 1, 1, 2, 2),
    "tok-hash":   (2, 0, 0, 2, 2, 2, 0, 2, 1),
}


def _ownership(s: Script) -> None:
    ex = "who-leads"
    s.open(ex)
    items = [item.id for item in s.engine.session.exercises[ex].items]
    for token, choices in s.everyone(OWNERSHIP).items():
        for item, choice in zip(items, choices):
            s.by(token, c.ChooseOwner(exercise=ex, item=item, choice=choice))
    s.close(ex)


def _skills_and_glossary(s: Script) -> None:
    ex = "skills"
    s.open(ex)
    for token, values in s.everyone(SKILLS).items():
        for item, value in zip(("i1", "i2"), values):
            s.by(token, c.Rate(exercise=ex, item=item, value=value))
    s.close(ex)
    ex = "glossary"
    s.open(ex)
    s.idea(ex, "tok-dana", "Platform: the systems we run and support for years")
    s.idea(ex, "tok-maya", "Platform: the tool a campaign runs on this quarter")
    s.idea(ex, "tok-rich", "Real time: before the customer leaves the page")
    s.idea(ex, "tok-pipe", "Real time: within the nightly batch")
    s.more_ideas(ex, ["Done: live for every market", "Done: the campaign has launched", "Customer: whoever pays the invoice"])
    s.close(ex)


def _matrix(s: Script) -> None:
    ex = "impact-effort"
    s.open(ex)
    items = [item.id for item in s.engine.session.exercises[ex].items]
    # (impact, effort) per item, in the order of the matrix's items; IT sees more effort
    it_view = [(5, 4), (4, 4), (3, 2), (4, 2), (2, 2)]
    mkt_view = [(5, 3), (5, 2), (4, 1), (4, 2), (2, 1)]
    people = [*PEOPLE, *((t, n, side) for t, n, side, _ in s.more)]
    for token, _, side in people:
        view = it_view if side == "it" else mkt_view if side == "marketing" else [(4, 3)] * 5
        for item, (x, y) in zip(items, view):
            s.by(token, c.Place(exercise=ex, item=item, x=x, y=y))
    s.close(ex)


def _budget(s: Script) -> None:
    ex = "budget"
    s.open(ex)
    texts = [item.text for item in s.engine.session.exercises[ex].items]
    splits = {
        "tok-dana": (40, 10, 30, 10, 10),
        "tok-script": (30, 10, 40, 10, 10),
        "tok-pipe": (40, 0, 40, 10, 10),
        "tok-maya": (30, 40, 10, 10, 10),
        "tok-rich": (20, 50, 10, 10, 10),
        "tok-stars": (30, 30, 10, 20, 10),
        "tok-anon": (30, 40, 20, 10, 0),
        "tok-hash": (30, 20, 20, 20, 10),
    }
    for token, points in s.everyone(splits).items():
        allocation = {s.item(ex, text): p for text, p in zip(texts, points)}
        s.by(token, c.Allocate(exercise=ex, points=allocation))
    s.close(ex)


def _initiatives(s: Script) -> None:
    ex = "joint-initiatives"
    s.open(ex)
    drafted = {}
    plans = [
        (ONE, "One customer view in 12 months", {
            "outcome": "Customers are recognised on every channel, with no repeated questions",
            "kpi": "Customer retention", "target": "+5 points repeat-purchase rate",
            "timeframe": "Pilot in Q3, all channels in 12 months",
            "it_lead": "Dana Whitfield", "marketing_lead": "Maya Okafor", "budget_share": "40%",
            "first_step": "Joint requirements workshop on the customer record, week of 2 June",
        }, "agreed"),
        (MOBILE, "Mobile checkout that just works", {
            "outcome": "Checkout on a phone in under a minute",
            "kpi": "Lead conversion", "target": "Mobile conversion from 1.8% to 2.5%",
            "timeframe": "6 months",
            "it_lead": "| pipe | name", "marketing_lead": "**stars**", "budget_share": "25%",
            "first_step": "Shadow the mobile team for a day; <b>list</b> the top 5 drop-offs",
        }, "agreed"),
        (PERSONAL, "Real-time personal offers", {
            "outcome": "Offers that fit what the customer is doing right now",
            "kpi": "Revenue generated", "target": "+3% online revenue",
            "timeframe": "Revisit after the customer view pilot",
            "it_lead": "<script>alert(1)</script>", "marketing_lead": "[bold]Rich[/bold]", "budget_share": "10%",
            "first_step": "Check consent and privacy rules with legal",
        }, "parked"),
    ]
    for source, title, fields, status in plans:
        outcome = s.facilitator(c.DraftInitiative(exercise=ex, title=title, source_item=s.item(ex, source)))
        iid = outcome.events[0].body.initiative.id
        drafted[source] = iid
        s.facilitator(c.UpdateInitiative(exercise=ex, initiative=iid, fields=fields))
        s.facilitator(c.SetInitiativeStatus(exercise=ex, initiative=iid, status=status))
    one, mobile = drafted[ONE], drafted[MOBILE]
    for token, target in [("tok-dana", one), ("tok-maya", one), ("tok-stars", mobile), ("tok-pipe", mobile), ("tok-hash", one)]:
        s.by(token, c.Volunteer(exercise=ex, target=target))
    s.by("tok-rich", c.Comment(exercise=ex, target=one, text="Start with loyalty members; their data is cleanest"))
    s.by("tok-script", c.Comment(exercise=ex, target=mobile, text="<b>Bold</b> claim | needs | a load test"))
    s.by("tok-anon", c.Comment(exercise=ex, target=s.item(ex, DELIVERY), text="Worth a quick win later"))
    for token, *_ in s.more[:8]:
        s.by(token, c.Volunteer(exercise=ex, target=one if token < "tok-m" else mobile))
    s.close(ex)
    _records(s, one)


def _records(s: Script, initiative: str) -> None:
    """What the room decided and who does what next: a split who-leads row settled,
    actions with owners and dates, a worry turned into a risk on an initiative, and a
    record struck out (it shows nowhere)."""
    budget_row = s.item("who-leads", "The marketing technology budget")
    worry = next(i.id for i in s.engine.session.exercises["worries"].ideas.values() if i.text.startswith("Security and privacy"))
    s.facilitator(c.RecordOutcome(
        kind="decision", text="The CMO is accountable for the marketing technology budget; the CIO is consulted on every platform",
        owner="Dana Whitfield and Maya Okafor", about=f"who-leads:{budget_row}", accountable="CMO accountable (CIO contributes)",
    ))
    s.facilitator(c.RecordOutcome(kind="decision", text="Tools bought outside IT go through one two-week review", owner="Dana Whitfield and Maya Okafor"))
    s.facilitator(c.RecordOutcome(
        kind="action", text="Book the joint requirements workshop on the customer record", owner="Maya Okafor", due="2025-06-02",
        initiative=f"joint-initiatives:{initiative}",
    ))
    s.facilitator(c.RecordOutcome(kind="action", text="Publish the two-week tool review checklist", owner="Dana Whitfield", due="2025-05-30"))
    s.facilitator(c.RecordOutcome(kind="action", text="<b>Draft</b> | a | [bold]table[/bold]", owner="# heading", due="2025-07-01"))
    s.facilitator(c.RecordOutcome(
        kind="risk", text="Security and privacy skipped to hit a campaign date", owner="Dana Whitfield",
        mitigation="A privacy review in the first sprint of every campaign", about=f"worries:{worry}", initiative=f"joint-initiatives:{initiative}",
    ))
    s.facilitator(c.RecordOutcome(
        kind="ask", text="Fund the customer view pilot from the joint budget, not from IT's run budget", owner="Dana Whitfield and Maya Okafor",
    ))
    s.facilitator(c.RecordOutcome(kind="ask", text="Rule that marketing technology is bought through the two-week joint review", owner="Dana Whitfield and Maya Okafor"))
    s.facilitator(c.RecordOutcome(
        kind="checkpoint", text="Repeat-purchase rate in the pilot market, and the tool approval time", owner="Dana Whitfield and Maya Okafor",
        due="2025-08-14",
    ))
    s.facilitator(c.UpdateInitiative(exercise="joint-initiatives", initiative=initiative, fields={"baseline": "31% repeat purchase", "budget": "€400k"}))
    struck = s.facilitator(c.RecordOutcome(kind="decision", text="Replace the CIO", owner="Nobody")).events[0].body.record.id
    s.facilitator(c.DropRecord(record=struck))


def _give_and_get(s: Script) -> None:
    ex = "give-and-get"
    s.open(ex)
    s.idea(ex, "tok-maya", "We plan campaigns a quarter ahead and share requirements before we pick a tool")
    s.idea(ex, "tok-dana", "An answer on any new tool within ten working days")
    s.idea(ex, "tok-script", "A named IT partner in every campaign team")
    s.more_ideas(ex, ["One intake form for every request", "Campaign calendar shared with IT operations"])
    s.close(ex)
    s.facilitator(c.RecordOutcome(
        kind="action", text="Marketing shares next quarter's campaign plan with IT", owner="Maya Okafor", due="2025-06-30",
    ))
    s.facilitator(c.RecordOutcome(
        kind="action", text="IT answers every new tool request within ten working days", owner="Dana Whitfield", due="2025-06-01",
    ))


def _ways(s: Script) -> None:
    ex = "more-ways"
    s.open(ex)
    s.idea(ex, "tok-dana", "IT reviews marketing's tools with a systems view, not a veto")
    s.idea(ex, "tok-maya", "Marketing builds the ROI and TCO visuals for IT's board pack")
    s.idea(ex, "tok-hash", HOSTILE_IDEAS[3])
    s.more_ideas(ex, ["A shared channel called #it-mkt", "Quarterly joint demo day"])
    s.close(ex)
    ex = "ways-of-working"
    s.open(ex)
    reviews, informal, rotations = "Regular joint reviews on a fixed schedule", "Informal time together", "Day-in-the-life rotations between the teams"
    story, early = "Marketing helps tell the story of IT's investments", "IT joins marketing planning early"
    systems = "IT reviews marketing's tools with a systems view, not a veto"
    _dots(s, ex, {
        "tok-dana": [reviews, reviews, early], "tok-script": [reviews, rotations, systems], "tok-pipe": [reviews, story, early],
        "tok-maya": [early, early, informal], "tok-rich": [informal, informal, rotations], "tok-stars": [informal, early, systems],
        "tok-anon": [rotations, story, early], "tok-hash": [reviews, systems, early],
    })
    s.close(ex)
    s.facilitator(c.RecordOutcome(
        kind="action", text="Invite IT to the first marketing planning day of each quarter", owner="Maya Okafor", due="2025-07-01",
    ))


def scripted_workshop(people: int = 8) -> Engine:
    """The finished session, built from scratch (a few hundred commands, ~50 ms; the
    30-person room about a thousand)."""
    s = Script(people)
    s.join_all()
    _opening(s)
    _pulse(s, "check-in", PULSE_IN)
    _stereotypes(s)
    _worries(s)
    _customer_first(s)
    _objectives(s)
    _objective_order(s)
    _where_we_win(s)
    _kpis(s)
    _ownership(s)
    _skills_and_glossary(s)
    _matrix(s)
    _budget(s)
    _initiatives(s)
    _give_and_get(s)
    _ways(s)
    _pulse(s, "check-out", PULSE_OUT)
    _pulse(s, "confidence", CONFIDENCE)
    s.facilitator(c.Publish())
    return s.engine


def worry_authors(engine: Engine) -> list[str]:
    """Names of everyone who wrote in the anonymous 'What worries us' brainstorm."""
    session = engine.session
    authors = {idea.author for idea in session.exercises["worries"].ideas.values()}
    return sorted(session.participants[pid].name for pid in authors if pid in session.participants and session.participants[pid].name)


# ------------------------------------------------------------------ on disk, and the 90-day follow-up


class DiskScript(Script):
    """The same script, written to a session folder by the real store: every command
    goes through `sessions.Workshop.handle`, as the room sends it, and is fsynced."""

    def __init__(self, sessions_dir: Path, people: int = 8):
        from workshop.sessions import Workshop
        from workshop.store import SessionStore

        super().__init__(people)
        first = Engine.create_event(
            session_id=SESSION_ID, title="Acme CIO–CMO offsite", organisation="Acme Retail Group", facilitator="Jordan Reyes",
            template_name="cio-cmo-alignment", template=self.engine.session.template, room_code="QX7M2K", now=START,
            executives=Executives(cio="Dana Whitfield", cmo="Maya Okafor", sponsor="Sam Chen, CEO"),
        )
        store = SessionStore.create(Path(sessions_dir) / SESSION_ID)
        store.append_sync([first.to_json()])
        self.workshop = Workshop(Path(sessions_dir) / SESSION_ID, store, Engine.replay([first]))
        self.engine = self.workshop.engine

    def send(self, actor: str, command) -> Accepted:
        outcome = self.workshop.handle(actor, f"c{next(self._ids)}", command, self.tick())
        assert isinstance(outcome, Accepted), f"{actor} {command!r}: {outcome}"
        return outcome


def scripted_workshop_on_disk(sessions_dir: Path) -> Path:
    """`scripted_workshop()`, the 8-person morning, saved in `sessions_dir` by the real
    store and closed; returns its folder."""
    s = DiskScript(sessions_dir)
    s.join_all()
    _opening(s)
    _pulse(s, "check-in", PULSE_IN)
    _stereotypes(s)
    _worries(s)
    _customer_first(s)
    _objectives(s)
    _objective_order(s)
    _where_we_win(s)
    _kpis(s)
    _ownership(s)
    _skills_and_glossary(s)
    _matrix(s)
    _budget(s)
    _initiatives(s)
    _give_and_get(s)
    _ways(s)
    _pulse(s, "check-out", PULSE_OUT)
    _pulse(s, "confidence", CONFIDENCE)
    s.facilitator(c.Publish())
    s.workshop.close()
    return s.workshop.folder


FOLLOW_UP_START = 1_755_000_000.0
"""Tuesday 12 August 2025, 12:00 UTC: the 90-day follow-up of the scripted workshop (noon, so that
the folder's date, taken in the laptop's zone, is the same from UTC−11 to UTC+11)."""
FOLLOW_UP_PEOPLE = [
    # (token, name, side): most of the first room, one of them gone, one newcomer
    ("fu-dana", "Dana Whitfield", "it"), ("fu-script", "<script>alert(1)</script>", "it"), ("fu-pipe", "| pipe | name", "it"),
    ("fu-maya", "Maya Okafor", "marketing"), ("fu-rich", "[bold]Rich[/bold]", "marketing"), ("fu-stars", "**stars**", "marketing"),
    ("fu-priya", "Priya Raman", "marketing"), ("fu-hash", "# heading", "other"),
]
PULSE_NOW = {
    "fu-dana": (4, 4, 3), "fu-script": (3, 4, 3), "fu-pipe": (4, 3, 3),
    "fu-maya": (3, 4, 3), "fu-rich": (3, 3, 2), "fu-stars": (3, 4, 3), "fu-priya": (2, 3, 2), "fu-hash": (4, 4, 3),
}
"""Held up since the check-out on working together and goals; spending slipped back for Marketing."""
FOLLOW_UP_STATUSES = {
    "a1": ("at risk", "The CRM vendor moved the pilot data feed to October"),
    "a2": ("done", "Published on the intranet on 28 May; used for 9 requests since"),
    "a3": ("dropped", "Nobody could say what it meant; the <b>table</b> was never | drawn |"),
    "a4": ("done", "Q3 plan shared on 25 June"),
    "a5": ("on track", "Median answer is 8 working days; two requests took longer"),
}
"""a6 (the marketing planning day) is left without a status: the report says it was not reviewed."""
FOLLOW_UP_READINGS = {"i1": "33% repeat purchase (pilot market)", "i2": "2.1% mobile conversion"}
ROOM_ON_ACTIONS = {
    # token: status chosen per action row (0 done, 1 on track, 2 at risk, 3 dropped); IT is surer than Marketing
    "fu-dana": (1, 0, 3, 0, 1, 1), "fu-script": (1, 0, 3, 0, 0, 1), "fu-pipe": (2, 0, 3, 0, 1, 2),
    "fu-maya": (2, 0, 3, 0, 2, 1), "fu-rich": (2, 0, 2, 1, 2, 2), "fu-stars": (2, 0, 3, 0, 2, 2), "fu-priya": (2, 1, 3, 0, 2, 2),
    "fu-hash": (2, 0, 3, 0, 1, 1),
}
KPI_CONFIDENCE = {
    "fu-dana": (3, 4), "fu-script": (3, 4), "fu-pipe": (2, 4), "fu-maya": (3, 3), "fu-rich": (2, 3), "fu-stars": (2, 4),
    "fu-priya": (2, 3), "fu-hash": (3, 4),
}
CONFIDENCE_NOW = {"fu-dana": (4,), "fu-script": (4,), "fu-pipe": (3,), "fu-maya": (3,), "fu-rich": (3,), "fu-stars": (4,), "fu-priya": (3,), "fu-hash": (4,)}


class FollowUpScript(Script):
    """A follow-up session driven like the workshop: `sessions.follow_up` reads the
    earlier session from disk and starts this one; every command then goes through
    `Workshop.handle` and the real store."""

    def __init__(self, source: Path, sessions_dir: Path, start: float, room_code: str):
        from workshop import sessions

        self.workshop = sessions.follow_up(source, sessions_dir=sessions_dir, now=start, room_code=room_code)
        self.engine = self.workshop.engine
        self.now = start
        self._ids = itertools.count(1)
        self.pid = {}
        self.more = []

    def send(self, actor: str, command) -> Accepted:
        outcome = self.workshop.handle(actor, f"f{next(self._ids)}", command, self.tick())
        assert isinstance(outcome, Accepted), f"{actor} {command!r}: {outcome}"
        return outcome

    def join(self, people) -> None:
        for token, name, side in people:
            outcome = self.send(token, c.Join(name=name, side=side, token=token))
            self.pid[token] = outcome.events[0].body.participant.id

    def rate(self, exercise: str, ratings: dict) -> None:
        self.open(exercise)
        items = [item.id for item in self.engine.session.exercises[exercise].items]
        for token, values in ratings.items():
            for item, value in zip(items, values):
                self.by(token, c.Rate(exercise=exercise, item=item, value=value))
        self.close(exercise)


def scripted_follow_up(
    source: Path,
    sessions_dir: Path,
    *,
    start: float = FOLLOW_UP_START,
    room_code: str = "FU7K2P",
    people=FOLLOW_UP_PEOPLE,
    pulse: dict | None = None,
    statuses: dict | None = None,
    readings: dict | None = None,
    checkpoint: str = "2025-11-12",
) -> Path:
    """The 90-day follow-up of the session in `source`, saved in `sessions_dir` and
    closed; returns its folder. The defaults are the follow-up of the scripted
    workshop: eight people (one of them new), the pulse again, five of the six
    actions given a status with its reason (one left unreviewed), both KPIs read,
    what blocked us (with hostile text), what we change, a new decision, action and
    checkpoint, and the closing confidence question."""
    s = FollowUpScript(source, sessions_dir, start, room_code)
    s.join(people)
    s.rate("pulse", PULSE_NOW if pulse is None else pulse)
    exercises = s.engine.session.exercises
    if "actions" in exercises:
        s.open("actions")
        rows = [item.id for item in exercises["actions"].items]
        for token, picks in ROOM_ON_ACTIONS.items():
            if token in s.pid:
                for item, choice in zip(rows, picks):
                    s.by(token, c.ChooseOwner(exercise="actions", item=item, choice=choice))
        s.close("actions")
        for action, (status, reason) in (FOLLOW_UP_STATUSES if statuses is None else statuses).items():
            s.facilitator(c.AmendRecord(record=f"carried:{action}", fields={"status": status, "reason": reason}))
    if "kpis" in exercises:
        s.rate("kpis", {token: values for token, values in KPI_CONFIDENCE.items() if token in s.pid})
        for initiative, value in (FOLLOW_UP_READINGS if readings is None else readings).items():
            s.facilitator(c.AmendRecord(record=f"carried:{initiative}", fields={"value": value}))
    s.open("blockers")
    s.idea("blockers", "fu-maya", "The CRM vendor owns our pilot timeline")
    s.idea("blockers", "fu-dana", "Campaign dates still beat the privacy review")
    s.idea("blockers", "fu-rich", "<img src=x onerror=alert(3)> nobody owns the planning day")
    s.idea("blockers", "fu-pipe", "The two-week review has no backup reviewer")
    s.close("blockers")
    s.facilitator(c.Reveal(exercise="blockers"))
    s.open("changes")
    backup = s.idea("changes", "fu-dana", "A named backup for every tool review")
    s.idea("changes", "fu-maya", "Privacy review booked when the campaign brief is signed")
    s.idea("changes", "fu-stars", "A second CRM vendor for the pilot feed")
    s.close("changes")
    s.open("change-vote")
    texts = {item.text: item.id for item in s.engine.session.exercises["change-vote"].items}
    votes = {
        "fu-dana": ["A named backup for every tool review", "Privacy review booked when the campaign brief is signed"],
        "fu-maya": ["Privacy review booked when the campaign brief is signed", "A second CRM vendor for the pilot feed"],
        "fu-rich": ["Privacy review booked when the campaign brief is signed"], "fu-pipe": ["A named backup for every tool review"],
        "fu-stars": ["A second CRM vendor for the pilot feed"],
    }
    for token, chosen in votes.items():
        if token in s.pid:
            for text in chosen:
                s.by(token, c.Vote(exercise="change-vote", item=texts[text]))
    s.close("change-vote")
    assert backup
    s.facilitator(c.RecordOutcome(kind="decision", text="Every tool review has a named backup reviewer", owner="Dana Whitfield and Maya Okafor"))
    s.facilitator(c.RecordOutcome(
        kind="action", text="Book the privacy review when each campaign brief is signed", owner="Maya Okafor", due="2025-09-15",
        initiative="carried:i1",
    ))
    s.facilitator(c.RecordOutcome(
        kind="checkpoint", text="Repeat-purchase rate in the pilot market, and mobile conversion", owner="Dana Whitfield and Maya Okafor", due=checkpoint,
    ))
    s.rate("confidence", {token: values for token, values in CONFIDENCE_NOW.items() if token in s.pid})
    s.workshop.close()
    return s.workshop.folder


SECOND_STATUSES = {
    "a1": ("done", "Pilot data feed live on 2 October"),
    "a5": ("done", "Every request answered within ten days since September"),
    "a6": ("dropped", "Replaced by the joint quarterly planning review"),
    "a7": ("on track", "Booked for the two autumn campaigns"),
}
"""The second follow-up (a7 is the action the first follow-up recorded)."""

