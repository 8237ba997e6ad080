"""Zip archives from outside (XLSX workbooks are zips) read within limits: a few kilobytes can
unzip to gigabytes (a zip bomb), and a damaged archive raises half a dozen kinds of exception.

``check_zip`` unzips every member once, counting what comes out (never trusting the sizes the
archive declares), and turns every way of failing into an ``OpenARError`` a person can act on.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from pathlib import Path

from openar.core.errors import ValidationError

_CHUNK = 1024 * 1024
# Below this many unzipped bytes a member is never a bomb, whatever its ratio (tiny XML parts
# of a workbook compress 50 times and more).
RATIO_FROM = 1024 * 1024
# What a damaged archive raises while it is read: a bad header, a bad deflate stream, a wrong
# CRC, a truncated member, an unknown compression method.
DAMAGED = (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, KeyError)


class ArchiveError(ValidationError):
    default_code = "bad_file"


def xlsx_limits() -> tuple[int, int]:
    from django.conf import settings

    return (
        int(getattr(settings, "OPENAR_XLSX_MAX_BYTES", 500 * 1024 * 1024)),
        int(getattr(settings, "OPENAR_XLSX_MAX_RATIO", 200)),
    )


def check_zip(
    source: Path | bytes,
    *,
    name: str,
    max_bytes: int,
    max_ratio: int,
    setting: str = "OPENAR_XLSX",
    max_members: int = 10_000,
) -> None:
    """Raise ``ArchiveError`` unless every member of the zip unzips, all together to at most
    ``max_bytes`` and each (above 1 MiB) to at most ``max_ratio`` times its compressed size."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source)
    except DAMAGED as exc:
        raise ArchiveError(f"{name}: damaged zip archive ({exc})", field="file") from None
    total = 0
    with archive:
        infos = [info for info in archive.infolist() if not info.is_dir()]
        if len(infos) > max_members:
            raise ArchiveError(
                f"{name}: the archive holds {len(infos)} files; at most {max_members} are read",
                code="too_large",
                field="file",
            )
        for info in infos:
            size = 0
            try:
                with archive.open(info) as stream:
                    while chunk := stream.read(_CHUNK):
                        size += len(chunk)
                        total += len(chunk)
                        if total > max_bytes:
                            raise ArchiveError(
                                f"{name}: unzipped, the file is larger than {max_bytes} bytes "
                                f"(setting {setting}_MAX_BYTES); nothing is read",
                                code="too_large",
                                field="file",
                            )
                        if size > RATIO_FROM and size > max_ratio * max(info.compress_size, 1):
                            raise ArchiveError(
                                f"{name}: part {info.filename} unzips to more than {max_ratio} "
                                f"times its compressed size (a zip bomb?; setting "
                                f"{setting}_MAX_RATIO); nothing is read",
                                code="too_large",
                                field="file",
                            )
            except DAMAGED as exc:
                raise ArchiveError(
                    f"{name}: damaged zip archive, part {info.filename} ({exc or type(exc)})",
                    field="file",
                ) from None
