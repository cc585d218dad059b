"""Names inside the 印证材料 zip from hostile text: zip-slip, absolute paths, NUL, Windows device names, long names."""

from dudao.reviews.zipnames import UniqueNames, component, folder_name


def test_it_never_lets_a_name_leave_its_folder():
    for hostile in ["../../etc/passwd", "/etc/passwd", "..\\..\\win.ini", "C:\\Windows\\x.pdf", "..", ".", "a/../b"]:
        name = component(hostile)
        assert "/" not in name and "\\" not in name and ":" not in name
        assert name not in ("..", ".", "") and not name.startswith(".")


def test_it_removes_control_characters_and_nul():
    assert component("a\x00b\x1f.pdf") == "a_b_.pdf"
    assert component("\x00") == "_"
    assert component("") == "文件"


def test_it_defuses_windows_device_names():
    assert component("CON") == "_CON"
    assert component("nul.pdf") == "_nul.pdf"
    assert component("com1.txt") == "_com1.txt"
    assert component("CONTRACT.pdf") == "CONTRACT.pdf"


def test_it_bounds_the_length_and_keeps_the_extension():
    name = component("长" * 500 + ".pdf")
    assert len(name) == 80 and name.endswith(".pdf")


def test_it_makes_names_unique_in_a_folder_ignoring_case():
    names = UniqueNames()
    assert [names.take(n) for n in ["a.pdf", "A.pdf", "a.pdf", "b.pdf"]] == ["a.pdf", "A (2).pdf", "a (3).pdf", "b.pdf"]


def test_it_numbers_indicator_folders():
    assert folder_name(1, 2, "1.1", "落实教育优先发展战略地位，教育经费“两个只增不减”") == "01 1.1 落实教育优先发展战略地位，教育经费“两个"
    assert folder_name(7, 3, "../x", "a/b") == "007 .._x a_b"
