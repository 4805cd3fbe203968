"""Reading a PDF: bytes or a file into a pikepdf document, and pikepdf objects into plain typed
values (str, float, int, lists, key-value pairs).

This is where the checks meet pikepdf's objects. A value read from a dictionary is typed
`object`, which is what it is: a pikepdf `Object` (a name, string, array, dictionary, stream),
or, as the document is opened with implicit conversion, a Python int, bool or Decimal; the
file decides which. Callers narrow it with `isinstance` where a check branches on its type.
Where a check just needs a number, a list or a dictionary's entries, it hands the value to one
of the converters at the end (`to_float`, `to_int`, `length`, `item`, `list_of`, `items_of`,
`values_of`): the one place typed `Any` on purpose, as the value can be anything a file holds.
They apply that Python operation and nothing else, so a value of the wrong type raises what
the operation raises, and the verifier reports the file as one it cannot check.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, BinaryIO, TypeGuard

import pikepdf
from pikepdf import Array, Dictionary, Object, Pdf, Stream

PdfDict = Dictionary | Stream  # a stream's dictionary is read the same way as a dictionary
ObjectKey = tuple[int, int]  # (object number, generation)


@contextmanager
def open_pdf(pdf: bytes | os.PathLike[str] | str) -> Iterator[Pdf]:
    """The PDF as qpdf reads it, without repairing a damaged file (a verifier reports it).
    qpdf reads objects about twice as fast from a memory map as through a Python stream, so
    bytes go into an anonymous memory file first where the system has them (Linux)."""
    stream = _memory_file(pdf) if isinstance(pdf, bytes | bytearray) else open(pdf, "rb")  # noqa: SIM115
    with stream, _qpdf(stream) as doc:
        yield doc


def _qpdf(stream: BinaryIO) -> Pdf:
    mode = pikepdf.AccessMode.mmap
    try:  # scalars as Python int, bool, Decimal, whatever the process-wide default
        return pikepdf.open(stream, conversion_mode="implicit", attempt_recovery=False,
                            access_mode=mode)
    except TypeError:  # a pikepdf without conversion modes always converts
        return pikepdf.open(stream, attempt_recovery=False, access_mode=mode)


def _memory_file(data: bytes | bytearray) -> BinaryIO:
    """A readable file holding `data`: a memfd (mappable) or else a BytesIO."""
    try:
        fd = os.memfd_create("verify.pdf", os.MFD_CLOEXEC)
    except (AttributeError, OSError):  # not Linux, or no memfd
        return io.BytesIO(data)
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]
    os.lseek(fd, 0, os.SEEK_SET)
    return os.fdopen(fd, "rb")


def is_dict(obj: object) -> TypeGuard[PdfDict]:
    """A dictionary or a stream (whose dictionary is read the same way)."""
    return isinstance(obj, PdfDict)


def get(obj: object, key: str, default: object = None) -> object:
    """obj[key] for a dictionary or stream, `default` for anything else or a missing key."""
    if not isinstance(obj, PdfDict):
        return default
    value: object = obj.get(key, default)
    return default if value is None else value


def get_float(obj: object, key: str, default: float) -> float:
    """obj[key] as a number, `default` when it is missing (anything else raises as float())."""
    return to_float(get(obj, key, default))


def get_str(obj: object, key: str, default: str = "") -> str:
    """obj[key] as text (a name with its slash), `default` when it is missing."""
    return str(get(obj, key, default))


def object_key(obj: Object) -> ObjectKey | None:
    """What identifies an object: its object number; None for a direct object (which has no
    identity of its own, and cannot be part of a cycle)."""
    objgen = obj.objgen
    return objgen if objgen != (0, 0) else None


def as_list(obj: object) -> list[object]:
    """An array's items, or the one object, or nothing for None."""
    if obj is None:
        return []
    return list(obj) if isinstance(obj, Array) else [obj]


def numbers(array: object) -> list[float]:
    """The numbers of an array of numbers (a font's widths, a box), read in one go."""
    if not isinstance(array, Array):
        return []
    text = array.unparse()
    if b"R" not in text:  # no references: "[ 1 2.5 ... ]"
        try:
            return [float(v) for v in text[1:-1].split()]
        except ValueError:
            pass
    return [to_float(v) for v in array]


# --- converters: Any on purpose (see the module docstring) ---------------------------------------


def to_float(value: Any) -> float:
    """float(value): a number as pikepdf or the content parser gives it (float, int, Decimal,
    a numeric pikepdf Object)."""
    return float(value)


def to_int(value: Any) -> int:
    """int(value): a number as pikepdf gives it (int, Decimal, a numeric pikepdf Object)."""
    return int(value)


def length(value: Any) -> int:
    """len(value): the number of items of an array."""
    return len(value)


def item(value: Any, index: int) -> object:
    """value[index]: an item of an array."""
    result: object = value[index]
    return result


def list_of(value: Any) -> list[object]:
    """list(value): the items of an array (or of a parsed operand that is a list)."""
    return list(value)


def items_of(value: Any) -> list[tuple[str, object]]:
    """list(value.items()): the entries of a dictionary."""
    return [(str(key), entry) for key, entry in value.items()]


def values_of(value: Any) -> list[object]:
    """list(value.values()): the values of a dictionary."""
    return list(value.values())
