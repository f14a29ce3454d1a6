"""Small modal forms the run screen asks with: which idea, what text, which theme.

`FormDialog` returns a dict of the typed values, or None when cancelled. Escape on
a form whose values changed asks first (`ConfirmDiscard`): a half-filled nine-field
initiative is not thrown away by one key. What is typed is treated as data; it is
never rendered as markup.

A long form (the initiative editor has nine fields) scrolls between its title and
its buttons, which stay in view on any terminal the app fits.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    value: str = ""
    placeholder: str = ""
    options: tuple[tuple[str, str], ...] = ()
    """(label, value) pairs: shown as a select instead of a text input."""


class FormDialog(ModalScreen[dict | None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]
    AUTO_FOCUS = ""
    """Off: `on_mount` focuses the first field itself (see there)."""

    def __init__(self, title: str, fields: list[Field], submit: str = "OK", help_text: str = ""):
        super().__init__()
        self.title_text = title
        self.fields = fields
        self.submit_label = submit
        self.help_text = help_text

    def compose(self) -> ComposeResult:
        # Not focusable itself: Tab moves between the fields, and focus scrolls them into view.
        with VerticalScroll(id="dialog", can_focus=False):
            with Vertical(classes="dialog-head"):
                yield Static(self.title_text, classes="dialog-title", markup=False)
                if self.help_text:
                    yield Static(self.help_text, classes="dialog-help", markup=False)
            # One container for the fields: Tab follows positions on the screen, and
            # a container keeps every field before the docked buttons.
            with Vertical(classes="dialog-fields"):
                for field in self.fields:
                    yield Label(field.label, markup=False)
                    if field.options:
                        yield Select(field.options, value=field.value or field.options[0][1], id=f"f-{field.name}", allow_blank=False)
                    else:
                        yield Input(value=field.value, placeholder=field.placeholder, id=f"f-{field.name}")
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.submit_label, variant="primary", id="ok")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        # Without scrolling: before the first layout every field looks out of view,
        # and the scroll Textual would make hides the first field's label.
        first = next(w for w in self.query_one(".dialog-fields").children if w.focusable)
        first.focus(scroll_visible=False)
        self._initial = self._values()

    def _values(self) -> dict:
        values = {}
        for field in self.fields:
            widget = self.query_one(f"#f-{field.name}")
            values[field.name] = widget.value if not isinstance(widget, Select) else str(widget.value)
        return values

    @on(Input.Submitted)
    @on(Button.Pressed, "#ok")
    def _submit(self) -> None:
        self.dismiss(self._values())

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.dismiss(None)

    def action_cancel(self) -> None:
        """Escape: close at once when nothing changed, else ask first."""
        if self._values() == self._initial:
            self.dismiss(None)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(ConfirmDiscard(), answered)


class ConfirmDiscard(ModalScreen[bool]):
    """"Discard your changes?" — Discard, or Keep editing (also Escape)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "keep", "Keep editing")]

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm"):
            yield Static("Discard your changes?", classes="dialog-title")
            yield Static("What you typed in this form is not saved yet.", classes="dialog-help")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Discard", variant="error", id="discard")
                yield Button("Keep editing", variant="primary", id="keep")

    def on_mount(self) -> None:
        self.query_one("#keep", Button).focus()

    @on(Button.Pressed, "#discard")
    def _discard(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#keep")
    def action_keep(self) -> None:
        self.dismiss(False)
