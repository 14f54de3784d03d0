"""Composes the README picture from the demo's real overlays (run the demo first):
    java -jar target/explain-ij.jar demo && /usr/bin/python3 src/site/make_readme_picture.py
"""
from PIL import Image, ImageDraw

PANELS = [
    ("target/demo/cells-gap/mitotic_000_overlay.png", "cells-gap: mitotic"),
    ("target/demo/cells-shortcut/cells-shortcut/mitotic_000_overlay.png", "cells-shortcut: mitotic"),
]
SCALE, PAD, LABEL = 4, 8, 18
tiles = [Image.open(p).convert("RGB").resize((64 * SCALE, 64 * SCALE), Image.NEAREST) for p, _ in PANELS]
out = Image.new("RGB", (len(tiles) * (64 * SCALE + PAD) + PAD, 64 * SCALE + 2 * PAD + LABEL), "white")
draw = ImageDraw.Draw(out)
for i, (tile, (_, label)) in enumerate(zip(tiles, PANELS)):
    x = PAD + i * (64 * SCALE + PAD)
    out.paste(tile, (x, PAD + LABEL))
    draw.text((x, PAD), label, fill="black")
out.save("src/site/resources/images/saliency-demo.png", optimize=True)
