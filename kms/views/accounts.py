"""/akun: accounts in the browser, with the rules of `kms user` (the same domain functions):
create, disable, set a new password. Admins manage every account; an operator of a hub manages
that hub's innovator accounts only. Forms keep what was typed (never a password) and show each
error beside its field."""
from flask import Blueprint, abort, redirect, render_template, request, url_for

from kms.accounts import AccountError, agency_scope, create_user, disable_user, list_users, set_password
from kms.records import hub_labels
from kms.regionfacts import provinces
from kms.schema import ROLES
from kms.web import current_user, get_db, staff_required

bp = Blueprint("accounts", __name__)
ROLE_LABELS = {"admin": "Admin (semua data)", "hub_operator": "Operator hub (satu hub atau satu provinsi)",
               "agency_editor": "Penyunting instansi (satu instansi, boleh satu unit)",
               "innovator": "Inovator (mengajukan inovasi ke satu hub untuk instansinya)",
               "panelist": "Panelis (menilai kompetisi satu hub; tidak menilai instansinya sendiri)"}
HUB_ROLES = ("innovator", "panelist")        # what an operator of a hub makes for it


def _manager():
    """Admins, and operators of one hub (for that hub's innovators)."""
    user = current_user()
    if user.role != "admin" and not (user.role == "hub_operator" and user.hub):
        abort(403, "Akun dikelola admin; operator hub mengelola akun inovator hubnya.")
    return user


def _manages(manager, account: dict | None) -> bool:
    return manager.role == "admin" or bool(account and account["role"] in HUB_ROLES and account["hub"] == manager.hub)



def _page(typed=None, errors=None, status=200, done=None):
    manager = current_user()
    users = [u for u in list_users(get_db()) if _manages(manager, u)]
    roles = ROLES if manager.role == "admin" else HUB_ROLES
    hubs = sorted(hub_labels(get_db()).items(), key=lambda item: item[1])
    if manager.role != "admin":
        hubs = [(key, label) for key, label in hubs if key == manager.hub] or [(manager.hub, manager.hub)]
    return render_template("staff/accounts.html", users=users, roles=roles, role_labels=ROLE_LABELS,
                           hubs=hubs, provinces=provinces(), typed=typed or {}, errors=errors or {},
                           done=done or request.args.get("selesai")), status


@bp.get("/akun")
@staff_required
def page():
    _manager()
    return _page()


@bp.post("/akun")
@staff_required
def add():
    manager = _manager()
    form = request.form
    typed = {k: form.get(k, "") for k in ("name", "role", "hub", "province", "agency", "unit")}
    errors = {}
    if manager.role != "admin":          # an operator makes innovators of their own hub, nothing else
        if typed["role"] not in HUB_ROLES:
            errors["role"] = "Operator hub hanya membuat akun inovator dan panelis."
        typed["hub"] = manager.hub
    if form.get("password") != form.get("password2"):
        errors["password2"] = "Kedua kata sandi tidak sama."
    agency, unit = typed["agency"].strip() or None, typed["unit"].strip() or None
    if agency and typed["role"] in ("agency_editor", *HUB_ROLES):
        try:
            agency, unit = agency_scope(agency, unit)
        except AccountError as exc:
            errors["agency"] = str(exc)[:1].upper() + str(exc)[1:] + "."
    if not errors:
        try:
            create_user(get_db(), typed["name"], typed["role"], form.get("password") or "",
                        hub=typed["hub"] or None if typed["role"] in ("hub_operator", *HUB_ROLES) else None,
                        province=typed["province"] or None if typed["role"] == "hub_operator" else None,
                        agency=agency if typed["role"] in ("agency_editor", *HUB_ROLES) else None,
                        unit=unit if typed["role"] in ("agency_editor", *HUB_ROLES) else None)
        except AccountError as exc:
            errors[_field_of(str(exc))] = str(exc)[:1].upper() + str(exc)[1:] + "."
    if errors:
        return _page(typed, errors, 400)
    return redirect(url_for("accounts.page", selesai=f"Akun {typed['name']} dibuat."))


def _account(name: str) -> dict | None:
    return next((u for u in list_users(get_db()) if u["name"] == name), None)


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
    admin = _manager()
    if not _manages(admin, _account(name)):
        abort(403, "Akun ini di luar wewenang Anda.")
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
    if not _manages(_manager(), _account(name)):
        abort(403, "Akun ini di luar wewenang Anda.")
    form = request.form
    if form.get("password") != form.get("password2"):
        return _page(errors={f"reset-{name}": "Kedua kata sandi tidak sama."}, status=400)
    try:
        set_password(get_db(), name, form.get("password") or "")
    except AccountError as exc:
        return _page(errors={f"reset-{name}": str(exc)[:1].upper() + str(exc)[1:] + "."}, status=400)
    return redirect(url_for("accounts.page", selesai=f"Kata sandi {name} diganti; sesi lamanya berakhir."))
