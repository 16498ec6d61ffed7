"""Quote cards: right size, valid PNG, deterministic, nothing drawn outside its box."""

from __future__ import annotations

import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from syndicator.compose import FACEBOOK_CARD_SIZE, X_CARD_SIZE, CardSettings, render_card
from syndicator.models import Quote, QuoteKind

Image = pytest.importorskip("PIL.Image")


def _quote(text: str, speaker: str | None = "Donald Trump") -> Quote:
    return Quote(text=text, speaker=speaker, kind=QuoteKind.FULL, start=0, end=1)


def _open(png: bytes):  # type: ignore[no-untyped-def]
    image = Image.open(io.BytesIO(png))
    image.load()
    return image


@pytest.mark.parametrize("size", [X_CARD_SIZE, FACEBOOK_CARD_SIZE])
def test_card_is_a_png_of_the_requested_size(size: tuple[int, int]) -> None:
    png = render_card(_quote("We will win."), CardSettings(), size=size, site="Hypeline")
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert _open(png).size == size


def test_card_is_deterministic() -> None:
    q = _quote("A very nice letter from Vladimir Putin; his thoughts are so correct,")
    a = render_card(q, CardSettings(), size=X_CARD_SIZE, site="Hypeline")
    assert a == render_card(q, CardSettings(), size=X_CARD_SIZE, site="Hypeline")


def test_colours_and_logo() -> None:
    logo = io.BytesIO()
    Image.new("RGBA", (300, 100), (255, 0, 0, 255)).save(logo, "PNG")
    cfg = CardSettings(background="#ffffff", foreground="#000000", logo_png=logo.getvalue())
    image = _open(render_card(_quote("Hi."), cfg, size=X_CARD_SIZE, site=None)).convert("RGB")
    assert image.getpixel((X_CARD_SIZE[0] // 2, 5)) == (255, 255, 255)
    colours = {c for _, c in image.getcolors(maxcolors=1 << 20)}
    assert (255, 0, 0) in colours  # the logo was pasted


def _ink_box(png: bytes, background: tuple[int, int, int]) -> tuple[int, int, int, int] | None:
    """Bounding box of everything that differs from the background, accent bar excluded."""
    from PIL import ImageChops

    image = _open(png).convert("RGB")
    diff = ImageChops.difference(image, Image.new("RGB", image.size, background)).convert("L")
    diff = diff.point(lambda v: 255 if v else 0)
    bar = max(6, image.width // 150)
    diff.paste(0, (0, 0, bar, image.height))
    return diff.getbbox()


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=st.one_of(
        st.text(min_size=1, max_size=1500),
        st.sampled_from(["x" * 1200, "word " * 400, "日本語" * 300, "Short."]),
    ),
    speaker=st.one_of(st.none(), st.text(max_size=200)),
    size=st.sampled_from([X_CARD_SIZE, FACEBOOK_CARD_SIZE]),
)
def test_no_overflow_for_any_quote(text: str, speaker: str | None, size: tuple[int, int]) -> None:
    cfg = CardSettings()
    png = render_card(_quote(text, speaker), cfg, size=size, site="A site name " * 10)
    box = _ink_box(png, (0x11, 0x18, 0x27))
    if box is not None:
        left, top, right, bottom = box
        margin = cfg.margin
        assert left >= margin - 2 and top >= margin // 2
        assert right <= size[0] - margin + 2 and bottom <= size[1] - margin // 2


_LONG = ("We will rebuild the bridge before the winter whatever it costs the city and the "
         "people who cross it every day deserve nothing less than a safe crossing built by "
         "engineers who know the river the weather and the long history of floods that have "
         "shaped this town since its first houses were put up on the bank of the old ford")
SIXTY_WORDS = " ".join(_LONG.split(" ")[:60])


@pytest.mark.parametrize("text", ["We will win.", SIXTY_WORDS], ids=["3 words", "60 words"])
@pytest.mark.parametrize("size", [X_CARD_SIZE, FACEBOOK_CARD_SIZE], ids=["x", "facebook"])
def test_short_and_long_quotes_stay_inside_the_margins(text: str, size: tuple[int, int]) -> None:
    assert len(text.split()) in (3, 60)
    cfg = CardSettings()
    png = render_card(_quote(text, "Mayor Ellen Park"), cfg, size=size, site="HYPELINE")
    assert _open(png).size == size
    box = _ink_box(png, (0x11, 0x18, 0x27))
    assert box is not None
    left, top, right, bottom = box
    assert left >= cfg.margin - 2 and right <= size[0] - cfg.margin + 2
    assert top >= cfg.margin // 2 and bottom <= size[1] - cfg.margin // 2
    # the text uses the card: a 3-word quote is drawn large, 60 words still fill it
    assert (right - left) > size[0] // 4 and (bottom - top) > size[1] // 4
