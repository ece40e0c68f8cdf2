"""`manage.py import_reference`: all or nothing, with line numbers for every bad row."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from apps.rubric.models import EngineeringSchool, FortuneGlobal500Company, GovernmentProgramme, PerCapitaGNI

pytestmark = pytest.mark.django_db


def write(tmp_path, text, name="list.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("import_reference", *map(str, args), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_good_school_list_is_imported_with_korean_names_and_unranked_rows(tmp_path):
    path = write(tmp_path, "name,rank,country,name_ko\nKAIST,26,Korea,한국과학기술원\nSomewhere Tech,,X,\n")
    out, _ = run("schools", path)
    assert "2 created" in out
    kaist = EngineeringSchool.objects.get(name="KAIST")
    assert (kaist.rank, kaist.name_ko, kaist.is_demo) == (26, "한국과학기술원", False)
    assert EngineeringSchool.objects.get(name="Somewhere Tech").rank is None


def test_reimport_updates_rows_instead_of_duplicating(tmp_path):
    run("schools", write(tmp_path, "name,rank\nKAIST,26\n"))
    out, _ = run("schools", write(tmp_path, "name,rank\nKAIST,31\n", "second.csv"))
    assert "0 created, 1 updated" in out
    assert EngineeringSchool.objects.get(name="KAIST").rank == 31


def test_a_bad_file_imports_nothing_and_names_every_bad_line(tmp_path):
    path = write(
        tmp_path,
        "name,rank\nGood School,10\n,5\nBad Rank,ten\nZero,0\nGood School,11\n",
    )
    with pytest.raises(CommandError, match="4 problem"):
        run("schools", path)
    assert EngineeringSchool.objects.count() == 0


def test_error_messages_carry_line_numbers(tmp_path):
    path = write(tmp_path, "name,rank\nGood School,10\n,5\nBad Rank,ten\nGood School,11\n")
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_reference", "schools", str(path), stdout=StringIO(), stderr=err)
    lines = err.getvalue().splitlines()
    assert any("line 3: name: must not be empty" in line for line in lines)
    assert any("line 4: rank: 'ten' is not a whole number" in line for line in lines)
    assert any("line 5: name 'Good School' already given on line 2" in line for line in lines)


def test_missing_and_unknown_columns_are_reported_on_the_header_line(tmp_path):
    err = StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_reference",
            "fortune500",
            str(write(tmp_path, "name,position\nX,1\n")),
            stdout=StringIO(),
            stderr=err,
        )
    message = err.getvalue()
    assert "line 1" in message
    assert "missing column(s): list_year, rank" in message
    assert "unknown column(s): position" in message


def test_an_empty_file_is_refused(tmp_path):
    with pytest.raises(CommandError):
        run("schools", write(tmp_path, "name,rank\n"))


def test_a_missing_file_gets_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        run("schools", tmp_path / "nope.csv")


def test_a_file_that_is_not_utf8_gets_a_clear_error(tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes("name,rank\nUniversité,5\n".encode("latin-1"))
    with pytest.raises(CommandError, match="not UTF-8"):
        run("schools", path)


def test_gni_rows_validate_dates(tmp_path):
    path = write(tmp_path, "year,amount_krw,published_on\n2025,51000000,2026-03-xx\n")
    with pytest.raises(CommandError):
        run("gni", path)
    assert not PerCapitaGNI.objects.filter(year=2025).exists()
    run("gni", write(tmp_path, 'year,amount_krw,published_on\n2025,"51,000,000",2026-03-04\n', "ok.csv"))
    assert PerCapitaGNI.objects.get(year=2025).amount_krw == 51_000_000


def test_replace_removes_rows_the_official_list_does_not_contain(tmp_path):
    FortuneGlobal500Company.objects.create(name="Gone Corp", rank=7, list_year=2024, is_demo=True)
    out, _ = run(
        "fortune500", write(tmp_path, "name,rank,list_year\nSamsung Electronics,22,2025\n"), "--replace"
    )
    assert "1 deleted" in out
    assert list(FortuneGlobal500Company.objects.values_list("name", flat=True)) == ["Samsung Electronics"]


def test_programmes_can_be_deactivated_by_import(tmp_path):
    run("programmes", write(tmp_path, "code,name,is_active\nKASA,KASA programme,no\n"))
    assert GovernmentProgramme.objects.get(code="KASA").is_active is False
    assert GovernmentProgramme.objects.get(code="MOHW").is_active is True


def test_programmes_import_the_ministry_s_korean_name(tmp_path):
    run(
        "programmes",
        write(
            tmp_path,
            "code,name,ministry,ministry_ko\nNRF,NRF programme,National Research Foundation,한국연구재단\n",
        ),
    )
    programme = GovernmentProgramme.objects.get(code="NRF")
    assert (programme.ministry, programme.ministry_ko) == ("National Research Foundation", "한국연구재단")
    with translation.override("ko"):
        assert programme.display_ministry == "한국연구재단"
    assert programme.display_ministry == "National Research Foundation"
