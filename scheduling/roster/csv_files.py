"""Reading an uploaded CSV file into rows, for the roster's imports (agents, time clock,
productive time): one set of refusals in words, each a :class:`RowProblem` with its row and
column. Pure: no Django."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass


@dataclass(frozen=True)
class RowProblem:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"row {self.row}" if self.row else "the file"
        return (
            f"{where}, {self.column}: {self.message}" if self.column else f"{where}: {self.message}"
        )


def read_table(
    content: bytes,
    *,
    columns: tuple[str, ...],
    required: tuple[str, ...],
    what: str,
    max_rows: int,
    docs: str = "docs/roster.md",
) -> tuple[list[tuple[int, dict[str, str]]], list[RowProblem]]:
    """The file's rows by row number (2 is the first after the header), each as
    ``{column: value}``, or the problems that stop reading it: a spreadsheet, not UTF-8, not
    text, empty, unknown / missing / repeated columns, a row with too many values, more than
    ``max_rows`` ``what``. The delimiter is guessed from the first 4 KiB (``,`` ``;`` tab)."""
    if content.startswith(b"PK\x03\x04") or content.startswith(b"\xd0\xcf\x11\xe0"):
        return [], [
            RowProblem(
                0,
                "",
                "This is a spreadsheet (XLSX/XLS), not CSV: save it as CSV UTF-8 and upload that.",
            )
        ]
    try:
        decoded = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return [], [
            RowProblem(
                0, "", f"The file is not UTF-8 text (byte {error.start + 1}): save it as CSV UTF-8."
            )
        ]
    if "\x00" in decoded:
        return [], [RowProblem(0, "", "The file is not text: save it as CSV UTF-8.")]
    sample = decoded[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") and "\t" not in sample else ","
    if sample.count("\t") > max(sample.count(","), sample.count(";")):
        delimiter = "\t"
    reader = csv.reader(io.StringIO(decoded), delimiter=delimiter)
    try:
        header = [name.strip().lower() for name in next(reader)]
    except StopIteration:
        return [], [RowProblem(0, "", "The file is empty.")]
    problems = [
        RowProblem(1, name, f"Unknown column (see {docs}).")
        for name in header
        if name and name not in columns
    ]
    problems += [
        RowProblem(1, name, "This column is required.") for name in required if name not in header
    ]
    problems += [
        RowProblem(1, name, "The column appears twice.")
        for name in sorted({name for name in header if name and header.count(name) > 1})
    ]
    if problems:
        return [], problems
    rows = []
    for number, values in enumerate(reader, start=2):
        if not any(value.strip() for value in values):
            continue
        if len(values) > len(header):
            problems.append(
                RowProblem(number, "", f"{len(values)} values for {len(header)} columns.")
            )
            continue
        rows.append(
            (number, {name: value.strip() for name, value in zip(header, values, strict=False)})
        )
        if len(rows) > max_rows:
            return [], [RowProblem(0, "", f"At most {max_rows} {what} per file.")]
    if not rows and not problems:
        problems.append(RowProblem(0, "", f"The file has a header but no {what}."))
    return rows, problems
