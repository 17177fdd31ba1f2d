"""Excel import and export of regions, organizations, grids, members and households
(PRODUCT.md capability 1: cadres live in Excel).

- ``KINDS``: each kind's columns, Chinese headers and rules (``kinds``).
- ``template_workbook(kind)``: a blank sheet with dropdowns and a 填写说明 sheet (``writing``).
- ``export_workbook(user, kind, root_region, unmasked=…)``: the rows the user may see, in the
  template's columns, masked unless an admin asks otherwise; audited (``writing``).
- ``import_workbook(user, kind, file)``: all or nothing, with every error numbered by Excel
  row and column (``importing``).

Load order for a new county: regions → organizations → grids → members → households.
"""

from orgs.excel.importing import import_workbook
from orgs.excel.kinds import KINDS, Column, ColumnType, Kind
from orgs.excel.reading import MAX_FILE_BYTES, MAX_ROWS
from orgs.excel.results import ImportResult, RowError
from orgs.excel.writing import export_workbook, template_workbook

__all__ = [
    "KINDS",
    "MAX_FILE_BYTES",
    "MAX_ROWS",
    "Column",
    "ColumnType",
    "ImportResult",
    "Kind",
    "RowError",
    "export_workbook",
    "import_workbook",
    "template_workbook",
]
