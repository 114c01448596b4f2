"""A record's photos as a page shows them: files stored with the site (DATA_DIR/media) and
photos on hosts the IMAGE_HOSTS setting lists are images; any other URL is a link only, never
loaded (a page must not make its visitors' browsers call unknown hosts)."""
from __future__ import annotations

from pathlib import PurePosixPath
from urllib.parse import quote, urlsplit

from kms.media import MEDIA, media_dir


def image_hosts(config) -> tuple[str, ...]:
    return tuple(h.strip().lower() for h in str(config.get("IMAGE_HOSTS") or "").split(",") if h.strip())


def local_path(value: str, config) -> str | None:
    """The media-relative path of a stored photo, if `value` names one that exists."""
    path = PurePosixPath(value.strip().lstrip("/"))
    if path.parts[:1] == (MEDIA,):
        path = PurePosixPath(*path.parts[1:]) if len(path.parts) > 1 else PurePosixPath()
    if not path.parts or ".." in path.parts or "\\" in value:
        return None
    return str(path) if (media_dir(config) / path).is_file() else None


def gallery(photos: list[str], config) -> list[dict]:
    """[{url, host, image}] in the record's order; `image`: the page may load it."""
    allowed = image_hosts(config)
    items = []
    for number, value in enumerate(photos, 1):
        value = str(value or "").strip()
        parts = urlsplit(value)
        if parts.scheme in ("http", "https") and parts.hostname:
            host = parts.hostname.lower()
            items.append({"url": value, "host": host, "image": parts.scheme == "https" and host in allowed,
                          "alt": f"Foto {number}"})
        elif local := local_path(value, config):
            items.append({"url": f"/{MEDIA}/{quote(local)}", "host": "", "image": True, "alt": f"Foto {number}"})
    return items
