"""/akun: staff accounts in the browser, for admins, with the rules of `kms user` (the same
domain functions): create, disable, set a new password. Forms keep what was typed (never a
password) and show each error beside its field."""
from flask import Blueprint, abort, redirect, render_template, request, url_for

from kms.accounts import AccountError, agency_scope, create_user, disable_user, list_users, set_password
from kms.records import hub_labels
from kms.regionfacts import provinces
from kms.schema import ROLES
from kms.web import current_user, get_db, staff_required

bp = Blueprint("accounts", __name__)
ROLE_LABELS = {"admin": "Admin (semua data)", "hub_operator": "Operator hub (satu hub atau satu provinsi)",
               "agency_editor": "Penyunting instansi (satu instansi, boleh satu unit)"}


def _admin():
    user = current_user()
    if user.role != "admin":
        abort(403, "Hanya admin yang dapat mengelola akun.")
    return user


def _page(typed=None, errors=None, status=200, done=None):
    return render_template("staff/accounts.html", users=list_users(get_db()), roles=ROLES, role_labels=ROLE_LABELS,
                           hubs=sorted(hub_labels(get_db()).items(), key=lambda item: item[1]),
                           provinces=provinces(), typed=typed or {}, errors=errors or {},
                           done=done or request.args.get("selesai")), status


@bp.get("/akun")
@staff_required
def page():
    _admin()
    return _page()


@bp.post("/akun")
@staff_required
def add():
    _admin()
    form = request.form
    typed = {k: form.get(k, "") for k in ("name", "role", "hub", "province", "agency", "unit")}
    errors = {}
    if form.get("password") != form.get("password2"):
        errors["password2"] = "Kedua kata sandi tidak sama."
    agency, unit = typed["agency"].strip() or None, typed["unit"].strip() or None
    if agency and typed["role"] == "agency_editor":
        try:
            agency, unit = agency_scope(agency, unit)
        except AccountError as exc:
            errors["agency"] = str(exc)[:1].upper() + str(exc)[1:] + "."
    if not errors:
        try:
            create_user(get_db(), typed["name"], typed["role"], form.get("password") or "",
                        hub=typed["hub"] or None if typed["role"] == "hub_operator" else None,
                        province=typed["province"] or None if typed["role"] == "hub_operator" else None,
                        agency=agency if typed["role"] == "agency_editor" else None,
                        unit=unit if typed["role"] == "agency_editor" else None)
        except AccountError as exc:
            errors[_field_of(str(exc))] = str(exc)[:1].upper() + str(exc)[1:] + "."
    if errors:
        return _page(typed, errors, 400)
    return redirect(url_for("accounts.page", selesai=f"Akun {typed['name']} dibuat."))


def _field_of(message: str) -> str:
    """Which field an AccountError is about, for showing it beside that field."""
    for needle, field in (("nama akun", "name"), ("sudah ada", "name"), ("peran", "role"), ("kata sandi", "password"),
                          ("hub", "hub"), ("province", "province"), ("provinsi", "province"), ("agency", "agency"),
                          ("instansi", "agency"), ("unit", "unit")):
        if needle in message.lower():
            return field
    return "name"


@bp.post("/akun/<name>/nonaktifkan")
@staff_required
def disable(name):
    admin = _admin()
    if name == admin.name:
        return _page(errors={"account": "Anda tidak dapat menonaktifkan akun Anda sendiri."}, status=400)
    try:
        disable_user(get_db(), name)
    except AccountError as exc:
        return _page(errors={"account": str(exc)}, status=400)
    return redirect(url_for("accounts.page", selesai=f"Akun {name} dinonaktifkan."))


@bp.post("/akun/<name>/sandi")
@staff_required
def reset(name):
    _admin()
    form = request.form
    if form.get("password") != form.get("password2"):
        return _page(errors={f"reset-{name}": "Kedua kata sandi tidak sama."}, status=400)
    try:
        set_password(get_db(), name, form.get("password") or "")
    except AccountError as exc:
        return _page(errors={f"reset-{name}": str(exc)[:1].upper() + str(exc)[1:] + "."}, status=400)
    return redirect(url_for("accounts.page", selesai=f"Kata sandi {name} diganti; sesi lamanya berakhir."))
