"""The collector around a department's work (``xlpkg.collector``): paused while it is
made, back on after; frozen out of later collections only in a process that ends after
its one command (the ``xlpkg`` script over one department), never in one that lives on."""

from __future__ import annotations

import gc
import os
import subprocess
import sys

import pytest
from support import EXAMPLE, ROOT

from xlpkg import collector
from xlpkg.cli import ONE_DEPARTMENT, build_parser


@pytest.fixture
def unfrozen():
    """Whatever a test freezes goes back to the collector afterwards."""
    before = gc.get_freeze_count()
    yield before
    gc.unfreeze()


def _made_in_a_pause() -> list:
    with collector.paused():
        assert not gc.isenabled()
        made = [[i] for i in range(1000)]   # containers: tracked by the collector
    assert gc.isenabled()
    return made


def test_a_process_that_lives_on_keeps_what_a_pause_made_in_the_collectors_rounds(
        unfrozen, monkeypatch):
    monkeypatch.setattr(collector, "_one_command_pid", None)
    made = _made_in_a_pause()
    assert gc.get_freeze_count() == unfrozen
    assert gc.is_tracked(made[0])


def test_a_one_command_process_freezes_what_a_pause_made(unfrozen, monkeypatch):
    monkeypatch.setattr(collector, "_one_command_pid", None)
    collector.one_command()
    made = _made_in_a_pause()
    assert gc.get_freeze_count() >= unfrozen + len(made)


def test_a_forked_child_of_a_one_command_process_does_not_freeze(unfrozen, monkeypatch):
    monkeypatch.setattr(collector, "_one_command_pid", os.getpid() + 1)   # the parent's
    _made_in_a_pause()
    assert gc.get_freeze_count() == unfrozen


def test_a_collector_turned_off_by_the_caller_stays_off_and_nothing_is_frozen(
        unfrozen, monkeypatch):
    monkeypatch.setattr(collector, "_one_command_pid", os.getpid())
    gc.disable()
    try:
        with collector.paused():
            [[i] for i in range(100)]
        assert not gc.isenabled()
        assert gc.get_freeze_count() == unfrozen
    finally:
        gc.enable()


def test_every_command_is_either_over_one_department_or_goes_on():
    """A new command has to be placed: over one department (frozen) or not."""
    sub = next(a for a in build_parser(None)._actions if a.dest == "command")
    goes_on = {"batch", "serve"}
    assert set(sub.choices) == ONE_DEPARTMENT | goes_on
    assert not ONE_DEPARTMENT & goes_on


@pytest.mark.parametrize(("argv", "frozen"), [
    (["report", "a.xlsm"], True), (["check", "--json", "a.xlsm"], True),
    (["serve"], False), (["batch", "in", "-o", "out"], False), (["--version"], False)])
def test_the_script_marks_only_a_command_over_one_department(argv, frozen, monkeypatch):
    from xlpkg import cli

    monkeypatch.setattr(collector, "_one_command_pid", None)
    monkeypatch.setattr(sys, "argv", ["xlpkg", *argv])
    monkeypatch.setattr(cli, "main", lambda: 0)
    ended = []
    monkeypatch.setattr(cli, "leave", ended.append)
    cli.run()
    assert ended == [0]
    assert (collector._one_command_pid == os.getpid()) is frozen


def test_the_script_over_one_department_ends_with_its_work_frozen():
    """The real process: ``xlpkg check`` through the script's entry froze what it made."""
    code = ("import atexit, gc, sys\n"
            "atexit.register(lambda: print('冻结', gc.get_freeze_count() > 0))\n"
            f"sys.argv = ['xlpkg', 'check', {str(EXAMPLE)!r}]\n"
            "from xlpkg.cli import run\n"
            "run()\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          encoding="utf-8", env=dict(os.environ, PYTHONPATH=str(ROOT)),
                          check=False, timeout=300)
    assert proc.stdout.rstrip().endswith("冻结 True"), proc.stderr
