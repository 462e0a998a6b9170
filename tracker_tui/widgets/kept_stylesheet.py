"""The app's stylesheet, which keeps what it parsed while the theme stays the same.

Textual's ``App.refresh_css`` sets the stylesheet's variables (clearing its parse cache)
and re-parses every source from nothing, whatever changed. It calls it when a theme is
set, which needs it, and when a mode's first screen is shown, which does not: the
variables are those the sources were just parsed with. On ``tracker-tui standup`` that
second parse of the app's stylesheet and every widget's default CSS cost ~40 ms of a
~450 ms first frame (issue 13). This subclass re-parses only when the variables differ;
otherwise ``reparse`` parses what was added since (a screen's own CSS) and takes the rest
from the cache. Textual still restyles every node afterwards, as it always does.
"""

from __future__ import annotations

from textual.css.stylesheet import Stylesheet


class KeptParseStylesheet(Stylesheet):
    """A ``Stylesheet`` whose ``reparse`` is a cached ``parse`` while its variables (the
    theme's colours) are unchanged."""

    def __init__(self, *, variables: dict[str, str] | None = None) -> None:
        super().__init__(variables=variables)
        #: The variables the cached parses were made with.
        self._parsed_with: dict[str, str] = dict(variables or {})
        #: Whether new variables came since the last full re-parse.
        self._variables_changed = False

    def set_variables(self, variables: dict[str, str]) -> None:
        if variables == self._parsed_with:
            return  # the same theme again: every cached parse still holds
        self._parsed_with = dict(variables)
        self._variables_changed = True
        super().set_variables(variables)

    def reparse(self) -> None:
        if self._variables_changed:
            self._variables_changed = False
            super().reparse()
            return
        # Nothing parsed before can differ: a source added since is parsed, the rest come
        # from the cache. Invalid CSS raises here as it would from a re-parse.
        self.parse()
