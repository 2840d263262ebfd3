"""Reading an export file without trusting it: size first, then nesting, then JSON, then the schema.

Each step fails with a `FileProblem` whose message says what is wrong and where, so the command line
and the admin page can show it as it is. Nothing here touches the database.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from functools import cache
from itertools import islice
from typing import TYPE_CHECKING, Any

from dpia.core.hashing import canonical_json
from dpia.transfer.rules.schema import FORMAT, VERSION, export_schema

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError as SchemaError

DEFAULT_MAX_BYTES = 100 * 1024 * 1024
# Far deeper than the format needs (a questionnaire definition, the deepest part, is about 10 levels)
# and far shallower than the depth at which Python's parser gives up.
MAX_DEPTH = 64

# A whole JSON string (with its escapes) or one bracket: strings are skipped in one step each, so a
# bracket inside a string is never counted.
_TOKENS = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')
_TYPE_NAMES = {"object": "an object", "array": "a list", "string": "a string", "integer": "a whole number",
               "number": "a number", "boolean": "true or false", "null": "null"}


class FileProblem(ValueError):
    """The file cannot be imported; the message says why and where."""


def encode(document: dict[str, Any]) -> bytes:
    """The file's bytes: canonical JSON (sorted keys, no spare whitespace, UTF-8) and a final newline."""
    return canonical_json(document) + b"\n"


def too_large_message(size: int, limit: int) -> str:
    return (f"The file is {_megabytes(size)}; files larger than {_megabytes(limit)} are refused "
            "(TRANSFER_MAX_BYTES).")


def check_size(size: int, limit: int) -> None:
    if size > limit:
        raise FileProblem(too_large_message(size, limit))


def _megabytes(size: int) -> str:
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def check_depth(data: bytes, limit: int = MAX_DEPTH) -> None:
    """Refuse nesting deeper than `limit` before the parser sees it (no recursion happens here)."""
    depth = 0
    for match in _TOKENS.finditer(data):
        token = match.group()
        if token in (b"[", b"{"):
            depth += 1
            if depth > limit:
                raise FileProblem(f"The file nests lists or objects more than {limit} levels deep (at byte "
                                  f"{match.start()}); an export is never that deep.")
        elif token in (b"]", b"}"):
            depth -= 1


def _no_duplicates(pairs: Iterable[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise FileProblem(f'The key "{key}" appears twice in one object; each key may appear once.')
        result[key] = value
    return result


def _no_constant(name: str) -> Any:
    raise FileProblem(f"The file holds {name}, which is not JSON.")


def parse(data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> dict[str, Any]:
    """Parse and check an export file's bytes; the document, which matches the schema.

    :raise FileProblem: too large, too deep, not UTF-8, not JSON, not this format or version, or not
        as the schema says (the message names the JSON path).
    """
    check_size(len(data), max_bytes)
    check_depth(data)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise FileProblem(f"The file is not UTF-8 text (byte {error.start} cannot be read).") from None
    if not text.strip():
        raise FileProblem("The file is empty.")
    try:
        document = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constant)
    except json.JSONDecodeError as error:
        raise FileProblem(f"The file is not JSON: {error.msg} at line {error.lineno}, column {error.colno}.") from None
    except RecursionError:  # pragma: no cover - check_depth stops this first
        raise FileProblem(f"The file nests more than {MAX_DEPTH} levels deep.") from None
    check_format(document)
    check_schema(document)
    return document


def check_format(document: Any) -> None:
    """The format and version keys come first, so a file of another kind gets a message about that."""
    if not isinstance(document, dict):
        raise FileProblem("The file must hold one JSON object, the assessment export.")
    if document.get("format") != FORMAT:
        raise FileProblem(f'This is not an assessment export: "format" must be "{FORMAT}" '
                          f"(found {json.dumps(document.get('format'))[:60]}).")
    if document.get("version") != VERSION or isinstance(document.get("version"), bool):
        raise FileProblem(f"Export format version {json.dumps(document.get('version'))[:20]} is not supported; "
                          f"this service reads version {VERSION}.")


@cache
def _validator() -> Draft202012Validator:
    """Built on the first import: jsonschema adds about 10 MB to every web worker that loads it."""
    from jsonschema import Draft202012Validator

    return Draft202012Validator(export_schema())


def check_schema(document: Any) -> None:
    """Check against the published schema and report the first problem found, in a fixed order."""
    # The first thousand are plenty to choose from; a hostile file could hold millions.
    found = islice(_validator().iter_errors(document), 1000)
    errors = sorted(found, key=lambda e: (list(map(str, e.absolute_path)), e.validator))
    if errors:
        raise FileProblem(describe(_deepest(errors[0])))


def _deepest(error: SchemaError) -> SchemaError:
    """The most specific cause of an `anyOf`/`allOf` failure (a wrong type inside a nullable value, say)."""
    while error.context:
        error = sorted(error.context, key=lambda e: (-len(e.absolute_path), list(map(str, e.absolute_path))))[0]
    return error


def json_path(parts: Iterable[Any]) -> str:
    path = "$"
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


def describe(error: SchemaError) -> str:
    """One schema error in words, with the JSON path of the value to fix."""
    path = json_path(error.absolute_path)
    if error.validator == "required":
        missing = [key for key in error.validator_value if key not in (error.instance or {})]
        return f'At {path}: the key "{missing[0]}" is missing.'
    if error.validator == "additionalProperties":
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        if extra:
            return f'At {path}: the key "{extra[0]}" is not part of the format.'
    if error.validator == "type":
        wanted = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
        return (f"At {path}: expected {' or '.join(_TYPE_NAMES.get(t, t) for t in wanted)}, found "
                f"{_kind(error.instance)}.")
    if error.validator in ("enum", "const"):
        allowed = error.validator_value if error.validator == "enum" else [error.validator_value]
        return f"At {path}: {json.dumps(error.instance)[:60]} is not one of {', '.join(map(str, allowed))}."
    if error.validator == "pattern":
        return f"At {path}: {json.dumps(error.instance)[:60]} is not in the expected form ({_form(error.schema)})."
    return f"At {path}: {error.message[:200]}"


def _form(schema: dict[str, Any]) -> str:
    pattern = schema.get("pattern", "")
    if "T" in pattern:
        return "a UTC time such as 2018-06-30T09:00:00+00:00"
    if pattern.endswith(r"\d{2}$"):
        return "a date such as 2018-06-30"
    if "0-9a-f" in pattern:
        return "64 lower-case hexadecimal digits"
    return pattern


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int):
        return "a whole number"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    return "an object"
