"""The demo day's sheet and rep pages as a rep sees them: the XLSX printed to PDF and PNG by
LibreOffice headless, each rep's page shown by headless Chromium. One LibreOffice run and one
browser serve the whole module (the tools: tests/render_tools.py, `make render-tools`).

What the checks prove: LibreOffice leaves out of the PDF every line a too-short row hides and
draws the line it cuts over the next row, so "every line of every multi-line cell is in the
PDF's text" and "no two words of the PDF are drawn over each other" together mean no cell is
clipped; the same sheet with the rows at their default height fails both (the control)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from email import message_from_bytes, policy

import openpyxl
import pytest
from PIL import Image
from render_tools import Browser, overlapping_words, pdf_text, pdf_words, to_pdf, to_png, tool
from sheet_runs import publish_copy
from support import ANCHOR, run_leadpilot, warehouse_env

from flows.sheets.rep_pages import write_rep_pages
from scoring.sheet_layout import split_by_owner

# LibreOffice and Chromium start-ups: a minute in all; `make test SLOW=1` and CI run them
pytestmark = pytest.mark.slow

BORDER = (0x1F, 0x4E, 0x78)  # the top border of a card (scoring/templates/rep_page.html)
CARD_BOXES = """JSON.stringify([...document.querySelectorAll('.card')].map(c => {
  const r = c.getBoundingClientRect();
  return {x: r.x, y: r.y, w: r.width, h: r.height, overflowX: c.scrollWidth - c.clientWidth,
          overflowY: c.scrollHeight - c.clientHeight, name: c.querySelector('.name').textContent};
}))"""


@pytest.fixture(scope="module")
def published(demo_env, tmp_path_factory):
    settings = publish_copy(demo_env, tmp_path_factory.mktemp("render"), sheet_format="xlsx")
    return settings, settings.out_dir / ANCHOR.isoformat()


# The tools are session fixtures, so they are looked for before the (session) demo is built:
# without them, a skip costs nothing.
@pytest.fixture(scope="session")
def libreoffice():
    return tool("soffice", "libreoffice"), tool("pdftotext"), tool("pdftoppm")


@pytest.fixture(scope="session")
def chromium():
    return tool("chromium-headless-shell", "chromium", "chromium-browser")


@pytest.fixture(scope="module")
def printed(libreoffice, published, tmp_path_factory):
    """The sheet and a control (the same file, every row at the default height) as PDFs."""
    folder = tmp_path_factory.mktemp("printed")
    sheet = published[1] / "lead_sheet.xlsx"
    book = openpyxl.load_workbook(sheet)
    cells = [c.value for row in book.worksheets[0].iter_rows(min_row=2) for c in row
             if isinstance(c.value, str) and "\n" in c.value]
    for dimension in book.worksheets[0].row_dimensions.values():
        dimension.height = None
    book.save(folder / "default_heights.xlsx")
    pdfs = to_pdf([sheet, folder / "default_heights.xlsx"], folder)
    return Printed(cells, *({"pdf": pdf, "text": pdf_text(pdf), "words": pdf_words(pdf)}
                            for pdf in pdfs))


@dataclass(frozen=True)
class Printed:
    cells: list[str]  # every multi-line cell of the XLSX, as written
    sheet: dict  # the sheet's PDF: its path, its text (no whitespace) and its words
    control: dict  # the same for the control


@pytest.fixture(scope="module")
def browser(chromium):
    opened = Browser()
    yield opened
    opened.close()


def _missing_lines(cells: list[str], text: str) -> list[str]:
    return [line for cell in cells for line in cell.splitlines()
            if "".join(line.split()) not in text]


def test_every_line_of_every_multiline_cell_is_printed(printed):
    assert len(printed.cells) >= 2 * 300  # reasons and talking points of every lead, at least
    assert _missing_lines(printed.cells, printed.sheet["text"]) == []


def test_no_printed_line_is_drawn_over_another(printed):
    assert overlapping_words(printed.sheet["words"]) == []


def test_the_checks_catch_rows_left_at_the_default_height(printed):
    assert len(_missing_lines(printed.cells, printed.control["text"])) > len(printed.cells)
    assert len(overlapping_words(printed.control["words"])) > 100


def test_the_print_is_landscape_one_page_wide_with_the_header_on_every_page(printed,
                                                                           tmp_path):
    words = printed.sheet["words"]
    pages = max(w.page for w in words)
    assert pages > 1
    for page in range(1, pages + 1):
        on_page = {w.text for w in words if w.page == page}
        assert {"Rank", "Deal"} <= on_page, page  # first and last column: one page wide
    with Image.open(to_png(printed.sheet["pdf"], tmp_path)) as image:
        assert image.width > image.height  # landscape
        ink = sum(image.convert("L").histogram()[:128])  # dark pixels
        assert ink > image.width * image.height / 100  # text, not a blank page


def test_the_day_has_one_page_and_one_email_per_rep(published):
    settings, folder = published
    from flows import store
    from flows.sheets.export import stored_sheet

    with store.opened(settings.warehouse) as con:
        sheet = stored_sheet(con, ANCHOR)
    parts = split_by_owner(sheet)
    assert sorted(p.name for p in (folder / "reps").iterdir()) == sorted(
        f"{key}.{ext}" for key in parts for ext in ("html", "eml"))
    key, part = next(iter(parts.items()))
    mail = message_from_bytes((folder / "reps" / f"{key}.eml").read_bytes(), policy=policy.default)
    assert mail["X-Unsent"] == "1" and f"{len(part)} leads" in mail["Subject"]
    assert mail["To"].addresses[0].display_name == part["owner"].iloc[0]
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    page = (folder / "reps" / f"{key}.html").read_text(encoding="utf-8")
    assert html.replace("\r\n", "\n") == page  # the e-mail travels with CRLF line ends
    first = part.iloc[0]
    for line in [first["lead_name"], *first["reasons"].splitlines(),
                 *first["talking_points"].splitlines()]:
        assert line in text


def test_each_reps_cards_lay_out_without_overlap_or_overflow(browser, published, tmp_path):
    pages = sorted((published[1] / "reps").glob("*.html"))
    assert len(pages) >= 5
    for page in pages:
        browser.open(page)
        boxes = json.loads(browser.evaluate(CARD_BOXES))
        leads = browser.evaluate("document.querySelector('.count').textContent")
        assert f"{len(boxes)} leads" in leads, page.name
        assert all(b["w"] > 200 and b["h"] > 100 for b in boxes), page.name
        assert [b for b in boxes if b["overflowX"] > 1 or b["overflowY"] > 1] == []
        assert _overlaps(boxes) == [], page.name
        assert len({round(b["x"]) for b in boxes}) >= 2  # a grid, not one column
    shot = browser.screenshot(tmp_path / "page.png")
    with Image.open(shot) as image:
        rgb = image.convert("RGB")
        visible = [b for b in boxes if b["y"] + 2 < image.height]
        assert visible
        for box in visible:  # the screenshot shows each card where the layout put it
            pixel = rgb.getpixel((int(box["x"] + box["w"] / 2), int(box["y"] + 2)))
            assert max(abs(a - b) for a, b in zip(pixel, BORDER, strict=True)) < 16, box


def _overlaps(boxes: list[dict]) -> list[tuple[str, str]]:
    return [(a["name"], b["name"]) for i, a in enumerate(boxes) for b in boxes[i + 1:]
            if a["x"] < b["x"] + b["w"] and b["x"] < a["x"] + a["w"]
            and a["y"] < b["y"] + b["h"] and b["y"] < a["y"] + a["h"]]


def test_a_hostile_lead_name_is_shown_as_text_and_runs_nothing(browser, published, tmp_path):
    settings, _ = published
    from flows import store
    from flows.sheets.export import stored_sheet

    with store.opened(settings.warehouse) as con:
        sheet = stored_sheet(con, ANCHOR).head(3).assign(owner="Léa Rousseau")
    hostile = "<script>document.title='owned'</script><img src=x onerror=\"document.title='x'\">"
    sheet.loc[0, "lead_name"] = hostile
    sheet.loc[1, "company"] = "'=HYPERLINK(\"http://evil.example\")"
    page = write_rep_pages(sheet, tmp_path, ANCHOR)[0]
    browser.open(page)
    found = json.loads(browser.evaluate("""JSON.stringify({
      title: document.title, scripts: document.scripts.length,
      images: document.images.length, name: document.querySelector('.name').textContent,
      text: document.body.innerText})"""))
    assert found["scripts"] == 0 and found["images"] == 0
    assert found["name"] == hostile and "owned" not in found["title"]
    assert "=HYPERLINK(\"http://evil.example\")" in found["text"]  # shown, without the '


def test_export_writes_the_rep_pages_of_a_past_day(published, tmp_path, monkeypatch, capsys):
    settings, folder = published
    for key, value in warehouse_env(settings).items():
        monkeypatch.setenv(key, value)
    code, out, err = run_leadpilot(["export", "--rep-pages", "--out", str(tmp_path)],
                                   monkeypatch, capsys)
    assert code == 0, err
    for page in (folder / "reps").iterdir():  # the same pages as the day's run wrote
        assert (tmp_path / "reps" / page.name).read_bytes() == page.read_bytes(), page.name
