"""Compile the French catalog when its .mo is missing or older than the .po.

`make test` compiles it first; this covers a bare `pytest` on a fresh clone (the .mo files are
not committed) or right after editing the .po, so French tests never run against stale words.
"""

from io import StringIO
from pathlib import Path

from django.conf import settings
from django.core.management import call_command


def compile_french_catalog_if_stale() -> None:
    po = Path(settings.BASE_DIR) / "locale" / "fr" / "LC_MESSAGES" / "django.po"
    mo = po.with_suffix(".mo")
    if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
        call_command(
            "compilemessages", locale=["fr"], ignore_patterns=[".venv"], verbosity=0, stdout=StringIO()
        )
