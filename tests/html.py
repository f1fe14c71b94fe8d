"""Reading a page as HTML rather than as text: elements found by tag and attributes.

Assertions on a fragment of a page parse it, so that attribute order, white space and quoting
do not decide whether a test passes. `find_all(content, "input", name="quantity")` gives every
such element, with its attributes, its text and its descendants. Hyphens in attribute names
become underscores (`aria_describedby`, `hx_get`).
"""

from dataclasses import dataclass, field
from html.parser import HTMLParser

# Elements that never have content, hence no end tag.
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
)


@dataclass
class Element:
    tag: str
    attrs: dict[str, str | None]
    children: list["Element | str"] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The text inside, white space folded, as a reader would take it in."""
        parts = [child if isinstance(child, str) else child.text for child in self.children]
        return " ".join("".join(parts).split()) if self.tag != "#text" else ""

    @property
    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())

    def find_all(self, tag: str | None = None, **attrs) -> list["Element"]:
        """Descendants of `tag` (any tag when None) with these attributes: `class_` is one of the
        classes, `for_` the `for` attribute, and an attribute given as True need only be present."""
        found = []
        for child in self.children:
            if isinstance(child, str):
                continue
            if child._matches(tag, attrs):
                found.append(child)
            found.extend(child.find_all(tag, **attrs))
        return found

    def parent_of(self, element: "Element") -> "Element":
        """The element that holds `element` (itself found under this one)."""
        for candidate in [self, *self.find_all()]:
            if any(child is element for child in candidate.children):
                return candidate
        raise AssertionError(f"<{element.tag}> is not under <{self.tag}>")

    def next_after(self, element: "Element") -> "Element | str | None":
        """What follows `element` among its siblings, white space passed over."""
        siblings = self.parent_of(element).children
        index = next(i for i, child in enumerate(siblings) if child is element)
        return next(
            (child for child in siblings[index + 1 :] if not (isinstance(child, str) and not child.strip())),
            None,
        )

    def find(self, tag: str | None = None, **attrs) -> "Element":
        """The one such descendant; an AssertionError when there are none or several."""
        found = self.find_all(tag, **attrs)
        assert len(found) == 1, f"{len(found)} <{tag} {attrs}> found"
        return found[0]

    def _matches(self, tag, attrs) -> bool:
        if tag is not None and self.tag != tag:
            return False
        for name, wanted in attrs.items():
            if name == "class_":
                if wanted not in self.classes:
                    return False
            elif wanted is True:
                if name.removesuffix("_") not in self.attrs:
                    return False
            elif self.attrs.get(name.removesuffix("_")) != str(wanted):
                return False
        return True


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Element("#root", {})
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        element = Element(tag, {name.replace("-", "_"): value for name, value in attrs})
        self.stack[-1].children.append(element)
        if tag not in _VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].children.append(Element(tag, {name.replace("-", "_"): value for name, value in attrs}))

    def handle_endtag(self, tag):
        # Close up to the matching element; a stray end tag closes nothing.
        for index in range(len(self.stack) - 1, 0, -1):
            if self.stack[index].tag == tag:
                del self.stack[index:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def parse(content: str | bytes) -> Element:
    builder = _TreeBuilder()
    builder.feed(content.decode() if isinstance(content, bytes) else content)
    builder.close()
    return builder.root


def find_all(content, tag: str | None = None, **attrs) -> list[Element]:
    return parse(content).find_all(tag, **attrs)


def find(content, tag: str | None = None, **attrs) -> Element:
    return parse(content).find(tag, **attrs)
