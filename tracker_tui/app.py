"""The Textual app: modes (one per screen), global bindings, the live-refresh poller.

Build it with ``make_app(store, settings)``; ``run_dashboard(store)`` is what the CLI
calls. Nothing here opens a database at import time: the store is injected.

Screens are Textual MODES (each keeps its own stack, so a form open on the Risks screen
is still there when you come back): the Snapshot screen is the default mode; Risks,
Decisions, Activity and Plan are views from ``tracker_tui.screens`` wrapped in a
``ViewScreen``, imported when first shown (a placeholder stands in for one that is
missing). Below 60x15 a notice covers whatever is in front (``widgets/too_small.py``):
the screens and any open form stay as they are underneath, and show again when it grows.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import re
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import Any, ClassVar, cast

from rich.text import Text
from textual import work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.command import CommandPalette, SearchIcon
from textual.content import Content
from textual.events import Resize
from textual.markup import escape
from textual.message import Message
from textual.notifications import Notify
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.widgets import Static

from tracker_tui.config import Settings, load_settings, save_theme
from tracker_tui.domain import TrackerError
from tracker_tui.errors_log import report_unexpected
from tracker_tui.messages import DocumentExported, RefreshFailed, RefreshRecovered, StoreChanged
from tracker_tui.sanitize import display_text
from tracker_tui.screens._failures import StoreFailureReports
from tracker_tui.screens._writes import WriteQueue
from tracker_tui.store.store import Store
from tracker_tui.widgets.glyphs import ASCII_KEY_NAMES, chrome_text, install_scrollbar_renderer
from tracker_tui.widgets.key_footer import KeyFooter
from tracker_tui.widgets.too_small import TooSmallOverlay

POLL_SECONDS = 0.5
#: Failed polls in a row before the user is told (one busy moment is not worth it).
POLL_FAILURES_TOLD = 3
#: How long quitting waits for the writes already asked for to be saved.
WRITES_AT_EXIT = 10.0

#: mode name -> (tab label, module under tracker_tui.screens, class names to try)
SCREENS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "snapshot": ("Snapshot", "snapshot", ("SnapshotScreen",)),
    "risks": ("Risks", "risks", ("RisksView", "RisksScreen")),
    "decisions": ("Decisions", "decisions", ("DecisionsView", "DecisionsScreen")),
    "activity": ("Activity", "activity", ("ActivityView", "ActivityScreen")),
    "plan": ("Plan", "plan", ("PlanView", "PlanScreen")),
}
SNAPSHOT_MODE = "snapshot"


class ModeTabs(Static):
    """The row of screen tabs; the current one is highlighted. Clicking a tab goes there."""

    def __init__(self, current: str, *, ascii: bool = False) -> None:
        super().__init__(classes="mode-tabs")
        self.current = current
        self.ascii = ascii

    def on_mount(self) -> None:
        # Markup is safe here: the labels are the app's own constants, never user text.
        parts = []
        for number, (mode, (label, _, _)) in enumerate(SCREENS.items(), start=1):
            if mode == self.current:
                parts.append(f"[b reverse] {number} {label} [/]")
            else:
                parts.append(f"[@click=app.go('{mode}')] {number} {label} [/]")
        self.update(Content.from_markup(("|" if self.ascii else "│").join(parts)))


class ViewScreen(Screen[None]):
    """A screen holding one register view (RisksView...) under the tabs."""

    def __init__(self, mode: str, view: Widget, *, ascii: bool = False) -> None:
        super().__init__(name=mode)
        self.mode = mode
        self.view = view
        self.ascii = ascii

    def compose(self) -> ComposeResult:
        yield ModeTabs(self.mode, ascii=self.ascii)
        yield self.view
        yield KeyFooter()

    def on_store_changed(self, message: StoreChanged) -> None:
        refresh = getattr(self.view, "refresh_data", None)
        if callable(refresh):
            refresh()


class PlaceholderView(Static):
    """Stands in for a screen that is not available in this build."""

    def __init__(self, label: str, reason: str) -> None:
        super().__init__(
            Text.assemble((label, "bold"), f"\n\nThis screen is not available yet ({reason})."),
            classes="placeholder",
        )


class AsciiCommandPalette(CommandPalette):
    """The command palette drawn in ASCII: a ``>`` for the search icon, ``...`` for ``…``."""

    def __init__(
        self, *args: Any, placeholder: str = "Search for commands...", **kwargs: Any
    ) -> None:
        super().__init__(*args, placeholder=chrome_text(placeholder), **kwargs)

    def compose(self) -> ComposeResult:
        for widget in super().compose():
            if isinstance(widget, SearchIcon):
                widget.icon = ">"
            yield widget


class TrackerApp(StoreFailureReports, App[None]):
    """The dashboard. Keys that work everywhere are here; each screen adds its own."""

    CSS_PATH = "app.tcss"
    TITLE = "tracker-tui"
    DEFAULT_MODE = SNAPSHOT_MODE

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("1", "go('snapshot')", "Snapshot", show=False, id="app.screen-snapshot"),
        Binding("2", "go('risks')", "Risks", show=False, id="app.screen-risks"),
        Binding("3", "go('decisions')", "Decisions", show=False, id="app.screen-decisions"),
        Binding("4", "go('activity')", "Activity", show=False, id="app.screen-activity"),
        Binding("5", "go('plan')", "Plan", show=False, id="app.screen-plan"),
        Binding("question_mark", "help", "Help", id="app.help"),
        Binding("q", "quit", "Quit", id="app.quit"),
    ]

    def __init__(self, store: Store, settings: Settings, *, ascii: bool = False) -> None:
        super().__init__()
        self.store = store
        self.settings = settings
        self.ascii_mode = ascii
        if ascii:
            install_scrollbar_renderer()
        self._revision = 0
        self._data_version: int | None = None
        #: Whether ``_revision``/``_data_version`` were read yet (see start_live_refresh).
        self._live_started = False
        self._polling = False
        self._poll_failures = 0
        self._poll_failure_told = False
        self._poll_error_logged = False
        #: Store writes run here, one at a time, in the order the keys were pressed.
        self.write_queue = WriteQueue()
        #: The "quit without saving?" question while it is open (a second ^q adds no other).
        self._quit_question: Screen | None = None
        #: The size notice over the screen in front while the terminal is below 60x15.
        self.too_small = TooSmallOverlay(self)
        #: True once the first frame is on the terminal (Textual's Ready event).
        self.first_frame_shown = False
        self.add_mode(SNAPSHOT_MODE, self._snapshot_screen)
        for mode in SCREENS:
            if mode != SNAPSHOT_MODE:
                self.add_mode(mode, self._screen_factory(mode))
        if settings.theme in self.available_themes:
            self.theme = settings.theme
        elif settings.theme:
            settings.warnings.append(f"unknown theme {settings.theme!r}; using the default")
        if settings.keymap:
            self.set_keymap(settings.keymap)

    # -- screens -----------------------------------------------------------------------

    def _snapshot_screen(self) -> Screen[None]:
        from tracker_tui.screens.snapshot import SnapshotScreen

        return SnapshotScreen(self.store, self.settings, ascii=self.ascii_mode)

    def _screen_factory(self, mode: str) -> Callable[[], Screen[None]]:
        def build() -> Screen[None]:
            label, module_name, class_names = SCREENS[mode]
            try:
                module = importlib.import_module(f"tracker_tui.screens.{module_name}")
            except ImportError as err:
                return ViewScreen(mode, PlaceholderView(label, str(err)), ascii=self.ascii_mode)
            for class_name in class_names:
                cls = getattr(module, class_name, None)
                if cls is None:
                    continue
                if isinstance(cls, type) and issubclass(cls, Screen):
                    # A screen class named in SCREENS takes the store (mypy sees Screen's own
                    # __init__, whose first parameter is a name).
                    return cls(self.store)  # type: ignore[arg-type]
                return ViewScreen(mode, cls(self.store), ascii=self.ascii_mode)
            return ViewScreen(
                mode, PlaceholderView(label, f"no {class_names[0]}"), ascii=self.ascii_mode
            )

        return build

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Switching screens under an open form or question would strand it half-done.
        return not (
            action in ("go", "help")
            and (isinstance(self.screen, ModalScreen) or self.too_small.active)
        )

    async def action_quit(self) -> None:
        """Quit; when a form holds unsaved edits, ask first (a clean form quits at once)."""
        form = self._form_with_unsaved_edits()
        if form is None:
            self.exit()
            return
        question = self._quit_question
        if question is not None and any(question in st for st in self._screen_stacks.values()):
            if self.too_small.active:
                # The question can't be seen or answered below 60x15; the notice says
                # that a second ctrl+q quits without saving.
                self.exit()
            return  # the question is on the screen already
        from tracker_tui.screens.confirm import ConfirmScreen

        def answered(quit_anyway: bool | None) -> None:
            self._quit_question = None
            if quit_anyway:
                self.exit()

        title = getattr(form, "form_title", lambda: "The form")()
        self._quit_question = ConfirmScreen(
            f"{title}: your changes are not saved. Quit anyway?",
            too_small_hint="Unsaved form: grow the terminal to answer it,"
            " or press ctrl+q again to quit without saving.",
        )
        self.push_screen(self._quit_question, answered)

    def _form_with_unsaved_edits(self) -> Screen | None:
        # Every mode's stack: a form stays open under the too-small message too.
        for stack in self._screen_stacks.values():
            for screen in stack:
                unsaved = getattr(screen, "has_unsaved_edits", None)
                if callable(unsaved) and unsaved():
                    return screen
        return None

    def check_message_enabled(self, message: Message) -> bool:
        # Keys and clicks while too small would act on a screen nobody can see.
        return super().check_message_enabled(message) and self.too_small.allows(message)

    def action_go(self, name: str) -> None:
        """Show the screen ``name`` (snapshot, risks, decisions, activity, plan)."""
        if name in SCREENS:
            self.switch_mode(name)

    def get_key_display(self, binding: Binding) -> str:
        """The key as the footer and help show it; ASCII names in ASCII mode (``enter``)."""
        if not self.ascii_mode or binding.key_display:
            return super().get_key_display(binding)
        modifiers, key = binding.parse_key()
        name = ASCII_KEY_NAMES.get(key) or super().get_key_display(Binding(key, binding.action))
        if not name.isascii():
            name = key  # a symbol with no ASCII form: its key name
        if "ctrl" in modifiers:
            modifiers.remove("ctrl")
            name = f"^{name}"
        return "+".join([*modifiers, name])

    def action_command_palette(self) -> None:
        if not self.ascii_mode:
            super().action_command_palette()
        # is_open is typed for App[object]; App is invariant in its result type.
        elif self.use_command_palette and not CommandPalette.is_open(cast("App[object]", self)):
            self.push_screen(AsciiCommandPalette(id="--command-palette"))

    def search_themes(self) -> None:
        if not self.ascii_mode:
            super().search_themes()
        else:
            from textual.theme import ThemeProvider

            self.push_screen(
                AsciiCommandPalette(providers=[ThemeProvider], placeholder="Search for themes...")
            )

    def action_show_help_panel(self) -> None:
        # Textual's key panel draws the bindings' own descriptions ("Status ▶"): in
        # ASCII mode the palette's "Keys" command opens the app's help screen instead.
        if self.ascii_mode:
            self.action_help()
        else:
            super().action_show_help_panel()

    def action_help(self) -> None:
        try:
            from tracker_tui.screens.help import HelpScreen
        except ImportError:
            self.notify("Help is not available in this build.", markup=False)
            return
        # The keys of the screen in front now, before the help covers it.
        self.push_screen(HelpScreen(self.screen))

    def goto_task(self, task_id: str) -> None:
        """Show the Snapshot screen with the cursor on ``task_id``."""
        self.switch_mode(SNAPSHOT_MODE)
        base = self.screen_stack[0] if self.screen_stack else None
        focus = getattr(base, "focus_task", None)
        if callable(focus):
            self.call_after_refresh(focus, task_id)

    # -- start-up ----------------------------------------------------------------------

    def on_mount(self) -> None:
        for warning in self.settings.warnings:
            self.notify(warning, severity="warning", markup=False)
        if self.ascii_mode:
            self.add_class("-ascii")
        self.theme_changed_signal.subscribe(self, self._theme_changed)
        # The Snapshot screen reads the change counters just before its first read
        # (start_live_refresh); this is only for a start without it. Then a cheap PRAGMA
        # each tick, and real reads only when it moved.
        if not self._live_started:
            self.start_live_refresh(self.store.revision(), self.store.data_version())
        self.set_interval(POLL_SECONDS, self._poll)
        self.too_small.start()

    def start_live_refresh(self, revision: int, data_version: int | None) -> None:
        """Poll for changes after ``revision`` (and ``data_version``): the counters read
        together with, and before, the first frame's data."""
        self._revision = revision
        self._data_version = data_version
        self._live_started = True

    async def on_unmount(self) -> None:
        # An edit made just before quitting is still saved: wait (a while, not forever,
        # and without blocking the loop the jobs may call back into) for queued writes.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.wrap_future(self.write_queue.drained()), WRITES_AT_EXIT)
        self.write_queue.shutdown()

    def on_ready(self) -> None:
        # Ready is posted by the first layout, which may come before that frame is
        # written (the screen's update can still be pending): wait for the repaint.
        self.call_after_refresh(self._after_first_frame)

    def _after_first_frame(self) -> None:
        """The first frame is on the terminal: start what could wait for it."""
        self.first_frame_shown = True
        for screen in self._screen_stacks.get(SNAPSHOT_MODE, []):
            after = getattr(screen, "after_first_frame", None)
            if callable(after):
                after()

    def _theme_changed(self, theme: Any) -> None:
        if theme.name != self.settings.theme:
            self._save_theme(theme.name)

    @work(thread=True, exit_on_error=False, group="config")
    def _save_theme(self, name: str) -> None:
        save_theme(self.settings, name)

    # -- minimum size ------------------------------------------------------------------

    def on_resize(self, event: Resize) -> None:
        self.too_small.check(event.size)

    # -- live refresh ------------------------------------------------------------------

    def _poll(self) -> None:
        # One check at a time: a slow disk must not pile up workers.
        if not self._polling:
            self._polling = True
            self._check_store()

    @work(thread=True, exit_on_error=False, group="poll")
    def _check_store(self) -> None:
        store = self.store
        try:
            data_version = store.data_version()
            if data_version is None or data_version != self._data_version:
                revision = store.revision()
                if revision != self._revision:
                    changes = store.changes_since(self._revision)
                    # As many as the store returns at most: there may be more, so the
                    # screens read everything rather than patch rows.
                    limit = getattr(store, "CHANGES_LIMIT", 5000)
                    full = len(changes) >= limit
                    self.post_message(StoreChanged(changes, revision, full=full))
                    self._revision = revision
                # Only now that the reads succeeded: a failed tick is tried again.
                self._data_version = data_version
        except Exception as error:
            self._poll_failed(error)
        else:
            if self._poll_failures:
                self._poll_failures = 0
                self._poll_error_logged = False
                self.post_message(RefreshRecovered())
        finally:
            self._polling = False

    def _poll_failed(self, error: Exception) -> None:
        """Runs in the poll worker: count the failure; log an unexpected one (once)."""
        self._poll_failures += 1
        if isinstance(error, TrackerError):
            reason = str(error)
        else:
            reason = f"{type(error).__name__}: {error}"
            if not self._poll_error_logged:
                self._poll_error_logged = True
                reason = report_unexpected(error)
        if self._poll_failures == POLL_FAILURES_TOLD:
            self.post_message(RefreshFailed(reason, self._poll_failures))

    def on_refresh_failed(self, message: RefreshFailed) -> None:
        if not self._poll_failure_told:
            self._poll_failure_told = True
            self.notify(
                f"Live refresh is failing ({message.error}); still trying.",
                title="Live refresh",
                severity="warning",
                timeout=10,
                markup=False,
            )

    def on_refresh_recovered(self, message: RefreshRecovered) -> None:
        if self._poll_failure_told:
            self._poll_failure_told = False
            self.notify("Live refresh works again.", title="Live refresh", markup=False)

    def on_notify(self, event: Notify) -> None:
        """A notification identical to one still on screen replaces it rather than
        stacking a copy (twenty ``u`` with nothing to undo: one toast, its time renewed).

        Runs before Textual's own handler, which then adds the new one. Textual has no
        public way to withdraw one notification, hence its private collection here.
        """
        new = event.notification
        for shown in list(self._notifications):
            if (shown.message, shown.title, shown.severity, shown.markup) == (
                new.message,
                new.title,
                new.severity,
                new.markup,
            ):
                self._unnotify(shown, refresh=False)

    def on_store_changed(self, message: StoreChanged) -> None:
        """Hand the change to every screen that shows data (open modals are left alone)."""
        for stack in self._screen_stacks.values():
            # Every full screen of the stack (the mode's base, and a task detail pushed
            # on it); a modal form keeps what it showed when it opened.
            for screen in stack:
                if not isinstance(screen, ModalScreen):
                    screen.post_message(
                        StoreChanged(message.changes, message.revision, full=message.full)
                    )

    # -- commands ----------------------------------------------------------------------

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        for number, (mode, (label, _, _)) in enumerate(SCREENS.items(), start=1):
            yield SystemCommand(
                f"Go to {label}",
                f"Show the {label} screen (key {number})",
                lambda mode=mode: self.action_go(mode),
            )
        yield SystemCommand(
            "Export markdown",
            "Write the tracker to a markdown file in the current directory",
            self.export_markdown,
        )
        for task in self._known_tasks():
            # The palette reads titles and help as markup: user text is escaped.
            task_id = escape(display_text(task.id))
            yield SystemCommand(
                f"Task {task_id}",
                f"Jump to {task_id}: {escape(display_text(task.title)[:60])}",
                lambda task_id=task.id: self.goto_task(task_id),
            )
        yield from super().get_system_commands(screen)

    def _known_tasks(self) -> list[Any]:
        stack = self._screen_stacks.get(SNAPSHOT_MODE) or []
        table = getattr(stack[0], "table", None) if stack else None
        return list(table.rows) if table is not None else []

    def export_markdown(self) -> None:
        self._export(Path.cwd())

    @work(thread=True, exit_on_error=False, group="export")
    def _export(self, directory: Path) -> None:
        try:
            from tracker_tui.markdown import render_document

            text = render_document(self.store.export_document())
            title = self.store.tracker_info().title or "tracker"
            slug = re.sub(r"[^a-z0-9]+", "-", title.casefold()).strip("-")[:40] or "tracker"
            path = directory / f"{slug}-{self.settings.current_date().isoformat()}.md"
            number = 1
            while path.exists():
                number += 1
                path = directory / f"{slug}-{self.settings.current_date().isoformat()}-{number}.md"
            path.write_text(text, encoding="utf-8")
        except (TrackerError, OSError, ImportError) as err:
            self.call_from_thread(self.notify, str(err), severity="error", markup=False)
            return
        self.post_message(DocumentExported(str(path)))

    def on_document_exported(self, message: DocumentExported) -> None:
        self.notify(f"Exported to {message.path}", title="Export", markup=False)


def make_app(store: Store, settings: Settings | None = None, *, ascii: bool = False) -> TrackerApp:
    """The dashboard over ``store``; ``settings`` default to the user's config file."""
    return TrackerApp(store, settings if settings is not None else load_settings(), ascii=ascii)


def run_dashboard(store: Store, *, ascii: bool = False, today: date | None = None) -> None:
    """Run the dashboard in this terminal until the user quits (what the CLI calls)."""
    settings = load_settings()
    if today is not None:
        settings.today = today
    make_app(store, settings, ascii=ascii).run()
