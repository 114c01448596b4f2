"""Staff accounts: creation, password checks with limited attempts, and what each role may touch.

Roles, least privilege first:
  agency_editor  the records of one agency (its canonical name, as in `kms export`)
  hub_operator   the records of one hub (an active source from it) or of one province
  admin          everything, including campaigns of any scope
  innovator      no record: their own submissions (/ajukan) to one hub, for one agency (and unit);
                 made by an admin or by an operator of that hub
  panelist       no record: scores the entries of the hub's competitions they are named to,
                 never their own agency's; made like innovators
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from werkzeug.security import check_password_hash, generate_password_hash

from indexer.agencies import normalize_agency, unit_key
from indexer.textnorm import key
from kms.records import hubs_of
from kms.schema import REGION_GOVERNMENT_TYPES, ROLES, STAFF_ROLES

MIN_PASSWORD = 10
MAX_FAILURES_PER_PAIR = 5      # one account from one address: then a pause that doubles
MAX_FAILURES_PER_NAME = 50     # one account from anywhere (guessing spread over many addresses)
MAX_FAILURES_PER_IP = 100      # one address, any accounts (a NAT may hide many honest people)
ATTEMPT_WINDOW = dt.timedelta(minutes=15)
MAX_PAUSE = dt.timedelta(hours=1)


# Words a password must not be built on (with digits or symbols around them), folded.
COMMON_WORDS = frozenset("""
password passw0rd pass sandi katasandi rahasia admin administrator root user login masuk
welcome letmein iloveyou sayang cinta qwerty qwertyuiop asdfgh asdfghjkl zxcvbn abc abcd abcdef
indonesia jakarta bandung surabaya makassar garuda merdeka bismillah alhamdulillah
inovasi pelayanan pemerintah kementerian dinas kantor sekretariat hub jipp kms
monkey dragon master shadow sunshine football baseball princess superman batman trustno
""".split())
_LEET = str.maketrans("0134579@$", "oieastgas")
PASSWORD_METHOD = "scrypt"      # werkzeug's memory-hard default, named so a test can check it
_DUMMY_HASH = generate_password_hash("a password no account has", method=PASSWORD_METHOD)   # unknown names cost the same


def password_problem(name: str, password: str) -> str | None:
    """Why this password is refused for this account, or None: at least MIN_PASSWORD
    characters, not built on the account name or a common word, not one character repeated,
    not a run along the keyboard or the alphabet, not digits only."""
    password = password or ""
    if len(password) < MIN_PASSWORD:
        return f"kata sandi minimal {MIN_PASSWORD} karakter"
    folded = password.lower()
    core = "".join(c for c in folded if c.isalpha())
    leet = "".join(c for c in folded.rstrip("0123456789!.?-_ ").translate(_LEET) if c.isalpha())
    if name and len(name) >= 3 and name.lower() in folded:
        return "kata sandi tidak boleh memuat nama akun"
    if folded.isdigit():
        return "kata sandi tidak boleh hanya angka"
    if len(set(folded)) <= 2:
        return "kata sandi terlalu mudah ditebak (karakter berulang)"
    if core in COMMON_WORDS or leet in COMMON_WORDS or _repeated_common(core):   # digits, symbols around
        return "kata sandi terlalu umum; pakai beberapa kata yang tidak berkaitan"
    for run in ("abcdefghijklmnopqrstuvwxyz", "qwertyuiopasdfghjklzxcvbnm", "01234567890",
                "1q2w3e4r5t6y7u8i9o0p"):
        if folded in run or folded in run[::-1]:
            return "kata sandi terlalu mudah ditebak (urutan papan ketik)"
    return None


def _repeated_common(letters: str) -> bool:
    return any(letters and len(letters) % len(w) == 0 and w * (len(letters) // len(w)) == letters
               for w in COMMON_WORDS)


class AccountError(ValueError):
    """A request about accounts that cannot be met; the message is shown to the person."""


class TooManyAttempts(AccountError):
    pass


@dataclass(frozen=True)
class User:
    id: int
    name: str
    role: str
    hub: str | None = None
    province: str | None = None
    agency: str | None = None
    session_version: int = 0
    unit: str | None = None           # an agency editor kept to one unit of the agency

    @property
    def scope_label(self) -> str:
        if self.role == "admin":
            return "semua data"
        if self.hub:
            return f"hub {self.hub}"
        if self.role == "innovator":
            return f"ajuan ke hub {self.hub} untuk {self.agency}" + (f", unit {self.unit}" if self.unit else "")
        if self.role == "panelist":
            return f"panelis kompetisi hub {self.hub} (dari {self.agency})"
        if self.province:
            return f"provinsi {self.province}"
        return f"instansi {self.agency}" + (f", unit {self.unit}" if self.unit else "")

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    def can_manage_campaigns(self) -> bool:
        return self.role in ("admin", "hub_operator")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


def create_user(db, name: str, role: str, password: str, hub: str | None = None,
                province: str | None = None, agency: str | None = None, unit: str | None = None) -> User:
    """A new account; raises AccountError naming the problem."""
    name = (name or "").strip()
    if not name or len(name) > 80 or any(c.isspace() for c in name):
        raise AccountError("nama akun: 1-80 karakter tanpa spasi")
    if role not in ROLES:
        raise AccountError(f"peran harus salah satu dari {', '.join(ROLES)}")
    scopes = [s for s in (hub, province, agency) if s]
    if role == "admin" and scopes:
        raise AccountError("admin tidak dibatasi hub, provinsi atau instansi")
    if role == "hub_operator" and (agency or bool(hub) == bool(province)):
        raise AccountError("hub_operator perlu tepat satu dari --hub atau --province")
    if role == "agency_editor" and (hub or province or not agency):
        raise AccountError("agency_editor perlu --agency (nama instansi kanonis)")
    if role in ("innovator", "panelist") and (province or not hub or not agency):
        raise AccountError(f"akun {'inovator' if role == 'innovator' else 'panelis'} perlu hub "
                           f"({'tujuan ajuannya' if role == 'innovator' else 'yang kompetisinya dinilai'}) dan instansinya "
                           "(di baris perintah: --hub dan --agency)")
    if unit and role not in ("agency_editor", "innovator", "panelist"):
        raise AccountError("--unit hanya untuk agency_editor, innovator atau panelist")
    if province and not province.replace(".", "").isdigit():
        raise AccountError("--province harus kode Kemendagri, misalnya 73")
    problem = password_problem(name, password)
    if problem:
        raise AccountError(problem)
    if list(db.query("SELECT 1 FROM users WHERE name = ?", [name])):
        raise AccountError(f"akun '{name}' sudah ada")
    with db.conn:
        db["users"].insert({"name": name, "password_hash": generate_password_hash(password, method=PASSWORD_METHOD),
                            "role": role, "hub": hub, "province": province,
                            "agency": agency.strip() if agency else None,
                            "unit": unit.strip() if unit else None,
                            "created_at": _now().isoformat()})
    return get_user(db, name)


def get_user(db, name: str) -> User | None:
    rows = list(db.query("SELECT * FROM users WHERE name = ? AND disabled_at IS NULL", [name]))
    if not rows:
        return None
    row = rows[0]
    return User(row["id"], row["name"], row["role"], row["hub"], row["province"], row["agency"],
                row.get("session_version") or 0, row.get("unit"))


def rename_agency_scope(db, old: str, new: str) -> int:
    """Accounts scoped to agency `old` (compared folded) now scoped to `new`; how many."""
    names = [row["name"] for row in db.query("SELECT name, agency FROM users WHERE agency IS NOT NULL")
             if key(row["agency"]) == key(old)]
    with db.conn:
        for name in names:
            db.execute("UPDATE users SET agency = ? WHERE name = ?", [new, name])
    return len(names)


def end_sessions(db, name: str) -> None:
    """Every session of this account ends at its next request (sign-out, new password)."""
    with db.conn:
        db.execute("UPDATE users SET session_version = session_version + 1 WHERE name = ?", [name])


def authenticate(db, name: str, password: str, ip: str) -> User:
    """The account if the password is right. Every attempt is recorded; no password is
    checked while the account is paused for this address (5 failures, then a pause doubling
    with each further failure), or after 50 failures for the account from anywhere or 100
    from the address within 15 minutes."""
    now = _now()
    since = (now - ATTEMPT_WINDOW).isoformat()
    by_name = db.execute("SELECT COUNT(*) FROM login_attempts WHERE name = ? AND ok = 0 AND at >= ?",
                         [name, since]).fetchone()[0]
    by_ip = db.execute("SELECT COUNT(*) FROM login_attempts WHERE ip = ? AND ok = 0 AND at >= ?",
                       [ip, since]).fetchone()[0]
    if by_name >= MAX_FAILURES_PER_NAME or by_ip >= MAX_FAILURES_PER_IP:
        raise TooManyAttempts("terlalu banyak percobaan gagal; coba lagi dalam 15 menit")
    pause = _pause(db, name, ip, now)
    if pause:
        minutes = max(1, round(pause.total_seconds() / 60))
        raise TooManyAttempts(f"terlalu banyak percobaan gagal; coba lagi dalam {minutes} menit")
    rows = list(db.query("SELECT * FROM users WHERE name = ? AND disabled_at IS NULL", [name]))
    # an unknown name is checked against a dummy hash: both answers take as long
    ok = check_password_hash(rows[0]["password_hash"] if rows else _DUMMY_HASH, password or "") and bool(rows)
    with db.conn:
        db["login_attempts"].insert({"name": name[:80], "ip": ip, "at": now.isoformat(), "ok": int(ok)})
    if not ok:
        raise AccountError("nama akun atau kata sandi salah")
    return get_user(db, name)


def _pause(db, name: str, ip: str, now: dt.datetime) -> dt.timedelta | None:
    """How long this account stays closed to this address: after MAX_FAILURES_PER_PAIR
    failures since the last success, a pause from the last failure that doubles with each
    further one (1, 2, 4 ... minutes, at most MAX_PAUSE); None when it is open."""
    last_ok = db.execute("SELECT MAX(at) FROM login_attempts WHERE name = ? AND ip = ? AND ok = 1",
                         [name, ip]).fetchone()[0] or ""
    failures = db.execute("SELECT COUNT(*), MAX(at) FROM login_attempts WHERE name = ? AND ip = ? AND ok = 0 "
                          "AND at > ? AND at >= ?", [name, ip, last_ok,
                                                     (now - MAX_PAUSE).isoformat()]).fetchone()
    count, last = failures
    if count < MAX_FAILURES_PER_PAIR or not last:
        return None
    pause = min(MAX_PAUSE, dt.timedelta(minutes=2 ** (count - MAX_FAILURES_PER_PAIR)))
    left = dt.datetime.fromisoformat(last) + pause - now
    return left if left.total_seconds() > 0 else None


def in_scope(user: User, record: dict, hubs: set[str] | None = None) -> bool:
    """Whether this account may see the record's gaps and edit it. `hubs`: the record's
    active hubs (needed for hub operators scoped by hub)."""
    if user.role == "admin":
        return True
    if user.role == "hub_operator":
        if user.hub:
            return user.hub in (hubs or set())
        code = record.get("province_code") or ""
        return bool(code) and (code == user.province or code.startswith(user.province + "."))
    if user.role == "agency_editor":
        same = bool(record.get("agency")) and key(record["agency"]) == key(user.agency or "")
        return same and (not user.unit or unit_key(record.get("unit")) == unit_key(user.unit))
    return False


def agency_scope(typed: str, unit: str | None = None) -> tuple[str, str | None]:
    """The canonical agency (and unit) for what was typed, as the ingest would store it; an
    agency the normalizer does not know, or a unit without its region, is refused (the rule of
    `kms user add --agency` and of the account pages)."""
    found = normalize_agency(typed)
    if found is None or not found.known or (found.unit and not found.region_code
                                            and found.type in REGION_GOVERNMENT_TYPES):
        raise AccountError(f"instansi '{typed}' tidak dikenali sebagai satu instansi; tulis nama lengkapnya "
                           "dengan wilayahnya (mis. 'Pemerintah Kabupaten Sinjai' atau "
                           "'Dinas Kesehatan Kabupaten Sinjai')")
    return found.name, (unit or found.unit or None)


def can_edit(db, user: User | None, record: dict) -> bool:
    return user is not None and in_scope(user, record, hubs_of(db, record["id"]))


def list_users(db) -> list[dict]:
    """Every account (no password hashes), active first."""
    return [{k: row.get(k) for k in ("name", "role", "hub", "province", "agency", "unit", "created_at",
                                     "disabled_at")}
            for row in db.query("SELECT * FROM users ORDER BY disabled_at IS NOT NULL, name")]


def set_password(db, name: str, password: str) -> None:
    problem = password_problem(name, password)
    if problem:
        raise AccountError(problem)
    if get_user(db, name) is None:
        raise AccountError(f"tidak ada akun aktif bernama '{name}'")
    with db.conn:
        db.execute("UPDATE users SET password_hash = ?, session_version = session_version + 1 WHERE name = ?",
                   [generate_password_hash(password, method=PASSWORD_METHOD), name])


def disable_user(db, name: str) -> None:
    """The account can no longer sign in; its sessions end at their next request."""
    if get_user(db, name) is None:
        raise AccountError(f"tidak ada akun aktif bernama '{name}'")
    with db.conn:
        db.execute("UPDATE users SET disabled_at = ?, session_version = session_version + 1 WHERE name = ?",
                   [_now().isoformat(), name])
