@echo off
rem xlpkg serve launcher for Windows: double-click to open the local check page.
rem The Chinese lines below need the UTF-8 code page, switched on first.
chcp 65001 >nul
title xlpkg 本机检查页面
where xlpkg >nul 2>nul && (xlpkg serve & goto done)
where py >nul 2>nul && (py -m xlpkg.cli serve & goto done)
where python >nul 2>nul && (python -m xlpkg.cli serve & goto done)
echo 没有找到 xlpkg。请先安装 Python 3.11 或更高版本，再在 xlpkg 文件夹中运行：py -m pip install .
echo 详见 README 中“在浏览器中使用”一节。
:done
echo.
echo 本机检查页面已停止。按任意键关闭本窗口。
pause >nul
