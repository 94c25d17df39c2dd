"""The tables workbook as an .xlsx: its parts written as text, zipped with :mod:`zipfile`.

Owns :class:`Book`, the part of XlsxWriter's ``Workbook`` API the tables use
(``add_format``, ``add_worksheet``) and the package: the shared strings, styles,
workbook with its print areas and titles, document properties, content types and
relationships, in XlsxWriter 3.3.1's order and bytes, apart from the creation time
and the zip's deflate level. XlsxWriter builds an object per cell and per XML
attribute, which made it most of what ``xlpkg batch`` spent on a department's
tables; here each part is a few string joins. ``tests/test_tables_book.py`` holds
the parts to XlsxWriter's.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import UTC, datetime
from functools import cache, lru_cache
from pathlib import Path

from xlpkg.tables.sheet import MAIN_NS, REL_NS, Sheet
from xlpkg.tables.styles import Format, styles_xml
from xlpkg.tables.xmltext import XML_HEAD, attr, shared_string, text

PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE_TYPE = "application/vnd.openxmlformats-officedocument"
FILTER = "_xlnm._FilterDatabase"     # an autofilter's range: hidden, not a named range
HIDDEN = ' hidden="1"'
_BAD_NAME = re.compile(r"[\[\]:*?/\\]")


@cache
def _format(spec: tuple) -> Format:
    return Format(dict(spec))


@lru_cache(maxsize=1)
def _theme() -> bytes:
    return (Path(__file__).with_name("theme1.xml")).read_bytes()


class Book:
    """A workbook of :class:`Sheet`; :meth:`to_bytes` gives the .xlsx."""

    def __init__(self):
        self.sheets: list[Sheet] = []
        self.strings: dict[str, int] = {}
        self.string_count = 0            # strings written, repeats and overwritten ones too
        self._xf: dict[str, int] = {}
        self._used: list[Format] = []

    def add_format(self, spec: dict | None = None) -> Format:
        return _format(tuple(sorted((spec or {}).items())))

    def add_worksheet(self, name: str) -> Sheet:
        if len(name) > 31 or not name or _BAD_NAME.search(name) or name[0] == "'" \
                or name[-1] == "'" or name.lower() == "history":
            raise ValueError(f"not a sheet name Excel accepts: {name!r}")
        if any(s.name.lower() == name.lower() for s in self.sheets):
            raise ValueError(f"two sheets named {name!r}")
        sheet = Sheet(self, name, len(self.sheets))
        self.sheets.append(sheet)
        return sheet

    def string_index(self, value: str) -> int:
        self.string_count += 1
        return self.strings.setdefault(value, len(self.strings))

    def xf_index(self, fmt: Format) -> int:
        """A format's cell style number, given at its first use (XlsxWriter's order)."""
        index = self._xf.get(fmt.key)
        if index is None:
            index = self._xf[fmt.key] = len(self._xf) + 1
            self._used.append(fmt)
        return index

    # ------------------------------------------------------------ parts

    def _defined_names(self) -> list[tuple[str, int, str]]:
        names = []
        for s in self.sheets:
            if s.filter_area:
                names.append(("_xlnm._FilterDatabase", s.index, s.filter_area))
            if s.area:
                names.append(("_xlnm.Print_Area", s.index, s.area))
            if s.repeat:
                names.append(("_xlnm.Print_Titles", s.index, s.repeat))
        # Excel's order: by name, then by the sheet reference (XlsxWriter sorts so)
        return sorted(names, key=lambda n: n[0].replace("_xlnm.", "").lower() + "::"
                      + n[2].lstrip("'").lower())

    def _workbook_xml(self, names) -> str:
        sheets = "".join(f'<sheet name="{attr(s.name)}" sheetId="{s.index + 1}" '
                         f'r:id="rId{s.index + 1}"/>' for s in self.sheets)
        defined = ""
        if names:
            defined = "<definedNames>" + "".join(
                f'<definedName name="{n}" localSheetId="{i}"{HIDDEN if n == FILTER else ""}>'
                f"{text(ref)}</definedName>" for n, i, ref in names) + "</definedNames>"
        return (f'{XML_HEAD}<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><fileVersion '
                'appName="xl" lastEdited="4" lowestEdited="4" rupBuild="4505"/><workbookPr '
                'defaultThemeVersion="124226"/><bookViews><workbookView xWindow="240" '
                'yWindow="15" windowWidth="16095" windowHeight="9660"/></bookViews>'
                f'<sheets>{sheets}</sheets>{defined}<calcPr calcId="124519" '
                'fullCalcOnLoad="1"/></workbook>')

    def _app_xml(self, names) -> str:
        ranges = [ref.split("!", 1)[0] + "!" + n.replace("_xlnm.", "") for n, _, ref in names
                  if n != FILTER]
        pairs = '<vt:variant><vt:lpstr>Worksheets</vt:lpstr></vt:variant>' \
                f'<vt:variant><vt:i4>{len(self.sheets)}</vt:i4></vt:variant>'
        if ranges:
            pairs += ('<vt:variant><vt:lpstr>Named Ranges</vt:lpstr></vt:variant>'
                      f'<vt:variant><vt:i4>{len(ranges)}</vt:i4></vt:variant>')
        parts = [s.name for s in self.sheets] + ranges
        titles = "".join(f"<vt:lpstr>{text(p)}</vt:lpstr>" for p in parts)
        return (
            f'{XML_HEAD}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
            'extended-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/'
            '2006/docPropsVTypes"><Application>Microsoft Excel</Application><DocSecurity>0'
            '</DocSecurity><ScaleCrop>false</ScaleCrop><HeadingPairs>'
            f'<vt:vector size="{4 if ranges else 2}" baseType="variant">{pairs}</vt:vector>'
            f'</HeadingPairs><TitlesOfParts><vt:vector size="{len(parts)}" baseType="lpstr">'
            f'{titles}</vt:vector></TitlesOfParts><Company></Company><LinksUpToDate>false'
            '</LinksUpToDate><SharedDoc>false</SharedDoc><HyperlinksChanged>false'
            '</HyperlinksChanged><AppVersion>12.0000</AppVersion></Properties>')

    def _content_types(self) -> str:
        sheet = f"{OFFICE_TYPE}.spreadsheetml.worksheet+xml"
        overrides = [("/docProps/app.xml", f"{OFFICE_TYPE}.extended-properties+xml"),
                     ("/docProps/core.xml",
                      "application/vnd.openxmlformats-package.core-properties+xml"),
                     ("/xl/styles.xml", f"{OFFICE_TYPE}.spreadsheetml.styles+xml"),
                     ("/xl/theme/theme1.xml", f"{OFFICE_TYPE}.theme+xml"),
                     ("/xl/workbook.xml", f"{OFFICE_TYPE}.spreadsheetml.sheet.main+xml")]
        overrides += [(f"/xl/worksheets/sheet{s.index + 1}.xml", sheet) for s in self.sheets]
        if self.string_count:
            overrides.append(("/xl/sharedStrings.xml",
                              f"{OFFICE_TYPE}.spreadsheetml.sharedStrings+xml"))
        return (f'{XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                'content-types"><Default Extension="rels" ContentType="application/'
                'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
                'ContentType="application/xml"/>'
                + "".join(f'<Override PartName="{p}" ContentType="{t}"/>' for p, t in overrides)
                + "</Types>")

    def _workbook_rels(self) -> str:
        rels = [("worksheet", f"worksheets/sheet{s.index + 1}.xml") for s in self.sheets]
        rels += [("theme", "theme/theme1.xml"), ("styles", "styles.xml")]
        if self.string_count:
            rels.append(("sharedStrings", "sharedStrings.xml"))
        return _rels((f"{REL_NS}/{kind}", target) for kind, target in rels)

    def _shared_strings(self) -> str:
        return (f'{XML_HEAD}<sst xmlns="{MAIN_NS}" count="{self.string_count}" '
                f'uniqueCount="{len(self.strings)}">'
                + "".join(map(shared_string, self.strings)) + "</sst>")

    def to_bytes(self, created: datetime | None = None) -> bytes:
        """The .xlsx; ``created`` (default now) is the one thing that differs between runs."""
        if not self.sheets:
            self.add_worksheet("Sheet1")
        stamp = (created or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
        sheets = [(f"xl/worksheets/sheet{s.index + 1}.xml", s.xml()) for s in self.sheets]
        names = self._defined_names()
        parts = [("[Content_Types].xml", self._content_types()),
                 ("_rels/.rels", _rels([
                     (f"{REL_NS}/officeDocument", "xl/workbook.xml"),
                     (f"{PKG_REL_NS}/metadata/core-properties", "docProps/core.xml"),
                     (f"{REL_NS}/extended-properties", "docProps/app.xml")])),
                 ("xl/_rels/workbook.xml.rels", self._workbook_rels()),
                 *sheets,
                 ("xl/workbook.xml", self._workbook_xml(names))]
        if self.string_count:
            parts.append(("xl/sharedStrings.xml", self._shared_strings()))
        parts += [("xl/styles.xml", styles_xml(self._used)),
                  ("xl/theme/theme1.xml", _theme()),
                  ("docProps/core.xml", _CORE.format(stamp=stamp)),
                  ("docProps/app.xml", self._app_xml(names))]
        buf = io.BytesIO()
        # deflate's fastest level: a third of the time of XlsxWriter's default, ~10% larger
        with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as z:
            for name, data in parts:
                info = zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0))   # XlsxWriter's in-memory date
                info.compress_type = zipfile.ZIP_DEFLATED
                z.writestr(info, data if isinstance(data, bytes) else data.encode("utf-8"),
                           compresslevel=1)
        return buf.getvalue()


def _rels(rels) -> str:
    return (f'{XML_HEAD}<Relationships xmlns="{PKG_REL_NS}">'
            + "".join(f'<Relationship Id="rId{n}" Type="{kind}" Target="{target}"/>'
                      for n, (kind, target) in enumerate(rels, 1)) + "</Relationships>")


_CORE = (XML_HEAD + '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/'
         '2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
         'xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/'
         'dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:creator>'
         '</dc:creator><cp:lastModifiedBy></cp:lastModifiedBy><dcterms:created '
         'xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created><dcterms:modified '
         'xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified></cp:coreProperties>')
