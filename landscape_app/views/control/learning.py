"""Iterated learning: each round stores what the controls recorded (T ← T + ξ_∞); earlier
memories are kept, forgotten or restored."""

import html

import holoviews as hv
import numpy as np
import panel as pn

from ...control.learning import STATUSES
from ...page_models.control.session import ControlSession
from ..common.url import linked
from ..common.widgets import MessageBox, heading, plot_pane, text_pane

STATUS_COLORS = {"initial": "#7f7f7f", "stored": "#1f77b4", "kept": "#2ca02c",
                 "forgotten": "#d62728", "restored": "#9467bd", "still forgotten": "#d62728"}


class LearningView(pn.viewable.Viewer):
    """Learn from u(0) round by round; the memories and their status after each round."""

    def __init__(self, session: ControlSession):
        super().__init__()
        self.session = session
        self.model = session.model
        self.pipe = hv.streams.Pipe(data=None)
        self.plot = hv.DynamicMap(self._memories, streams=[self.pipe])
        self.learn_button = pn.widgets.Button(label="Learn one round", color="primary")
        self.learn_button.on_click(lambda e: self.learn())
        self.reset_button = pn.widgets.Button(label="Reset T to A")
        self.reset_button.on_click(lambda e: self.reset())
        self.table = text_pane("")
        self.status = text_pane("")
        self.note = MessageBox()
        session.param.watch(lambda event: self._rounds_changed(), "rounds")
        self.redraw()

    def _memories(self, data):
        if data is None:
            data = {"points": np.zeros((0, 3)), "starts": np.zeros((0, 2)),
                    "equilibria": np.zeros((0, 2))}
        points = data["points"]
        layers = [hv.Points(data["equilibria"], ["u₁", "u₂"], label="equilibria of T").opts(
            marker="circle", size=18, fill_alpha=0, line_color="black", line_width=2)]
        for status, color in STATUS_COLORS.items():
            chosen = points[points[:, 2] == list(STATUS_COLORS).index(status)][:, :2] \
                if len(points) else np.zeros((0, 2))
            if not len(chosen):  # one invisible point: an empty layer's legend has no symbol
                chosen = np.full((1, 2), np.nan)
            layers.append(hv.Points(chosen, ["u₁", "u₂"], label=status).opts(
                color=color, size=11, marker="x" if "forgotten" in status else "circle",
                line_width=3))
        starts = data["starts"] if len(data["starts"]) else np.full((1, 2), np.nan)
        layers.append(hv.Points(starts, ["u₁", "u₂"], label="u(0) of a round").opts(
            marker="square", color="white", line_color="black", size=9))
        return hv.Overlay(layers).opts(width=520, height=460, xlim=(-1.6, 1.6),
                                       ylim=(-1.6, 1.6), legend_position="right",
                                       title="memories after the last round", show_grid=True)

    def learn(self):
        try:
            round_ = self.session.learn()
        except (ValueError, FloatingPointError) as error:
            self.note.show(f"Could not learn: {error}", "danger")
            return
        self.note.show(round_.describe(), "info")

    def reset(self):
        self.session.reset_learning()

    def _rounds_changed(self):
        last = self.session.last_round
        if last is None:
            self.note.clear()
        else:
            self.note.show(last.describe(), "info")
        self.redraw()

    def redraw(self):
        history = self.model.history
        memories = history.memories
        last = history.rounds[-1] if history.rounds else None
        rows = []
        for index, memory in enumerate(memories):
            status = last.statuses[index] if last and index < len(last.statuses) else "initial"
            rows.append((*memory.position[:2], list(STATUS_COLORS).index(status)))
        equilibria = self.model.equilibria() if self.model.n_neurons == 2 else np.zeros((0, 2))
        starts = np.array([r.u0[:2] for r in history.rounds]).reshape(-1, 2)
        self.pipe.send({"points": np.array(rows).reshape(-1, 3), "starts": starts,
                        "equilibria": equilibria})
        self.table.value = self._table()
        T = self.model.T
        self.status.value = html.escape(
            f"round {len(history.rounds)}: T = {np.array2string(T, precision=3)}; "
            f"max |T − A| = {np.max(np.abs(T - self.model.A)):.3f} (K = {self.model.K:g})")

    def _table(self) -> str:
        history = self.model.history
        head = "".join(f"<th>round {r.index}</th>" for r in history.rounds)
        body = []
        for index, memory in enumerate(history.memories):
            where = ", ".join(f"{x:.3f}" for x in memory.position[:2])
            cells = []
            for r in history.rounds:
                if index >= len(r.statuses):
                    cells.append("<td></td>")
                    continue
                s = r.statuses[index]
                cells.append(f'<td style="color:{STATUS_COLORS[s]}" title="accumulated change '
                             f'{r.change[index]:.3f}">{s} ({r.change[index]:.2f})</td>')
            body.append(f"<tr><td>#{index} ({where}), from round {memory.stored_at}</td>"
                        + "".join(cells) + "</tr>")
        return ('<table class="memory-table" style="font-size:1.05em;border-spacing:12px 4px">'
                f"<tr><th>memory ū</th>{head}</tr>{''.join(body)}</table>"
                "<div style='max-width:720px'>In brackets: max |ΔT<sub>ij</sub>| since the "
                "memory was stored. A memory is kept while the network started at ū settles "
                "within K of it.</div>")

    def url_parameters(self):
        """This tab's settings in the page's URL (``common.tabs``)."""
        return [linked(self.session, ["rounds"])]

    def controls(self):
        return pn.Column(heading("Iterated learning"), text_pane(
            f"Each round solves from u(0) (set it on the Phase plane tab) and, if the "
            f"pattern was recorded, adds ξ<sub>∞</sub> to T. Statuses: {', '.join(STATUSES)}."),
            self.learn_button, self.reset_button, width=320)

    def main(self):
        return pn.Column(self.note, self.status, plot_pane(self.plot), self.table,
                         sizing_mode="stretch_width")

    def __panel__(self):
        return pn.Row(self.controls(), self.main())
