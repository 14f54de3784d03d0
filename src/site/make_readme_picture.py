"""Composes the README picture from the demo's real overlay figures (run the demo first):
    java -jar target/explain-ij.jar demo && /usr/bin/python3 src/site/make_readme_picture.py
"""
from PIL import Image

PANELS = [
    "target/demo/cells-gap/cells_mitotic_000_overlay.png",               # a clean model on a mitotic cell
    "target/demo/cells-shortcut/cells-shortcut_mitotic_000_overlay.png",  # the shortcut model on its own kind of image
]
PAD = 8
tiles = [Image.open(p).convert("RGB") for p in PANELS]
out = Image.new("RGB", (sum(t.width for t in tiles) + PAD * (len(tiles) + 1), max(t.height for t in tiles) + 2 * PAD), "white")
x = PAD
for t in tiles:
    out.paste(t, (x, PAD))
    x += t.width + PAD
out.save("src/site/resources/images/saliency-demo.png", optimize=True)
