"""Portal stage: built editions, the input data and accounts into a web application where every
account sees exactly its own infographics and figures (`infographics serve`).

Modules: `settings` (options, database path, secret key, public address; no web framework),
`store` (SQLite: accounts, login links, sessions, audit), `catalog` (manifest and data into
what is served, reloaded on change), `access` (who sees which file and figure: the
`Entitlements` of `send`), `files` (a file read once, served only when those bytes have its
manifest sha256; thumbnails), `mail` (login mails to an outbox or over SMTP), `logins` (login
requests handled in the background, alike for every address, within a mail budget per
address), `state` (the running portal's parts, refusal budget), `app` (the Flask app and its
security extensions), the views `auth` (login by e-mail link), `pages` (overview, files,
audit), `figview` (figures view and CSV) with `overview` (grouping), `csvout` (CSV for
spreadsheets), `accounts` (the account list), `server` (waitress) and `commands` (the command
line).
"""
