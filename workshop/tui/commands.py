"""The command palette's workshop entries: every run-screen action by name."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

ENTRIES = [
    ("Open the current exercise", "open"),
    ("Close the current exercise", "close"),
    ("Reveal or hide results on phones", "reveal"),
    ("Next exercise", "next"),
    ("Previous exercise", "back"),
    ("Start or pause the timer", "timer"),
    ("Add one minute to the timer", "extend"),
    ("Show or hide the facilitator notes", "notes"),
    ("Presentation mode", "presentation"),
    ("Lobby: QR code and roster", "lobby"),
    ("People: move someone, remove or restore them, lock the room", "people"),
    ("Joint initiatives editor", "initiatives"),
    ("Export the joint agenda", "export"),
    ("Decisions, actions and risks", "decisions"),
    ("Follow-up review: the carried actions' status, the KPIs now", "follow_up"),
    ("Add an idea spoken in the room", "add_idea"),
    ("Hide or show the idea picked on the board", "hide_idea"),
    ("Edit the idea picked on the board", "edit_idea"),
    ("Give the idea picked on the board a theme", "group_ideas"),
    ("Merge the idea picked on the board into another", "merge_ideas"),
]


class WorkshopCommands(Provider):
    def _run_screen(self):
        from .screens.run import RunScreen

        for screen in reversed(self.app.screen_stack):
            if isinstance(screen, RunScreen):
                return screen
        return None

    async def _call(self, action: str) -> None:
        screen = self._run_screen()
        if screen is not None:
            await screen.run_action(action)

    async def discover(self) -> Hits:
        if self._run_screen() is None:
            return
        for title, action in ENTRIES:
            yield DiscoveryHit(title, partial(self._call, action))

    async def search(self, query: str) -> Hits:
        if self._run_screen() is None:
            return
        matcher = self.matcher(query)
        for title, action in ENTRIES:
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), partial(self._call, action))
