"""Opening an uploaded file as CSV (scheduling.planning.importing.reading): every refusal in
words, the delimiter found from the header, UTF-8 with and without a byte-order mark. Pure: no
database (the import's end-to-end tests are in tests/scheduling/test_statistics_import.py)."""

from __future__ import annotations

import pytest

from scheduling.planning.importing.reading import (
    NOT_UTF8,
    FileRefused,
    bytes_stream,
    csv_rows,
    sniff_binary,
)


def rows(data: bytes) -> list[list[str]]:
    return list(csv_rows(bytes_stream(data)))


def refusal(data: bytes) -> str:
    with pytest.raises(FileRefused) as error:
        rows(data)
    assert str(error.value) == error.value.message
    return error.value.message


@pytest.mark.parametrize(
    "data", [b"", b"   ", b"\n\r\n\t"], ids=["nothing", "spaces", "blank-lines"]
)
def test_an_empty_file_is_refused(data):
    assert refusal(data) == "The file is empty."


def test_a_workbook_is_named_as_what_it_is():
    assert refusal(b"PK\x03\x04rest of a zip") == (
        "This is an Excel workbook (XLSX) or another zip file, not CSV, whatever its name "
        "says. Open it in the spreadsheet and save it as 'CSV UTF-8'."
    )
    assert refusal(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1...") == (
        "This is an old Excel workbook (XLS), not CSV. Save it as 'CSV UTF-8' instead."
    )
    # a zip signature elsewhere than at the start is just text
    assert rows(b"a,PK\x03\x04\n") == [["a", "PK\x03\x04"]]


def test_binary_data_or_utf16_is_refused_by_a_zero_byte_in_its_first_4096():
    words = "The file holds binary data (or UTF-16 text), not UTF-8 CSV. Save it as 'CSV UTF-8'."
    assert refusal("start,end\n".encode("utf-16")) == words
    assert refusal(b"a" * 4095 + b"\x00") == words
    # a zero byte after the first 4096 is not looked for by the sniffer
    sniff_binary(b"a" * 4096 + b"\x00")


def test_a_byte_that_is_not_utf8_is_named_with_its_line():
    data = b"start,queue\n2026-01-05 08:00,Ventes\n" + b"x,caf\xe9\n"
    assert refusal(data) == NOT_UTF8.format(byte=0xE9, line=3)
    assert NOT_UTF8.format(byte=0xE9, line=3) == (
        "The file is not UTF-8 text (an undecodable byte 0xe9 on line 3). Save it from the "
        "spreadsheet as 'CSV UTF-8' and upload it again."
    )


def test_a_file_cut_inside_a_character_is_refused():
    # the first byte of a two-byte character at the very end: only the final decode sees it
    assert refusal(b"a,b\nc,\xc3") == NOT_UTF8.format(byte=0, line=2)


def test_utf8_with_a_byte_order_mark_and_accents_is_read():
    data = "\ufeffqueue,offered\nFacturación,12\n".encode()
    assert rows(data) == [["queue", "offered"], ["Facturación", "12"]]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"a;b;c\n1;2,5;3\n", [["a", "b", "c"], ["1", "2,5", "3"]]),
        (b"a\tb\n1\t2\n", [["a", "b"], ["1", "2"]]),
        (b"a,b\n1;2,3\n", [["a", "b"], ["1;2", "3"]]),
        (b"single\nvalue,with comma\n", [["single"], ["value", "with comma"]]),
    ],
    ids=["semicolon", "tab", "comma", "one-column"],
)
def test_the_delimiter_is_the_one_the_header_holds_most(data, expected):
    assert rows(data) == expected


def test_a_header_without_a_newline_is_one_row():
    assert rows(b"a,b") == [["a", "b"]]


def test_a_long_file_is_read_past_the_sniffed_head():
    body = b"".join(b"%d,x\n" % i for i in range(3000))
    read = rows(b"n,v\n" + body)
    assert len(read) == 3001
    assert read[-1] == ["2999", "x"]


def test_the_emptiness_check_reads_exactly_the_first_8_kib():
    # given: text right after the sniffed 8192 bytes, and text as their last byte
    blank_head_then_text = b" " * 8192 + b"a,b\n"
    text_in_the_head = b" " * 8191 + b"a"

    # when / then: only what the head holds counts (blank lines before a header are not
    # supported anyway: the delimiter is read from the first line)
    assert refusal(blank_head_then_text) == "The file is empty."
    assert rows(text_in_the_head) == [[" " * 8191 + "a"]]
