"""Regenerate the pattern bitmaps: python landscape_app/assets/patterns/make_patterns.py

Each character is drawn with DejaVu Sans Bold (shipped with matplotlib) on a 20 × 20 grid and
thresholded to black and white: ±1 patterns of N = 400 neurons.
"""

from pathlib import Path

import matplotlib
from PIL import Image, ImageDraw, ImageFont

SIZE = 20
CHARACTERS = "0123456789AEHKLTXZ"
HERE = Path(__file__).parent


def render(char: str) -> Image.Image:
    font_path = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans-Bold.ttf"
    big = 10 * SIZE
    font = ImageFont.truetype(str(font_path), big)
    image = Image.new("L", (2 * big, 2 * big), 0)
    ImageDraw.Draw(image).text((big // 2, big // 4), char, fill=255, font=font)
    glyph = image.crop(image.getbbox())
    # fill the grid, one pixel of margin, keeping the glyph's proportions
    scale = (SIZE - 2) / max(glyph.size)
    width, height = max(1, round(glyph.width * scale)), max(1, round(glyph.height * scale))
    small = glyph.resize((width, height), Image.LANCZOS)
    canvas = Image.new("L", (SIZE, SIZE), 0)
    canvas.paste(small, ((SIZE - width) // 2, (SIZE - height) // 2))
    return canvas.point(lambda p: 255 if p >= 110 else 0).convert("1")


if __name__ == "__main__":
    for char in CHARACTERS:
        render(char).save(HERE / f"{char}.png")
