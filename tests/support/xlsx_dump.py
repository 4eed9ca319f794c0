#!/usr/bin/python3
# Reads an XLSX workbook with openpyxl (Debian python3-openpyxl), a reader independent of
# parix's writer (workflow/reports/xlsx_writer.cpp), and prints what the report tests
# check as JSON: per sheet its frozen panes, print set-up, page header and footer, column
# widths and every cell's value, type, number format and boldness.
#   usage: xlsx_dump.py FILE.xlsx
import json
import re
import sys

import openpyxl
import openpyxl.reader.excel
from openpyxl.cell.text import Text
from openpyxl.utils import get_column_letter
from openpyxl.xml.constants import SHEET_MAIN_NS
from openpyxl.xml.functions import iterparse


# What XML cannot hold (control characters, U+FFFE, U+FFFF, CR) a workbook writes as
# "_xHHHH_" (ECMA-376 Part 1, 22.9.2.19), and a "_" that would start such a code as
# "_x005F_". Excel reads them back as the characters. openpyxl 3.0.9 leaves inline
# strings as they are and only deletes "x005F_" from shared strings, so its shared
# strings are read raw here and every text decoded as Excel does.
ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def raw_string_table(xml_source):
    strings = []
    for _, node in iterparse(xml_source):
        if node.tag == "{%s}si" % SHEET_MAIN_NS:
            strings.append(Text.from_tree(node).content)
            node.clear()
    return strings


openpyxl.reader.excel.read_string_table = raw_string_table


def excel_text(s):
    return ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), s)


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
        v = excel_text(str(v))
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
        # Absent means 1 (ECMA-376 CT_PageSetup); writers leave defaults out.
        "fit_to_width": 1 if ws.page_setup.fitToWidth is None else ws.page_setup.fitToWidth,
        "fit_to_height": 1 if ws.page_setup.fitToHeight is None else ws.page_setup.fitToHeight,
        "fit_to_page": bool(ws.sheet_properties.pageSetUpPr and ws.sheet_properties.pageSetUpPr.fitToPage),
        "print_title_rows": ws.print_title_rows,
        "header_center": ws.oddHeader.center.text,
        "footer_center": ws.oddFooter.center.text,
        "margins": [ws.page_margins.left, ws.page_margins.right, ws.page_margins.top,
                    ws.page_margins.bottom],
        "grid_lines": bool(ws.print_options.gridLines),
        "horizontally_centered": bool(ws.print_options.horizontalCentered),
        "widths": widths,
        "rows": [[cell_json(c) for c in row] for row in ws.iter_rows()],
    }


def main():
    wb = openpyxl.load_workbook(sys.argv[1])
    out = {"title": wb.properties.title, "sheets": [sheet_json(ws) for ws in wb.worksheets]}
    json.dump(out, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
