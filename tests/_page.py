"""A tiny DOM for tests: parse an HTML page with the standard library and query it."""

from __future__ import annotations

from collections.abc import Callable
from html.parser import HTMLParser

__all__ = ["Element", "Page"]

_VOID = frozenset(
    "area base br col embed hr img input link meta source track wbr".split()  # noqa: SIM905
)

Element = tuple[str, dict[str, str]]


class Page(HTMLParser):
    """Every element (tag and attributes) and every text node with its ancestors."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self.texts: list[tuple[str, tuple[int, ...]]] = []
        self._stack: list[int] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {name: value or "" for name, value in attrs}))
        if tag not in _VOID:
            self._stack.append(len(self.elements) - 1)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {name: value or "" for name, value in attrs}))

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self._stack) - 1, -1, -1):
            if self.elements[self._stack[depth]][0] == tag:
                del self._stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.texts.append((data, tuple(self._stack)))

    def find_all(self, predicate: Callable[[Element], bool]) -> list[Element]:
        return [element for element in self.elements if predicate(element)]

    def by_id(self, element_id: str) -> int:
        for index, (_, attrs) in enumerate(self.elements):
            if attrs.get("id") == element_id:
                return index
        raise KeyError(element_id)

    def text(
        self,
        inside: Callable[[Element], bool],
        *,
        within: int | None = None,
        skip_class: str = "badge",
    ) -> str:
        """The text under elements matching ``inside`` (optionally under element
        ``within``), leaving out elements of class ``skip_class``."""
        pieces: list[str] = []
        for data, ancestors in self.texts:
            if within is not None and within not in ancestors:
                continue
            chain = [self.elements[index] for index in ancestors]
            if any(skip_class in attrs.get("class", "").split() for _, attrs in chain):
                continue
            if any(inside(element) for element in chain):
                pieces.append(data)
        return "".join(pieces)
