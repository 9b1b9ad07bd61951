"""Opening an uploaded file as CSV text, with a clear refusal for what is not (pure).

A spreadsheet renamed ``.csv``, a file that is not UTF-8 and an empty file are refused with a
sentence a person can act on; nothing here raises anything else for bad bytes."""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from typing import BinaryIO


class FileRefused(Exception):
    """The file cannot be read as CSV at all (no row is looked at)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
DELIMITERS = (",", ";", "\t")
NOT_UTF8 = (
    "The file is not UTF-8 text (an undecodable byte 0x{byte:02x} on line {line}). Save it "
    "from the spreadsheet as 'CSV UTF-8' and upload it again."
)


def sniff_binary(head: bytes) -> None:
    """Refuse a workbook or another binary file by its first bytes."""
    if not head.strip():
        raise FileRefused("The file is empty.")
    if head.startswith(ZIP_MAGIC):
        raise FileRefused(
            "This is an Excel workbook (XLSX) or another zip file, not CSV, whatever its name "
            "says. Open it in the spreadsheet and save it as 'CSV UTF-8'."
        )
    if head.startswith(OLE_MAGIC):
        raise FileRefused(
            "This is an old Excel workbook (XLS), not CSV. Save it as 'CSV UTF-8' instead."
        )
    if b"\x00" in head[:4096]:
        raise FileRefused(
            "The file holds binary data (or UTF-16 text), not UTF-8 CSV. Save it as 'CSV UTF-8'."
        )


class _Utf8Lines:
    """Decode a byte stream line by line, naming the line of a bad byte."""

    def __init__(self, raw: BinaryIO) -> None:
        self.raw = raw
        self.decoder = codecs.getincrementaldecoder("utf-8-sig")(errors="strict")
        self.line = 0

    def __iter__(self) -> Iterator[str]:
        for chunk in self.raw:
            self.line += 1
            try:
                yield self.decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                raise FileRefused(NOT_UTF8.format(byte=chunk[exc.start], line=self.line)) from None
        try:
            tail = self.decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            raise FileRefused(NOT_UTF8.format(byte=0, line=self.line)) from None
        if tail:
            yield tail


def csv_rows(raw: BinaryIO) -> Iterator[list[str]]:
    """The CSV rows of ``raw`` (comma, semicolon or tab separated, found from the header)."""
    head = raw.read(8192)
    sniff_binary(head)
    raw.seek(0)
    lines = iter(_Utf8Lines(raw))
    try:
        first = next(lines)
    except StopIteration:
        raise FileRefused("The file is empty.") from None
    delimiter = max(DELIMITERS, key=first.count)
    if first.count(delimiter) == 0:
        delimiter = ","

    def chained() -> Iterator[str]:
        yield first
        yield from lines

    yield from csv.reader(chained(), delimiter=delimiter)


def bytes_stream(data: bytes) -> BinaryIO:
    return io.BytesIO(data)
