"""xlpkg: the workbook is the single source of a department's 部门整体支出绩效自评."""

__version__ = "0.1.0"
