"""The production server: the portal app under waitress (a pure-Python WSGI server, threads in
one process, so the in-memory rate limits are exact), with the thumbnails of every page drawn
in the background at start, so the first overview does not wait for them.

Put it behind a reverse proxy that terminates https and pass `--https --proxies 1`; see the
README (Portaal).
"""

from __future__ import annotations

import sys
import threading

import waitress

from infographics.numbers import count
from infographics.portal.app import create_app
from infographics.portal.catalog import Catalog
from infographics.portal.files import FileCheck, thumbnail
from infographics.portal.settings import Settings
from infographics.portal.state import EXTENSION, Portal


def warm_thumbnails(catalog: Catalog, settings: Settings, check: FileCheck) -> None:
    """Draw the thumbnail of every page that has none yet."""
    for entry in catalog.files.values():
        if entry.is_page:
            thumbnail(catalog.out, entry, settings.thumbnails, check)


def run(settings: Settings, host: str = "127.0.0.1", port: int = 8000, threads: int = 8) -> int:
    """Serve until stopped (Ctrl-C)."""
    app = create_app(settings)
    portal: Portal = app.extensions[EXTENSION]
    catalog = portal.editions.current()
    threading.Thread(target=warm_thumbnails, args=(catalog, settings, portal.check),
                     name="portaal-miniaturen", daemon=True).start()
    print(f"Portaal: {count(len(catalog.files), 'bestand', 'bestanden')} uit "
          f"{settings.out}, {count(len(catalog.data.grants), 'contactadres', 'contactadressen')}"
          f"; luistert op http://{host}:{port}, openbaar adres "
          f"{settings.public_url}; database {settings.db}", file=sys.stderr)
    try:
        waitress.serve(app, host=host, port=port, threads=threads, ident="",
                       clear_untrusted_proxy_headers=False, connection_limit=200,
                       channel_timeout=60)
    finally:
        portal.logins.close()  # login requests already answered still get their mail
    return 0

