#!/usr/bin/python3
# Reads an XLSX workbook with openpyxl (Debian python3-openpyxl), a reader independent of
# the libxlsxwriter that wrote it, and prints what the report tests check as JSON: per
# sheet its frozen panes, print set-up, page header, column widths and every cell's
# value, type, number format and boldness.
#   usage: xlsx_dump.py FILE.xlsx
import json
import sys

import openpyxl
from openpyxl.utils import get_column_letter


def cell_json(c):
    v = c.value
    if isinstance(v, bool):
        kind = "b"
    elif isinstance(v, (int, float)):
        kind = "n"
        v = float(v)
    elif v is None:
        kind = "empty"
    else:
        kind = "s"
        v = str(v)
    return {"v": v, "t": kind, "fmt": c.number_format, "bold": bool(c.font and c.font.b)}


def sheet_json(ws):
    widths = []
    for i in range(1, ws.max_column + 1):
        d = ws.column_dimensions.get(get_column_letter(i))
        widths.append(d.width if d is not None and d.width is not None else None)
    return {
        "name": ws.title,
        "freeze_panes": ws.freeze_panes,
        "orientation": ws.page_setup.orientation,
        "paper_size": ws.page_setup.paperSize,
        # Absent means 1 (ECMA-376 CT_PageSetup); libxlsxwriter leaves defaults out.
        "fit_to_width": 1 if ws.page_setup.fitToWidth is None else ws.page_setup.fitToWidth,
        "fit_to_height": 1 if ws.page_setup.fitToHeight is None else ws.page_setup.fitToHeight,
        "fit_to_page": bool(ws.sheet_properties.pageSetUpPr and ws.sheet_properties.pageSetUpPr.fitToPage),
        "print_title_rows": ws.print_title_rows,
        "header_center": ws.oddHeader.center.text,
        "widths": widths,
        "rows": [[cell_json(c) for c in row] for row in ws.iter_rows()],
    }


def main():
    wb = openpyxl.load_workbook(sys.argv[1])
    out = {"title": wb.properties.title, "sheets": [sheet_json(ws) for ws in wb.worksheets]}
    json.dump(out, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
