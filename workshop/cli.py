"""The `workshop` command. Parses arguments and hands over to the module that owns
the job. Heavy modules (pydantic models, Textual, websockets) are imported inside
the commands that need them so that `workshop --help` answers at once."""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from pathlib import Path

EXIT_USAGE = 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="workshop",
        description="Common Ground: run a CIO–CMO alignment workshop from this laptop; participants join from their phones.",
        epilog="--sessions-dir, --templates and the room options may also follow the command, e.g. `workshop resume --port 9000`.",
    )
    parser.add_argument("--version", action=_Version)
    _sessions_option(parser, None)
    _templates_option(parser, None)
    _room_options(parser, None)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    new = sub.add_parser("new", help="start a new session from an agenda template")
    new.add_argument("--title", required=True, help="e.g. 'Acme CIO–CMO offsite'")
    new.add_argument("--organisation", default="", help="the organisation's name, shown in the document")
    new.add_argument("--facilitator", default="", help="your name, shown in the document")
    new.add_argument("--template", default="cio-cmo-alignment", help="a template's name (see `workshop templates`) or a path to a .toml file")
    new.add_argument("--cio", default="", help="the CIO's name: the joint agenda is co-signed by the CIO and the CMO")
    new.add_argument("--cmo", default="", help="the CMO's name")
    new.add_argument("--sponsor", default="", help="the CEO or sponsor the joint agenda is for (optional)")
    new.add_argument(
        "--min-answers", type=int, default=None, metavar="K",
        help="a side's figures show only from K answers (default: the template's, 3); see README 'Privacy'",
    )
    _sessions_option(new, argparse.SUPPRESS)
    _templates_option(new, argparse.SUPPRESS)

    follow = sub.add_parser(
        "follow-up", help="start the follow-up of a saved session: its actions, initiatives, decisions, risks and pulse carried over"
    )
    follow.add_argument("session", nargs="?", help="the session to follow up: id, a unique part of it, or its folder (default: the latest)")
    follow.add_argument("--title", default=None, help="default: '<first session's title>: follow-up N'")
    follow.add_argument("--facilitator", default=None, help="your name (default: the facilitator of the session followed up)")
    follow.add_argument("--template", default="follow-up", help="a follow-up agenda's name or .toml file (default: follow-up)")
    _sessions_option(follow, argparse.SUPPRESS)
    _templates_option(follow, argparse.SUPPRESS)

    listing = sub.add_parser("list", help="list saved sessions: title, date, participants, progress")
    _sessions_option(listing, argparse.SUPPRESS)

    resume = sub.add_parser("resume", help="reopen a saved session in the TUI (the latest if none is named)")
    resume.add_argument("session", nargs="?", help="session id, a unique part of it, or its folder")
    _sessions_option(resume, argparse.SUPPRESS)
    _room_options(resume, argparse.SUPPRESS)

    status = sub.add_parser("status", help="print where a saved session stands (the latest if none is named)")
    status.add_argument("session", nargs="?", help="session id, a unique part of it, or its folder")
    _sessions_option(status, argparse.SUPPRESS)

    demo = sub.add_parser("demo", help="a live demo: a new session with simulated phones joining on this laptop")
    demo.add_argument("--participants", type=int, default=12, help="how many simulated phones (default 12)")
    demo.add_argument("--template", default="cio-cmo-alignment", help="agenda template's name or a .toml file (default cio-cmo-alignment)")
    demo.add_argument("--pace", type=float, default=1.0, help="think-time multiplier for the phones; 0.2 is brisk")
    _sessions_option(demo, argparse.SUPPRESS)
    _templates_option(demo, argparse.SUPPRESS)
    _room_options(demo, argparse.SUPPRESS)

    export = sub.add_parser("export", help="write the joint agenda as Markdown, HTML and/or JSON")
    export.add_argument("session", nargs="?", help="session id, a unique part of it, or its folder (default: the latest)")
    export.add_argument("--format", choices=["md", "html", "json", "all"], default="all", help="default: all three")
    export.add_argument("--out", type=Path, metavar="DIR", help="folder to write to (default: the session's folder)")
    _sessions_option(export, argparse.SUPPRESS)

    sub.add_parser(
        "loadtest",
        help="storm a running room on this machine with simulated phones (see `workshop loadtest --help`)",
        add_help=False,
    )

    repair = sub.add_parser(
        "repair", help="set damaged journal lines aside (never deleted) and rebuild the snapshot; says what it did"
    )
    repair.add_argument("session", nargs="?", help="session id, a unique part of it, or its folder (default: the latest)")
    _sessions_option(repair, argparse.SUPPRESS)

    check = sub.add_parser("check", help="validate agenda template files")
    check.add_argument("files", nargs="+", type=Path, metavar="FILE")

    templates = sub.add_parser(
        "templates",
        help="list the agenda templates: built in and from your folder (--templates); exits 1 if a file is broken",
    )
    _templates_option(templates, argparse.SUPPRESS)
    return parser


