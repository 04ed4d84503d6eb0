# Renders a tmux capture (capture-pane -e -p) as HTML, for docs/inspect.png.
# Usage: python3 docs/ansi2html.py capture.ansi > capture.html
import re, html, sys
src = open(sys.argv[1]).read().rstrip('\n')
pal = {30:'#2e3436',31:'#ff6b6b',32:'#8ae234',33:'#fcc44f',34:'#6fa8ff',35:'#d88bff',36:'#4fd6d6',37:'#d3d7cf',
       90:'#777',91:'#ff8f8f',92:'#b5f07a',93:'#ffe17a',94:'#9cc3ff',95:'#e7b3ff',96:'#8ff0f0',97:'#fff'}
st = dict(b=False, d=False, u=False, fg=None, bg=None)
out = []
def span_open():
    css = []
    fg = st['fg']
    if fg is not None and st['b'] and 30 <= fg <= 37: fg += 60
    if fg is not None: css.append('color:%s' % pal[fg])
    if st['bg'] is not None: css.append('background:%s' % pal[st['bg']-10])
    if st['b']: css.append('font-weight:700')
    if st['d']: css.append('opacity:.55')
    if st['u']: css.append('text-decoration:underline')
    return '<span style="%s">' % ';'.join(css) if css else '<span>'
pos = 0
cur = span_open()
out.append(cur)
for m in re.finditer(r'\x1b\[([0-9;]*)m', src):
    out.append(html.escape(src[pos:m.start()]))
    pos = m.end()
    codes = [int(c) if c else 0 for c in m.group(1).split(';')]
    i = 0
    while i < len(codes):
        c = codes[i]
        if c == 0: st.update(b=False, d=False, u=False, fg=None, bg=None)
        elif c == 1: st['b'] = True
        elif c == 2: st['d'] = True
        elif c == 4: st['u'] = True
        elif c == 22: st['b'] = st['d'] = False
        elif c == 24: st['u'] = False
        elif 30 <= c <= 37 or 90 <= c <= 97: st['fg'] = c
        elif c == 39: st['fg'] = None
        elif 40 <= c <= 47: st['bg'] = c
        elif c == 49: st['bg'] = None
        i += 1
    out.append('</span>' + span_open())
out.append(html.escape(src[pos:]) + '</span>')
body = ''.join(out)
print('<!DOCTYPE html><html><head><meta charset="utf-8"><style>body{margin:0;background:#1e1e1e}'
      'pre{margin:0;padding:14px 18px;color:#d3d7cf;font:14px/1.35 "DejaVu Sans Mono",monospace;white-space:pre}</style></head>'
      '<body><pre>' + body + '</pre></body></html>')
