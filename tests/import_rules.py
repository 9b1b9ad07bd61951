"""An import-linter contract of this project's: apps reach each other only through their doors.

``lint-imports`` (``make check``) loads it from ``pyproject.toml``. For every app named in
``apps``, a module of another app may import only the app's package itself and its ``doors``
(``services``, ``selectors``, ``models`` and whatever ``public`` adds, such as the permission
layer of ``bpo.accounts``). Views, forms, serializers, tasks and the like stay private, so a
new domain cannot couple itself to another app's pages or internals.
"""

from __future__ import annotations

from grimp import ImportGraph
from importlinter import Contract, ContractCheck, fields, output


class AppBoundaryContract(Contract):
    type_name = "app_boundaries"

    apps = fields.ListField(subfield=fields.StringField())
    doors = fields.ListField(subfield=fields.StringField())
    # Further modules (full dotted names) that other apps may import, e.g. bpo.accounts.roles.
    public = fields.ListField(subfield=fields.StringField(), required=False, default=[])

    def _app_of(self, module: str) -> str | None:
        for app in sorted(self.apps, key=len, reverse=True):  # type: ignore[attr-defined]
            if module == app or module.startswith(app + "."):
                return app
        return None

    def _is_door(self, app: str, module: str) -> bool:
        if module == app or module in self.public:  # type: ignore[attr-defined]
            return True
        first = module[len(app) + 1 :].split(".")[0]
        return first in self.doors  # type: ignore[attr-defined]

    def check(self, graph: ImportGraph, verbose: bool) -> ContractCheck:
        breaches = []
        for importer in sorted(graph.modules):
            importer_app = self._app_of(importer)
            if importer_app is None:
                continue
            for imported in sorted(graph.find_modules_directly_imported_by(importer)):
                imported_app = self._app_of(imported)
                if imported_app in (None, importer_app):
                    continue
                if not self._is_door(imported_app, imported):
                    breaches.append((importer, imported))
        return ContractCheck(kept=not breaches, metadata={"breaches": breaches})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for importer, imported in check.metadata["breaches"]:
            output.print_error(
                f"{importer} imports {imported}: reach another app through its "
                f"{', '.join(self.doors)} or a module listed as public."  # type: ignore[attr-defined]
            )
            output.new_line()
