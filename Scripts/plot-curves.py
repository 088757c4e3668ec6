#!/usr/bin/env python3
"""Draws validation curves written by `rnn train --task text --log FILE.csv` in one SVG chart (standard library only).

    python3 Scripts/plot-curves.py OUT.svg CURVE.csv[=LABEL] ... [--column val_bpc] [--title TEXT] [--ylabel TEXT]

Each CSV has a header row (step,seconds,train_loss,val_loss,val_bpc|val_perplexity,lr); the chart draws --column
(default val_bpc) against step, one line per file, labelled LABEL or the file's name. The SVG is written atomically.
"""
import csv, math, os, sys, tempfile

COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#7f7f7f"]


def fail(message):
    sys.stderr.write(f"plot-curves.py: {message}\n")
    sys.exit(2)


def parse(argv):
    options = {"--column": "val_bpc", "--title": "", "--ylabel": None}
    positional, i = [], 0
    while i < len(argv):
        if argv[i] in options:
            if i + 1 >= len(argv):
                fail(f"{argv[i]} needs a value")
            options[argv[i]] = argv[i + 1]
            i += 2
        else:
            positional.append(argv[i])
            i += 1
    if len(positional) < 2:
        fail("usage: plot-curves.py OUT.svg CURVE.csv[=LABEL] ... [--column C] [--title T] [--ylabel T]")
    return positional[0], positional[1:], options


def read_curve(spec, column):
    path, _, label = spec.partition("=")
    label = label or os.path.splitext(os.path.basename(path))[0]
    try:
        with open(path, newline="") as f:
            rows = list(csv.DictReader(f))
    except OSError as e:
        fail(f"{path}: {e.strerror}")
    if not rows or column not in rows[0]:
        fail(f"{path}: no column '{column}' (columns: {', '.join(rows[0].keys()) if rows else 'none'})")
    points = []
    for n, row in enumerate(rows, start=2):
        try:
            x, y = float(row["step"]), float(row[column])
        except (KeyError, TypeError, ValueError):
            fail(f"{path}, line {n}: step or {column} is not a number")
        if math.isfinite(x) and math.isfinite(y):
            points.append((x, y))
    return label, points


def nice_ticks(lo, hi, count=6):
    span = hi - lo if hi > lo else 1.0
    raw = span / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = math.ceil(lo / step - 1e-9) * step
    ticks, t = [], first
    while t <= hi + 1e-9 * span:
        ticks.append(round(t, 10))
        t += step
    return ticks


def render(curves, title, ylabel):
    width, height = 760, 460
    left, right, top, bottom = 70, 170, 40 if title else 20, 55
    xs = [x for _, p in curves for x, _ in p]
    ys = [y for _, p in curves for _, y in p]
    if not xs:
        fail("no finite points to draw")
    x0, x1 = 0.0, max(xs)
    y0, y1 = min(ys), max(ys)
    pad = (y1 - y0) * 0.05 or 0.1
    y0, y1 = y0 - pad, y1 + pad
    pw, ph = width - left - right, height - top - bottom

    def sx(x):
        return left + (x - x0) / (x1 - x0 or 1) * pw

    def sy(y):
        return top + (y1 - y) / (y1 - y0) * ph

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
           'font-family="sans-serif" font-size="12">',
           f'<rect width="{width}" height="{height}" fill="white"/>']
    if title:
        out.append(f'<text x="{left + pw / 2}" y="22" text-anchor="middle" font-size="14">{escape(title)}</text>')
    for t in nice_ticks(y0, y1):
        out.append(f'<line x1="{left}" y1="{sy(t):.1f}" x2="{left + pw}" y2="{sy(t):.1f}" stroke="#ddd"/>')
        out.append(f'<text x="{left - 6}" y="{sy(t) + 4:.1f}" text-anchor="end">{t:g}</text>')
    for t in nice_ticks(x0, x1):
        out.append(f'<line x1="{sx(t):.1f}" y1="{top}" x2="{sx(t):.1f}" y2="{top + ph}" stroke="#eee"/>')
        out.append(f'<text x="{sx(t):.1f}" y="{top + ph + 18}" text-anchor="middle">{t:g}</text>')
    out.append(f'<rect x="{left}" y="{top}" width="{pw}" height="{ph}" fill="none" stroke="#333"/>')
    out.append(f'<text x="{left + pw / 2}" y="{height - 12}" text-anchor="middle">training step</text>')
    out.append(f'<text transform="translate(18,{top + ph / 2}) rotate(-90)" text-anchor="middle">{escape(ylabel)}</text>')
    for i, (label, points) in enumerate(curves):
        color = COLORS[i % len(COLORS)]
        path = " ".join(f"{sx(x):.1f},{sy(y):.1f}" for x, y in points)
        out.append(f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="2"/>')
        for x, y in points:
            out.append(f'<circle cx="{sx(x):.1f}" cy="{sy(y):.1f}" r="2.5" fill="{color}"/>')
        ly = top + 10 + 20 * i
        out.append(f'<line x1="{left + pw + 12}" y1="{ly}" x2="{left + pw + 36}" y2="{ly}" stroke="{color}" stroke-width="2"/>')
        out.append(f'<text x="{left + pw + 42}" y="{ly + 4}">{escape(label)}</text>')
    out.append("</svg>\n")
    return "\n".join(out)


def escape(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def write_atomically(path, text):
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".plot-curves-")
    try:
        with os.fdopen(fd, "w") as f:
            f.write(text)
        os.replace(tmp, path)
    except OSError as e:
        os.unlink(tmp)
        fail(f"{path}: {e.strerror}")


def main():
    out, specs, options = parse(sys.argv[1:])
    column = options["--column"]
    curves = [read_curve(spec, column) for spec in specs]
    ylabel = options["--ylabel"] or {"val_bpc": "validation bits per character",
                                     "val_perplexity": "validation perplexity"}.get(column, column)
    write_atomically(out, render(curves, options["--title"], ylabel))


if __name__ == "__main__":
    main()
