from pathlib import Path

import pytest

from rag.corpus.loaders import extract
from rag.corpus.reader import read_corpus
from rag.errors import CorpusError
from tests.conftest import write_corpus


def minimal_pdf(text: str) -> bytes:
    """A one-page PDF with `text`, written by hand so the test needs no PDF writer."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = b"%PDF-1.4\n", []
    for i, body in enumerate(objs, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return out


def test_txt_text_is_the_exact_file_text(tmp_path: Path) -> None:
    raw = "Line one.\r\nLine two with é.\r\n"
    (tmp_path / "a.txt").write_bytes(raw.encode("utf-8"))
    text, title = extract(tmp_path / "a.txt")
    assert text == raw  # no newline translation: offsets index the file itself
    assert title == "Line one."


def test_html_extracts_visible_text_and_title(tmp_path: Path) -> None:
    (tmp_path / "p.html").write_text(
        "<html><head><title>Plan</title><script>alert(1)</script></head>"
        "<body><nav>Menu</nav><p>The plan has <b>13</b> actions.</p><p>Second.</p></body></html>"
    )
    text, title = extract(tmp_path / "p.html")
    assert title == "Plan"
    assert "alert" not in text and "Menu" not in text
    assert text.splitlines() == ["The plan has", "13", "actions.", "Second."]


def test_pdf_text_is_extracted(tmp_path: Path) -> None:
    (tmp_path / "doc.pdf").write_bytes(minimal_pdf("The plan promotes open source."))
    text, _ = extract(tmp_path / "doc.pdf")
    assert "open source" in text


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("empty.txt", b"", "no text"),
        ("bin.txt", b"\x00\x01\x02binary", "binary"),
        ("latin1.txt", "café".encode("latin-1"), "UTF-8"),
        ("broken.pdf", b"%PDF-1.4 garbage", "PDF"),
    ],
)
def test_bad_files_are_refused_with_their_name(tmp_path: Path, name: str, data: bytes, reason: str) -> None:
    (tmp_path / name).write_bytes(data)
    with pytest.raises(CorpusError, match=reason) as info:
        extract(tmp_path / name)
    assert name in str(info.value)


def test_bad_and_duplicate_files_are_skipped_and_the_rest_indexes(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "corpus", {"good.txt": "Good text.", "copy.txt": "Good text.", "empty.md": ""})
    result = read_corpus(corpus, tmp_path)
    assert [d.source for d in result.documents] == ["corpus/copy.txt"]
    reasons = {s.source: s.reason for s in result.skipped}
    assert set(reasons) == {"corpus/empty.md", "corpus/good.txt"}
    assert "duplicate" in reasons["corpus/good.txt"]


def test_missing_or_empty_corpus_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="does not exist"):
        read_corpus(tmp_path / "nope", tmp_path)
    (tmp_path / "empty").mkdir()
    with pytest.raises(CorpusError, match="no usable documents"):
        read_corpus(tmp_path / "empty", tmp_path)


def test_metadata_file_feeds_documents(tmp_path: Path) -> None:
    corpus = write_corpus(
        tmp_path / "corpus",
        {"a.txt": "Text here.", "metadata.json": '{"documents": {"a.txt": {"title": "T", "outlet": "O"}}}'},
    )
    (doc,) = read_corpus(corpus, tmp_path).documents
    assert (doc.meta.title, doc.meta.outlet, doc.doc_id) == ("T", "O", "a")


def test_invalid_metadata_names_the_file(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "corpus", {"a.txt": "Text.", "metadata.json": "{not json"})
    with pytest.raises(CorpusError, match=r"metadata\.json"):
        read_corpus(corpus, tmp_path)
