"""Find the forms and filters on rendered pages, so the trust tests (XSS, hostile input,
sqlmap) cover every form of every feature without a list to keep up to date."""
from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

#: fields the framework fills; never user input
MACHINE_FIELDS = {"csrf_token", "version", "next", "submit", "page"}


@dataclass
class Field:
    name: str
    kind: str  # text, textarea, date, time, number, select, select-multiple, checkbox, radio, password, hidden…
    value: str = ""
    options: list[str] = field(default_factory=list)
    required: bool = False


@dataclass
class Form:
    method: str
    action: str
    fields: dict[str, Field] = field(default_factory=dict)

    @property
    def inputs(self) -> dict[str, Field]:
        """The fields a person fills in (not CSRF, version or buttons)."""
        return {n: f for n, f in self.fields.items() if n not in MACHINE_FIELDS and f.kind != "submit"}

    def defaults(self) -> dict[str, str | list[str]]:
        """What a browser would send untouched: hidden values, current values, checked boxes."""
        data: dict[str, str | list[str]] = {}
        for name, f in self.fields.items():
            if f.kind in ("submit", "button"):
                continue
            if f.kind == "select-multiple":
                data[name] = [f.value] if f.value else []
            elif f.kind in ("checkbox", "radio"):
                if f.value:
                    data[name] = f.value
            else:
                data[name] = f.value
        return data


class _Parser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.form: Form | None = None
        self.select: Field | None = None
        self.textarea: Field | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "option" and self.select is not None:
            self.select.options.append(a.get("value", ""))
            if "selected" in a:
                if self.select.kind == "select":
                    self.select.value = a.get("value", "")
                else:
                    self.select.value = self.select.value or a.get("value", "")
            return
        if tag == "form":
            self.form = Form(a.get("method", "get").lower(), a.get("action", ""))
            self.forms.append(self.form)
        if self.form is None or not a.get("name"):
            return
        name = a["name"]
        fields = self.form.fields
        required = "required" in a
        if tag == "input":
            kind = a.get("type", "text").lower()
            existing = fields.get(name)
            if kind in ("checkbox", "radio"):
                if existing is None:
                    existing = fields[name] = Field(name, kind)
                existing.options.append(a.get("value", "on"))
                if "checked" in a:
                    existing.value = a.get("value", "on")
            else:
                fields[name] = Field(name, kind, a.get("value", ""), required=required)
        elif tag == "textarea":
            self.textarea = fields[name] = Field(name, "textarea", required=required)
        elif tag == "select":
            kind = "select-multiple" if "multiple" in a else "select"
            self.select = fields[name] = Field(name, kind, required=required)
        elif tag == "button" and self.form is not None:
            fields.setdefault(name, Field(name, "submit", a.get("value", "")))

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea.value += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif tag == "textarea":
            self.textarea = None
        elif tag == "select" and self.select is not None:
            if self.select.kind == "select" and not self.select.value and self.select.options:
                self.select.value = self.select.options[0]  # what a browser sends
            self.select = None

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)


def forms(html: str) -> list[Form]:
    parser = _Parser()
    parser.feed(html)
    return parser.forms


def data_forms(html: str, method: str = "post") -> list[Form]:
    """Forms with at least one field a person fills in (not bare POST buttons)."""
    return [f for f in forms(html) if f.method == method and f.inputs]
