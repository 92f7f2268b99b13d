from rag.corpus.boilerplate import content_blocks, dominant_script, find_boilerplate, repeated_lines


def test_repeated_lines_across_documents_are_boilerplate() -> None:
    a = "Real content one.\nSign up for our weekly newsletter now\nMore content."
    b = "Other text.\nSign up for our weekly newsletter now\n"
    rep = repeated_lines([a, b])
    assert rep == {"sign up for our weekly newsletter now"}
    spans = find_boilerplate(a, rep)
    assert [a[s:e] for s, e in spans] == ["Sign up for our weekly newsletter now"]


def test_short_repeats_are_not_boilerplate() -> None:
    assert repeated_lines(["Yes.\nYes.\n"]) == set()


def test_foreign_script_caption_and_blank_runs() -> None:
    text = "An English article about AI.\n\n\n\n\nMore English text here.\n微信扫描下方的二维码阅读本文"
    assert dominant_script(text) == "LATIN"
    spans = find_boilerplate(text, set())
    cut = [text[s:e] for s, e in spans]
    assert cut[-1] == "微信扫描下方的二维码阅读本文"
    assert any(not c.strip() for c in cut)  # the blank run
    blocks = [text[s:e] for s, e in content_blocks(text, spans)]
    assert blocks == ["An English article about AI.", "More English text here."]


def test_a_chinese_document_keeps_its_chinese_lines() -> None:
    text = "人工智能全球治理行动计划发布。\n各方积极评价。"
    assert find_boilerplate(text, set()) == ()
