"""The Textual app: the screens (one Textual mode each), the keys that work everywhere,
and what happens at start and at exit.

Build it with ``make_app(store, settings)``; ``run_dashboard(store)`` is what the CLI
calls. Nothing here opens a database at import time: the store is injected, and each
screen is given the store and the settings it needs when the app builds it.

Screens are Textual MODES (each keeps its own stack, so a form open on the Risks screen
is still there when you come back): the Snapshot screen is the default mode; Risks,
Decisions, Activity and Plan are data views in a ``ViewScreen``, imported when first shown.
Changes to the store come from ``LiveRefresh`` and are handed to every full screen.
Below 60x15 a notice covers whatever is in front (``widgets/too_small.py``).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, cast

from textual import events, work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.command import CommandPalette
from textual.driver import Driver
from textual.events import Resize
from textual.markup import escape
from textual.message import Message
from textual.notifications import Notify
from textual.screen import ModalScreen, Screen
from textual.theme import Theme

from tracker_tui.collection_pauses import Resume, collection_paused
from tracker_tui.config import Settings, load_settings, save_theme
from tracker_tui.domain import Task, TrackerError
from tracker_tui.export_files import export_markdown_into
from tracker_tui.hangup import ending_app
from tracker_tui.live_refresh import LiveRefresh
from tracker_tui.messages import (
    ChangeAnnounced,
    DocumentExported,
    RefreshFailed,
    RefreshRecovered,
    StoreChanged,
    StoreReachable,
    StoreUnreachable,
)
from tracker_tui.portfolio import TrackerRef
from tracker_tui.sanitize import display_text
from tracker_tui.screens._early_keys import FocusAfterEarlyKeys
from tracker_tui.screens._failures import StoreFailureReports
from tracker_tui.screens._writes import WritesInOrder
from tracker_tui.screens.view_screen import DataView, ViewScreen
from tracker_tui.store.store import Store
from tracker_tui.tracker_messages import TrackersChanged
from tracker_tui.widgets.glyphs import ASCII_CLASS, ASCII_KEY_NAMES, AsciiScrollbars, glyphs
from tracker_tui.widgets.kept_stylesheet import KeptParseStylesheet
from tracker_tui.widgets.mode_tabs import (
    MODE_KEYS,
    MODES,
    OWNER_MODE,
    PORTFOLIO_LABEL,
    PORTFOLIO_MODE,
    SNAPSHOT_MODE,
    ModeTabs,
)
from tracker_tui.widgets.textual_private import (
    outliving_its_terminal,
    styled_as_current,
    withdraw_identical,
)
from tracker_tui.widgets.too_small import TooSmallOverlay

if TYPE_CHECKING:
    from tracker_tui.screens._form import EditForm
    from tracker_tui.screens.confirm import ConfirmScreen
    from tracker_tui.screens.snapshot import SnapshotScreen

#: How long quitting waits for the writes already asked for to be saved.
WRITES_AT_EXIT = 10.0


class TrackerApp(StoreFailureReports, WritesInOrder, App[None]):
    """The dashboard. Keys that work everywhere are here; each screen adds its own."""

    CSS_PATH = "app.tcss"
    TITLE = "tracker-tui"
    DEFAULT_MODE = SNAPSHOT_MODE

    BINDINGS: ClassVar[list[BindingType]] = [
        *(
            Binding(MODE_KEYS[mode], f"go('{mode}')", label, show=False, id=f"app.screen-{mode}")
            for mode, label in MODES.items()
        ),
        Binding(
            "0", f"go('{PORTFOLIO_MODE}')", PORTFOLIO_LABEL, show=False, id="app.screen-portfolio"
        ),
        Binding("question_mark", "help", "Help", id="app.help"),
        Binding("q", "quit", "Quit", id="app.quit"),
    ]

    def __init__(
        self,
        store: Store,
        settings: Settings,
        *,
        ascii: bool = False,
        owner: str | None = None,
        mode: str | None = None,
        since: str | None = None,
    ) -> None:
        # The screen to open on (``tracker-tui standup``): read by App.__init__.
        if mode is not None and mode in MODES:
            # Per app, not per class: Textual reads it in App.__init__ as the first mode,
            # so the Snapshot screen is never built (or read) when it is not shown.
            self.DEFAULT_MODE = mode  # type: ignore[misc]  # a ClassVar set per instance
        super().__init__()
        # Before any source is added (Textual adds them when the app starts).
        self.stylesheet = KeptParseStylesheet(variables=self.get_css_variables())
        #: ``--since`` of ``tracker-tui standup``: the Stand-up screen's first baseline.
        self.standup_since = since
        #: The store as opened (its connections); ``store`` is the view on the tracker
        #: screens 1-5 show, which ``open_tracker`` replaces.
        self.root_store = store
        self.store = store
        self.settings = settings
        #: Whose tasks the owner view shows (``--owner``, the palette's "Tasks of…").
        self.owner = owner or ""
        #: Several trackers: the portfolio's tab shows, and the tabs name the tracker.
        self.several_trackers = len(store.trackers()) > 1
        try:
            self.tracker: TrackerRef | None = store.tracker()
        except TrackerError:
            # Several, none opened yet (or --tracker unknown): the portfolio chooses.
            self.tracker = None
            self.store = store.without_tracker()
        self.live_refresh = LiveRefresh(self, self.store)
        # Set before any screen is built: the glyphs and the stylesheet both key on it.
        self.set_class(ascii, ASCII_CLASS, update=False)
        #: The "quit without saving?" question while it is open (a second ^q adds no other).
        self._quit_question: ConfirmScreen | None = None
        #: The size notice over the screen in front while the terminal is below 60x15.
        self.too_small = TooSmallOverlay(self)
        #: True once the first frame is on the terminal (Textual's Ready event).
        self.first_frame_shown = False
        #: What every screen's tab row says about the store's server ("" when all is well).
        self.connection_note = ""
        #: Resumes the cycle collector paused by the last switch of tracker (at exit too).
        self._resume_collection: Callable[[], None] = lambda: None
        #: Resumes the collector paused for the start-up (``resume_at_first_frame``).
        self._resume_after_start: Resume | None = None
        self._add_tracker_modes()
        self.add_mode(PORTFOLIO_MODE, self._portfolio_screen)
        self.add_mode(OWNER_MODE, self._owner_screen)
        if settings.theme in self.available_themes:
            self.theme = settings.theme
        elif settings.theme:
            settings.warnings.append(f"unknown theme {settings.theme!r}; using the default")
        if settings.keymap:
            self.set_keymap(settings.keymap)

    @property
    def ascii_mode(self) -> bool:
        """Whether every character of the app's own chrome is ASCII (``--ascii``)."""
        return self.has_class(ASCII_CLASS)

    # -- screens -----------------------------------------------------------------------

    def add_mode(self, mode: str, base_screen: str | Callable[[], Screen[Any]]) -> None:
        """Add ``mode``, its screen built when first shown without re-parsing the app's
        stylesheet (twice) for it: the key to a new screen, and the switch of tracker that
        rebuilds screens 1-5, would otherwise pay for that on every first show."""
        if callable(base_screen):
            build = base_screen

            def built() -> Screen[Any]:
                # Before the first frame the stylesheet may not be parsed yet: the
                # first screen is styled as Textual always does.
                screen = build()
                return styled_as_current(self, screen) if self.first_frame_shown else screen

            super().add_mode(mode, built)
        else:
            super().add_mode(mode, base_screen)

    def _add_tracker_modes(self) -> None:
        """Screens 1-5, built on ``self.store`` when first shown."""
        self.add_mode(SNAPSHOT_MODE, self._snapshot_screen)
        self._add_view_modes()

    def _add_view_modes(self) -> None:
        """Screens 2-5 (every one but the Snapshot), built on ``self.store`` when shown."""
        for mode in MODES:
            if mode != SNAPSHOT_MODE:
                self.add_mode(mode, partial(self._view_screen, mode))

    def _tracker_label(self) -> str | None:
        return self.tracker.name if self.several_trackers and self.tracker else None

    def _snapshot_screen(self) -> SnapshotScreen:
        # Imported when first shown: ``tracker-tui standup`` opens on another screen, and
        # its first frame need not wait for the Snapshot's modules (issue 13).
        from tracker_tui.screens.snapshot import SnapshotScreen

        return SnapshotScreen(
            self.store,
            self.settings,
            ascii=self.ascii_mode,
            first_frame_shown=self.first_frame_shown,
            tracker=self._tracker_label(),
        )

    def _view_screen(self, mode: str) -> ViewScreen:
        return ViewScreen(
            mode, self._view(mode), ascii=self.ascii_mode, tracker=self._tracker_label()
        )

    def _portfolio_screen(self) -> Screen[None]:
        from tracker_tui.screens.portfolio import PortfolioScreen

        return PortfolioScreen(
            self.root_store, self.settings, self.open_tracker, ascii=self.ascii_mode
        )

    def _owner_screen(self) -> Screen[None]:
        from tracker_tui.screens.owner import OwnerScreen

        return OwnerScreen(
            self.root_store, self.settings, self.owner, self.open_task, ascii=self.ascii_mode
        )

    def open_tracker(self, tracker: TrackerRef) -> None:
        """Show ``tracker`` on screens 1-5 (rebuilt on it) and go to its Snapshot."""
        self.run_worker(self._open_tracker(tracker), group="open-tracker", exclusive=True)

    def open_task(self, tracker: TrackerRef, task_id: str) -> None:
        """Show ``tracker``'s Snapshot with the cursor on ``task_id`` (the owner view's
        ``enter``)."""
        self.run_worker(self._open_tracker(tracker, task_id), group="open-tracker", exclusive=True)

    async def _open_tracker(self, tracker: TrackerRef, task_id: str | None = None) -> None:
        if self.tracker is not None and tracker.id == self.tracker.id:
            # Already on screens 1-5: nothing to rebuild.
            await self.switch_mode(SNAPSHOT_MODE)
            if task_id is not None:
                self._show_task(task_id)
            return
        # The cycle collector waits until the new screen is drawn (collection_pauses.py).
        self._resume_collection = resume_collection = collection_paused()
        try:
            if not await self._retarget_on(tracker):
                await self._rebuild_on(tracker)
        except BaseException:
            resume_collection()
            raise
        self.call_after_refresh(resume_collection)
        if task_id is not None:
            self._show_task(task_id)
        self._remember_opened(self.store)

    async def _retarget_on(self, tracker: TrackerRef) -> bool:
        """Screens 1-5 on ``tracker``, its Snapshot in front, the Snapshot screen shown
        on it in place rather than composed again (a read, a table refill and one
        repaint). False, and nothing done, when that is not safe: no Snapshot screen
        yet, something open over it (a form, a task detail, a picker), or a quick
        edit's unsaved mark on it; ``_rebuild_on`` then does it as it always did."""
        snapshot = self._snapshot()
        if snapshot is None or not snapshot.is_mounted:
            return False
        if len(self.get_screen_stack(SNAPSHOT_MODE)) > 1 or not snapshot.can_retarget():
            return False
        if self.current_mode in MODES:
            await self.switch_mode(PORTFOLIO_MODE)
        self.store = self.root_store.for_tracker(tracker)
        self.tracker = tracker
        for mode in MODES:
            if mode != SNAPSHOT_MODE:
                await self.remove_mode(mode)  # its screens were of the tracker before
        self._add_view_modes()
        self.live_refresh.follow(self.store)
        snapshot.retarget(self.store, self._tracker_label())
        await self.switch_mode(SNAPSHOT_MODE)
        # The rest of its rows once the new table is on the terminal, not before.
        self.call_after_refresh(snapshot.after_drawn)
        return True

    async def _rebuild_on(self, tracker: TrackerRef) -> None:
        """Screens 1-5 rebuilt on ``tracker``, its Snapshot in front."""
        if self.current_mode in MODES:
            await self.switch_mode(PORTFOLIO_MODE)
        self.store = self.root_store.for_tracker(tracker)
        self.tracker = tracker
        for mode in MODES:
            await self.remove_mode(mode)  # its screens were of the tracker before
        self._add_tracker_modes()
        self.live_refresh.follow(self.store)
        await self.switch_mode(SNAPSHOT_MODE)

    def _show_task(self, task_id: str) -> None:
        snapshot = self._snapshot()
        if snapshot is not None:
            snapshot.show_task(task_id)

    @work(thread=True, exit_on_error=False, group="remember")
    def _remember_opened(self, store: Store) -> None:
        # What a later command without --tracker uses; a failure costs only that.
        with contextlib.suppress(TrackerError):
            store.remember_opened()

    def _tracker_deleted(self, tracker: TrackerRef) -> None:
        """The tracker on screens 1-5 was deleted (with ``D`` here, or by someone else):
        say so and go back to the portfolio, rather than keep showing its rows as if they
        were there. An open form stays, with what was typed: saving it says why it cannot."""
        self.tracker = None
        self.store = self.root_store.without_tracker()
        self.live_refresh.follow(self.store)
        self.notify(
            f"The tracker {display_text(tracker.name)!r} was deleted.",
            severity="warning",
            markup=False,
        )
        if self.current_mode in MODES and not isinstance(self.screen, ModalScreen):
            self.switch_mode(PORTFOLIO_MODE)

    @work(thread=True, exit_on_error=False, exclusive=True, group="tracker-name")
    def _read_tracker_name(self, tracker_id: int) -> None:
        # A failed read costs only the tab's name until the next change.
        with contextlib.suppress(TrackerError):
            now = next((t for t in self.root_store.trackers() if t.id == tracker_id), None)
            if now is not None:
                self.call_from_thread(self._tracker_renamed, now)

    def _tracker_renamed(self, now: TrackerRef) -> None:
        """The first tab names the tracker as it is called now (``R`` here, or a rename
        elsewhere), not as it was when it was opened."""
        if self.tracker is None or self.tracker.id != now.id or self.tracker.name == now.name:
            return
        self.tracker = now
        for screen in self._screens():
            for tabs in screen.query(ModeTabs):
                if tabs.tracker is not None:
                    tabs.name_tracker(now.name)

    def show_owner(self, owner: str) -> None:
        """Show ``owner``'s open tasks in every tracker."""
        from tracker_tui.screens.owner import OwnerScreen

        self.owner = owner
        for screen in self._screens([OWNER_MODE]):
            if isinstance(screen, OwnerScreen):
                screen.show_owner(owner)
        self.switch_mode(OWNER_MODE)

    def ask_owner(self) -> None:
        """The palette's "Tasks of…": ask whose, suggesting every tracker's owners."""
        self._read_owners()

    @work(thread=True, exit_on_error=False, group="owners")
    def _read_owners(self) -> None:
        from tracker_tui.screens._failures import reading

        with reading(self, "the owners"):
            owners = self.root_store.owners()
            self.call_from_thread(self._push_owner_prompt, owners)

    def _push_owner_prompt(self, owners: list[str]) -> None:
        from tracker_tui.screens.tracker_prompts import OwnerPrompt

        def chosen(owner: str | None) -> None:
            if owner:
                self.show_owner(owner)

        self.push_screen(OwnerPrompt(owners, ascii=self.ascii_mode), chosen)

    def _view(self, mode: str) -> DataView:
        """The data view of ``mode``, its module imported now: not before the first frame."""
        if mode == "risks":
            from tracker_tui.screens.risks import RisksView

            return RisksView(self.store)
        if mode == "decisions":
            from tracker_tui.screens.decisions import DecisionsView

            return DecisionsView(self.store)
        if mode == "activity":
            from tracker_tui.screens.activity import ActivityView

            return ActivityView(self.store)
        if mode == "plan":
            from tracker_tui.screens.plan import PlanView

            return PlanView(self.store)
        if mode == "standup":
            from tracker_tui.screens.standup import StandupView

            return StandupView(self.store, self.settings, since=self.standup_since)
        if mode == "trends":
            from tracker_tui.screens.trends import TrendsView

            return TrendsView(self.store, self.settings)
        raise ValueError(f"no view for the mode {mode!r}")

    def _screens(self, modes: Iterable[str] = MODES) -> Iterator[Screen[Any]]:
        """Every screen in the stacks of ``modes`` (default: all), bottom first."""
        for mode in modes:
            with contextlib.suppress(KeyError):  # a mode not shown yet has no stack
                yield from self.get_screen_stack(mode)

    def _snapshot(self) -> SnapshotScreen | None:
        """The Snapshot screen, once built."""
        base = next(self._screens([SNAPSHOT_MODE]), None)
        if base is None:
            return None  # not built: its module need not be imported to say so
        from tracker_tui.screens.snapshot import SnapshotScreen

        return base if isinstance(base, SnapshotScreen) else None

    def get_driver_class(self) -> type[Driver]:
        # A terminal that hangs up under the dashboard must not keep it from ending.
        return outliving_its_terminal(super().get_driver_class())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Switching screens under an open form or question would strand it half-done.
        return not (
            action in ("go", "help")
            and (isinstance(self.screen, ModalScreen) or self.too_small.active)
        )

    def action_go(self, name: str) -> None:
        """Show the screen ``name`` (portfolio, snapshot, risks, decisions, activity,
        plan)."""
        if name == PORTFOLIO_MODE:
            self.switch_mode(name)
        elif name in MODES:
            if self.tracker is None and self.several_trackers:
                self.notify("Choose a tracker first: enter on its row.", markup=False)
                return
            self.switch_mode(name)

    def action_help(self) -> None:
        from tracker_tui.screens.help import HelpScreen

        # The keys of the screen in front now, before the help covers it.
        self.push_screen(HelpScreen(self.screen))

    def goto_task(self, task_id: str) -> None:
        """Show the Snapshot screen with the cursor on ``task_id``."""
        self.switch_mode(SNAPSHOT_MODE)
        snapshot = self._snapshot()
        if snapshot is not None:
            self.call_after_refresh(snapshot.focus_task, task_id)

    # -- quitting ----------------------------------------------------------------------

    async def action_quit(self) -> None:
        """Quit; when a form holds unsaved edits, ask first (a clean form quits at once)."""
        form = self._form_with_unsaved_edits()
        if form is None:
            self.exit()
            return
        question = self._quit_question
        if question is not None and any(screen is question for screen in self._screens()):
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

        self._quit_question = ConfirmScreen(
            f"{form.form_title()}: your changes are not saved. Quit anyway?",
            too_small_hint="Unsaved form: grow the terminal to answer it,"
            " or press ctrl+q again to quit without saving.",
        )
        self.push_screen(self._quit_question, answered)

    def _form_with_unsaved_edits(self) -> EditForm[Any] | None:
        # Imported here: the forms are not on the path to the first frame.
        from tracker_tui.screens._form import EditForm

        # Every mode's stack: a form stays open under the too-small message too.
        for screen in self._screens():
            if isinstance(screen, EditForm) and screen.has_unsaved_edits():
                return screen
        return None

    # -- keys and the palette ----------------------------------------------------------

    def check_message_enabled(self, message: Message) -> bool:
        # Keys and clicks while too small would act on a screen nobody can see.
        return super().check_message_enabled(message) and self.too_small.allows(message)

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
            from tracker_tui.screens.ascii_palette import AsciiCommandPalette

            self.push_screen(AsciiCommandPalette(id="--command-palette"))

    def search_themes(self) -> None:
        if not self.ascii_mode:
            super().search_themes()
        else:
            from textual.theme import ThemeProvider

            from tracker_tui.screens.ascii_palette import AsciiCommandPalette

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

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        for mode, label in MODES.items():
            yield SystemCommand(
                f"Go to {label}",
                f"Show the {label} screen (key {MODE_KEYS[mode]})",
                lambda mode=mode: self.action_go(mode),
            )
        ellipsis = "..." if self.ascii_mode else "…"
        yield SystemCommand(
            f"Switch tracker{ellipsis}",
            "Choose another tracker on the portfolio (key 0)",
            lambda: self.action_go(PORTFOLIO_MODE),
        )
        yield SystemCommand(
            f"Tasks of{ellipsis}",
            "One owner's open tasks in every tracker, editable in place",
            self.ask_owner,
        )
        yield SystemCommand(
            "Export markdown",
            "Write the tracker to a markdown file in the current directory",
            self.export_markdown,
        )
        if isinstance(screen, ViewScreen) and screen.mode == "standup":
            from tracker_tui.screens.standup import StandupView

            if isinstance(screen.view, StandupView):
                yield SystemCommand(
                    "Write stand-up report…",
                    "Save the stand-up report (markdown) to a file in the current directory",
                    partial(screen.view.write_report, Path.cwd()),
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

    def _known_tasks(self) -> list[Task]:
        snapshot = self._snapshot()
        return list(snapshot.table.rows) if snapshot is not None else []

    # -- start and exit ----------------------------------------------------------------

    def on_load(self) -> None:
        # Before the Snapshot screen's first read (Load comes before the screens are
        # built): a commit made during that read is shown by the first poll.
        self.live_refresh.read_counters()
        if self.ascii_mode:
            AsciiScrollbars.hold(self)

    def on_mount(self) -> None:
        for warning in self.settings.warnings:
            self.notify(warning, severity="warning", markup=False)
        self.theme_changed_signal.subscribe(self, self._theme_changed)
        self.live_refresh.start()
        self.too_small.start()

    def on_ready(self) -> None:
        # Ready is posted by the first layout, which may come before that frame is
        # written (the screen's update can still be pending): wait for the repaint.
        self.call_after_refresh(self._after_first_frame)

    def resume_at_first_frame(self, resume: Resume) -> None:
        """Call ``resume`` (the end of the start-up's pause of the cycle collector,
        ``commands.dashboard``) once the first frame is on the terminal, freezing what
        the start-up made (it lasts as long as the app); at exit if there was none."""
        self._resume_after_start = resume

    def _after_first_frame(self) -> None:
        """The first frame is on the terminal: start what could wait for it."""
        self.first_frame_shown = True
        if self._resume_after_start is not None:
            self._resume_after_start(freeze=True)
        snapshot = self._snapshot()
        if snapshot is not None:
            snapshot.after_first_frame()
        for screen in self._screens():
            if isinstance(screen, ViewScreen):
                screen.view.after_first_frame()

    async def on_unmount(self) -> None:
        # An edit made just before quitting is still saved: wait (a while, not forever,
        # and without blocking the loop the jobs may call back into) for queued writes.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.wrap_future(self.write_queue.drained()), WRITES_AT_EXIT)
        self.write_queue.shutdown()
        self._resume_collection()  # quit before the new screen was drawn: not left off
        if self._resume_after_start is not None:
            self._resume_after_start()  # quit before the first frame: not left off
        AsciiScrollbars.release(self)

    def _theme_changed(self, theme: Theme) -> None:
        if theme.name != self.settings.theme:
            self._save_theme(theme.name)

    @work(thread=True, exit_on_error=False, group="config")
    def _save_theme(self, name: str) -> None:
        save_theme(self.settings, name)

    def on_resize(self, event: Resize) -> None:
        self.too_small.check(event.size)

    # -- what the store and the workers report -----------------------------------------

    def on_store_changed(self, message: StoreChanged) -> None:
        """Hand the change to every screen that shows data (open modals are left alone)."""
        if message.source is not None and message.source is not self.live_refresh.store:
            return  # changes of the tracker shown before this one was opened
        # Every full screen of every stack (the mode's base, and a task detail pushed
        # on it); a modal form keeps what it showed when it opened.
        for screen in self._screens():
            if not isinstance(screen, ModalScreen):
                screen.post_message(
                    StoreChanged(message.changes, message.revision, full=message.full)
                )

    def on_trackers_changed(self, message: TrackersChanged) -> None:
        """Some tracker changed: the portfolio and the owner view read theirs again, and
        the tracker on screens 1-5 is checked for a rename or a deletion."""
        self.several_trackers = self.several_trackers or len(message.revisions) > 1
        if self.tracker is not None:
            if self.tracker.id in message.revisions:
                self._read_tracker_name(self.tracker.id)
            else:
                self._tracker_deleted(self.tracker)
        for screen in self._screens([PORTFOLIO_MODE, OWNER_MODE]):
            if not isinstance(screen, ModalScreen):
                screen.post_message(TrackersChanged(message.revisions))

    def on_change_announced(self, message: ChangeAnnounced) -> None:
        self.live_refresh.check_now()

    def on_store_unreachable(self, message: StoreUnreachable) -> None:
        # Forms stay open and keep what was typed: saving says why it failed, in one line.
        self._show_connection_note(f"reconnecting{glyphs(self.ascii_mode).ellipsis}")

    def on_store_reachable(self, message: StoreReachable) -> None:
        self._show_connection_note("")

    def _show_connection_note(self, note: str) -> None:
        """Say ``note`` in the tab row of every screen, and of those built later."""
        self.connection_note = note
        for screen in self._screens():
            for tabs in screen.query(ModeTabs):
                tabs.show_note(note)

    def on_refresh_failed(self, message: RefreshFailed) -> None:
        self.notify(
            f"Live refresh is failing ({message.error}); still trying.",
            title="Live refresh",
            severity="warning",
            timeout=10,
            markup=False,
        )

    def on_refresh_recovered(self, message: RefreshRecovered) -> None:
        self.notify("Live refresh works again.", title="Live refresh", markup=False)

    def on_key(self, event: events.Key) -> None:
        """A key typed right behind one that opened a form or prompt (``%``, ``e``, ``n``),
        which bubbled up from the dashboard after that screen opened, is typed into the
        new screen instead of being dropped (see ``screens/_early_keys.py``)."""
        screen = self.screen
        if isinstance(screen, FocusAfterEarlyKeys) and screen.typed_before_opening(event):
            event.stop()
            event.prevent_default()  # the app's own bindings must not act on it as well
            screen.take_early_key(event)

    def on_notify(self, event: Notify) -> None:
        """A notification identical to one still on screen replaces it rather than
        stacking a copy (twenty ``u`` with nothing to undo: one toast, its time renewed).

        Runs before Textual's own handler, which then adds the new one.
        """
        withdraw_identical(self, event.notification)

    # -- export ------------------------------------------------------------------------

    def export_markdown(self) -> None:
        """Write the tracker to a new markdown file in the current directory."""
        self._export(Path.cwd())

    @work(thread=True, exit_on_error=False, group="export")
    def _export(self, directory: Path) -> None:
        try:
            path = export_markdown_into(
                self.store, directory, self.settings.current_date(self.store.clock)
            )
        except (TrackerError, OSError) as err:
            self.call_from_thread(self.notify, str(err), severity="error", markup=False)
            return
        self.post_message(DocumentExported(str(path)))

    def on_document_exported(self, message: DocumentExported) -> None:
        self.notify(f"Exported to {message.path}", title="Export", markup=False)


class PortfolioFirstApp(TrackerApp):
    """The dashboard of a store holding several trackers: it opens on the portfolio."""

    DEFAULT_MODE = PORTFOLIO_MODE


class OwnerFirstApp(TrackerApp):
    """The dashboard opened on one owner's tasks (``tracker-tui --owner NAME``)."""

    DEFAULT_MODE = OWNER_MODE


def make_app(
    store: Store,
    settings: Settings | None = None,
    *,
    ascii: bool = False,
    owner: str | None = None,
    mode: str | None = None,
    since: str | None = None,
) -> TrackerApp:
    """The dashboard over ``store``; ``settings`` default to the user's config file.
    It opens on ``owner``'s tasks when given, else on screen ``mode`` when given (the
    Stand-up, with its ``since`` baseline), else on the portfolio when the store holds
    several trackers, else on the Snapshot."""
    chosen = settings if settings is not None else load_settings()
    if owner:
        return OwnerFirstApp(store, chosen, ascii=ascii, owner=owner)
    if mode is not None:
        return TrackerApp(store, chosen, ascii=ascii, mode=mode, since=since)
    if len(store.trackers()) > 1:
        return PortfolioFirstApp(store, chosen, ascii=ascii)
    return TrackerApp(store, chosen, ascii=ascii)


def run_dashboard(
    store: Store,
    *,
    ascii: bool = False,
    owner: str | None = None,
    mode: str | None = None,
    since: str | None = None,
    resume_collection: Resume | None = None,
) -> None:
    """Run the dashboard in this terminal until the user quits (what the CLI calls);
    ``resume_collection`` is called once its first frame is on the terminal."""
    app = make_app(store, ascii=ascii, owner=owner, mode=mode, since=since)
    if resume_collection is not None:
        app.resume_at_first_frame(resume_collection)
    # A dropped SSH connection (SIGHUP) or a SIGTERM quits as q does (tracker_tui.hangup).
    with ending_app(app.exit):
        app.run()
