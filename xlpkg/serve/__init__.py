"""``xlpkg serve``: a local page for people without Excel's add-in or a command line.

Drop a workbook or data file, see every finding at its cell, the 自评表 and what
the report still lacks, download the report, the findings and the tables. The
page is served on 127.0.0.1 only and every asset ships inside this package.
"""
