"""Files kept with the site under DATA_DIR: `media/` is public (photos, served at /media/<path>);
`dokumen/` holds documents that only the staff concerned may open (signed replication
agreements, implementation evidence), served by the views that check who asks. Uploaded PDFs
are checked before they are kept: a size limit, a PDF header, and pages pypdf can read."""
from __future__ import annotations

import hashlib
import io
from pathlib import Path

MEDIA = "media"          # public
DOCUMENTS = "dokumen"    # staff of the parties only
MAX_DOCUMENT_MB = 10
MAX_PHOTO_MB = 10
MAX_PHOTO_PIXELS = 40_000_000        # 40 megapixels: more is refused before it is decoded
PHOTO_SIDE = 2000                    # the stored photo's longest side, in pixels
THUMB_SIDE = 400
PHOTO_FORMATS = ("JPEG", "PNG", "WEBP")


class DocumentError(ValueError):
    """An upload that cannot be kept; the message says why, in Indonesian."""


def media_dir(config) -> Path:
    return Path(config["DATA_DIR"]) / MEDIA


def documents_dir(config) -> Path:
    return Path(config["DATA_DIR"]) / DOCUMENTS


def checked_pdf(data: bytes, what: str) -> None:
    """Refuse what is not a readable PDF of at most MAX_DOCUMENT_MB; `what` names it."""
    if not data:
        raise DocumentError(f"{what}: pilih berkas PDF")
    if len(data) > MAX_DOCUMENT_MB * 1024 * 1024:
        raise DocumentError(f"{what}: berkas lebih dari {MAX_DOCUMENT_MB} MB")
    if not data.lstrip()[:5] == b"%PDF-":
        raise DocumentError(f"{what}: bukan berkas PDF")
    from pypdf import PdfReader            # loaded when a PDF arrives, not at start
    from pypdf.errors import PdfReadError
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise DocumentError(f"{what}: PDF terkunci kata sandi; unggah salinan tanpa kata sandi")
        if len(reader.pages) < 1:
            raise DocumentError(f"{what}: PDF tanpa halaman")
        active = _active_content(reader)
        if active:
            raise DocumentError(f"{what}: PDF berisi {active}; unggah PDF biasa (cetak ulang sebagai PDF)")
    except DocumentError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise DocumentError(f"{what}: PDF rusak atau tidak dapat dibaca ({type(exc).__name__})") from None


ACTIVE_KEYS = {"/JS": "JavaScript", "/JavaScript": "JavaScript", "/EmbeddedFiles": "berkas sisipan",
               "/EF": "berkas sisipan", "/Launch": "perintah menjalankan program"}
ACTIVE_TYPES = {"/JavaScript": "JavaScript", "/Launch": "perintah menjalankan program",
                "/EmbeddedFile": "berkas sisipan", "/RichMedia": "media aktif"}


def _active_content(reader) -> str | None:
    """What in the PDF could act when it is opened (scripts, launch actions, embedded files),
    looked for in every object, those packed in object streams included; None when nothing."""
    numbers = {number for table in reader.xref.values() for number in table} | set(reader.xref_objStm)
    for number in sorted(numbers):
        try:
            found = reader.get_object(number)
        except Exception:         # an object that does not parse is pypdf's to skip, not a script
            continue
        if not hasattr(found, "keys"):
            continue
        for name in found.keys():
            if name in ACTIVE_KEYS:
                return ACTIVE_KEYS[name]
        for name in ("/S", "/Type", "/Subtype"):
            if str(found.get(name, "")) in ACTIVE_TYPES:
                return ACTIVE_TYPES[str(found.get(name))]
    return None