class _Version(argparse.Action):
    """`--version`: the version is looked up only when asked, so `--help` stays fast."""

    def __init__(self, option_strings, dest, **kwargs):
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, help="print the version and exit")

    def __call__(self, parser, namespace, values, option_string=None):
        print(f"workshop (common-ground) {version()}")
        parser.exit()


def version() -> str:
    """The installed distribution's version; `workshop.__version__` when there is no
    metadata (a checkout run without being installed). pyproject.toml reads the
    version from `__version__`, so the two agree."""
    from importlib import metadata

    try:
        return metadata.version("common-ground")
    except metadata.PackageNotFoundError:
        from . import __version__

        return __version__


def _sessions_option(parser: argparse.ArgumentParser, default) -> None:
    """--sessions-dir, accepted before the subcommand and after those that use sessions.
    Subcommands pass `argparse.SUPPRESS` so that, when not given after the subcommand,
    they leave the value given before it in place."""
    parser.add_argument(
        "--sessions-dir",
        type=Path,
        default=default,
        metavar="DIR",
        help="where sessions are saved (default: $WORKSHOP_SESSIONS_DIR or ./sessions)",
    )


def _templates_option(parser: argparse.ArgumentParser, default) -> None:
    """--templates, accepted before the subcommand and after those that use
    templates; `default` as for `_sessions_option`."""
    parser.add_argument(
        "--templates",
        type=Path,
        default=default,
        metavar="DIR",
        help="a folder of your own agenda templates, beside the built-in ones; yours win on a name "
        "(default: $WORKSHOP_TEMPLATES_DIR)",
    )


def _room_options(parser: argparse.ArgumentParser, default) -> None:
    """--host/--port/--public-url, accepted before the subcommand and after those that
    open the room; `default` as for `_sessions_option`."""
    group = parser.add_argument_group("room")
    group.add_argument("--host", default=default, help="interface the room listens on (default: all, 0.0.0.0)")
    group.add_argument("--port", type=int, default=default, help="first port to try (default 8765; the next free one if busy)")
    group.add_argument(
        "--public-url", default=default, metavar="URL", type=_public_url, help="base URL phones should use, e.g. http://192.168.1.20:8765"
    )


