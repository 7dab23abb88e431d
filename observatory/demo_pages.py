"""Demo content: the observatory's page under the home page, in the header's menu; its texts
are in `observatory/demo/pages.yaml`."""

from __future__ import annotations

from pathlib import Path

from home.demo_content import DemoRun, load_page_tree, register_step, sync_pages

from .models import ObservatoryPage

DATA = Path(__file__).resolve().parent / "demo" / "pages.yaml"


@register_step(order=70, label="Observatoire : page des indicateurs")
def observatory_page_step(run: DemoRun) -> str:
    spec = load_page_tree(DATA, [ObservatoryPage])
    sync_pages(run, parent=run.pages["accueil"], specs=[spec])
    return "page « Observatoire » prête"