def store_photo(config, folder: str, data: bytes, what: str) -> dict:
    """Check a photo by its content (JPEG, PNG or WebP, whatever its name says), decode it
    whole, and keep a re-encoded JPEG (at most PHOTO_SIDE pixels a side) and a thumbnail under
    dokumen/<folder>/, named by the digest of what is kept; nothing of the uploaded bytes
    survives but the picture (a script appended to an image is gone). Answers {"name",
    "thumb", "width", "height"} with paths relative to dokumen/."""
    from PIL import Image, UnidentifiedImageError     # loaded when a photo arrives, not at start

    if not data:
        raise DocumentError(f"{what}: pilih berkas foto")
    if len(data) > MAX_PHOTO_MB * 1024 * 1024:
        raise DocumentError(f"{what}: berkas lebih dari {MAX_PHOTO_MB} MB")
    try:
        with Image.open(io.BytesIO(data), formats=PHOTO_FORMATS) as image:
            width, height = image.size
            if width * height > MAX_PHOTO_PIXELS:
                raise DocumentError(f"{what}: gambar {width} x {height} piksel, lebih dari "
                                    f"{MAX_PHOTO_PIXELS // 1_000_000} megapiksel")
            image.load()
            picture = image.convert("RGBA") if image.mode in ("P", "LA", "RGBA", "PA") else image.convert("RGB")
    except DocumentError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError) as exc:
        reason = f"gambar lebih dari {MAX_PHOTO_PIXELS // 1_000_000} megapiksel" \
            if isinstance(exc, Image.DecompressionBombError) else "bukan foto JPEG, PNG atau WebP"
        raise DocumentError(f"{what}: {reason}") from None
    except (OSError, ValueError, SyntaxError) as exc:
        raise DocumentError(f"{what}: foto rusak atau tidak lengkap ({type(exc).__name__})") from None
    if picture.mode == "RGBA":             # transparent parts on white
        flat = Image.new("RGB", picture.size, "white")
        flat.paste(picture, mask=picture.getchannel("A"))
        picture = flat
    picture.thumbnail((PHOTO_SIDE, PHOTO_SIDE))
    kept = io.BytesIO()
    picture.save(kept, "JPEG", quality=85, optimize=True)
    thumb = picture.copy()
    thumb.thumbnail((THUMB_SIDE, THUMB_SIDE))
    small = io.BytesIO()
    thumb.save(small, "JPEG", quality=80)
    digest = hashlib.sha256(kept.getvalue()).hexdigest()[:16]
    target = documents_dir(config) / folder
    target.mkdir(parents=True, exist_ok=True)
    for name, body in ((f"{digest}.jpg", kept.getvalue()), (f"{digest}-kecil.jpg", small.getvalue())):
        part = target / (name + ".part")
        part.write_bytes(body)
        part.replace(target / name)
    return {"name": f"{folder}/{digest}.jpg", "thumb": f"{folder}/{digest}-kecil.jpg",
            "width": picture.width, "height": picture.height}


def publish_file(config, relative: str, folder: str) -> str:
    """Copy a kept file (relative to dokumen/) into the public media/<folder>/; answers the
    path a record's `photos` names (media/<folder>/<file>)."""
    source = document_path(config, relative)
    if source is None:
        raise DocumentError(f"berkas {relative} tidak ada lagi")
    target = media_dir(config) / folder / source.name
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists():
        part = target.with_suffix(target.suffix + ".part")
        part.write_bytes(source.read_bytes())
        part.replace(target)
    return f"{MEDIA}/{folder}/{source.name}"


def store_document(config, folder: str, stem: str, data: bytes, what: str) -> str:
    """Check and keep a PDF under dokumen/<folder>/; answers its path relative to dokumen/.
    The name carries the content's digest, so a file is never overwritten by another."""
    checked_pdf(data, what)
    name = f"{stem}-{hashlib.sha256(data).hexdigest()[:12]}.pdf"
    target = documents_dir(config) / folder / name
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_suffix(".part")
    temporary.write_bytes(data)
    temporary.replace(target)
    return f"{folder}/{name}"


def document_path(config, relative: str) -> Path | None:
    """The stored document's file, when `relative` names one inside dokumen/."""
    base = documents_dir(config).resolve()
    path = (base / relative).resolve()
    return path if path.is_relative_to(base) and path.is_file() else None
