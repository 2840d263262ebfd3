"""The CNIL PIA tool's export format, as plain rules: where each CNIL question goes in the CNIL-method
questionnaire, the CNIL scales and codes, walking a document's leaves, and its HTML as Markdown.

The CNIL tool numbers its questions by section, item and question (111 is 1.1.1, "What is the
processing under consideration?"); answers refer to those numbers, evaluations to "item" paths such
as "2.1.211" or "3.1.<measure id>". Pure: no Flask, no database.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

# Answers to the CNIL's fixed text questions -> our question keys (cnil-pia.yaml).
TEXT_QUESTIONS: dict[int, str] = {
    111: "context.overview", 112: "context.responsibilities", 113: "context.standards",
    121: "data.data", 122: "data.life_cycle", 123: "data.supporting_assets",
    211: "proportionality.purposes", 212: "proportionality.legal_basis", 213: "proportionality.minimisation",
    214: "proportionality.accuracy", 215: "proportionality.storage_duration",
    221: "rights.information", 222: "rights.consent", 223: "rights.access_portability",
    224: "rights.rectification_erasure", 225: "rights.restriction_objection", 226: "rights.processors",
    227: "rights.transfers",
}
# The three risks: CNIL item -> (our key prefix, position in risks.register, name).
RISKS: dict[int, tuple[str, int, str]] = {
    2: ("access", 0, "Illegitimate access to data"),
    3: ("modification", 1, "Unwanted modification of data"),
    4: ("disappearance", 2, "Data disappearance"),
}
# The six questions of each risk item, by their last digit.
RISK_PARTS = {1: "impacts", 2: "threats", 3: "sources", 4: "controls", 5: "severity", 6: "likelihood"}
# Items that are evaluated as a whole ("1.1") -> the question their evaluation is attached to.
ITEM_QUESTIONS: dict[str, str] = {
    "1.1": "context.overview", "1.2": "data.data", "2.1": "proportionality.purposes",
    "2.2": "rights.information", "3.1": "measures.register", "3.2": "access.impacts",
    "3.3": "modification.impacts", "3.4": "disappearance.impacts", "3.5": "risks.register",
}
ITEM_TITLES: dict[str, str] = {
    "1.1": "Overview", "1.2": "Data, processes and supporting assets", "2.1": "Proportionality and necessity",
    "2.2": "Controls protecting the rights of the people concerned", "3.1": "Planned or existing measures",
    "3.2": "Illegitimate access to data", "3.3": "Unwanted modification of data", "3.4": "Data disappearance",
    "3.5": "Risks overview", "4.1": "Risk mapping", "4.2": "Action plan", "4.3": "Opinions", "4.4": "Validation",
}
SECTION_TITLES = {1: "Context", 2: "Fundamental principles", 3: "Risks", 4: "Validation"}

# The CNIL's four levels of severity and likelihood (its gauges 1 to 4; 0 is "not rated").
GAUGE_LEVELS = {1: "negligible", 2: "limited", 3: "significant", 4: "maximum"}
PIA_STATUSES = {0: "doing", 1: "refused", 2: "simple_validation", 3: "signed_validation", 4: "archived"}
OPINION_STATUSES = {0: "unfavourable", 1: "favourable"}
EVALUATION_STATUSES = {0: "Pending", 1: "To correct", 2: "Improvable", 3: "Acceptable"}
EVALUATION_PROGRESS = {0: "not evaluated", 1: "evaluation started", 2: "evaluation completed"}
# Knowledge-base entries named by a measure's placeholder -> our measures.catalogue options.
KNOWLEDGE_BASE_MEASURES = {
    "PIA_TEC_CHIF": "encryption", "PIA_TEC_ANO": "anonymisation", "PIA_TEC_CLO": "partitioning",
    "PIA_TEC_CTLA": "logical_access_control", "PIA_TEC_LOG": "traceability", "PIA_TEC_ARCH": "archiving",
    "PIA_TEC_PAP": "paper_document_security", "PIA_TEC_MINI": "minimisation", "PIA_SEC_EXP": "operating_security",
    "PIA_SEC_MAL": "malicious_software", "PIA_SEC_COMP": "workstations", "PIA_SEC_WEB": "website_security",
    "PIA_SEC_BKP": "backups", "PIA_SEC_MAIN": "maintenance", "PIA_SEC_CTR": "processing_contracts",
    "PIA_SEC_NET": "network_security", "PIA_SEC_LOG": "network_monitoring", "PIA_SEC_PHY": "physical_access_control",
    "PIA_SEC_MAT": "hardware_security", "PIA_SEC_SRC": "avoiding_risk_sources",
    "PIA_SEC_PROT": "non_human_risk_sources", "PIA_ORG_ORG": "organisation", "PIA_ORG_POL": "policy",
    "PIA_ORG_RMGT": "privacy_risk_management", "PIA_ORG_PBD": "privacy_in_projects",
    "PIA_ORG_VIOL": "data_breaches", "PIA_ORG_PERS": "personnel_management", "PIA_ORG_EXT": "third_parties",
    "PIA_ORG_AUD": "supervision",
}
_SLUG = re.compile(r"knowledge_base\.slugs\.([A-Z_]+)\.placeholder")


def risk_question(reference: int) -> tuple[int, str] | None:
    """A risk question's (item, our key), e.g. 325 -> (2, "access.severity"); None for other numbers."""
    section, item, part = reference // 100, reference // 10 % 10, reference % 10
    if section != 3 or item not in RISKS or part not in RISK_PARTS:
        return None
    return item, f"{RISKS[item][0]}.{RISK_PARTS[part]}"


