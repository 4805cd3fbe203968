"""Parsing content streams: a page's content stream (bytes) into (operands, operator) operations.

One regular expression cuts the stream into operations, leaving the operands as bytes for
`args` to parse when they matter (most operations are paths and colours, whose operands the
checks never need). For the walk (`operations`) the same expression takes two shortcuts: a text
object as ReportLab writes one line of text is one `TEXT_OBJECT` step, and a run of operations
the walk ignores is skipped. Anything unusual, such as an inline image or a string with nested
parentheses, raises `Unparsed` in the fast parser and goes to pikepdf's `parse_content_stream`,
which gives the same pairs. `tokenize` is the plain parser (every operation, every operand
parsed) that the tests hold the fast walk against.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal

import pikepdf
from pikepdf import Array, Dictionary, Name, String

# An operand, parsed: numbers as float, names as "/Name" strings, strings as bytes, arrays as
# lists, dictionaries as dicts; true, false and null as Python's.
Operand = float | str | bytes | bool | None | list["Operand"] | dict[str, "Operand"]
# The seven groups of a text object walked as one step (see _TEXT_OBJECT): matrix, second
# matrix or b"", font name, size, leading, string with its parentheses, b"" or " T*".
TextLine = tuple[bytes, bytes, bytes, bytes, bytes, bytes, bytes]
# An operation's operands: still as bytes (fast parser), parsed (qpdf's parser), or text line
Operands = bytes | list[Operand] | TextLine
Operation = tuple[Operands, bytes]  # (operands, operator)

TEXT_OBJECT = b"BT..ET"  # the operator of a text object walked as one step

_END = rb"(?![^\s/\[\]<>(){}%])"  # a token ends at white space or a delimiter
_NUM = rb"[+-]?(?:\d+\.?\d*|\.\d+)" + _END
_NAME = rb"/[^\s/\[\]<>(){}%#]*+" + _END  # a name with #xx escapes goes to the slow path
_STR = rb"\((?:[^()\\]++|\\.)*+\)"
_HEXSTR = rb"<[0-9A-Fa-f\s]*+>"
_SIMPLE = b"|".join([_NUM, _NAME, _STR, _HEXSTR, rb"(?:true|false|null)" + _END])
_ARRAY = rb"\[(?:\s|" + _SIMPLE + rb")*+\]"
_DICT = rb"<<(?:\s|" + _SIMPLE + b"|" + _ARRAY + rb")*+>>"
# one operation: its operands (kept as bytes) and its operator; anything else is `bad`
_OPERAND = b"(?:" + _SIMPLE + b"|" + _ARRAY + b"|" + _DICT + b")"
_OPERATION = re.compile(
    rb"\s*((?:" + _OPERAND + rb"(?:\s*" + _OPERAND + rb")*+)?+)\s*"
    rb"([A-Za-z'\"][^\s/\[\]<>(){}%]*+)|\s*(\S)",
    re.S,
)
# For the walk, two shortcuts in the same expression, which change nothing in what the walk
# finds (tests/verify/test_scan.py compares): a text object as ReportLab writes one line of
# text (canvas.drawString: Tm Tf TL Tj T*; mplcanvas: a second Tm and no T*) is one step, and a
# run of operations the walk ignores (path construction, colours, line style, ET) is skipped.
_N = rb"[+-]?(?:\d+\.?\d*|\.\d+)"
_SIX = _N + rb"(?:\s+" + _N + rb"){5}"
_TEXT_OBJECT = (rb"BT\s+(" + _SIX + rb")\s+Tm\s+(?:(" + _SIX + rb")\s+Tm\s+)?"
                rb"(/[^\s/\[\]<>(){}%#]+)\s+(" + _N + rb")\s+Tf\s+(" + _N + rb")\s+TL\s*"
                rb"(" + _STR + rb")\s*Tj(\s+T\*)?\s+ET" + _END)
_IGNORED = rb"(?:[mlcvyhnijJMwgGkK]|r[eg]|RG|ri|gs|[cC][sS]|scn?|SCN?|W\*?|ET)" + _END
_SKIP = rb"(?:[-+.\d\s]*+" + _IGNORED + rb"\s*)+"  # numbers only: gs, cs with a name go on
_WALK = re.compile(
    rb"\s*(?:" + _SKIP + b"|" + _TEXT_OBJECT
    + rb"|((?:" + _OPERAND + rb"(?:\s*" + _OPERAND + rb")*+)?+)\s*"
    rb"([A-Za-z'\"][^\s/\[\]<>(){}%]*+)|(\S))",
    re.S,
)
# the operands of a BDC as ReportLab writes them: "/P <</MCID 3>>" (tag, MCID)
MCID_PROPERTIES = re.compile(rb"(/[^\s/\[\]<>(){}%#]+)\s*<<\s*/MCID\s+(\d+)\s*>>")
_TOKEN = re.compile(
    rb"\s*(?:(?P<num>[+-]?(?:\d+\.?\d*|\.\d+))(?![^\s/\[\]<>(){}%])"
    rb"|(?P<name>/[^\s/\[\]<>(){}%]*)"
    rb"|(?P<str>\((?:[^()\\]|\\.)*\))"
    rb"|(?P<hex><[0-9A-Fa-f\s]*>)"
    rb"|(?P<open><<|\[)|(?P<close>>>|\])"
    rb"|(?P<op>[A-Za-z'\"][^\s/\[\]<>(){}%]*)"
    rb"|(?P<comment>%[^\r\n]*)"
    rb"|(?P<end>\s*$)|(?P<other>.))",
    re.S,
)
_ESCAPE = re.compile(rb"\\(?:([0-7]{1,3})|(\r\n|[\r\n])|(.))", re.S)
_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}
_CONSTANTS: dict[bytes, Operand] = {b"true": True, b"false": False, b"null": None}
_INLINE_IMAGE = {b"BI", b"ID", b"EI"}


class Unparsed(Exception):
    """The fast parser met something it leaves to qpdf (inline image, nested parentheses)."""


def operations(data: bytes) -> list[Operation]:
    """(operands, operator) pairs of a content stream, as the walk takes them: operands still
    as bytes, ReportLab's one-line text objects as one `TEXT_OBJECT` step (its operands the
    seven groups of `_TEXT_OBJECT`), and without the operations the walk ignores; anything
    unusual goes to qpdf's parser, whose operands come parsed."""
    try:
        return _walk_split(data)
    except Unparsed:
        return _qpdf_operations(data)


