"""Copy a text file in any encoding to UTF-8 with LF line ends, in chunks: what DuckDB reads
when the file itself is cp1252, UTF-16, mixed or CR-ended (flows/intake/loading.py)."""

from __future__ import annotations

import codecs
from pathlib import Path

CHUNK = 1 << 22


def _latin1_fallback(error: UnicodeDecodeError) -> tuple[str, int]:
    return error.object[error.start:error.end].decode("latin-1"), error.end


codecs.register_error("leadpilot_latin1", _latin1_fallback)


def transcode(path: Path, encoding: str, target: Path, has_bom: bool = False) -> Path:
    """Copy a text file to UTF-8 with LF line ends, in chunks (bounded memory).

    `encoding` "utf-8-or-cp1252" decodes each line as UTF-8 and falls back to cp1252 for a
    line that is not, which rescues files pasted together from two sources. Bytes cp1252 does
    not define are read as latin-1, so no byte is ever lost. A byte-order mark is dropped,
    even in front of text that is not UTF-8 (a wrong declared encoding). CR and CRLF line
    ends become LF (DuckDB reads one kind of line end per file).

    Returns:
        `target`.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    with path.open("rb") as source, target.open("w", encoding="utf-8", newline="\n") as out:
        if has_bom and encoding in ("cp1252", "utf-8-or-cp1252"):
            source.read(len(codecs.BOM_UTF8))
        if encoding == "utf-8-or-cp1252":
            for line in source:
                try:
                    text = line.decode("utf-8")
                except UnicodeDecodeError:
                    text = line.decode("cp1252", errors="leadpilot_latin1")
                out.write(text.replace("\r\n", "\n"))
            return target
        decoder = codecs.getincrementaldecoder(encoding)(
            errors="leadpilot_latin1" if encoding == "cp1252" else "replace")
        pending_cr, first = False, True
        while chunk := source.read(CHUNK):
            text = decoder.decode(chunk)
            if first:
                text, first = text.lstrip("\ufeff"), False
            if pending_cr:
                text = "\r" + text
            pending_cr = text.endswith("\r")
            if pending_cr:
                text = text[:-1]
            out.write(text.replace("\r\n", "\n").replace("\r", "\n"))
        tail = decoder.decode(b"", final=True) + ("\r" if pending_cr else "")
        out.write(tail.replace("\r\n", "\n").replace("\r", "\n"))
    return target
