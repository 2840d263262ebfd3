"""An import-linter contract type for the rule the built-in types cannot say: areas use one another
only through their `services` and `rules` (and, for queries and foreign keys, through their `models`
from a `services`, `models` or `cli` module). A view never reaches into another area's models, views or
commands, and nothing outside an area reaches into its internals (such as `documents.pdf`).
"""

from __future__ import annotations

from dataclasses import dataclass

import grimp
from importlinter import Contract, ContractCheck, fields, output


@dataclass(frozen=True)
class Crossing:
    importer: str
    imported: str
    line_numbers: tuple[int, ...]


class AreaBoundaryContract(Contract):
    """Options: `areas` (the area packages), `public_layers` (what another area may import of an area),
    `data_layers` (what only `data_importers` of another area may import), `data_importers`."""

    type_name = "area_boundaries"

    areas = fields.ListField(subfield=fields.StringField())
    public_layers = fields.ListField(subfield=fields.StringField())
    data_layers = fields.ListField(subfield=fields.StringField())
    data_importers = fields.ListField(subfield=fields.StringField())

    def _split(self, module: str) -> tuple[str, str] | None:
        """(area, layer) of a module inside an area, e.g. dpia.review.services.workflow -> (dpia.review, services)."""
        for area in self.areas:  # type: ignore[attr-defined]
            if module == area:
                return area, ""
            if module.startswith(area + "."):
                return area, module[len(area) + 1:].split(".")[0]
        return None

    def check(self, graph: grimp.ImportGraph, verbose: bool) -> ContractCheck:
        crossings: list[Crossing] = []
        for importer in sorted(graph.modules):
            source = self._split(importer)
            if source is None:
                continue
            for imported in sorted(graph.find_modules_directly_imported_by(importer)):
                target = self._split(imported)
                if target is None or target[0] == source[0]:
                    continue
                if target[1] in self.public_layers:  # type: ignore[attr-defined]
                    continue
                if target[1] in self.data_layers and source[1] in self.data_importers:  # type: ignore[attr-defined]
                    continue
                details = graph.get_import_details(importer=importer, imported=imported)
                crossings.append(Crossing(importer, imported, tuple(d["line_number"] for d in details)))
        return ContractCheck(kept=not crossings, metadata={"crossings": crossings})

    def render_broken_contract(self, check: ContractCheck) -> None:
        output.print_error("Imports that reach into another area other than through its services or rules:",
                           bold=False)
        output.new_line()
        for crossing in check.metadata["crossings"]:
            lines = ", ".join(map(str, crossing.line_numbers))
            output.print_error(f"- {crossing.importer} -> {crossing.imported} (l.{lines})", bold=False)
        output.new_line()
