"""Check a page with axe-core, the accessibility engine (npm `axe-core`, installed by
`scripts/services tools` under var/npm/), injected into the page by Playwright.

Injected through the DevTools protocol (`page.evaluate`), which the site's Content-Security-Policy
does not govern, so the page is checked exactly as people get it.
"""

from pathlib import Path

from playwright.sync_api import Page

AXE = (
    Path(__file__).resolve().parents[2] / "var" / "npm" / "node_modules" / "axe-core" / "axe.min.js"
)
# Every violation of these counts: only "minor" ones are left to judgement.
IMPACTS = ("moderate", "serious", "critical")


def axe_violations(page: Page) -> list[str]:
    """Return one line per accessibility violation axe-core finds on the page as it is now."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text())
    result = page.evaluate("async () => await window.axe.run(document)")
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} — "
        + "; ".join(" ".join(node["target"]) for node in violation["nodes"][:3])
        for violation in result["violations"]
        if violation["impact"] in IMPACTS
    ]


def assert_accessible(page: Page) -> None:
    """Fail on any moderate, serious or critical violation, naming each and where it is."""
    violations = axe_violations(page)
    assert not violations, f"{page.url}:\n" + "\n".join(violations)
