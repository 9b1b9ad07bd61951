"""The interaction list as rows (a CSV file or the API's JSON list): the columns, reading a
file (``scheduling.roster.csv_files.read_table``: the one CSV reader of imports) and parsing
one row's values. Pure (no Django): references are resolved through the lookups the service
passes in, and every unreadable value is its own :class:`RowProblem` with its row and column.

Columns: ``line`` (the service line's name or id), ``reference`` (the interaction's id in the
client's system), ``channel`` (voice, chat, email, sms, social, video, or their labels),
``occurred_at`` (ISO 8601 with an offset, e.g. ``2026-11-30T09:15:00+01:00``, or a local time
``2026-11-30 09:15`` in the client's zone), ``agent`` (the agent's employee number) and
``link`` (optional, an http(s) address).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from scheduling.roster.csv_files import RowProblem, read_table

COLUMNS = ("line", "reference", "channel", "occurred_at", "agent", "link")
REQUIRED = ("line", "reference", "channel", "occurred_at", "agent")
MAX_ROWS = 10_000
LINK_MAX = 500
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 12, 31, 23, 59, 59, tzinfo=UTC)
INSTANT_EXAMPLE = "2026-11-30T09:15:00+01:00, or 2026-11-30 09:15 in your zone"


@dataclass(frozen=True)
class InteractionRow:
    row: int
    service_line_id: int
    reference: str
    channel: str
    occurred_at: datetime
    agent_id: int
    link: str


def read_rows(content: bytes) -> tuple[list[tuple[int, dict[str, str]]], list[RowProblem]]:
    """The file's rows by row number (the header is row 1), or what stops reading it."""
    return read_table(
        content,
        columns=COLUMNS,
        required=REQUIRED,
        what="interactions",
        max_rows=MAX_ROWS,
        docs="docs/quality.md",
    )


def parse_instant(text: str, zone: ZoneInfo) -> datetime:
    """An instant from ISO 8601 text (in UTC): with an offset as given, without one in
    ``zone``. A local time the clocks skip, or pass twice, is refused (``ValueError``)."""
    text = text.strip()
    if text[-1:] in ("Z", "z"):
        text = text[:-1] + "+00:00"
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(
            f"“{text}” is not a date and time: write it as {INSTANT_EXAMPLE}."
        ) from None
    if len(text) <= 10:
        raise ValueError(f"“{text}” has no time of day: write it as {INSTANT_EXAMPLE}.")
    if value.tzinfo is None:
        first, second = value.replace(tzinfo=zone, fold=0), value.replace(tzinfo=zone, fold=1)
        if first.utcoffset() != second.utcoffset():
            there_and_back = first.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
            if there_and_back != value:
                raise ValueError(
                    f"{text} does not exist in {zone.key} (the clocks went forward): "
                    "give the offset."
                )
            raise ValueError(
                f"{text} happens twice in {zone.key} (the clocks went back): give the offset, "
                f"e.g. {first.isoformat()} or {second.isoformat()}."
            )
        value = first
    try:
        instant = value.astimezone(UTC)
    except OverflowError:
        instant = EARLIEST.replace(year=1)
    if not EARLIEST <= instant <= LATEST:
        raise ValueError(f"{text} is not between {EARLIEST.year} and {LATEST.year}.")
    return instant


def parse_row(
    number: int,
    values: Mapping[str, str],
    *,
    lines: Mapping[str, int],
    channels: Mapping[str, str],
    agents: Mapping[str, int],
    zone: ZoneInfo,
) -> tuple[InteractionRow | None, list[RowProblem]]:
    """One row's values as an :class:`InteractionRow`. ``lines`` maps a line's id (as text)
    and its name (case-folded) to its id; ``channels`` a channel's value and label
    (case-folded) to its value; ``agents`` an employee number (case-folded) to the agent's
    id (only the agents who serve the client)."""
    problems: list[RowProblem] = []

    def problem(column: str, message: str) -> None:
        problems.append(RowProblem(number, column, message))

    def text(column: str) -> str:
        value = values.get(column)
        return "" if value is None else str(value).strip()

    line_text = text("line")
    line_id = lines.get(line_text.casefold())
    if not line_text:
        problem("line", "Give the service line (its name or id).")
    elif line_id is None:
        problem("line", f"No service line is called “{line_text}”.")
    reference = text("reference")
    if not reference:
        problem("reference", "Give the interaction's id in your system.")
    channel_text = text("channel")
    channel = channels.get(channel_text.casefold())
    if channel is None:
        names = ", ".join(sorted(set(channels.values())))
        problem(
            "channel",
            f"“{channel_text}” is not a channel: use one of {names}."
            if channel_text
            else f"Give the channel: one of {names}.",
        )
    occurred_at = None
    when_text = text("occurred_at")
    if not when_text:
        problem("occurred_at", f"Give the date and time, e.g. {INSTANT_EXAMPLE}.")
    else:
        try:
            occurred_at = parse_instant(when_text, zone)
        except ValueError as error:
            problem("occurred_at", str(error))
    agent_text = text("agent")
    agent_id = agents.get(agent_text.casefold())
    if not agent_text:
        problem("agent", "Give the agent's employee number.")
    elif agent_id is None:
        problem("agent", f"No agent serving this client has the employee number {agent_text}.")
    link = text("link")
    if link and not link.lower().startswith(("http://", "https://")):
        problem("link", "A link starts with http:// or https://.")
    elif len(link) > LINK_MAX:
        problem("link", f"A link has at most {LINK_MAX} characters.")
    if problems:
        return None, problems
    assert line_id is not None and channel is not None and occurred_at is not None
    assert agent_id is not None
    return (
        InteractionRow(number, line_id, reference, channel, occurred_at, agent_id, link),
        [],
    )


def repeated_references(rows: list[InteractionRow]) -> list[RowProblem]:
    """A reference given twice for one line with other facts (the same facts twice are one
    interaction, as an import run twice)."""
    first: dict[tuple[int, str], InteractionRow] = {}
    problems = []
    for row in rows:
        key = (row.service_line_id, row.reference)
        seen = first.setdefault(key, row)
        if seen is not row and (seen.channel, seen.occurred_at, seen.agent_id) != (
            row.channel,
            row.occurred_at,
            row.agent_id,
        ):
            problems.append(
                RowProblem(
                    row.row,
                    "reference",
                    f"{row.reference} is also in row {seen.row} with another channel, time "
                    "or agent.",
                )
            )
    return problems
