"""Copy a scenario to a folder the user can edit, or start a derived one (base + overrides)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from .errors import ScenarioError
from .loader import load_scenario, resolve
from .tables import read_toml

DERIVED_TEMPLATE = """\
# A scenario derived from {base!r}: it inherits everything and changes only what is below.
# Any model section given here (e.g. [site_categories]) replaces the base's section whole;
# tables named under [tables] replace the base's tables; [overrides] patches single values.
schema_version = 1

[scenario]
name = "{name}"
title_zh = "{title_zh}（派生）"
title_en = "{title_en} (derived)"
base = "{base}"

[overrides]
# Examples (remove the leading '#'):
# "staff.500101.district_certified" = 500
# "vehicle_kinds.rented_rescue.mobilisation" = {{ kind = "lognormal", mean_min = 60, cv = 0.5 }}
# "incident_types.landslide.monthly_factor" = [0.2, 0.2, 0.4, 0.8, 2, 3, 4, 3, 2, 0.4, 0.1, 0.1]
"""


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
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())) and not force:
        raise ScenarioError(
            f"{dest}: already exists and is not empty; choose a new folder or use --force"
        )
    meta = read_toml(manifest).get("scenario", {})
    dest.mkdir(parents=True, exist_ok=True)
    if derive:
        base = str(source) if not Path(source).exists() else str(manifest.parent.resolve())
        text = DERIVED_TEMPLATE.format(
            base=base,
            name=_ident(dest.name),
            title_zh=meta.get("title_zh", dest.name),
            title_en=meta.get("title_en", dest.name),
        )
        (dest / "scenario.toml").write_text(text, encoding="utf-8")
    else:
        for f in manifest.parent.iterdir():
            if f.is_file() and not f.name.startswith((".", "__")) and f.suffix != ".py":
                shutil.copy2(f, dest / f.name)
    new_manifest = dest / "scenario.toml"
    load_scenario(new_manifest)  # raises ScenarioError if the copy cannot stand on its own
    return new_manifest
