"""The operator playground: `promokit serve RULES` (extra `serve`), a small local ASGI app.

`files.py` decides which files the playground may read and write (nothing outside the rules
folder); `app.py` is the Starlette app; `static/` holds the one page. docs/playground.md.
"""
