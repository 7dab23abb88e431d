"""What the backup tests share: a media file to carry, and the two commands run in-process."""

from __future__ import annotations

import io
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command

# A folder no other test writes to: the storage is per process, and a file another test left
# under the same name would make `save()` pick another name and the checks read the old file.
MEDIA_NAME = "sauvegarde-essai/rapport-2020.pdf"
MEDIA_BYTES = b"%PDF-1.4 rapport d'activite 2020\n" * 50


def put_media(content: bytes) -> None:
    """Write MEDIA_NAME with CONTENT, replacing whatever is there under that exact name."""
    default_storage.delete(MEDIA_NAME)
    assert default_storage.save(MEDIA_NAME, ContentFile(content)) == MEDIA_NAME


def run_backup(output: Path) -> tuple[Path, str]:
    """`manage.py backup --output OUTPUT`: the one archive it wrote, and what it printed."""
    out = io.StringIO()
    call_command("backup", "--output", str(output), stdout=out)
    archives = sorted(output.glob("portail-*.tar.gz"))
    assert len(archives) == 1
    return archives[0], out.getvalue()


def run_restore(archive: Path, *args: str) -> str:
    """`manage.py restore ARCHIVE ARGS`: what it printed."""
    out = io.StringIO()
    call_command("restore", str(archive), *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()
