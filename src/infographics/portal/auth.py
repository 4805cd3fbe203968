"""Logging in without a password: an address into a login link by mail, the link into a
session, and the session out again.

- `POST /login` (field `email`): a well-formed address is handed to the background worker of
  `logins` and the same page is answered at once, for every address: the request does the same
  work whether the address has an account or not. The worker mails a link to a known, enabled
  address within its mail budget and drops the rest. Rate-limited per client (429); the budget
  per address never changes an answer.
- `GET /login/bevestigen?token=...` only shows a page with a button and the address it logs
  into: mail scanners that open links do not use them. The button's `POST` uses the link (once,
  before it expires, while the account may still log in) and starts a new session.
- `POST /logout` ends the session in the database and clears the cookie.
Every request, login, refusal and logout goes into the audit log, without the token.
"""

from __future__ import annotations

import re

from flask import Blueprint, redirect, render_template, request, session
from flask.typing import ResponseReturnValue
from flask_limiter import Limiter

from infographics.data.rules import valid_email
from infographics.portal.logins import LoginRequest
from infographics.portal.settings import Limits
from infographics.portal.state import audit, catalog, client, portal, viewer

TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")  # secrets.token_urlsafe(32)
MAX_ADDRESS = 254


def client_key() -> str:
    return "client:" + client()


def typed_address() -> str:
    """The address in the login form, as accounts are keyed (trimmed, lower case)."""
    return request.form.get("email", "").strip().lower()[:MAX_ADDRESS]


def blueprint(limiter: Limiter, limits: Limits) -> Blueprint:
    """The login routes, with this app's rate limits."""
    bp = Blueprint("auth", __name__)
    login_view = limiter.limit(limits.login_per_client, methods=["POST"])(login)
    confirm_view = limiter.limit(limits.confirm_per_client, methods=["POST"])(confirm)
    bp.add_url_rule("/login", view_func=login_view, methods=["GET", "POST"])
    bp.add_url_rule("/login/bevestigen", view_func=confirm_view, methods=["GET", "POST"])
    bp.add_url_rule("/logout", view_func=logout, methods=["POST"])
    return bp


def login() -> ResponseReturnValue:
    if request.method != "POST":  # GET or HEAD
        return render_template("login.html", email="", wrong=False,
                               logged_out="uitgelogd" in request.args)
    email = typed_address()
    if not valid_email(email):
        audit("login-aanvraag", detail="ongeldig adres", account="")
        return render_template("login.html", email=email, wrong=True, logged_out=False), 400
    p = portal()
    p.logins.submit(LoginRequest(email, client()))  # the same for every address; see logins
    return render_template("verstuurd.html", email=email,
                           minutes=p.settings.link_minutes)


def _token(text: str) -> str:
    return text if TOKEN.fullmatch(text) else ""


def _confirm_page() -> ResponseReturnValue:
    """The page of a link (GET or HEAD): the button and the address it logs into, or why the
    link does not work; the link itself is not used."""
    token = _token(request.args.get("token", ""))
    state, email = portal().store.link_state(token) if token else ("onbekend", "")
    return render_template("bevestigen.html", token=token, state=state, email=email)


def confirm() -> ResponseReturnValue:
    if request.method != "POST":
        return _confirm_page()
    p = portal()
    token = _token(request.form.get("token", ""))
    email = p.store.use_link(token) if token else None
    if email is None:
        audit("login-geweigerd", detail="link onbekend, gebruikt of verlopen", account="")
        return render_template("bevestigen.html", token="", state="ongeldig", email=""), 400
    found = p.viewer_for(email, catalog())
    if found is None:
        detail = ("gegevens worden bijgewerkt (alleen medewerkers)" if catalog().data.problem
                  else "account uitgeschakeld of onbekend")
        audit("login-geweigerd", detail=detail, account=email)
        return render_template("bevestigen.html", token="", state="geweigerd", email=""), 403
    session.clear()  # a fresh session (and CSRF token) for the account: no fixation
    session["sid"] = p.store.new_session(email, p.settings.session_hours)
    session.permanent = True
    audit("login", account=email)
    return redirect(request.script_root + "/", code=303)


def logout() -> ResponseReturnValue:
    sid = session.get("sid")
    who = viewer().email
    if isinstance(sid, str):
        portal().store.end_session(sid)
    session.clear()
    if who:
        audit("logout", account=who)
    return redirect(request.script_root + "/login?uitgelogd", code=303)
