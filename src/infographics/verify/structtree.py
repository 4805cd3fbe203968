"""Reading the structure tree: a PDF's StructTreeRoot into its elements in reading order (`Elem`:
role after the role map, depth, alternative text, MCIDs, block title and layout BBox), and a
number tree (the ParentTree) into a dict."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from pikepdf import Pdf

from infographics.verify.geometry import Rect, rect
from infographics.verify.pdf import (
    ObjectKey,
    PdfDict,
    as_list,
    get,
    is_dict,
    list_of,
    numbers,
    object_key,
    to_int,
)

_MAX_ROLE_MAP_CHAIN = 8  # a role map chain ends at a standard role


@dataclass(eq=False)
class Elem:
    """A structure element; equal only to itself (elements key dicts by identity)."""

    role: str
    depth: int
    alt: str | None
    mcids: list[int]
    parent: Elem | None = None
    title: str | None = None  # /T
    bbox: Rect | None = None  # from /A <</O /Layout /BBox [...]>>
    bad_bbox: str | None = None  # a layout /BBox that is not a rectangle, as written

    @property
    def silent(self) -> bool:
        """A grouping Div, passed over by a screen reader (no content, no alternative text)."""
        return self.role == "Div" and not self.alt and not self.mcids

    def ancestors(self) -> Iterator[Elem]:
        elem = self.parent
        while elem is not None:
            yield elem
            elem = elem.parent

    def block(self) -> tuple[Elem, Rect] | None:
        """The nearest element with a BBox (itself or an ancestor), with its BBox."""
        elem: Elem | None = self
        while elem is not None:
            if elem.bbox is not None:
                return elem, elem.bbox
            elem = elem.parent
        return None

    def label(self) -> str:
        """How a finding names the element: its block, or its role in its block."""
        if self.title:
            return f"blok {self.title!r}"
        outer = next((a for a in self.ancestors() if a.title), None)
        return self.role + (f" in blok {outer.title!r}" if outer else "")


class StructTree:
    """The structure elements in reading order (depth-first), with their roles mapped."""

    def __init__(self, root: object):
        self.root: PdfDict | None = root if is_dict(root) else None
        self.elements: list[Elem] = []
        self.by_ref: dict[ObjectKey, Elem] = {}  # object number -> element (ParentTree)
        rolemap = get(self.root, "/RoleMap")
        self.rolemap = {str(k): str(v) for k, v in rolemap.items()} if is_dict(rolemap) else {}
        self._seen: set[ObjectKey] = set()

    @classmethod
    def read(cls, doc: Pdf) -> StructTree:
        tree = cls(get(doc.Root, "/StructTreeRoot"))
        if tree.root is not None:
            for kid in as_list(get(tree.root, "/K")):
                tree._walk(kid, 0, None)
        return tree

    def role(self, s: str) -> str:
        for _ in range(_MAX_ROLE_MAP_CHAIN):
            if s not in self.rolemap:
                break
            s = self.rolemap[s]
        return s.lstrip("/")

    def _walk(self, elem: object, depth: int, parent: Elem | None) -> None:
        if not is_dict(elem) or "/S" not in elem:
            return
        key = object_key(elem)
        if key is not None:
            if key in self._seen:
                return
            self._seen.add(key)
        node = self._element(elem, depth, parent)
        self.elements.append(node)
        if key is not None:
            self.by_ref[key] = node
        self._kids(node, elem.get("/K"))

    def _element(self, elem: PdfDict, depth: int, parent: Elem | None) -> Elem:
        get_ = elem.get
        alt, title, attributes = get_("/Alt"), get_("/T"), get_("/A")
        role = str(get_("/S"))
        node = Elem(self.role(role) if self.rolemap else role[1:], depth,
                    None if alt is None else str(alt), [], parent,
                    None if title is None else str(title))
        if attributes is not None:
            _layout(node, attributes)
        return node

    def _kids(self, node: Elem, kids: object) -> None:
        """The element's kids: MCIDs into `node.mcids`, elements walked."""
        if isinstance(kids, int):  # one MCID, the common case
            if not isinstance(kids, bool):
                node.mcids.append(kids)
            return
        for kid in as_list(kids):
            if is_dict(kid) and "/S" in kid:
                self._walk(kid, node.depth + 1, node)
            else:
                mcid = _kid_mcid(kid)
                if mcid is not None:
                    node.mcids.append(mcid)


def _kid_mcid(kid: object) -> int | None:
    """The MCID a kid that is no element stands for: a number, or a marked-content reference."""
    if isinstance(kid, int):
        return None if isinstance(kid, bool) else kid
    if is_dict(kid) and get(kid, "/Type") == "/MCR":
        mcid = get(kid, "/MCID")
        return int(mcid) if isinstance(mcid, int) else None
    return None


def _layout(node: Elem, attributes: object) -> None:
    """The BBox of the element's layout attributes (a dictionary or an array of them,
    possibly with revision numbers in between)."""
    for attr in as_list(attributes):
        if is_dict(attr) and get(attr, "/O") == "/Layout" and "/BBox" in attr:
            box = attr["/BBox"]
            values = numbers(box)
            node.bbox = rect(values) if len(values) == 4 else None
            if node.bbox is None:
                node.bad_bbox = str(box)[:60]


def number_tree(node: object, seen: set[ObjectKey | None] | None = None) -> dict[int, object]:
    """All key -> value pairs of a number tree (Nums and Kids)."""
    seen = set() if seen is None else seen
    if not is_dict(node) or (object_key(node) is not None and object_key(node) in seen):
        return {}
    seen.add(object_key(node))
    nums = list_of(get(node, "/Nums") or ())
    pairs = {to_int(k): v for k, v in zip(nums[::2], nums[1::2], strict=False)}
    for kid in list_of(get(node, "/Kids") or ()):
        pairs.update(number_tree(kid, seen))
    return pairs
