"""The page's one inline style sheet: readable on a screen, and on paper.

The page loads nothing from elsewhere, so the style lives here and is
inlined. Colours that carry meaning (the rating bars) are kept when printed,
and every mark that matters also has a border, so it survives a printer
that drops backgrounds.
"""

from __future__ import annotations

from careerconv_core.domain.pinnacle import RATING_SCALE

CSS = """
:root{--ink:#1f2328;--muted:#59636e;--rule:#d0d7de;--bar:#7a9cc6;--focus:#2a7d4f;--target:#b3261e}
*{box-sizing:border-box}
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;color:var(--ink);
max-width:56rem;margin:2rem auto;padding:0 1rem}
h1{font-size:1.7rem;margin:0 0 .3rem}
h2{font-size:1.2rem;margin:1.8rem 0 .5rem;padding-bottom:.2rem;border-bottom:1px solid var(--rule)}
h3{font-size:1rem;margin:1rem 0 .3rem}
p,ul,dl{margin:.4rem 0}
.muted{color:var(--muted)}
.nowrap{white-space:nowrap}
.notice{border:2px solid var(--target);border-radius:4px;padding:.5rem .8rem;background:#fdf3f2}
.label{font-weight:600}
table{border-collapse:collapse;width:100%;margin:.6rem 0;table-layout:fixed}
th,td{border:1px solid var(--rule);padding:.4rem .5rem;text-align:left;vertical-align:top;
overflow-wrap:break-word}
thead th{background:#f3f4f6;font-weight:600}
.chart .comp-name{width:30%;font-weight:600}
.chart .view{width:28%}
.focus-mark{display:block;color:var(--focus);font-weight:600;font-size:.85rem}
.scale{position:relative;height:1.2rem;margin:.2rem 0 .3rem;border:1px solid #8c959f;
background:repeating-linear-gradient(90deg,transparent 0 calc(20% - 1px),var(--rule) calc(20% - 1px) 20%)}
.bar{position:absolute;left:0;top:0;bottom:0;background:var(--bar);border-right:2px solid #3d5a80}
.focus .bar{background:var(--focus);border-right-color:#1b5535}
.target{position:absolute;top:-.35rem;bottom:-.35rem;width:0;border-left:3px solid var(--target);
margin-left:-1.5px}
.figures{font-size:.85rem;color:var(--muted)}
.legend{font-size:.85rem;color:var(--muted)}
.legend .swatch{display:inline-block;width:1.6rem;height:.7rem;vertical-align:middle;border:1px solid #8c959f}
.swatch.own{background:var(--bar)}
.swatch.chosen{background:var(--focus)}
.legend .line{display:inline-block;height:1rem;vertical-align:middle;border-left:3px solid var(--target);
margin:0 .4rem}
.actions .what{width:26%}
.actions .who{width:12%}
.actions .due{width:14%}
.actions .state{width:10%}
dl.grow{display:grid;grid-template-columns:7rem 1fr;gap:.3rem .8rem}
dl.grow dt{font-weight:600}
dl.grow dd{margin:0}
.bar,.notice,.swatch,thead th{-webkit-print-color-adjust:exact;print-color-adjust:exact}
@media (max-width:40rem){.nowrap{white-space:normal}body{margin:1rem auto}}
@page{margin:14mm}
@media print{
body{max-width:none;margin:0;padding:0;font-size:10.5pt}
h2{break-after:avoid}
tr,li,.notice,dl.grow{break-inside:avoid}
}
"""
# A level's bar and mark are placed by class, not by a style attribute, so a page served
# under a Content Security Policy without inline style draws them the same.
_TOP = max(RATING_SCALE)
CSS += "".join(
    f".level-{n}{{width:{100 * n // _TOP}%}}.at-{n}{{left:{100 * n // _TOP}%}}" for n in RATING_SCALE
)
"""The page's style sheet, inlined in a ``<style>`` element (or served as a sheet: ``stylesheet``)."""
