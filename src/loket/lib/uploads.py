"""Is an uploaded file what its name says? Office documents must be real packages, text must
be text. Used by ``loket.cases.uploads.check_upload``, the one check every upload passes (Mijn
Loket, the workbench, the API, online forms).

A ``.docx`` or ``.odt`` is a zip file, but not every zip file is one: the package must hold the
parts its format requires. The zip is only read from its central directory and, for the one
small part we look into, with a bounded read, so a "zip bomb" (a small file that unpacks to
gigabytes) is refused by the sizes it declares before anything is unpacked.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from typing import IO

from django.utils.translation import gettext as _

# What a package may unpack to, in all, and how many parts it may have.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_PARTS = 5_000
# Parts we read to check the type are small; anything bigger is not a real one.
MAX_MANIFEST_BYTES = 1024 * 1024


class NotWhatItSays(ValueError):  # noqa: N818 - reads as the reason
    """The file's contents do not match its type; the message says so for people."""


@dataclass(frozen=True)
class Package:
    """The parts a package of one format must have, and the content type its manifest names."""

    label: str  # for messages: "Word document (.docx)"
    manifest: str  # the part that lists what the package is
    main_part: str  # the part that holds the document itself
    main_type: str  # must appear in the manifest


PACKAGES = {
    # ECMA-376 Part 2 (Open Packaging Conventions): [Content_Types].xml and the main part.
    "docx": Package(
        "Word (.docx)",
        "[Content_Types].xml",
        "word/document.xml",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    ),
    # OASIS ODF 1.2 part 3, 3.3: a first part "mimetype" holding the media type.
    "odt": Package(
        "OpenDocument (.odt)",
        "mimetype",
        "content.xml",
        "application/vnd.oasis.opendocument.text",
    ),
}


def check_package(handle: IO[bytes], extension: str) -> None:
    """Refuse (``NotWhatItSays``) a file that is not a real package of ``extension``."""
    kind = PACKAGES[extension]
    not_real = _(
        "This file is not a real %(kind)s file, although its name says so. Save it again "
        "in your word processor, or send a PDF."
    ) % {"kind": kind.label}
    try:
        archive = zipfile.ZipFile(handle)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise NotWhatItSays(not_real) from None
    with archive:
        parts = archive.infolist()
        if len(parts) > MAX_PARTS or sum(part.file_size for part in parts) > MAX_UNPACKED_BYTES:
            raise NotWhatItSays(
                _("This file unpacks to more than %(mb)s MB. Send a smaller file or a PDF.")
                % {"mb": MAX_UNPACKED_BYTES // (1024 * 1024)}
            )
        names = {part.filename: part for part in parts}
        manifest = names.get(kind.manifest)
        if manifest is None or kind.main_part not in names:
            raise NotWhatItSays(not_real)
        if manifest.file_size > MAX_MANIFEST_BYTES or manifest.flag_bits & 0x1:
            raise NotWhatItSays(not_real)
        try:
            with archive.open(manifest) as part:
                listed = part.read(MAX_MANIFEST_BYTES + 1)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
            raise NotWhatItSays(not_real) from None
        if len(listed) > MAX_MANIFEST_BYTES or kind.main_type.encode() not in listed:
            raise NotWhatItSays(not_real)


def check_text(handle: IO[bytes]) -> None:
    """Refuse a ``.txt`` that is not UTF-8 text (a byte-order mark is fine) or holds NUL bytes:
    a program or an image renamed to .txt."""
    data = handle.read()
    not_text = _(
        "This file is not plain text (UTF-8), although its name ends in .txt. Save it as "
        "UTF-8 text, or send a PDF."
    )
    if b"\x00" in data:
        raise NotWhatItSays(not_text)
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise NotWhatItSays(not_text) from None
