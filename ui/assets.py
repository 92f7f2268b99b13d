"""CSS and the small scripts of the chat page. All inline: the page loads nothing from outside
127.0.0.1."""

from __future__ import annotations

# Marker and source clicks: bring the highlighted span into view (opening a folded earlier answer).
HEAD = """<script>
(() => {
  function reveal(id) {
    const el = document.getElementById(id);
    if (!el) return false;
    const folded = el.closest('details');
    if (folded) folded.open = true;
    el.scrollIntoView({behavior: 'smooth', block: 'center'});
    el.classList.remove('rag-flash'); void el.offsetWidth; el.classList.add('rag-flash');
    return true;
  }
  document.addEventListener('click', (e) => {
    const a = e.target.closest && e.target.closest('a[href^="#rag-hl-"]');
    if (!a) return;
    e.preventDefault(); e.stopPropagation();
    const id = a.getAttribute('href').slice(1);
    let tries = 0;
    if (!reveal(id)) { const t = setInterval(() => { if (reveal(id) || ++tries > 20) clearInterval(t); }, 100); }
  }, true);
  // Copy buttons: the answer (or one citation) as plain text and HTML, prepared by the server.
  async function copy(text, html) {
    try {
      if (window.ClipboardItem && navigator.clipboard && navigator.clipboard.write) {
        await navigator.clipboard.write([new ClipboardItem({
          'text/plain': new Blob([text], {type: 'text/plain'}),
          'text/html': new Blob([html], {type: 'text/html'}),
        })]);
        return true;
      }
      await navigator.clipboard.writeText(text);
      return true;
    } catch (err) {
      // No clipboard API (or no permission): the old way, from a selected off-screen textarea.
      const area = document.createElement('textarea');
      area.value = text; area.style.position = 'fixed'; area.style.left = '-9999px';
      document.body.appendChild(area); area.select();
      const ok = document.execCommand('copy');
      area.remove();
      return ok;
    }
  }
  document.addEventListener('click', async (e) => {
    const b = e.target.closest && e.target.closest('.rag-copy');
    if (!b) return;
    e.preventDefault(); e.stopPropagation();
    // The chat's link names the sources panel's button, which carries what to copy.
    const src = b.tagName === 'A' ? document.getElementById(b.getAttribute('href').slice(1)) : b;
    const ok = !!src && await copy(src.dataset.copyText || '', src.dataset.copyHtml || '');
    if (!b.dataset.caption) b.dataset.caption = b.textContent;
    b.textContent = ok ? 'Copied' : 'Copy failed';
    b.classList.toggle('rag-copied', ok);
    setTimeout(() => { b.textContent = b.dataset.caption; b.classList.remove('rag-copied'); }, 1600);
  }, true);
  // A document opened from a source: once its highlight is on screen (the tab switch may lag the
  // render), scroll to it.
  let seen = null;
  new MutationObserver(() => {
    const mark = document.getElementById('rag-doc-mark');
    if (!mark || mark === seen) return;
    seen = mark;
    let tries = 0;
    const t = setInterval(() => {
      if (mark.offsetParent !== null) { clearInterval(t); reveal('rag-doc-mark'); }
      else if (++tries > 30) clearInterval(t);
    }, 100);
  }).observe(document.documentElement, {childList: true, subtree: true});
})();
</script>"""

# js_on_load of the sources panel and the corpus table: "Open in document" / "Read" buttons.
OPEN_DOC_JS = """
element.addEventListener('click', (e) => {
  const b = e.target.closest('button[data-doc]');
  if (!b) return;
  trigger('click', {doc_id: b.dataset.doc, start: Number(b.dataset.start), end: Number(b.dataset.end),
                    n: Number(b.dataset.n || 0)});
});
"""

