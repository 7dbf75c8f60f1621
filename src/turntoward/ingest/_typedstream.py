"""Reading and writing the text of macOS "typedstream" blobs (iMessage's ``attributedBody``).

Since macOS Ventura, Messages often leaves ``message.text`` empty and keeps the words only
in ``attributedBody``: an `NSAttributedString` archived with the old NSArchiver format. We
need only its plain string, which follows the ``NSString`` class name as a length-prefixed
UTF-8 run, so a full unarchiver would be far more code than the job needs.
"""

from __future__ import annotations

_CLASS_MARKER = b"NSString"
# After the class name: the class version and the type signature "+" (a C string of bytes).
_STRING_START = b"\x84\x01+"
_SEARCH_WINDOW = 16
# Length prefixes: a byte below 0x80 is the length itself; 0x81 and 0x82 announce a
# little-endian 2- or 4-byte length.
_LENGTH_WIDTHS = {0x81: 2, 0x82: 4}


class TypedstreamError(ValueError):
    """The blob does not hold an archived string where one was expected."""


def string_of(blob: bytes) -> str:
    """The plain text archived in an ``attributedBody`` blob."""
    marker = blob.find(_CLASS_MARKER)
    if marker < 0:
        raise TypedstreamError("no NSString in the archive")
    start = blob.find(_STRING_START, marker, marker + len(_CLASS_MARKER) + _SEARCH_WINDOW)
    if start < 0:
        raise TypedstreamError("no string data after the NSString class")
    pos = start + len(_STRING_START)
    if pos >= len(blob):
        raise TypedstreamError("the archive ends before the string length")
    prefix = blob[pos]
    pos += 1
    if prefix in _LENGTH_WIDTHS:
        width = _LENGTH_WIDTHS[prefix]
        if pos + width > len(blob):
            raise TypedstreamError("the archive ends inside the string length")
        length = int.from_bytes(blob[pos : pos + width], "little")
        pos += width
    elif prefix < 0x80:
        length = prefix
    else:
        raise TypedstreamError(f"unknown string length prefix 0x{prefix:02x}")
    if pos + length > len(blob):
        raise TypedstreamError("the archive ends inside the string")
    try:
        return blob[pos : pos + length].decode("utf-8")
    except UnicodeDecodeError as exc:
        raise TypedstreamError("the archived string is not UTF-8") from exc


def archive_string(text: str) -> bytes:
    """An ``attributedBody`` blob holding `text`, laid out as Messages writes it.

    Used to build faithful test databases; only the parts `string_of` reads carry meaning,
    the rest mirrors the header and trailer of real blobs.
    """
    data = text.encode("utf-8")
    if len(data) < 0x80:
        length = bytes([len(data)])
    elif len(data) < 0x10000:
        length = b"\x81" + len(data).to_bytes(2, "little")
    else:
        length = b"\x82" + len(data).to_bytes(4, "little")
    header = (
        b"\x04\x0bstreamtyped\x81\xe8\x03\x84\x01@\x84\x84\x84\x19NSMutableAttributedString\x00"
        b"\x84\x84\x12NSAttributedString\x00\x84\x84\x08NSObject\x00\x85\x92\x84\x84\x84\x08NSString\x01\x94"
    )
    trailer = (
        b"\x86\x84\x02iI\x01"
        + length[-1:]
        + b"\x92\x84\x84\x84\x0cNSDictionary\x00\x94\x84\x01i\x01\x92\x84\x96\x96"
        b"\x1d__kIMMessagePartAttributeName"
        b"\x86\x92\x84\x84\x84\x08NSNumber\x00\x84\x84\x07NSValue\x00\x94\x84\x01*\x84\x99\x99\x00\x86\x86\x86"
    )
    return header + _STRING_START + length + data + trailer
