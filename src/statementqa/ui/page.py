"""The web UI's page: the Gradio layout, its styles and scripts, and which handler each event calls.

Why apart from the handlers (:mod:`statementqa.ui.app`): this is the part only a browser can test
(tests/ui/test_ui_browser.py). It holds no logic of its own: every event calls an ``App`` method and
turns its result into Gradio updates. ``_Page`` names the components, ``_layout`` places them, and the
``_Handlers`` are wired to events in ``_wire``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from statementqa.config import Settings
from statementqa.render import VIEWER_EMPTY, answer_plain_text, conversation_sources_html, esc, upload_results_html
from statementqa.timeline import Timeline
from statementqa.ui.app import MAX_EXAMPLES, App, IndexLike
from statementqa.ui.session import Session
from statementqa.ui.uploads import UploadGate, allowed_types

CSS = """
.sqa-answer p { margin: 0 0 .4em 0; }
.sqa-refused .sqa-refusal-label { font-weight: 600; color: #b45309; margin-bottom: .3em; }
.sqa-error, .sqa-input-error { color: #b91c1c; }
.sqa-meta { font-size: .8em; opacity: .65; margin-top: .3em; }
.sqa-unsupported { font-size: .85em; background: #fee2e2; color: #7f1d1d; padding: .3em .5em;
  border-radius: 4px; margin: .3em 0; }
.sqa-notice { font-size: .85em; background: #fef3c7; color: #78350f; padding: .3em .5em; border-radius: 4px;
  margin: .3em 0; }
.sqa-refs { font-size: .9em; margin-top: .3em; }
a.sqa-cite { font-weight: 600; text-decoration: none; }
.sqa-source { border: 1px solid #d1d5db; border-radius: 6px; padding: .5em .7em; margin: .5em 0; }
.sqa-source:target { border-color: #2563eb; box-shadow: 0 0 0 2px #93c5fd; }
.sqa-source-title { font-weight: 600; }
.sqa-byline { font-size: .85em; opacity: .75; }
.sqa-context { margin: .4em 0 0 0; padding-left: .6em; border-left: 3px solid #d1d5db; font-size: .92em; }
.sqa-context mark, .sqa-viewer mark { background: #fde68a; color: inherit; padding: 0 .1em; }
.sqa-turn-q { font-weight: 600; margin: .2em 0 .4em 0; }
.sqa-uploads .sqa-upload-bad { color: #b91c1c; }
.sqa-uploads .sqa-upload-ok { color: #15803d; }
button.sqa-open { background: none; border: 0; padding: 0; cursor: pointer; color: #1d4ed8; font: inherit;
  text-align: left; }
button.sqa-open-title { font-weight: 600; color: inherit; text-decoration: underline dotted; }
button.sqa-open-button { display: block; margin-top: .35em; font-size: .85em; }
.sqa-viewer-title { font-weight: 600; font-size: 1.05em; }
.sqa-viewer-id, .sqa-viewer-for { font-size: .8em; opacity: .7; margin: .2em 0; }
.sqa-viewer-text { white-space: pre-wrap; margin-top: .6em; line-height: 1.45; }
.sqa-viewer mark.sqa-hl { outline: 2px solid #f59e0b; border-radius: 2px; }
#sqa-timeline-caption { font-size: .85em; opacity: .8; }
"""

# In the page (Gradio's ``head``): a click on [n] in an answer shows the Sources tab first, so the link
# can scroll to the source even while the statement viewer is open.
HEAD = """<script>
document.addEventListener('click', function (e) {
  var a = e.target && e.target.closest && e.target.closest('a.sqa-cite');
  if (!a) return;
  var tab = Array.from(document.querySelectorAll('button[role=tab]')).find(function (b) {
    return b.textContent.trim() === 'Sources'; });
  if (tab && tab.getAttribute('aria-selected') !== 'true') {
    tab.click();
    var id = (a.getAttribute('href') || '').slice(1);
    setTimeout(function () { var t = document.getElementById(id); if (t) t.scrollIntoView(); }, 150);
  }
}, true);
</script>"""

# The sources panel: a click on a source's title or "Read the whole statement" asks the server for the
# viewer (the statement id and turn travel as event data; the server only looks them up).
SOURCES_JS = """
element.addEventListener('click', (e) => {
  const b = e.target.closest('[data-sqa-open]');
  if (!b) return;
  e.preventDefault();
  trigger('click', {doc: b.getAttribute('data-sqa-open'), turn: b.getAttribute('data-sqa-turn') || ''});
});
"""

# The viewer: when a new statement is rendered (a new data-sqa-view token appears), scroll to its first
# highlighted quote once it is visible (the Statement tab may still be opening).
VIEWER_JS = """
let done = null;
const toFirst = () => {
  const view = element.querySelector('[data-sqa-view]');
  if (!view || view.getAttribute('data-sqa-view') === done) return;
  done = view.getAttribute('data-sqa-view');
  let tries = 0;
  const go = () => {
    const m = view.querySelector('mark[data-sqa-first]');
    if (m && m.offsetParent === null && tries++ < 60) { setTimeout(go, 50); return; }
    if (m) m.scrollIntoView({block: 'center'}); else view.scrollIntoView({block: 'nearest'});
  };
  go();
};
new MutationObserver(toFirst).observe(element, {childList: true, subtree: true});
toFirst();
"""

HEADER = (
    "## statementqa — what did they actually say?\n"
    "Answers come only from the indexed official statements. Every answer quotes its sources "
    "verbatim; click a [n] marker to see the quote inside its paragraph, and a source's title to read the "
    "whole statement. When the statements do not say, the app says so."
)



@dataclass
class _Page:
    """The components the events read and write."""

    session: Any
    saved: Any
    issuers: Any
    since: Any
    until: Any
    files: Any
    upload_result: Any
    index_panel: Any
    chatbot: Any
    question: Any
    ask: Any
    clear: Any
    examples: Any
    examples_timer: Any
    timeline_plot: Any
    timeline_caption: Any
    plain: Any
    download_md: Any
    download_json: Any
    tabs: Any
    sources_panel: Any
    viewer: Any


def build_ui(index: IndexLike, *, notice: str | None = None, settings: Settings | None = None) -> Any:
    """The Gradio Blocks app over ``index`` (``notice`` is shown in the index panel, e.g. first run)."""
    import gradio as gr

    app = App(index, settings, notice)
    app.examples_now()  # start the examples now (not at the first page load) when the cache is stale
    with gr.Blocks(title="statementqa", analytics_enabled=False, fill_width=True,
                   delete_cache=(3600, 86400)) as demo:
        page = _layout(gr, app)
        _wire(gr, demo, _Handlers(gr, app, page))
    app.gate = UploadGate.for_gradio(demo)  # only what this app's /upload wrote
    return demo


def _layout(gr: Any, app: App) -> _Page:
    storage_key, secret = app.storage_key()
    session = gr.State(Session())
    saved = gr.BrowserState(None, storage_key=storage_key, secret=secret)
    gr.Markdown(HEADER)
    with gr.Row(equal_height=False):
        with gr.Column(scale=1, min_width=280):
            left = _filters_column(gr, app)
        with gr.Column(scale=3, min_width=380):
            middle = _conversation_column(gr)
        with gr.Column(scale=2, min_width=320):
            right = _reading_column(gr, app)
    return _Page(session=session, saved=saved, examples_timer=gr.Timer(1.0, active=False), **left, **middle,
                 **right)


def _filters_column(gr: Any, app: App) -> dict[str, Any]:
    s = app.settings
    allowed = ", ".join(sorted(allowed_types(s)))
    with gr.Accordion("Filters (apply to every question)", open=True):
        issuers = gr.Dropdown(
            choices=app.sources(), value=[], multiselect=True, label="Issuing body",
            info="Empty = all", elem_id="sqa-issuers",
        )
        since = gr.DateTime(include_time=False, type="string", label="From", elem_id="sqa-since")
        until = gr.DateTime(include_time=False, type="string", label="Until", elem_id="sqa-until")
    with gr.Accordion("Add statements", open=False):
        files = gr.File(
            file_count="multiple", type="filepath", elem_id="sqa-upload",
            label=f"Upload ({allowed}; up to {s.upload_max_mb:g} MB each)",
        )
        upload_result = gr.HTML(elem_id="sqa-upload-result")
    with gr.Accordion("Index", open=True):
        index_panel = gr.HTML(app.index_panel, elem_id="sqa-index")
    return {"issuers": issuers, "since": since, "until": until, "files": files, "upload_result": upload_result,
            "index_panel": index_panel}


def _conversation_column(gr: Any) -> dict[str, Any]:
    from statementqa.timeline import CITED, MATCHING

    chatbot = gr.Chatbot(
        elem_id="sqa-chat", height=520, label="Conversation", latex_delimiters=[],
        sanitize_html=True, allow_tags=False, feedback_options=None, buttons=[],
        placeholder="Ask about the indexed statements. Follow-up questions work too.",
    )
    with gr.Row():
        question = gr.Textbox(
            show_label=False, placeholder="e.g. What did the minister announce?", scale=5,
            elem_id="sqa-question", max_lines=4,
        )
        ask = gr.Button("Ask", variant="primary", scale=1, min_width=90, elem_id="sqa-ask")
        clear = gr.Button("New chat", scale=1, min_width=130, elem_id="sqa-clear")
    examples = gr.Dataset(
        components=[question], samples=[], label="Example questions (they work on this index)",
        elem_id="sqa-examples", samples_per_page=MAX_EXAMPLES,
    )
    with gr.Accordion("When was it said: the matching statements over time", open=True):
        timeline_plot = gr.ScatterPlot(
            None, x="date", y="issuer", color="status", elem_id="sqa-timeline",
            color_map={CITED: "#dc2626", MATCHING: "#93c5fd"}, tooltip=["title", "cited as"],
            x_title="Date of the statement", y_title="Issuer", color_title="", height=220,
            show_label=False,
        )
        timeline_caption = gr.Markdown("Ask a question to see its statements on a time axis.",
                                       elem_id="sqa-timeline-caption")
    plain = gr.Textbox(
        label="Last answer with citations, as plain text (copy into a report)", lines=6,
        max_lines=14, interactive=False, buttons=["copy"], elem_id="sqa-plain",
    )
    with gr.Row():
        download_md = gr.DownloadButton("Download conversation (Markdown)", value=None,
                                        interactive=False, elem_id="sqa-download-md", size="sm")
        download_json = gr.DownloadButton("Download conversation (JSON)", value=None,
                                          interactive=False, elem_id="sqa-download-json", size="sm")
    return {"chatbot": chatbot, "question": question, "ask": ask, "clear": clear, "examples": examples,
            "timeline_plot": timeline_plot, "timeline_caption": timeline_caption, "plain": plain,
            "download_md": download_md, "download_json": download_json}


def _reading_column(gr: Any, app: App) -> dict[str, Any]:
    with gr.Tabs(selected="sources") as tabs:
        with gr.Tab("Sources", id="sources", elem_id="sqa-tab-sources"):
            sources_panel = gr.HTML(conversation_sources_html([], app.document), elem_id="sqa-sources",
                                    js_on_load=SOURCES_JS)
        with gr.Tab("Statement", id="statement", elem_id="sqa-tab-statement"):
            viewer = gr.HTML(VIEWER_EMPTY, elem_id="sqa-viewer", js_on_load=VIEWER_JS, max_height=760)
    return {"tabs": tabs, "sources_panel": sources_panel, "viewer": viewer}


class _Handlers:
    """What each event does: an ``App`` call turned into Gradio updates (the method names are the
    events' API names, e.g. ``/on_ask``)."""

    def __init__(self, gr: Any, app: App, page: _Page) -> None:
        self.gr = gr
        self.app = app
        self.p = page

    def current_view(self, sess: Session, current: list[str] | None) -> tuple[Any, Any]:
        """Issuer choices and the index panel, redrawn only when the index changed since this tab
        last drew them (an upload here, or `statementqa ingest` from another process)."""
        gr, app = self.gr, self.app
        gen = app.generation()
        if sess.generation == gen:
            return gr.skip(), gr.skip()
        sess.generation = gen
        choices = app.sources()
        return gr.Dropdown(choices=choices, value=[c for c in (current or []) if c in choices]), app.index_panel()

    def on_ask(self, q: str, sess: Session, iss: list[str] | None, a: str | None, b: str | None) -> Iterator[Any]:
        gr, app = self.gr, self.app

        def outputs(step: tuple[Any, ...], first: bool, last: bool) -> tuple[Any, ...]:
            msgs, new_sess, src_html, text = step
            view = self.current_view(new_sess, iss) if last else (gr.skip(), gr.skip())
            keep = app.saved_state(new_sess) if last and src_html is not None else gr.skip()
            return (msgs, new_sess, gr.skip() if src_html is None else src_html,
                    gr.skip() if text is None else text, "" if first else gr.skip(), *view, keep)

        # one step behind, so the last update (the one API clients get as the result) is complete
        previous, first = None, True
        for step in app.respond(q, sess, iss, a, b):
            if previous is not None:
                yield outputs(previous, first, last=False)
                first = False
            previous = step
        if previous is not None:
            yield outputs(previous, first, last=True)

    def chart(self, sess: Session, iss: list[str] | None, a: str | None, b: str | None) -> tuple[Any, Any]:
        from statementqa.timeline import frame

        gr = self.gr
        if not sess.answers:
            return gr.ScatterPlot(value=None), "Ask a question to see its statements on a time axis."
        tl = self.app.timeline(sess, iss, a, b)
        issuers_shown = len({p.issuer for p in tl.points})
        plot = gr.ScatterPlot(value=frame(tl) if tl.points else None, height=140 + 36 * max(1, issuers_shown),
                              x_lim=_padded_range(tl))
        return plot, esc(tl.caption())

    def downloads(self, sess: Session) -> tuple[Any, Any]:
        gr = self.gr
        files = self.app.export_files(sess)
        if files is None:
            return gr.DownloadButton(value=None, interactive=False), gr.DownloadButton(value=None,
                                                                                       interactive=False)
        md, js = files
        return gr.DownloadButton(value=str(md), interactive=True), gr.DownloadButton(value=str(js),
                                                                                     interactive=True)

    def after_answer(self, sess: Session, iss: list[str] | None, a: str | None, b: str | None) -> tuple[Any, ...]:
        """The chart and the downloads follow the answer (the answer is shown first)."""
        return (*self.chart(sess, iss, a, b), *self.downloads(sess))

    def on_clear(self) -> tuple[Any, ...]:
        app = self.app
        return ([], Session(), conversation_sources_html([], app.document), "", app.saved_state(Session()),
                VIEWER_EMPTY, self.gr.Tabs(selected="sources"), *self.after_answer(Session(), None, None, None))

    def on_example(self, sample: list[str]) -> str:
        return sample[0] if sample else ""

    def refresh_examples(self) -> tuple[Any, Any]:
        """The examples known now (none or the previous ones until the new ones are ready), and a
        timer that polls until they are."""
        found, ready = self.app.examples_now()
        return self.gr.Dataset(samples=[[q] for q in found]), self.gr.Timer(active=not ready)

    def poll_examples(self) -> tuple[Any, Any]:
        gr = self.gr
        found, ready = self.app.examples_now()
        return (gr.Dataset(samples=[[q] for q in found]) if ready else gr.skip()), gr.Timer(active=not ready)

    def on_upload(self, paths: list[str] | None, current: list[str] | None) -> tuple[Any, ...]:
        app = self.app
        outcomes = app.add_files(paths or [])
        choices = app.sources()
        keep = [c for c in (current or []) if c in choices]
        return upload_results_html(outcomes), self.gr.Dropdown(choices=choices, value=keep), app.index_panel(), None

    def on_load(self, sess: Session, current: list[str] | None, kept: object) -> tuple[Any, ...]:
        """A page (re)load: examples, filters, and the conversation this browser kept (checked again)."""
        gr, app = self.gr, self.app
        restored = app.restore(kept) if not sess.answers else sess
        restored.generation = sess.generation
        view = self.current_view(restored, current)
        if restored.answers:
            last = restored.answers[-1]
            convo = (restored.messages, conversation_sources_html(restored.answers, app.document),
                     answer_plain_text(last))
        else:
            convo = (gr.skip(), gr.skip(), gr.skip())
        return (*self.refresh_examples(), *view, restored, *convo)


def _wire(gr: Any, demo: Any, h: _Handlers) -> None:
    """Which handler each event calls, with which inputs and outputs."""
    p = h.p
    ask_inputs = [p.question, p.session, p.issuers, p.since, p.until]
    ask_outputs = [p.chatbot, p.session, p.sources_panel, p.plain, p.question, p.issuers, p.index_panel, p.saved]
    after_inputs = [p.session, p.issuers, p.since, p.until]
    after_outputs = [p.timeline_plot, p.timeline_caption, p.download_md, p.download_json]
    answering: list[Any] = []  # what New chat cancels: an answer (or its chart) must not land in the new chat
    for trigger in (p.ask.click, p.question.submit):
        asked = trigger(h.on_ask, ask_inputs, ask_outputs)
        answering += [asked, asked.then(h.after_answer, after_inputs, after_outputs, show_progress="hidden")]

    def on_open(sess: Session, evt: Any) -> tuple[Any, Any]:
        data = getattr(evt, "_data", None) or {}
        if not isinstance(data, dict) or not data.get("doc"):
            return gr.skip(), gr.skip()
        return h.app.open_statement(sess, data["doc"], data.get("turn")), gr.Tabs(selected="statement")

    on_open.__annotations__["evt"] = gr.EventData  # a real class: Gradio passes event data by this hint
    p.sources_panel.click(on_open, [p.session], [p.viewer, p.tabs], show_progress="hidden")

    asked = p.examples.click(h.on_example, p.examples, p.question).then(h.on_ask, ask_inputs, ask_outputs)
    answering += [asked, asked.then(h.after_answer, after_inputs, after_outputs, show_progress="hidden")]
    clear_outputs = [p.chatbot, p.session, p.sources_panel, p.plain, p.saved, p.viewer, p.tabs, *after_outputs]
    p.clear.click(h.on_clear, None, clear_outputs, cancels=answering)

    p.examples_timer.tick(h.poll_examples, None, [p.examples, p.examples_timer], show_progress="hidden",
                          concurrency_limit=None)
    p.files.upload(h.on_upload, [p.files, p.issuers], [p.upload_result, p.issuers, p.index_panel, p.files]).then(
        h.refresh_examples, None, [p.examples, p.examples_timer]
    )
    load_outputs = [p.examples, p.examples_timer, p.issuers, p.index_panel, p.session, p.chatbot, p.sources_panel,
                    p.plain]
    demo.load(h.on_load, [p.session, p.issuers, p.saved], load_outputs, concurrency_limit=None).then(
        h.after_answer, after_inputs, after_outputs, show_progress="hidden")


def _padded_range(tl: Timeline) -> list[float | None] | None:
    """x limits (epoch seconds) a little wider than the dates, so the first and last points are not cut."""
    if not tl.points:
        return None
    import calendar

    lo, hi = (calendar.timegm(d.timetuple()) for d in (tl.points[0].day, tl.points[-1].day))
    pad = max(20 * 86400, (hi - lo) * 0.04)
    return [lo - pad, hi + pad]
