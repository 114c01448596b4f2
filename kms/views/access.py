"""Who is asking: the signed-in account from the session, and the guards every staff route uses.

A page asked for without an account answers 401 with the sign-in form (the person signs in
and comes back); an API call answers 401 JSON. An account outside its role or scope gets 403.
"""
from __future__ import annotations

from functools import wraps

from flask import abort, g, jsonify, render_template, request, session

from kms.app import get_db
from kms.accounts import User, can_edit, get_user


def current_user() -> User | None:
    if "user" not in g:
        name = session.get("user")
        g.user = get_user(get_db(), name) if name else None
    return g.user


def _refuse_anonymous():
    if request.path.startswith("/api/"):
        return jsonify({"error": {"parameter": None, "message": "sign in as staff first (/masuk)"}}), 401
    return render_template("auth/login.html", next=request.full_path.rstrip("?"), error=None,
                           name=""), 401


def staff_required(view):
    """Any signed-in account."""
    @wraps(view)
    def guarded(*args, **kwargs):
        if current_user() is None:
            return _refuse_anonymous()
        return view(*args, **kwargs)
    return guarded


def campaign_manager_required(view):
    """Admins and hub operators (campaigns and snapshots)."""
    @wraps(view)
    def guarded(*args, **kwargs):
        user = current_user()
        if user is None:
            return _refuse_anonymous()
        if not user.can_manage_campaigns():
            abort(403, "Peran Anda tidak dapat mengelola kampanye.")
        return view(*args, **kwargs)
    return guarded


def require_edit_right(record: dict) -> User:
    """The account, if it may edit this record; 403 otherwise."""
    user = current_user()
    if not can_edit(get_db(), user, record):
        abort(403, "Rekaman ini di luar wewenang akun Anda.")
    return user
