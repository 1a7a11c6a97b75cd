"""Scenario bundles on disk: copy a scenario to a folder the user can edit, start a derived one
(base + overrides), and write derived manifests — always with a TOML writer (tomli-w), so any
title, path or value is escaped correctly."""

from __future__ import annotations

import io
import re
import shutil
import zipfile
import zlib
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import Any

import tomli_w

from .errors import ScenarioError
from .loader import load_scenario, resolve
from .scenario import Scenario
from .tables import read_toml

DERIVED_HEADER = """\
# A scenario derived from its base: it inherits everything and changes only what is below.
# Any model section given here (e.g. [site_categories]) replaces the base's section whole;
# tables named under [tables] replace the base's table; [overrides] patches single values.
"""
OVERRIDE_EXAMPLES = """\
# Examples (remove the leading '#'):
# "staff.500101.district_certified" = 500
# "vehicle_kinds.rented_rescue.mobilisation" = { kind = "lognormal", mean_min = 60, cv = 0.5 }
# "incident_types.landslide.monthly_factor" = [0.2, 0.2, 0.4, 0.8, 2, 3, 4, 3, 2, 0.4, 0.1, 0.1]
"""


def derived_manifest(
    name: str,
    title_zh: str,
    title_en: str,
    base: str,
    overrides: Mapping[str, Any] | None = None,
    sections: Mapping[str, Any] | None = None,
    *,
    examples: bool = False,
) -> str:
    """The text of a manifest naming ``base`` with ``overrides`` by dotted path (and whole
    ``sections`` such as ``tables`` or ``travel``), written with tomli-w."""
    doc: dict[str, Any] = {
        "schema_version": 1,
        "scenario": {"name": name, "title_zh": title_zh, "title_en": title_en, "base": base},
        **dict(sections or {}),
        "overrides": dict(sorted((overrides or {}).items())),
    }
    text = DERIVED_HEADER + "\n" + tomli_w.dumps(doc)
    return text + (OVERRIDE_EXAMPLES if examples else "")


def _ident(text: str) -> str:
    name = re.sub(r"[^a-z0-9_]+", "_", text.lower()).strip("_")
    return name if name and name[0].isalpha() else f"s_{name or 'scenario'}"


def new_scenario(source: str | Path, dest: Path, derive: bool = False, force: bool = False) -> Path:
    """Create ``dest`` from ``source``: a full editable copy, or a derived manifest.

    Returns the new manifest's path. Raises :class:`ScenarioError` if ``dest`` holds files and
    ``force`` is false (nothing the user saved is overwritten), or if the result does not load.
    """
    manifest = resolve(source)
    dest = Path(dest)
    if dest.exists() and not dest.is_dir():
        raise ScenarioError(
            f"{dest}: is a file, not a folder; choose a folder for the new scenario (--force "
            "replaces files in a folder, never a file by a folder)"
        )
    if dest.exists() and any(dest.iterdir()) and not force:
        raise ScenarioError(
            f"{dest}: already exists and is not empty; choose a new folder or use --force"
        )
    meta = read_toml(manifest).get("scenario", {})
    try:
        dest.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise ScenarioError(
            f"{dest}: cannot create the folder ({err.strerror or err}); choose a folder you "
            "can write to"
        ) from None
    if derive:
        base = str(source) if not Path(source).exists() else str(manifest.parent.resolve())
        text = derived_manifest(
            _ident(dest.name),
            f"{meta.get('title_zh', dest.name)}（派生）",
            f"{meta.get('title_en', dest.name)} (derived)",
            base,
            examples=True,
        )
        (dest / "scenario.toml").write_text(text, encoding="utf-8")
    else:
        for f in manifest.parent.iterdir():
            if f.is_file() and not f.name.startswith((".", "__")) and f.suffix != ".py":
                shutil.copy2(f, dest / f.name)
    new_manifest = dest / "scenario.toml"
    load_scenario(new_manifest)  # raises ScenarioError if the copy cannot stand on its own
    return new_manifest


MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_FILES = 50
ALLOWED = {".toml", ".csv", ".geojson", ".json", ".md", ".txt"}


def derived_bundle(base: str, s: Scenario, edits: Mapping[str, Any]) -> bytes:
    """A zip with ``scenario.toml`` = ``base`` + ``[overrides]`` (and the base folder when the
    base is an uploaded bundle rather than a built-in)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        base_ref = base
        if Path(base).exists():
            folder = Path(base) if Path(base).is_dir() else Path(base).parent
            for f in folder.iterdir():
                if f.is_file():
                    z.write(f, f"base/{f.name}")
            base_ref = "base"
        text = derived_manifest(
            f"{s.meta.name}_edited",
            s.meta.title_zh + "（修改）",
            s.meta.title_en + " (edited)",
            base_ref,
            edits,
        )
        z.writestr("scenario.toml", text)
    return buf.getvalue()


def extract_bundle(data: bytes, dest: Path) -> Path:
    """Unpack an uploaded zip safely into ``dest``; returns the folder with scenario.toml.

    Raises ScenarioError for a bundle that is too large, not a zip, holds unexpected files or
    paths outside the folder, or has no scenario.toml.
    """
    if len(data) > MAX_UPLOAD_BYTES:
        raise ScenarioError(
            f"the bundle is {len(data) / 2**20:.1f} MB; the limit is "
            f"{MAX_UPLOAD_BYTES / 2**20:.0f} MB"
        )
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as err:
        raise ScenarioError("the upload is not a zip file (bundle: TOML + CSV)") from err
    infos = [i for i in z.infolist() if not i.is_dir()]
    if len(infos) > MAX_FILES:
        raise ScenarioError(f"the bundle holds {len(infos)} files; at most {MAX_FILES}")
    if sum(i.file_size for i in infos) > 5 * MAX_UPLOAD_BYTES:
        raise ScenarioError("the bundle unpacks to more than 100 MB")
    for info in infos:
        p = PurePosixPath(info.filename)
        if p.is_absolute() or ".." in p.parts:
            raise ScenarioError(f"{_short(info.filename)}: paths must stay inside the bundle")
        if p.suffix.lower() not in ALLOWED:
            raise ScenarioError(f"{_short(info.filename)}: only {sorted(ALLOWED)} files are read")
        if len(info.filename) > 255 or any(len(part) > 100 for part in p.parts):
            raise ScenarioError(
                f"{_short(info.filename)}: names longer than 100 characters (or paths longer "
                "than 255) are not read"
            )
        target = dest / p
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(z.read(info))
        except (zipfile.BadZipFile, zlib.error, RuntimeError, NotImplementedError, EOFError) as err:
            raise ScenarioError(
                f"{_short(info.filename)}: the bundle is damaged or uses an unsupported zip "
                f"feature (encryption, an unusual compression): {err}; make the zip again"
            ) from None
        except OSError as err:
            raise ScenarioError(
                f"{_short(info.filename)}: cannot be unpacked ({err.strerror or err}); a file "
                "and a folder of the same name, or a name too long?"
            ) from None
    manifests = sorted(dest.rglob("scenario.toml"), key=lambda m: len(m.parts))
    if not manifests:
        raise ScenarioError("the bundle has no scenario.toml")
    top = [m for m in manifests if len(m.parts) == len(manifests[0].parts)]
    if len(top) > 1:
        names = ", ".join(str(m.relative_to(dest)) for m in top[:5])
        raise ScenarioError(
            f"the bundle holds {len(top)} scenario.toml at the same level ({names}); it must "
            "hold one scenario (its bases may sit in sub-folders)"
        )
    return manifests[0].parent


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
