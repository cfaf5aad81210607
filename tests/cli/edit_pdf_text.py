#!/usr/bin/python3
"""Edits one figure in the text layer of a PDF printed by Chromium, the way a
forger would: the glyph of one digit in a page's content stream replaced by
the glyph of another digit of the same font, so that what the page shows and
what a reader copies say another number. The attachments are left alone.

    edit_pdf_text.py IN OUT CONTEXT FIGURE

CONTEXT is text of the page (white space removed) that contains FIGURE once,
e.g. "atleast101,217" and "101,217": the first place the PDF's text (all
pages, white space removed) contains CONTEXT is edited, changing the last
digit of FIGURE there to another digit the font has. Prints the new text of
the figure. Needs pikepdf (Debian: python3-pikepdf).

Chromium writes each glyph as a 2-byte code (Type0 fonts, Identity-H) in Tj
strings or TJ arrays, and each font has a ToUnicode CMap: the codes of the
digits come from it (bfchar and bfrange entries).
"""
import re
import sys

import pikepdf

SPACE = re.compile(r"\s", re.UNICODE)


def to_unicode_map(font):
    """Code (int) -> text, from the font's ToUnicode CMap."""
    out = {}
    if "/ToUnicode" not in font:
        return out
    cmap = font.ToUnicode.read_bytes().decode("latin-1")

    def text(hexstr):
        b = bytes.fromhex(hexstr)
        return b.decode("utf-16-be", errors="replace")

    for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.S):
        for src, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>", block):
            out[int(src, 16)] = text(dst)
    for block in re.findall(r"beginbfrange(.*?)endbfrange", cmap, re.S):
        for lo, hi, rest in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(\[[^\]]*\]|<[0-9A-Fa-f]*>)", block):
            lo, hi = int(lo, 16), int(hi, 16)
            if rest.startswith("["):
                for k, dst in enumerate(re.findall(r"<([0-9A-Fa-f]*)>", rest)):
                    out[lo + k] = text(dst)
            else:
                base = bytes.fromhex(rest[1:-1])
                first = int.from_bytes(base, "big")
                for k in range(hi - lo + 1):
                    out[lo + k] = text((first + k).to_bytes(len(base), "big").hex())
    return out


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    src, dst, context, figure = sys.argv[1:]
    if figure not in context or not any(c.isdigit() for c in figure):
        sys.exit("FIGURE must be in CONTEXT and have a digit")
    pdf = pikepdf.open(src)
    # Every glyph of every page, in content order: (page, op index, operand
    # path, byte offset, font name, its text without white space).
    glyphs, text = [], ""
    pages = []
    for pn, page in enumerate(pdf.pages):
        fonts = page.Resources.get("/Font", pikepdf.Dictionary())
        maps = {str(name): (to_unicode_map(fonts[name]), fonts[name].get("/Subtype") == "/Type0") for name in fonts.keys()}
        ops = pikepdf.parse_content_stream(page)
        pages.append(ops)
        font = None
        for oi, (operands, op) in enumerate(ops):
            op = str(op)
            if op == "Tf":
                font = str(operands[0])
            strings = []
            if op in ("Tj", "'", '"'):
                strings = [(None, operands[-1])]
            elif op == "TJ":
                strings = [(k, s) for k, s in enumerate(operands[0]) if isinstance(s, pikepdf.String)]
            for path, s in strings:
                cmap, two = maps.get(font, ({}, True))
                b = bytes(s)
                step = 2 if two else 1
                for off in range(0, len(b) - step + 1, step):
                    code = int.from_bytes(b[off:off + step], "big")
                    t = SPACE.sub("", cmap.get(code, ""))
                    glyphs.append((pn, oi, path, off, font, code, len(text), t))
                    text += t
    at = text.find(context)
    if at < 0:
        sys.exit("the PDF's text has no %r" % context)
    fig_at = at + context.index(figure)
    # The last digit of the figure, and the glyph that shows it.
    target = max(k for k in range(fig_at, fig_at + len(figure)) if text[k].isdigit())
    g = next(g for g in glyphs if g[6] <= target < g[6] + max(1, len(g[7])) and g[7])
    pn, oi, path, off, font, code, _, t = g
    fonts = pdf.pages[pn].Resources.Font
    cmap, two = to_unicode_map(fonts[font]), fonts[font].get("/Subtype") == "/Type0"
    digits = {v: c for c, v in cmap.items() if len(v) == 1 and v.isdigit()}
    other = next((d for d in "1234567890" if d != t and d in digits), None)
    if other is None:
        sys.exit("the font %s has no other digit than %s" % (font, t))
    new_code = digits[other].to_bytes(2 if two else 1, "big")
    operands, op = pages[pn][oi]
    operands = list(operands)
    s = operands[-1] if path is None else operands[0][path]
    b = bytearray(bytes(s))
    b[off:off + len(new_code)] = new_code
    if path is None:
        operands[-1] = pikepdf.String(bytes(b))
    else:
        arr = pikepdf.Array(list(operands[0]))
        arr[path] = pikepdf.String(bytes(b))
        operands[0] = arr
    pages[pn][oi] = pikepdf.ContentStreamInstruction(operands, op)
    pdf.pages[pn].Contents = pdf.make_stream(pikepdf.unparse_content_stream(pages[pn]))
    pdf.save(dst)
    k = target - fig_at
    print(figure[:k] + other + figure[k + 1:])


if __name__ == "__main__":
    main()