def question_for(reference: int) -> str | None:
    """Our question key for a CNIL question number, or None for a question we do not have."""
    if reference in TEXT_QUESTIONS:
        return TEXT_QUESTIONS[reference]
    found = risk_question(reference)
    return found[1] if found else None


def knowledge_base_option(placeholder: Any) -> str | None:
    match = _SLUG.fullmatch(placeholder) if isinstance(placeholder, str) else None
    return KNOWLEDGE_BASE_MEASURES.get(match.group(1)) if match else None


# -- coercing the exporter's loose types (legacy exports store numbers and booleans as strings) --------

def as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None


def as_bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in {"true", "1", "yes"}:
        return True
    if isinstance(value, str) and value.strip().lower() in {"false", "0", "no"}:
        return False
    return None


def gauge_level(value: Any) -> str | None:
    number = as_int(value)
    return GAUGE_LEVELS.get(number) if number is not None else None


# -- walking a document ----------------------------------------------------------------------------

def leaves(value: Any, path: str = "$") -> Iterator[tuple[str, Any]]:
    """Every string, number and boolean in a JSON document, with its path (`$.answers[3].data.text`)."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from leaves(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from leaves(item, f"{path}[{index}]")
    elif isinstance(value, (str, int, float, bool)):
        yield path, value


def depth(value: Any) -> int:
    """How deeply a document nests, counted without recursion (a hostile file may nest very deeply)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        deepest = max(deepest, level)
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else ()
        stack.extend((child, level + 1) for child in children)
    return deepest


# -- the tool's HTML (from its rich-text editor) as Markdown -----------------------------------------

class _ToMarkdown(HTMLParser):
    _BLOCKS = frozenset({"p", "div", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "table", "tr", "blockquote"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.lists: list[list[Any]] = []  # [kind, counter] per open list
        self.href: str | None = None
        self.hidden = 0  # inside <style> or <script>: nothing a reader sees

    def _break(self, blank: bool = True) -> None:
        self.out.append("\n\n" if blank else "\n")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"style", "script"}:
            self.hidden += 1
        elif tag in {"strong", "b"}:
            self.out.append("**")
        elif tag in {"em", "i"}:
            self.out.append("*")
        elif tag == "br":
            self._break(blank=False)
        elif tag in {"ul", "ol"}:
            self.lists.append([tag, 0])
            if len(self.lists) == 1:  # a nested list starts on its item's next line, which the item adds
                self._break()
        elif tag == "li":
            indent = "  " * (len(self.lists) - 1)
            if self.lists and self.lists[-1][0] == "ol":
                self.lists[-1][1] += 1
                marker = f"{self.lists[-1][1]}. "
            else:
                marker = "- "
            self.out.append(f"\n{indent}{marker}")
        elif tag == "a":
            self.href = dict(attrs).get("href")
        elif tag in {"td", "th"}:
            self.out.append(" ")
        elif tag in self._BLOCKS:
            self._break()

    def handle_endtag(self, tag: str) -> None:
        if tag in {"style", "script"}:
            self.hidden = max(0, self.hidden - 1)
        elif tag in {"strong", "b"}:
            self.out.append("**")
        elif tag in {"em", "i"}:
            self.out.append("*")
        elif tag in {"ul", "ol"}:
            if self.lists:
                self.lists.pop()
            self._break(blank=not self.lists)
        elif tag == "a":
            if self.href and self.href.startswith(("http://", "https://", "mailto:")):
                self.out.append(f" ({self.href})")
            self.href = None
        elif tag in self._BLOCKS:
            self._break()

    def handle_data(self, data: str) -> None:
        if self.hidden:
            return
        text = re.sub(r"[ \t\r\n\u00a0]+", " ", data)
        self.out.append(text.replace("\\", "\\\\").replace("<", "&lt;").replace("*", "\\*"))


def html_to_markdown(html: str | None) -> str:
    """The tool's HTML as tidy Markdown: emphasis, line breaks, paragraphs and (nested) lists kept,
    every other tag dropped with its text kept. Our one renderer sanitises it again when shown."""
    if not html:
        return ""
    parser = _ToMarkdown()
    parser.feed(html)
    parser.close()
    text = "".join(parser.out)
    text = re.sub(r"\*\*(\s*)\*\*", r"\1", text)  # empty or adjacent bold runs
    lines = [line.rstrip() for line in text.split("\n")]
    text = "\n".join(line if line.strip() else "" for line in lines)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return "\n".join(_tidy_line(line) for line in text.strip().split("\n"))


def _tidy_line(line: str) -> str:
    stripped = line.lstrip(" ")
    if stripped.startswith(("- ", "* ")) or re.match(r"\d+\. ", stripped):
        return line.rstrip()
    return stripped.rstrip()


_INVISIBLE_PARTS = re.compile(r"<!--|<style|<script|<xml", re.IGNORECASE)


def has_invisible_parts(value: Any) -> bool:
    """HTML with parts no reader sees (an editor's comments, Word's styles), which Markdown leaves out."""
    return isinstance(value, str) and _INVISIBLE_PARTS.search(value) is not None


def bullet_list(items: list[Any]) -> str:
    """A CNIL list answer (impacts, threats, sources, controls) as a Markdown list."""
    lines = []
    for item in items:
        text = re.sub(r"\s+", " ", str(item)).strip().replace("<", "&lt;").replace("*", "\\*")
        if text:
            lines.append(f"- {text}")
    return "\n".join(lines)


def same_title(a: str, b: str) -> bool:
    """Measure titles as the tool compares them, ignoring case, spacing and the kind of apostrophe."""
    def norm(text: str) -> str:
        return re.sub(r"\s+", " ", text.replace("\u2019", "'")).strip().casefold()
    return norm(a) == norm(b)
