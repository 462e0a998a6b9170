"""``tracker-tui serve``: the dashboard in a browser, through textual-serve.

- ``access``: the token, the loopback check and the warnings (standard library only);
- ``sessions``: one dashboard process per browser tab, and the cap on how many;
- ``server``: the aiohttp application (textual-serve's server, made safe by default).

Each tab's process runs ``tracker_tui.serve_tab``.
"""