CSS = """
.gradio-container { max-width: 1280px !important; margin: 0 auto; }
#rag-header h1 { font-size: 1.55rem; margin: 0.2rem 0 0.1rem; letter-spacing: -0.01em; }
#rag-header p { margin: 0; color: var(--body-text-color-subdued); }
.rag-answer p { margin: 0 0 0.4rem; }
.rag-text { line-height: 1.6; }
a.rag-cite { text-decoration: none; font-weight: 600; font-size: 0.8em; vertical-align: super; padding: 0 0.15em;
  color: var(--color-accent); border-radius: 4px; cursor: pointer; }
a.rag-cite:hover { background: var(--color-accent-soft); }
.rag-meta { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: center; font-size: 0.85em; }
.rag-badge { display: inline-block; padding: 0.15rem 0.55rem; border-radius: 999px; font-weight: 600; }
.rag-badge.ok { background: #e6f4ea; color: #1e6b35; border: 1px solid #b7dfc3; }
.rag-badge.warn { background: #fdf2e0; color: #8a5300; border: 1px solid #f1d39b; }
.rag-conf { color: var(--body-text-color-subdued); display: inline-flex; align-items: center; gap: 0.35rem; }
.rag-meter { display: inline-block; width: 56px; height: 6px; border-radius: 3px; background: #e5e7eb;
  overflow: hidden; }
.rag-meter span { display: block; height: 100%; background: #2f6fdf; }
.rag-conf.moderate .rag-meter span { background: #d08a00; }
.rag-conf.low .rag-meter span { background: #b54708; }
.rag-abstain { border-left: 4px solid #d08a00; padding-left: 0.7rem; }
.rag-sources, .rag-reader, .rag-corpus { font-size: 0.93rem; }
.rag-h { font-size: 1.05rem; margin: 0.1rem 0 0.2rem; }
.rag-h small { font-weight: 400; color: var(--body-text-color-subdued); }
.rag-q { margin: 0 0 0.6rem; color: var(--body-text-color-subdued); font-style: italic; }
.rag-list { list-style: none; padding: 0; margin: 0; display: flex; flex-direction: column; gap: 0.7rem; }
.rag-source { border: 1px solid var(--border-color-primary); border-radius: 10px; padding: 0.65rem 0.8rem;
  background: var(--background-fill-primary); }
.rag-src-head { display: flex; gap: 0.5rem; align-items: baseline; justify-content: flex-start; text-align: left;
  text-decoration: none !important; color: inherit !important; font-weight: 600; }
.rag-src-head:hover .rag-title { text-decoration: underline; }
.rag-note-small { font-size: 0.88em; color: var(--body-text-color-subdued); }
.rag-n { display: inline-flex; justify-content: center; min-width: 1.5em; border-radius: 6px; font-size: 0.85em;
  background: var(--color-accent-soft); color: var(--color-accent); }
.rag-byline { color: var(--body-text-color-subdued); font-size: 0.85em; margin: 0.15rem 0 0.4rem; }
.rag-passage { margin: 0; padding: 0.45rem 0.65rem; border-left: 3px solid var(--border-color-primary);
  background: var(--background-fill-secondary); border-radius: 0 6px 6px 0; white-space: pre-wrap; line-height: 1.55;
  }
/* Highlights set their own text colour: inheriting it put the dark theme's near-white text on pale yellow. */
mark { background: #fff0a8; color: #1f2328; padding: 0.05em 0.1em; border-radius: 3px; box-shadow: 0 0 0 1px #f0d264; }
mark.rag-flash { animation: rag-flash 1.6s ease-out; }
@keyframes rag-flash { 0% { background: #ffc933; box-shadow: 0 0 0 4px #ffd75e; } 100% { background: #fff0a8; } }
.dark mark { background: #5c4a00; color: #fff4c7; box-shadow: 0 0 0 1px #8a7000; }
.dark mark.rag-flash { animation: rag-flash-dark 1.6s ease-out; }
@keyframes rag-flash-dark { 0% { background: #8a6d00; box-shadow: 0 0 0 4px #a88600; } 100% { background: #5c4a00; } }
.rag-foot { display: flex; justify-content: space-between; align-items: center; gap: 0.5rem; margin-top: 0.45rem;
  font-size: 0.8em; color: var(--body-text-color-subdued); }
.rag-open { border: 1px solid var(--border-color-primary); border-radius: 6px; padding: 0.15rem 0.55rem;
  background: var(--background-fill-primary); cursor: pointer; font-size: 0.95em; color: var(--color-accent);
  white-space: nowrap; }
.rag-open:hover, .rag-copy:hover { background: var(--color-accent-soft); }
.rag-actions { display: inline-flex; gap: 0.35rem; flex-wrap: wrap; justify-content: flex-end; }
.rag-copy { border: 1px solid var(--border-color-primary); border-radius: 6px; padding: 0.1rem 0.5rem;
  background: var(--background-fill-primary); cursor: pointer; font-size: 0.85em; color: var(--body-text-color);
  white-space: nowrap; }
.rag-h .rag-copy { float: right; font-weight: 400; font-size: 0.8em; }
a.rag-copy { text-decoration: none; display: inline-block; }
.rag-copy.rag-copied { color: var(--color-accent); border-color: var(--color-accent); }
/* "New chat" is a button of its own beside "Ask": Gradio's trash icon sat over the first question. */
#rag-chat .icon-button-wrapper { display: none !important; }
.rag-md { white-space: normal; }
.rag-md h3, .rag-md h4, .rag-md h5, .rag-md h6 { margin: 0.8rem 0 0.4rem; }
.rag-md p, .rag-md blockquote, .rag-md pre { margin: 0 0 0.7rem; }
.rag-md blockquote { border-left: 3px solid var(--border-color-primary); padding-left: 0.7rem;
  color: var(--body-text-color-subdued); }
.rag-md pre { white-space: pre-wrap; font-family: var(--font-mono); }
.rag-md-li { margin: 0 0 0.3rem 0.4rem; }
.rag-md-bullet { display: inline-block; min-width: 1.2em; color: var(--body-text-color-subdued); }
.rag-earlier { margin-top: 0.8rem; border-top: 1px dashed var(--border-color-primary); padding-top: 0.5rem; }
.rag-earlier summary { cursor: pointer; color: var(--body-text-color-subdued); }
.rag-empty p { color: var(--body-text-color-subdued); }
.rag-corpus table { width: 100%; border-collapse: collapse; }
.rag-corpus table, .rag-corpus tr, .rag-corpus th, .rag-corpus td { border: none !important; }
.rag-corpus th, .rag-corpus td { text-align: left; padding: 0.45rem 0.5rem; vertical-align: top;
  border-bottom: 1px solid var(--border-color-primary) !important; }
.rag-corpus th { font-size: 0.85em; color: var(--body-text-color-subdued); font-weight: 600; }
.rag-corpus td.num { text-align: right; font-variant-numeric: tabular-nums; }
.rag-note { background: #fff8d6; color: #1f2328; border: 1px solid #f0d264; border-radius: 6px;
  padding: 0.3rem 0.6rem; }
.dark .rag-note { background: #3b3100; color: #fff4c7; border-color: #8a7000; }
.dark .rag-badge.ok { background: #10361d; color: #a7e8bb; border-color: #2c6e40; }
.dark .rag-badge.warn { background: #3d2a00; color: #ffd68a; border-color: #7a5600; }
.dark .rag-meter { background: #374151; }
.rag-doc { white-space: pre-wrap; line-height: 1.6; max-height: 34rem; overflow-y: auto; padding: 0.8rem 1rem;
  border: 1px solid var(--border-color-primary); border-radius: 8px; background: var(--background-fill-primary); }
#rag-sources-panel { max-height: 78vh; overflow-y: auto; }
/* Document text may hold a line of thousands of characters without a space: wrap it inside its box
   rather than widen the page or scroll sideways. */
.rag-user, .rag-answer, .rag-q, .rag-passage, .rag-doc, .rag-title, .rag-byline, .rag-foot code,
.rag-earlier summary { overflow-wrap: anywhere; }
.rag-corpus td { overflow-wrap: break-word; }  /* "anywhere" would let table columns shrink mid-word */
"""
