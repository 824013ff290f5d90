"""Alert e-mails for buyers.

- ``searches``: saved searches (a TOML file), validated, compiled to parameterized SQL over ``lots``;
- ``events``: the ingest hook that records new lots, price drops, status changes and auctions starting soon for
  every search, in the night's transaction, set-based;
- ``outbox``: pending events → one digest per recipient and night (immediate searches apart), stored whole;
- ``mail``: the message (Jinja2 text + autoescaped HTML, stable Message-ID, List-Unsubscribe);
- ``delivery``: SMTP (settings from the environment, ``settings``) or ``.eml`` files, marked sent only once accepted;
- ``cli``: ``salvage alerts add / list / remove / test / send``.
"""
