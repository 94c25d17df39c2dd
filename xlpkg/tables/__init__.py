"""The submission tables (基础数据表, 部门整体支出绩效自评表, 项目支出绩效自评表 per project).

- :mod:`.grid` — the shape of a printable table (cells, merges, header rows, notes);
- :mod:`.rows` — pure builders from a Dataset and its Scoresheet
  (:func:`~xlpkg.tables.rows.submission_tables` gives all of them in print order);
- :mod:`.xlsx` — one printable workbook of them (``xlpkg tables``, ``batch``): the page
  layout, written through :mod:`.book` (cells, merges, print setup as .xlsx XML) and
  :mod:`.styles` (the cell formats' ``styles.xml``), the bytes XlsxWriter wrote.

The report attaches the same grids: call ``submission_tables(ds, scoresheet)`` and
render each ``PrintTable`` (``rows``, ``merges``, ``header_rows``, ``notes``).
"""