def _public_url(text: str) -> str:
    from .network import public_url  # noqa: PLC0415 - argparse calls this only when the option is given

    try:
        return public_url(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


GLOBAL_OPTIONS_WITH_VALUES = {"--sessions-dir", "--templates", "--host", "--port", "--public-url"}


def _subcommand_position(argv: list[str]) -> int | None:
    """Index of the subcommand: the first word that is not a global option or its value."""
    skip = False
    for index, word in enumerate(argv):
        if skip:
            skip = False
        elif word in GLOBAL_OPTIONS_WITH_VALUES:
            skip = True
        elif not word.startswith("-"):
            return index
    return None


def _sessions_dir_hint(given: Path | None) -> str:
    """` --sessions-dir DIR` when `given` is not where a plain `workshop resume` would
    look, so that the hint printed by `workshop new` works as typed; else ''."""
    if given is None:
        return ""
    default = Path(os.environ.get("WORKSHOP_SESSIONS_DIR") or "sessions")
    if given.resolve() == default.resolve():
        return ""
    return f" --sessions-dir {shlex.quote(str(given.resolve()))}"


def _not_a_folder(path: Path) -> str:
    """Why --templates PATH is refused, and what to give instead."""
    if path.is_file():
        return (
            f"{path} is a file, not a folder. Give the folder that holds your .toml templates; "
            f"a single template file goes to --template (workshop new --template {shlex.quote(str(path))})."
        )
    what = "is not a folder" if path.exists() else "does not exist"
    return f"{path} {what}. Give a folder of .toml agenda templates (`workshop templates` lists the built-in ones)."


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    argv = sys.argv[1:] if argv is None else argv
    position = _subcommand_position(argv)
    if position is not None and argv[position] == "loadtest":  # it parses its own options
        from .bench.loadtest import main as loadtest  # noqa: PLC0415

        try:
            return loadtest(argv[position + 1 :])
        except ValueError as err:
            print(f"workshop loadtest: {err}", file=sys.stderr)
            return 1
    args = parser.parse_args(argv)
    args.resume_hint = _sessions_dir_hint(args.sessions_dir)
    if args.sessions_dir is not None:
        os.environ["WORKSHOP_SESSIONS_DIR"] = str(args.sessions_dir)
    from .agenda import ENV_DIR, TemplateError  # noqa: PLC0415
    from .store import StoreError  # noqa: PLC0415 - lazy on purpose, see the module docstring

    if args.templates is not None:
        if not args.templates.is_dir():
            parser.error(f"argument --templates: {_not_a_folder(args.templates)}")
        os.environ[ENV_DIR] = str(args.templates)  # agenda reads it, here and in the TUI

    try:
        return COMMANDS[args.command or "tui"](args)
    except (StoreError, TemplateError, ValueError) as err:
        print(f"workshop {args.command}: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def cmd_new(args) -> int:
    from . import sessions
    from .agenda import find_template
    from .model import Executives
    from .text import clean

    if find_template(args.template).template.follow_up:
        raise ValueError(
            f"{args.template!r} is a follow-up agenda: it is filled from the session it reviews. "
            "Start it with `workshop follow-up SESSION` (`workshop list` shows the sessions)."
        )

    executives = Executives(cio=clean(args.cio), cmo=clean(args.cmo), sponsor=clean(args.sponsor))
    workshop = sessions.create(
        args.title, args.template, organisation=args.organisation, facilitator=args.facilitator, min_answers=args.min_answers,
        executives=executives,
    )
    session = workshop.session
    workshop.close()
    print(f"Created session {session.id}")
    print(f"  folder:    {workshop.folder}")
    steps = len(session.template.exercises)
    print(f"  template:  {session.template_name}, {steps} exercise{'' if steps == 1 else 's'}, {session.template.timing()}")
    print(f"  room code: {session.room_code}")
    print(f"  privacy:   a side's figures show from {session.template.min_answers} answers")
    from .records import signers

    print(f"  signed by: {signers(session.executives) or 'not named yet (--cio, --cmo)'}" + (f", for {session.executives.sponsor}" if session.executives.sponsor else ""))
    print(f"Resume it with: workshop resume {session.id}{args.resume_hint}")
    return 0


def cmd_follow_up(args) -> int:
    from . import sessions
    from .export.common import plural

    source = _folder(args)
    workshop = sessions.follow_up(source, title=args.title, facilitator=args.facilitator, template=args.template)
    session = workshop.session
    workshop.close()
    carried = session.review
    assert carried is not None
    for note in carried.notes:
        print(f"warning: {note}", file=sys.stderr)
    print(f"Created follow-up session {session.id}")
    print(f"  follows:   {carried.follows} (“{carried.chain[-1].title}”)" + (f", the chain starting with “{carried.chain[0].title}”" if len(carried.chain) > 1 else ""))
    print(f"  folder:    {workshop.folder}")
    steps = len(session.template.exercises)
    print(f"  template:  {session.template_name}, {steps} exercise{'' if steps == 1 else 's'}, {session.template.timing()}")
    kinds = [("action", "action"), ("decision", "decision"), ("risk", "risk"), ("ask", "ask of the sponsor"), ("checkpoint", "checkpoint")]
    counts = [plural(sum(1 for r in carried.records if r.kind == kind), word, word.replace("ask of", "asks of") if kind == "ask" else None) for kind, word in kinds]
    print(f"  carried:   {plural(len(carried.initiatives), 'agreed initiative')}, {', '.join(counts)}")
    points = ", ".join(p.label.lower() for p in carried.pulse)
    print(f"  pulse:     {len(carried.statements)} statements, " + (f"with results from the {points}" if points else "no results carried") if carried.statements else "  pulse:     none carried (the session had no check-in and check-out)")
    print(f"  room code: {session.room_code}")
    print(f"  privacy:   a side's figures show from {session.template.min_answers} answers, as in the session followed up")
    print(f"Resume it with: workshop resume {session.id}{args.resume_hint}")
    return 0


def cmd_list(args) -> int:
    import time

    from . import sessions

    rows = sessions.list_sessions()
    if not rows:
        print("No saved sessions yet. Start one with: workshop new --title 'Acme offsite'")
        return 0
    print(f"{'SESSION':<42} {'DATE':<16} {'PEOPLE':>6}  PROGRESS")
    for row in rows:
        date = time.strftime("%Y-%m-%d %H:%M", time.localtime(row.created_at))
        if row.problem:
            print(f"{row.folder.name:<42} {date:<16} {'?':>6}  cannot load: {row.problem}")
            continue
        progress = f"{row.done}/{row.total} done, now: {row.current}"
        print(f"{row.folder.name:<42} {date:<16} {row.participants:>6}  {progress}")
        print(f"  {row.title}" + (f" — {row.organisation}" if row.organisation else ""))
        if row.open_by is not None:
            print(f"  {row.open_by.describe()}")
        if row.damaged:
            print(f"  damaged lines in its journal: run `workshop repair {row.folder.name}`")
    return 0


def _run_tui(args, **kwargs) -> int:
    from .tui.app import RoomOptions, build_app

    room = RoomOptions(
        host=args.host or "0.0.0.0", port=args.port if args.port is not None else 8765, public_url=args.public_url
    )
    from .tui.terminal import restore_if_raw

    app = build_app(room=room, sessions_dir=args.sessions_dir, **kwargs)
    restore_if_raw()  # after a crash, so that Textual restores line mode at exit
    app.run()
    if app.closing_note:
        print(app.closing_note, file=sys.stderr)
    return app.return_code or 0


def cmd_tui(args) -> int:
    return _run_tui(args)


def _folder(args) -> Path:
    from . import sessions

    return sessions.resolve(args.session) if args.session else sessions.latest()


def _read(args):
    """The session named on the command line, read without writing anything; its
    warnings go to stderr."""
    from . import sessions

    reading = sessions.read_folder(_folder(args))
    for warning in reading.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    return reading


def cmd_resume(args) -> int:
    from . import sessions

    return _run_tui(args, workshop=sessions.open_folder(_folder(args)))


def cmd_status(args) -> int:
    from .status import describe

    reading = _read(args)
    print(describe(reading.engine))
    if reading.holder is not None:
        print(f"\nThis session is {reading.holder.describe()}.")
    return 0


def cmd_repair(args) -> int:
    from . import sessions

    workshop, done = sessions.repair(_folder(args))
    try:
        seq = workshop.session.seq
    finally:
        note = workshop.close()
    if done:
        print(f"Repaired {workshop.folder}:")
        for line in done:
            print(f"  - {line}")
    else:
        print(f"Nothing to repair in {workshop.folder}: all {seq} events read back, and the snapshot is sound.")
    events = "1 event" if seq == 1 else f"{seq} events"
    print(f"The session opens with {events}; resume it with: workshop resume {workshop.folder.name}{args.resume_hint}")
    if note:
        print(f"warning: {note}", file=sys.stderr)
    return 0


def cmd_demo(args) -> int:
    from . import sessions
    from .tui.app import DemoOptions

    if not 1 <= args.participants <= 500:
        raise ValueError("--participants must be between 1 and 500.")
    workshop = sessions.create(
        "Demo workshop", args.template, organisation="Demo Corp", facilitator="You", max_participants=max(120, args.participants)
    )
    return _run_tui(args, workshop=workshop, demo=DemoOptions(participants=args.participants, pace=args.pace))


def cmd_export(args) -> int:
    from .export import FORMATS, local_zone, write_exports

    reading = _read(args)
    formats = list(FORMATS) if args.format == "all" else [args.format]
    out = args.out or reading.folder
    try:
        paths = write_exports(reading.engine, out, formats, tz=local_zone(reading.session))
    except OSError as err:
        raise ValueError(
            f"Cannot write to {out}: {err.strerror or err}. The session is unchanged; choose another folder with --out DIR."
        ) from None
    for path in paths:
        print(f"Wrote {path}")
    return 0


def cmd_templates(args) -> int:
    from .agenda import TemplateError, list_templates, user_dir

    found, errors = list_templates()
    rows = [("NAME", "TITLE", "EXERCISES", "MINUTES", "FROM")]
    for t in found:
        origin = t.origin + (" (replaces the built-in one)" if t.replaces_builtin else "")
        rows.append((t.name, t.template.title, str(len(t.template.exercises)), str(t.template.planned), origin))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    for name, title, exercises, minutes, origin in rows:
        print(f"{name:<{widths[0]}}  {title:<{widths[1]}}  {exercises:>{widths[2]}}  {minutes:>{widths[3]}}  {origin}")
    try:
        has_folder = user_dir() is not None
    except TemplateError:
        has_folder = True  # set, but wrong: its error is printed below
    if not has_folder:
        print(
            "\nAdd your own: a folder of .toml files given with --templates DIR (or $WORKSHOP_TEMPLATES_DIR); "
            "`workshop check FILE` validates one."
        )
    print("\nThe 90-day follow-up agenda is not listed: `workshop follow-up SESSION` starts it from a saved session.")
    for error in errors:
        print(f"\nNot usable: {error}", file=sys.stderr)
    return 1 if errors else 0


def cmd_check(args) -> int:
    from .agenda import TemplateError, load_template

    failed = 0
    for path in args.files:
        try:
            template = load_template(path)
        except TemplateError as err:
            failed += 1
            print(err, file=sys.stderr)
            continue
        print(f"{path}: ok — {template.title!r}, {len(template.exercises)} exercises, {template.timing()}")
    return 1 if failed else 0


COMMANDS = {
    "tui": cmd_tui,
    "new": cmd_new,
    "follow-up": cmd_follow_up,
    "list": cmd_list,
    "resume": cmd_resume,
    "status": cmd_status,
    "demo": cmd_demo,
    "export": cmd_export,
    "repair": cmd_repair,
    "check": cmd_check,
    "templates": cmd_templates,
}


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
