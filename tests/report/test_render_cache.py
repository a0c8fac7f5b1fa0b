"""The compiled-template cache never breaks the wording: a cache that cannot be written or
read only costs a compile."""

from __future__ import annotations

import jinja2

from ikuanalysis.report import render


def _environment(cache: jinja2.BytecodeCache) -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.DictLoader({"t.j2": "Capaian {{ value }}"}), bytecode_cache=cache)


def test_a_template_renders_from_the_cache_the_second_time(tmp_path):
    cache = render._QuietBytecodeCache(str(tmp_path))
    assert _environment(cache).get_template("t.j2").render(value="93,06%") == "Capaian 93,06%"
    assert len(list(tmp_path.glob("__jinja2_*.cache"))) == 1
    assert _environment(cache).get_template("t.j2").render(value="1,00%") == "Capaian 1,00%"


def test_an_unwritable_cache_folder_still_renders(tmp_path):
    cache = render._QuietBytecodeCache(str(tmp_path / "missing"))  # every write fails
    assert _environment(cache).get_template("t.j2").render(value="5") == "Capaian 5"


def test_a_corrupt_cache_file_is_recompiled(tmp_path):
    cache = render._QuietBytecodeCache(str(tmp_path))
    _environment(cache).get_template("t.j2")
    for cached in tmp_path.glob("__jinja2_*.cache"):
        cached.write_bytes(b"j2\x00garbage")
    assert _environment(cache).get_template("t.j2").render(value="7") == "Capaian 7"
