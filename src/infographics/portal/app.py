"""The web application: `Settings` into a Flask app with its security extensions.

- Flask-WTF `CSRFProtect`: every POST needs the form's CSRF token (bound to the session).
- Flask-Limiter: login requests and link confirmations per client (in memory: exact under
  waitress, one process with threads); the same storage counts each client's audited refusals
  (`state.Budget`). The mails per address are counted by the login worker (`logins`).
- Flask-Talisman: Content-Security-Policy without any inline script or style (`default-src
  'none'`, the stylesheet and images from the portal itself), nosniff, no framing, no referrer
  (a login link never leaks), and over https: HSTS and Secure cookies.
- The session cookie (Flask's, signed with the secret key) holds a random session id; the
  session itself (expiry, logout, disabled accounts) lives in the database, so ending it on the
  server ends it everywhere. HttpOnly, SameSite=Lax.
- Every page is rendered by Jinja2 with autoescaping on for every template.
"""

from __future__ import annotations

from datetime import timedelta
from email.utils import parseaddr

from flask import Flask, Response, g, render_template, request, session
from flask_limiter import Limiter
from flask_limiter.errors import RateLimitExceeded
from flask_talisman import Talisman
from flask_wtf.csrf import CSRFError, CSRFProtect
from jinja2 import StrictUndefined
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from infographics.data.rules import valid_email
from infographics.numbers import edition_words
from infographics.portal import auth, figview, pages
from infographics.portal.catalog import Editions
from infographics.portal.files import FileCheck
from infographics.portal.logins import LoginQueue, LoginWorker
from infographics.portal.mail import Mailer, OutboxMailer, SmtpMailer
from infographics.portal.settings import Settings, secret_key
from infographics.portal.state import (
    EXTENSION,
    Budget,
    Portal,
    audit,
    catalog,
    portal,
    viewer,
    within_refusals,
)
from infographics.portal.store import Store
from infographics.resources import TEMPLATES

PORTAL_TEMPLATES = TEMPLATES / "portal"
COOKIE = "portaal_sessie"
CSP = {
    "default-src": "'none'",
    "style-src": "'self'",
    "img-src": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
    "base-uri": "'none'",
}


def create_app(settings: Settings, store: Store | None = None, mailer: Mailer | None = None,
               editions: Editions | None = None) -> Flask:
    """The portal as a WSGI application (waitress serves it; tests use its test client)."""
    app = Flask(__name__, template_folder=str(PORTAL_TEMPLATES),
                static_folder=str(PORTAL_TEMPLATES / "static"), static_url_path="/static")
    store = store or Store(settings.db)
    app.config.update(
        SECRET_KEY=secret_key(settings.db), SESSION_COOKIE_NAME=COOKIE,
        SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.https,
        PERMANENT_SESSION_LIFETIME=timedelta(hours=settings.session_hours),
        WTF_CSRF_TIME_LIMIT=None,  # bound to the session, which expires itself
        WTF_CSRF_SSL_STRICT=settings.https, MAX_CONTENT_LENGTH=64 * 1024,
        SEND_FILE_MAX_AGE_DEFAULT=3600)
    app.jinja_env.autoescape = True  # every template, whatever its name
    app.jinja_env.undefined = StrictUndefined
    # "schooljaar 2022-2023" (PO/VO) or "kalenderjaar 2022" (partners)
    app.jinja_env.filters["jaar"] = edition_words
    editions = editions or Editions(settings)
    mailer = mailer or _mailer(settings)
    logins = LoginQueue(LoginWorker(settings, store, editions, mailer).handle)
    refusals = Budget("weigeringen", settings.limits.refusals_per_client,
                      settings.limiter_storage)
    app.extensions[EXTENSION] = Portal(settings, store, editions, FileCheck(), mailer, logins,
                                       refusals)
    if settings.proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.proxies,  # type: ignore[method-assign]
                                x_proto=settings.proxies, x_host=settings.proxies,
                                x_prefix=settings.proxies)
    CSRFProtect(app)
    Talisman(app, force_https=settings.https, strict_transport_security=settings.https,
             session_cookie_secure=settings.https, content_security_policy=CSP,
             frame_options="DENY", referrer_policy="no-referrer")
    limiter = Limiter(auth.client_key, app=app, storage_uri=settings.limiter_storage,
                      headers_enabled=False, strategy="moving-window")
    for blueprint in (auth.blueprint(limiter, settings.limits), pages.bp, figview.bp):
        app.register_blueprint(blueprint)
    app.before_request(_load_viewer)
    app.after_request(_no_store)
    app.context_processor(_template_globals)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(RateLimitExceeded, _too_many)
    return app


def _mailer(settings: Settings) -> Mailer:
    if settings.mail_outbox is not None:
        return OutboxMailer(settings.mail_outbox)
    if settings.smtp is not None:
        return SmtpMailer(settings.smtp, settings.sender)
    raise ValueError("no --mail-outbox and no SMTP settings")


def _load_viewer() -> None:
    """This request's viewer, from the session id in the signed cookie and the database."""
    sid = session.get("sid")
    if not isinstance(sid, str) or request.endpoint == "static":
        return
    p = portal()
    email = p.store.session_email(sid)
    found = p.viewer_for(email, catalog()) if email else None
    if found is None:  # expired, logged out, disabled, or no longer a contact
        if email:
            p.store.end_session(sid)
        session.clear()
        return
    g.viewer = found


def _no_store(response: Response) -> Response:
    """Pages and files of an account are not kept by browsers or proxies; the stylesheet is."""
    if request.endpoint != "static":
        response.headers["Cache-Control"] = "no-store"
        response.headers.setdefault("Vary", "Cookie")
    return response


def _template_globals() -> dict[str, object]:
    problem = catalog().data.problem  # changed data not read: only staff can log in
    return {"viewer": viewer(), "help_address": _help_address(),
            "root": request.script_root,  # the prefix behind a proxy (X-Forwarded-Prefix)
            "updating": bool(problem), "update_problem": problem if viewer().staff else ""}


def _help_address() -> str:
    s = portal().settings
    return s.help_address or parseaddr(s.sender)[1]


def _http_error(exc: HTTPException) -> tuple[str, int]:
    code = exc.code or 500
    return render_template("fout.html", code=code), code


def _csrf_error(exc: CSRFError) -> tuple[str, int]:
    return render_template("fout.html", code=400, csrf=True), 400


def _too_many(exc: RateLimitExceeded) -> tuple[str, int]:
    if request.endpoint == "auth.login" and within_refusals():  # audited, within a budget
        typed = auth.typed_address()
        audit("login-aanvraag", detail="te veel aanvragen",
              account=typed if valid_email(typed) else "")
    return render_template("fout.html", code=429), 429
