"""Signing in and out."""
from urllib.parse import urlsplit

from flask import Blueprint, redirect, render_template, request, session, url_for

from kms.accounts import AccountError, TooManyAttempts, authenticate, end_sessions
from kms.web import current_user, get_db

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None, home: str = "staff.dashboard") -> str:
    """Only a path on this site (never another host) is followed after signing in: whitespace
    and control characters go first (browsers drop them, so "/%09/evil.example" would be "//evil.example")."""
    target = "".join(c for c in (target or "") if c.isprintable() and not c.isspace())
    parsed = urlsplit(target)
    if target.startswith("/") and not target.startswith("//") and "\\" not in target \
            and not parsed.scheme and not parsed.netloc:
        return target
    return url_for(home)


@bp.route("/masuk", methods=["GET", "POST"])
def login():
    if request.method == "GET":
        return render_template("auth/login.html", next=request.args.get("next", ""), error=None, name="")
    name = (request.form.get("name") or request.form.get("username") or "").strip()
    target = request.form.get("next", "")
    try:
        user = authenticate(get_db(), name, request.form.get("password") or "",
                            request.remote_addr or "-")
    except TooManyAttempts as exc:
        return render_template("auth/login.html", next=target, error=str(exc), name=name), 429
    except AccountError as exc:
        return render_template("auth/login.html", next=target, error=str(exc), name=name), 401
    session.clear()            # nothing from before signing in is carried over
    session["user"] = user.name
    session["version"] = user.session_version
    session.permanent = True
    home = "staff.dashboard" if user.is_staff else "competitions.overview" if user.role == "panelist" \
        else "submissions.overview"
    return redirect(_safe_next(target, home))


@bp.route("/keluar", methods=["GET", "POST"])
def logout():
    """GET asks (a link cannot sign anyone out behind their back); POST, with its token, does."""
    if request.method == "GET":
        return render_template("auth/logout.html")
    user = current_user()
    if user is not None:
        end_sessions(get_db(), user.name)      # a saved copy of this cookie stops working too
    session.clear()
    return redirect(url_for("search.results"))