def _walk_split(data: bytes) -> list[Operation]:
    ops: list[Operation] = []
    for found in _WALK.findall(data):
        if found[8]:
            ops.append((found[7], found[8]))
        elif found[0]:
            ops.append((found[:7], TEXT_OBJECT))
        elif found[9]:
            raise Unparsed(found[9])
    if b"BI" in data and any(op in _INLINE_IMAGE for _, op in ops):
        raise Unparsed(b"BI")
    return ops


def _qpdf_operations(data: bytes) -> list[Operation]:
    with pikepdf.new() as scratch:
        stream = pikepdf.Stream(scratch, data)
        return [([_py(o) for o in instruction.operands],
                 str(instruction.operator).encode("latin-1"))
                for instruction in pikepdf.parse_content_stream(stream)]


def _py(obj: object) -> Operand:
    """A qpdf operand as the fast parser gives it."""
    if obj is None or isinstance(obj, bool):
        return obj
    if isinstance(obj, int | float | Decimal):
        return float(obj)
    if isinstance(obj, Name):
        return str(obj)
    if isinstance(obj, String):
        return bytes(obj)
    if isinstance(obj, Array):
        return [_py(x) for x in obj]
    if isinstance(obj, Dictionary):
        return {str(k): _py(v) for k, v in obj.items()}
    return None  # an inline image: only its operator matters


def tokenize(data: bytes) -> list[Operation]:
    """Every operation with its operands parsed (numbers as float, names as "/Name" strings,
    strings as bytes, arrays as lists, dictionaries as dicts); `Unparsed` if unusual."""
    return [(_parse_operands(raw), op) for raw, op in _split(data)]


def _split(data: bytes) -> list[tuple[bytes, bytes]]:
    found = _OPERATION.findall(data)
    bad = [b for _, _, b in found if b]
    if bad:
        raise Unparsed(bad[0])
    ops = [(raw, op) for raw, op, _ in found]
    if b"BI" in data and any(op in _INLINE_IMAGE for _, op in ops):
        raise Unparsed(b"BI")
    return ops


def args(raw: Operands) -> list[Operand]:
    """The operands of one operation, parsed. What ReportLab writes most (numbers, simple
    names, one plain string) takes a shortcut; anything else goes through the tokenizer."""
    if isinstance(raw, list):
        return raw
    if isinstance(raw, tuple):  # a text line's groups: as they are
        return [*raw]
    if raw[:1] == b"(":
        inner = raw[1:-1]
        if raw[-1:] == b")" and not (b"\\" in inner or b"(" in inner or b")" in inner):
            return [inner]
    elif not (b"(" in raw or b"[" in raw or b"<" in raw):
        try:
            return [tok.decode("latin-1") if tok[:1] == b"/" else float(tok)
                    for tok in raw.split()]
        except ValueError:  # true, false, null
            pass
    return _parse_operands(raw)


def unescape(inner: bytes) -> bytes:
    """The bytes of a literal string (without its parentheses), its escapes resolved."""
    return _ESCAPE.sub(_unescape, inner)


def _unescape(m: re.Match[bytes]) -> bytes:
    octal, newline = m[1], m[2]
    char: bytes = m[3]
    if octal:
        return bytes([int(octal, 8) & 0xFF])
    if newline:
        return b""
    return _ESCAPES.get(char, char)


def _hex_string(tok: bytes) -> bytes:
    digits = re.sub(rb"\s", b"", tok[1:-1])
    return bytes.fromhex((digits + b"0" * (len(digits) % 2)).decode())


# a token that is a value by itself, by its group in _TOKEN
_VALUES: dict[str, Callable[[bytes], Operand]] = {
    "num": float,
    "name": lambda tok: tok.decode("latin-1"),
    "str": lambda tok: unescape(tok[1:-1]),
    "hex": _hex_string,
}


def _parse_operands(data: bytes) -> list[Operand]:
    stack: list[tuple[list[Operand], bytes]] = []  # enclosing lists while inside [ ] or << >>
    cur: list[Operand] = []
    for m in _TOKEN.finditer(data):
        kind = m.lastgroup or "end"  # every alternative is a named group
        tok = m[kind]
        value = _VALUES.get(kind)
        if value is not None:
            cur.append(value(tok))
        elif kind == "open":
            stack.append((cur, tok))
            cur = []
        elif kind == "close":
            cur = _close(stack, cur, tok)
        elif kind == "op" and tok in _CONSTANTS:
            cur.append(_CONSTANTS[tok])
        elif kind in ("op", "other"):
            raise Unparsed(tok)
    if stack:
        raise Unparsed(b"unbalanced")
    return cur


def _close(stack: list[tuple[list[Operand], bytes]], items: list[Operand],
           tok: bytes) -> list[Operand]:
    if not stack or (stack[-1][1] == b"[") != (tok == b"]"):
        raise Unparsed(tok)
    outer, _ = stack.pop()
    if tok == b"]":
        outer.append(items)
    else:
        outer.append({str(k): v for k, v in zip(items[::2], items[1::2], strict=True)})
    return outer
